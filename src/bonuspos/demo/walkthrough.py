"""`bonuspos demo --text`: a walk through the programme in the terminal over a fresh demo till.

The rules at work without a screen (a server PC, a terminal over ssh): a customer joins,
a sale earns points, the same card is refused spending that day, and the next day's sale
is offered up to 30%. Every step runs through the same services the screens call.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bonuspos import paths
from bonuspos.domain.cart import Cart, TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points
from bonuspos.domain.quote import CapReason
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock, SystemClock
from bonuspos.services.slip import WIDTH, format_slip
from bonuspos.services.till import Till
from bonuspos.services.views import CheckoutQuote, Receipt

MINSK = ZoneInfo("Europe/Minsk")


def _offer(q: CheckoutQuote) -> str:
    quote = q.quote
    lines = [
        f"  Сумма чека: {quote.total}; без акций: {quote.eligible}",
        f"  Можно списать: {quote.cap} — {_why(q)}",
    ]
    if q.card is not None:
        balance = q.card.balance
        lines.append(f"  Баллы карты: доступно {balance.active}, ожидают {balance.pending}")
    for lq in quote.lines:
        if lq.exclusion is not None:
            lines.append(f"  «{lq.line.name}»: {lq.exclusion.explanation}")
    if quote.earns:
        lines.append(f"  Будет начислено: {quote.earns} (доступны с {quote.activates_on:%d.%m.%Y})")
    else:
        lines.append("  Баллы за эту покупку не начисляются")
    return "\n".join(lines)


def _why(q: CheckoutQuote) -> str:
    balance = q.card.balance if q.card else None
    if q.quote.cap_reason is CapReason.BALANCE and balance and not balance.active.minor > 0:
        if balance.pending and balance.next_activation:
            return (
                f"доступных баллов нет; {balance.pending} станут доступны "
                f"{balance.next_activation:%d.%m.%Y}"
            )
        return "доступных баллов нет"
    return q.quote.cap_reason.explanation


def _slip(receipt: Receipt) -> str:
    """The slip as a printer gives it: a terminal shows the barcode by its digits alone."""
    return "\n".join((format_slip(receipt), "", "[штрихкод чека]".center(WIDTH), receipt.code))


def _pay(till: Till, q: CheckoutQuote, spend: Points = Points(0)) -> Receipt:
    """Complete the sale as quoted, paying what points leave in the quote's tender."""
    return till.checkout.complete(SaleRequest.of(q.offer(spend), new_sale_id()))


def run(out: Callable[[str], None] = print, data_dir: Path | None = None) -> None:
    folder = data_dir or Path(tempfile.mkdtemp(prefix="bonuspos-demo-"))
    if (folder / "till.sqlite3").exists():
        raise InvalidInput(f"В папке {folder} уже есть база кассы: демо проходит на новой папке")
    today = SystemClock().now().astimezone(MINSK).date()
    clock = ManualClock(datetime.combine(today, time(11, 5), MINSK))
    with Till(folder, clock) as till:
        till.catalog.load_csv(paths.demo_catalog())

        def step(title: str) -> None:
            out("")
            out(f"=== {clock.now():%d.%m.%Y %H:%M} — {title}")

        step("Покупательница заполняет анкету")
        card = till.registration.register(
            CustomerForm("Иванова Анна Сергеевна", "8 029 123-45-67", True, True)
        )
        out(f"  Карта оформлена: {card.full_name}, {card.phone.masked()}. Работает сразу.")

        step("Кассир вводит номер «+375 29 123-45-67»")
        found = till.lookup.find("+375 29 123-45-67")
        assert found is not None
        out(f"  Найдена карта: {found.full_name}, доступно {found.balance.active}")

        step("Покупка: телевизор и кабель, оплата банковской картой")
        cart = (
            Cart()
            .add(till.catalog.find("4810000000012").line())
            .add(till.catalog.find("CB-USBC").line(2))
        )
        q = till.checkout.quote(cart, found.customer_uid, [TenderKind.BANK_CARD])
        out(_offer(q))
        out(_slip(_pay(till, q)))

        clock.advance(timedelta(hours=3))
        step("Та же карта в тот же день: наушники, наличные")
        cart = Cart().add(till.catalog.find("HP-BT").line())
        q = till.checkout.quote(cart, found.customer_uid, [TenderKind.CASH])
        out(_offer(q))
        tried = q.offer(Points(10_00))
        if not tried.within_cap:
            out(f"  Кассир пробует списать {tried.spend} — отказ: {tried.refusal}")
        out("  Баллы, начисленные сегодня, списать сегодня нельзя: они станут доступны завтра.")
        out("  Покупка проведена без списания баллов:")
        out(_slip(_pay(till, q)))

        clock.set(datetime.combine(today + timedelta(days=1), time(10, 20), MINSK))
        step("На следующий день: наушники и робот-пылесос по акции, наличные")
        found = till.lookup.find("291234567")
        assert found is not None
        out(f"  Карта по номеру «291234567»: доступно {found.balance.active}")
        cart = Cart().add(till.catalog.find("HP-BT").line()).add(till.catalog.find("VC-ROB").line())
        q = till.checkout.quote(cart, found.customer_uid, [TenderKind.CASH])
        out(_offer(q))
        most = q.offer(q.quote.cap)
        out(f"  Покупательница списывает максимум: {most.spend}, к оплате {most.due}")
        out(_slip(_pay(till, q, most.spend)))

        step("Ноутбук в кредит банка: баллы не списываются и не начисляются")
        cart = Cart().add(till.catalog.find("LP-14").line())
        q = till.checkout.quote(cart, found.customer_uid, [TenderKind.CREDIT])
        out(_offer(q))
    out("")
    out(f"Демо-база: {folder / 'till.sqlite3'}")
