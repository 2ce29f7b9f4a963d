"""The loyalty slips as text, 42 columns wide: what the thermal printer and the demo print.

Fiscal receipts are the registered cash register's job; these slips show the card's side:
the sale's (`format_slip`, printed with the receipt code as a barcode under it) and the
return's (`format_return_slip`, signed by the customer). Points are «баллы» on paper, as
the programme's rules call them.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.money import Points
from bonuspos.domain.quote import CapReason
from bonuspos.services.views import CardView, Receipt, ReturnReceipt

if TYPE_CHECKING:
    from bonuspos.services.end_of_day import DayReport

WIDTH = 42

TENDER_NAMES = {
    TenderKind.CASH: "Наличные",
    TenderKind.BANK_CARD: "Банковская карта",
    TenderKind.INSTALLMENT_CARD: "Карта рассрочки",
    TenderKind.CREDIT: "Кредит / рассрочка банка",
}

CHANNEL_NAMES = {
    Channel.IN_STORE: "",
    Channel.WEB_PICKUP: "Заказ интернет-магазина",
    Channel.PHONE: "Заказ по телефону",
}

EXCLUSION_NOTES = {
    "promotional": "акция: без баллов",
    "discounted": "скидка: без баллов",
    "credit_tender": "кредит: без баллов",
}


def _row(left: str, right: str) -> str:
    room = WIDTH - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def _wrapped(text: str) -> list[str]:
    """A name on up to two lines: the whole model number matters when goods come back."""
    return textwrap.wrap(text, WIDTH, max_lines=2, placeholder="…") or [""]


def _when(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def _balance(card: CardView) -> list[str]:
    out = [_row("Доступно баллов", str(card.balance.active))]
    if card.balance.pending:
        out.append(_row("Ожидают начисления", str(card.balance.pending)))
    return out


def format_slip(receipt: Receipt, *, zone: str = "Europe/Minsk") -> str:
    when = _when(receipt.occurred_at, zone)
    out = [
        "ЛЮБИМЫЙ ПОКУПАТЕЛЬ".center(WIDTH),
        _row(f"Чек №{receipt.number}", when),
    ]
    if receipt.channel is not Channel.IN_STORE:
        ref = f" №{receipt.order_ref}" if receipt.order_ref else ""
        out.append(CHANNEL_NAMES[receipt.channel] + ref)
    if receipt.offline:
        out.append("Касса без связи с сервером")
    out.append("-" * WIDTH)
    for line in receipt.lines:
        out.extend(_wrapped(line.name))
        out.append(_row(f"  {line.quantity} x {line.unit_price.number()}", line.amount.number()))
        if line.exclusion in EXCLUSION_NOTES:
            out.append(f"  {EXCLUSION_NOTES[line.exclusion]}")
    out.append("-" * WIDTH)
    out.append(_row("ИТОГО", str(receipt.total)))
    why_spent = _why_spent(receipt)
    if receipt.spent or why_spent:
        out.append(_row("Оплачено баллами", _minus(receipt.spent)))
    if why_spent:
        out.append(f"  {why_spent}")
    out.append(_row("К оплате", str(receipt.due)))
    for kind, amount in receipt.tenders:
        out.append(_row(f"  {TENDER_NAMES[kind]}", amount.number()))
    if receipt.card is not None:
        card = receipt.card
        out.append("-" * WIDTH)
        out.append(_row("Карта", card.phone.masked()))
        out.append(_row("Начислено", str(receipt.earned)))
        if receipt.earned:
            out.append(_row("  доступны с", receipt.activates_on.strftime("%d.%m.%Y")))
        else:
            out.append(f"  {_why_nothing_earned(receipt)}")
        out.extend(_balance(card))
    if receipt.staff_name:
        out.append("-" * WIDTH)
        out.append(f"Кассир: {receipt.staff_name}"[:WIDTH])
    return "\n".join(out)


def _minus(points: Points) -> str:
    return f"-{points.number()}" if points else points.number()


def _why_spent(receipt: Receipt) -> str | None:
    """Why the points paid are no more, in one line; None when the customer chose less
    than the most, or had no card to pay with."""
    if receipt.card is None:
        return None
    reason = receipt.cap_reason or _reason_on_paper(receipt)
    if reason is None or (receipt.cap is not None and receipt.spent < receipt.cap):
        return None
    if reason is CapReason.PERCENT:
        eligible = sum(line.amount.minor for line in receipt.lines if line.exclusion is None)
        share = round(receipt.spent.minor * 100 / eligible) if eligible else 0
        return f"не больше {share}% суммы товаров без акций"
    if reason is CapReason.BALANCE:
        return _why_balance(receipt)
    if reason is CapReason.OFFLINE_LIMIT:
        return "без связи: лимит списания на день"
    if reason is CapReason.NOTHING_ELIGIBLE:
        return f"{_excluded_goods(receipt)}: баллами не оплатить"
    if reason is CapReason.CREDIT_TENDER:
        return "кредит/рассрочка: баллы не списываются"
    return None


def _reason_on_paper(receipt: Receipt) -> CapReason | None:
    """What a reprint still knows from the sale's own lines and tenders."""
    if any(kind.blocks_points for kind, _ in receipt.tenders):
        return CapReason.CREDIT_TENDER
    if all(line.exclusion for line in receipt.lines):
        return CapReason.NOTHING_ELIGIBLE
    return None


def _why_balance(receipt: Receipt) -> str:
    """The card's active points ran out; those earned lately wait for their day."""
    before = receipt.before
    if before is not None and before.pending and before.next_activation is not None:
        when = before.next_activation.strftime("%d.%m.%Y")
        if before.next_activation == receipt.activates_on:
            return f"баллы за сегодня доступны с {when}"
        return f"недавние баллы доступны с {when}"
    if receipt.spent:
        return "списаны все доступные баллы"
    return "на карте нет доступных баллов"


