"""Returns: money back, points taken back and points given back, line by line.

Returning a line takes back the points it earned (pending or active), and gives back,
as active points, the share of spent points that paid for it; money back excludes that
share. Shares of a partly returned line are cumulative (what k of n units are worth,
minus what was already returned), so returning every unit in any number of steps gives
back exactly what the sale took, to the kopeck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points


@dataclass(frozen=True, slots=True)
class SoldLine:
    """A line of a completed sale, as the ledger remembers it."""

    line_no: int
    quantity: int
    amount: Money  # after discount
    earned: Points  # points the line earned
    share: Points  # spent points that paid for the line
    returned: int = 0  # units already returned

    @property
    def returnable(self) -> int:
        return self.quantity - self.returned


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    line_no: int
    quantity: int
    money_back: Money
    points_taken_back: Points
    points_given_back: Points


def _part(whole: int, units: int, of: int) -> int:
    return whole * units // of


def return_line(sold: SoldLine, quantity: int) -> ReturnedLine:
    """What returning `quantity` more units of `sold` moves, in money and points."""
    if type(quantity) is not int or quantity <= 0:
        raise InvalidInput(
            f"Количество к возврату должно быть больше нуля: {quantity!r}",
            "return-quantity-not-positive",
            {"quantity": quantity},
        )
    if quantity > sold.returnable:
        raise InvalidInput(
            f"Строка {sold.line_no}: вернуть можно не больше {sold.returnable} шт.,"
            f" а не {quantity}",
            "return-over-returnable",
            {"line_no": sold.line_no, "returnable": sold.returnable, "quantity": quantity},
        )
    before, after, n = sold.returned, sold.returned + quantity, sold.quantity

    def step(whole: int) -> int:
        return _part(whole, after, n) - _part(whole, before, n)

    amount = step(sold.amount.minor)
    given_back = step(sold.share.minor)
    return ReturnedLine(
        line_no=sold.line_no,
        quantity=quantity,
        money_back=Money(amount - given_back),
        points_taken_back=Points(step(sold.earned.minor)),
        points_given_back=Points(given_back),
    )


# Money goes back the way it came: to the bank or the card that paid, and only what none
# of them paid, in cash. A card payment refunded in cash is how stolen cards are cashed.
REFUND_ORDER = (
    TenderKind.CREDIT,
    TenderKind.INSTALLMENT_CARD,
    TenderKind.BANK_CARD,
    TenderKind.CASH,
)


def _fill(paid: Sequence[tuple[TenderKind, Money]], amount: int) -> dict[TenderKind, int]:
    """`amount` spread over the tenders in REFUND_ORDER, each up to what it paid."""
    by_kind: dict[TenderKind, int] = {}
    for kind, money in paid:
        by_kind[kind] = by_kind.get(kind, 0) + money.minor
    taken: dict[TenderKind, int] = {}
    left = amount
    for kind in REFUND_ORDER:
        part = min(left, by_kind.get(kind, 0))
        if part:
            taken[kind] = part
            left -= part
    if left > 0:  # more than the tenders hold: never for a consistent sale, cash at worst
        taken[TenderKind.CASH] = taken.get(TenderKind.CASH, 0) + left
    return taken


def refund_by_tender(
    paid: Sequence[tuple[TenderKind, Money]], refunded_before: Money, money_back: Money
) -> tuple[tuple[TenderKind, Money], ...]:
    """How `money_back` is paid out, given what earlier returns of the sale gave back.

    Cumulative, like the lines: any sequence of partial returns pays each tender in total
    exactly what one full return would.
    """
    before = _fill(paid, refunded_before.minor)
    after = _fill(paid, refunded_before.minor + money_back.minor)
    return tuple(
        (kind, Money(after.get(kind, 0) - before.get(kind, 0)))
        for kind in REFUND_ORDER
        if after.get(kind, 0) != before.get(kind, 0)
    )


def refunded_so_far(lines: Sequence[SoldLine]) -> Money:
    """Money the sale's earlier returns gave back, from the units returned per line."""
    total = 0
    for line in lines:
        total += _part(line.amount.minor, line.returned, line.quantity) - _part(
            line.share.minor, line.returned, line.quantity
        )
    return Money(total)
