"""The loyalty slip as text, 42 columns wide: what the thermal printer and the demo print.

Fiscal receipts are the registered cash register's job; this slip shows the card's side.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.services.views import Receipt

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
    "promotional": "акция: без бонусов",
    "discounted": "скидка: без бонусов",
    "credit_tender": "кредит: без бонусов",
}


def _row(left: str, right: str) -> str:
    room = WIDTH - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def format_slip(receipt: Receipt, *, zone: str = "Europe/Minsk") -> str:
    when = receipt.occurred_at.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")
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
        out.append(line.name[:WIDTH])
        out.append(_row(f"  {line.quantity} x {line.unit_price.number()}", line.amount.number()))
        if line.exclusion in EXCLUSION_NOTES:
            out.append(f"  {EXCLUSION_NOTES[line.exclusion]}")
    out.append("-" * WIDTH)
    out.append(_row("ИТОГО", str(receipt.total)))
    if receipt.spent:
        out.append(_row("Оплачено баллами", f"-{receipt.spent.number()}"))
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
        out.append(_row("Доступно баллов", str(card.balance.active)))
        if card.balance.pending:
            out.append(_row("Ожидают начисления", str(card.balance.pending)))
    return "\n".join(out)
