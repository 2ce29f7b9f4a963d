"""Returning goods: earned points taken back, spent points given back, money back without them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.services.clock import ManualClock
from bonuspos.services.errors import NotFound, ReturnAlreadyRecorded
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import give_back, sell


def balance(till: Till) -> tuple[Points, Points]:
    card = till.lookup.find("291234567")
    assert card is not None
    return card.balance.active, card.balance.pending


@pytest.fixture
def rich_anna(till: Till, anna: CardView, clock: ManualClock) -> CardView:
    sell(till, {"TV-55Q": 2}, card=anna)  # 150,00 points, active tomorrow
    clock.advance(timedelta(days=1))
    return anna


def test_a_full_return_restores_the_balance_to_what_it_was_before_the_sale(
    till: Till, rich_anna: CardView, clock: ManualClock
) -> None:
    before = balance(till)
    receipt = sell(till, {"HP-BT": 2, "CB-USBC": 1}, card=rich_anna, spend=Points(50_00))
    assert balance(till) != before
    clock.advance(timedelta(days=2))  # after the sale's points became active
    back = give_back(till, receipt.sale_id, {1: 2, 2: 1})
    assert back.points_given_back == Points(50_00)
    assert back.points_taken_back == receipt.earned
    assert back.money_back == receipt.due
    assert balance(till) == before


def test_returning_before_activation_takes_from_pending(till: Till, rich_anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 1}, card=rich_anna)
    assert balance(till)[1] == Points(4_50)
    give_back(till, receipt.sale_id, {1: 1})
    assert balance(till)[1] == Points(0)


def test_taking_back_earned_points_already_spent_may_leave_the_balance_below_zero(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    first = sell(till, {"TV-55Q": 1}, card=anna)  # earns 75,00
    clock.advance(timedelta(days=1))
    sell(till, {"HP-BT": 1}, card=anna, spend=Points(44_70))
    give_back(till, first.sale_id, {1: 1})
    active, _ = balance(till)
    assert active == Points(75_00 - 44_70 - 75_00)


def test_a_partial_return_gives_back_the_share_of_the_returned_units(
    till: Till, rich_anna: CardView
) -> None:
    receipt = sell(till, {"HP-BT": 3}, card=rich_anna, spend=Points(30_00))
    back = give_back(till, receipt.sale_id, {1: 1})
    assert back.points_given_back == Points(10_00)
    assert back.money_back == Money(149_00 - 10_00)
    assert back.points_taken_back == Points(4_50)


def test_returning_more_than_was_sold_is_refused_and_changes_nothing(
    till: Till, rich_anna: CardView
) -> None:
    receipt = sell(till, {"HP-BT": 1, "CB-USBC": 1}, card=rich_anna)
    before = balance(till)
    with pytest.raises(InvalidInput, match="не больше 1"):
        give_back(till, receipt.sale_id, {2: 1, 1: 2})
    assert balance(till) == before
    give_back(till, receipt.sale_id, {1: 1})  # still possible


def test_the_same_return_is_not_recorded_twice(till: Till, rich_anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 2}, card=rich_anna)
    return_id = str(uuid.uuid4())
    give_back(till, receipt.sale_id, {1: 1}, return_id=return_id)
    with pytest.raises(ReturnAlreadyRecorded):
        give_back(till, receipt.sale_id, {1: 1}, return_id=return_id)


def test_a_return_of_an_unknown_sale_or_line_is_refused(till: Till, rich_anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 1}, card=rich_anna)
    with pytest.raises(NotFound):
        give_back(till, str(uuid.uuid4()), {1: 1})
    with pytest.raises(InvalidInput, match="нет строки 9"):
        give_back(till, receipt.sale_id, {9: 1})
