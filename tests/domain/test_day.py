"""A day's figures on both sides, and where they part."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.day import CorrectionLine, DayTotals, agree, compare, day_bounds
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points

DAY = DayTotals(
    receipts=12,
    returns=1,
    revenue={TenderKind.CASH: Money(1_250_00), TenderKind.BANK_CARD: Money(3_499_00)},
    money_back=Money(149_00),
    points_earned=Points(142_47),
    points_spent=Points(50_00),
    points_given_back=Points(10_00),
    points_taken_back=Points(4_47),
    offline_sales=3,
    corrections=(CorrectionLine("a1", Points(25_00), "Потерянный чек"),),
)


def test_a_day_travels_as_a_dict_and_back_unchanged() -> None:
    assert DayTotals.from_dict(DAY.to_dict()) == DAY


def test_the_same_figures_on_both_sides_agree() -> None:
    assert agree(compare(DAY, DayTotals.from_dict(DAY.to_dict())))


def test_a_missing_sale_shows_as_a_difference_in_its_rows() -> None:
    server = DayTotals.from_dict(
        {**DAY.to_dict(), "receipts": 11, "revenue": {"cash": 1_000_00, "bank_card": 3_499_00}}
    )

    rows = {row.what: row for row in compare(DAY, server)}

    assert not agree(tuple(rows.values()))
    assert rows["Чеков продажи"].difference == "+1"
    assert rows["Выручка: наличные"].difference == "+250,00 BYN"
    assert rows["Выручка: банковская карта"].agrees


def test_a_damaged_day_is_refused() -> None:
    with pytest.raises(InvalidInput):
        DayTotals.from_dict({**DAY.to_dict(), "receipts": "12"})


def test_the_day_is_minsks_whatever_the_pcs_zone() -> None:
    start, end = day_bounds(date(2026, 12, 1), "Europe/Minsk")

    assert start.astimezone(UTC) == datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
