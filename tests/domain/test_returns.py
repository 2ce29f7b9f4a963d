"""Returns take back what a line earned and give back the points that paid for it."""

from __future__ import annotations

import pytest

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.domain.returns import SoldLine, return_line

TV = SoldLine(
    line_no=1, quantity=3, amount=Money(3000_00), earned=Points(90_00), share=Points(100_00)
)


def test_a_full_return_takes_back_what_the_line_earned_and_gives_back_its_share() -> None:
    back = return_line(TV, 3)
    assert back.points_taken_back == Points(90_00)
    assert back.points_given_back == Points(100_00)


def test_money_back_excludes_the_share_paid_with_points() -> None:
    assert return_line(TV, 3).money_back == Money(2900_00)


def test_partial_returns_add_up_exactly_to_a_full_one() -> None:
    first = return_line(TV, 1)
    second = return_line(SoldLine(1, 3, TV.amount, TV.earned, TV.share, returned=1), 2)
    assert first.points_given_back + second.points_given_back == Points(100_00)
    assert first.money_back + second.money_back == Money(2900_00)
    assert first.points_given_back == Points(33_33)


def test_returning_more_than_is_left_is_refused() -> None:
    with pytest.raises(InvalidInput, match="не больше 1"):
        return_line(SoldLine(1, 3, TV.amount, TV.earned, TV.share, returned=2), 2)


@pytest.mark.parametrize("qty", [0, -1])
def test_returning_nothing_or_less_is_refused(qty: int) -> None:
    with pytest.raises(InvalidInput):
        return_line(TV, qty)
