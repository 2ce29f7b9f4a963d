"""Helpers the tests share: Minsk times and ringing up a sale in one call."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bonuspos.domain.cart import Cart, Tender, TenderKind
from bonuspos.domain.money import Points
from bonuspos.domain.staff import Action, Role, return_details
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.returns import new_return_id
from bonuspos.services.till import Till
from bonuspos.services.views import CardView, Receipt, ReturnReceipt, StaffView

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
    due = cart.total - spend.as_money()
    tenders = (Tender(kind, due),) if due.minor > 0 else ()
    return till.checkout.complete(
        SaleRequest(
            sale_id or new_sale_id(),
            cart,
            tenders,
            spend=spend,
            customer_uid=card.customer_uid if card else None,
        )
    )


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
