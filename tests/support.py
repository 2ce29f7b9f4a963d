"""Helpers the tests share: Minsk times, ringing up a sale in one call, reading bars."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bonuspos.domain.card import Phone
from bonuspos.domain.cart import Cart, Channel, TenderKind
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Money, Points
from bonuspos.domain.staff import Action, Role, return_details
from bonuspos.services.barcode import PATTERNS, START_C, STOP
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.returns import new_return_id
from bonuspos.services.till import Till
from bonuspos.services.views import (
    CardView,
    Receipt,
    ReceiptLine,
    ReturnPreviewLine,
    ReturnReceipt,
    StaffView,
)

MINSK = ZoneInfo("Europe/Minsk")

# For a till that replays sales from days before today (the server needs real times): this
# version's release day may be later than that past, and the clock rule would refuse it.
RELEASED_LONG_AGO = date(2000, 1, 1)


def minsk(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MINSK)


def sell(
    till: Till,
    codes: dict[str, int],
    *,
    card: CardView | None = None,
    spend: Points = Points(0),
    kind: TenderKind = TenderKind.CASH,
    sale_id: str | None = None,
) -> Receipt:
    """Ring up `codes` (barcode or SKU to quantity) and pay the rest in one tender."""
    cart = Cart()
    for code, qty in codes.items():
        cart = cart.add(till.catalog.find(code).line(qty))
    # Quoted as if online: the sale asks the server when the till has one, and the
    # offline limit is then enforced by the completion, not guessed here.
    uid = card.customer_uid if card else None
    offer = till.checkout.quote(cart, uid, [kind], online=True).offer(spend)
    return till.checkout.complete(SaleRequest.of(offer, sale_id or new_sale_id()))


MANAGER = "Мария Менеджерова"
MANAGER_PIN = "482913"
CASHIER = "Анна Кассирова"
CASHIER_PIN = "5716"


def staff_member(till: Till, name: str, role: Role, pin: str) -> StaffView:
    """The person of that name on the till, added on the till the first time."""
    for person in till.staff.roster():
        if person.full_name == name:
            return person
    return till.staff.add_local(name, role, pin)


def manager(till: Till) -> StaffView:
    return staff_member(till, MANAGER, Role.MANAGER, MANAGER_PIN)


def cashier(till: Till) -> StaffView:
    return staff_member(till, CASHIER, Role.CASHIER, CASHIER_PIN)


def give_back(
    till: Till, sale_id: str, quantities: dict[int, int], return_id: str | None = None
) -> ReturnReceipt:
    """Return lines of a sale as a manager-approved return, the policy's default."""
    return_id = return_id or new_return_id()
    approval = till.staff.approve(
        None, manager(till).staff_id, MANAGER_PIN, Action.RETURN, return_id,
        return_details(sale_id),
    )  # fmt: skip
    return till.returns.return_lines(return_id, sale_id, quantities, approval=approval)


_SYMBOLS = {pattern: value for value, pattern in enumerate(PATTERNS)}


def read_code128c(widths: list[int]) -> str:
    """Read set C bars the way a scanner does: start C, symbols, a check that holds, stop."""
    assert len(widths) % 6 == 1, "six elements a symbol, seven in the stop"
    body = ["".join(map(str, widths[i : i + 6])) for i in range(0, len(widths) - 7, 6)]
    values = [_SYMBOLS[pattern] for pattern in body]
    assert "".join(map(str, widths[-7:])) == PATTERNS[STOP]
    assert values[0] == START_C
    *data, check = values[1:]
    assert all(value < 100 for value in data), "set C data symbols are 00..99"
    assert (START_C + sum(pos * value for pos, value in enumerate(data, 1))) % 103 == check
    return "".join(f"{value:02d}" for value in data)


def sample_receipt(*, staff_name: str = "Коваленко Мария") -> Receipt:
    """A sale with a card, points spent and earned, a promo line, two tenders, big amounts."""
    card = CardView(
        "c-1",
        "Иванова Анна Сергеевна",
        Phone("+375291234567"),
        Balance(Points(1_234_50), Points(76_20), date(2026, 11, 28)),
    )
    tv = 'Телевизор Samsung QE55Q60C 55" QLED 4K Smart TV'
    return Receipt(
        sale_id="3f2b8c1e-9a4d-4e2f-b6c7-1d2e3f4a5b6c",
        number=1047,
        occurred_at=minsk(2026, 11, 27, 14, 35),
        lines=(
            ReceiptLine(1, tv, 1, Money(1_899_00), Money(1_899_00), Points(56_97), None),
            ReceiptLine(
                2,
                "Кабель USB-C — USB-C 1 м",
                2,
                Money(19_90),
                Money(39_80),
                Points(0),
                "promotional",
            ),
            ReceiptLine(
                3, "Наушники JBL Tune 520BT", 1, Money(149_00), Money(149_00), Points(4_47), None
            ),
        ),
        total=Money(2_087_80),
        spent=Points(300_00),
        due=Money(1_787_80),
        tenders=((TenderKind.BANK_CARD, Money(1_500_00)), (TenderKind.CASH, Money(287_80))),
        earned=Points(61_44),
        activates_on=date(2026, 11, 28),
        channel=Channel.IN_STORE,
        order_ref="",
        offline=False,
        card=card,
        staff_name=staff_name,
    )


def sample_return(
    *, card: bool = True, store: str = "", till: str = "", approved_by: str | None = None
) -> ReturnReceipt:
    """The TV and the headphones of `sample_receipt` brought back three days later."""
    sale = sample_receipt()
    return ReturnReceipt(
        return_id="0b7d6c2a-51e4-4c8e-9f3a-2d1c0b9a8f7e",
        sale_number=sale.number,
        money_back=Money(1_753_76),
        points_taken_back=Points(61_44),
        points_given_back=Points(294_24),
        card=sale.card if card else None,
        occurred_at=minsk(2026, 11, 30, 11, 2),
        lines=(
            ReturnPreviewLine(
                1, sale.lines[0].name, 1, Money(1_626_17), Points(56_97), Points(272_83), ()
            ),
            ReturnPreviewLine(
                3, sale.lines[2].name, 1, Money(127_59), Points(4_47), Points(21_41), ()
            ),
        ),
        by_tender=((TenderKind.BANK_CARD, Money(1_500_00)), (TenderKind.CASH, Money(253_76))),
        staff_name="Коваленко Мария",
        approved_by=approved_by,
        store=store,
        till=till,
    )