def _why_nothing_earned(receipt: Receipt) -> str:
    if any(line.exclusion == "credit_tender" for line in receipt.lines):
        return "кредит/рассрочка: баллы не начисляются"
    if any(line.exclusion for line in receipt.lines):
        return f"{_excluded_goods(receipt)}: баллы не начисляются"
    return "за эти товары баллы не начисляются"


def _excluded_goods(receipt: Receipt) -> str:
    kinds = {line.exclusion for line in receipt.lines if line.exclusion}
    if kinds == {"discounted"}:
        return "товары со скидкой"
    if "discounted" in kinds:
        return "акция и скидки"
    return "товары по акции"


def format_return_slip(receipt: ReturnReceipt, *, zone: str = "Europe/Minsk") -> str:
    """The return's slip: what went back, the money per tender, the points both ways, and
    a line for the customer's signature (the store keeps the signed copy).

    Printed without a barcode (`print_slip(text, None)`): the code on paper is what the
    return screen scans to find a sale, and a return's id coded the same way would be
    taken for a sale's and found nowhere. The sale's own code is on the sale's receipt.
    """
    out = ["ВОЗВРАТ".center(WIDTH)]
    if receipt.occurred_at is not None:
        out.append(_row("Дата возврата", _when(receipt.occurred_at, zone)))
    sale = f"По чеку продажи №{receipt.sale_number}"
    # Store and till are filled in only for another till's sale: its number is that till's
    # count, so the slip says whose.
    if receipt.store or receipt.till:
        sale += f", магазин {receipt.store}, касса {receipt.till}"
    out.extend(_wrapped(sale))
    out.append("-" * WIDTH)
    for line in receipt.lines:
        out.extend(_wrapped(line.name))
        out.append(_row(f"  {line.quantity} шт.", line.money_back.number()))
    out.append("-" * WIDTH)
    out.append(_row("ВОЗВРАЩЕНО", str(receipt.money_back)))
    for kind, amount in receipt.by_tender:
        out.append(_row(f"  {TENDER_NAMES[kind]}", amount.number()))
    if receipt.card is not None or receipt.points_taken_back or receipt.points_given_back:
        out.append("-" * WIDTH)
        if receipt.card is not None:
            out.append(_row("Карта", receipt.card.phone.masked()))
        # Both lines always, zeros too: the customer checks the card against the slip.
        out.append(_row("Списано начисленных баллов", _signed(-receipt.points_taken_back)))
        out.append(_row("Возвращено баллов на карту", _signed(receipt.points_given_back)))
        if receipt.card is not None:
            out.extend(_balance(receipt.card))
    out.append("-" * WIDTH)
    if receipt.staff_name:
        out.append(f"Кассир: {receipt.staff_name}"[:WIDTH])
    if receipt.approved_by:
        out.append(f"Подтвердил: {receipt.approved_by}"[:WIDTH])
    out.append("")
    out.append("Деньги и баллы получил(а).")
    out.append("")
    out.append(_row("Подпись покупателя", "_" * 18))
    return "\n".join(out)


def _signed(points: Points) -> str:
    """Points with their direction for the card: `+5,00 б.`, `-1,20 б.`, `0,00 б.`."""
    return f"+{points}" if points.minor > 0 else str(points)


def format_day_slip(report: DayReport, *, zone: str = "Europe/Minsk") -> str:
    """The day's summary for the manager's folder: a row agreeing shows one figure, a row
    that does not shows the till's, the server's and the difference, so the eye stops there.
    """
    out = ["ИТОГИ ДНЯ".center(WIDTH)]
    out.append(
        _row(f"Магазин {report.store}, касса {report.till}", report.day.strftime("%d.%m.%Y"))
    )
    out.append(_row("Сформирован", _when(report.made_at, zone)))
    out.append("-" * WIDTH)
    if report.server_totals is None:
        out.extend(_wrapped("Сервер не ответил: цифры кассы, без сверки"))
        out.append("-" * WIDTH)
    for what, till, server, difference, agrees in _day_rows(report):
        if agrees:
            out.append(_row(what, till))
            continue
        out.extend(_wrapped(what))
        out.append(_row("  касса", till))
        if server:
            out.append(_row("  сервер", server))
            out.append(_row("  РАЗНИЦА", difference))
    out.append("-" * WIDTH)
    if report.unsent:
        out.append(_row("Не отправлено событий", str(report.unsent)))
    if report.resent:
        out.append(_row("Отправлено повторно", str(report.resent)))
    if report.missing_on_server:
        out.append(_row("Нет на сервере событий", str(len(report.missing_on_server))))
    if report.unknown_to_till:
        out.append(_row("Неизвестных кассе событий", str(len(report.unknown_to_till))))
    if report.flagged:
        out.append(_row("Отмечено сервером", str(len(report.flagged))))
        for note in report.flagged:
            out.append(_row(f"  {note.flag}", _when(note.occurred_at, zone)[-5:]))
    verdict = "СХОДИТСЯ С СЕРВЕРОМ" if report.agrees else "НЕ СХОДИТСЯ: см. отчёт"
    out.append("=" * WIDTH)
    out.append(verdict.center(WIDTH))
    out.append("")
    out.append(_row("Менеджер", "_" * 18))
    return "\n".join(out)


def _day_rows(report: DayReport) -> list[tuple[str, str, str, str, bool]]:
    if report.rows:
        return [(r.what, r.till, r.server, r.difference, r.agrees) for r in report.rows]
    # No server: the till's figures alone, each on one line as if agreeing.
    from bonuspos.domain.day import compare

    return [(r.what, r.till, "", "", True) for r in compare(report.till_totals, report.till_totals)]
