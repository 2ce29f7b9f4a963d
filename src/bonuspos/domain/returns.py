"""Returns: money back, points taken back and points given back, line by line.

Returning a line takes back the points it earned (pending or active), and gives back,
as active points, the share of spent points that paid for it; money back excludes that
share. Shares of a partly returned line are cumulative (what k of n units are worth,
minus what was already returned), so returning every unit in any number of steps gives
back exactly what the sale took, to the kopeck.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        raise InvalidInput(f"Количество к возврату должно быть больше нуля: {quantity!r}")
    if quantity > sold.returnable:
        raise InvalidInput(
            f"Строка {sold.line_no}: вернуть можно не больше {sold.returnable} шт., а не {quantity}"
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
