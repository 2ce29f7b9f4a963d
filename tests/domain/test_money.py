"""Money and points are integer minor units; BYN is written `12,50`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bonuspos.domain.errors import InvalidAmount
from bonuspos.domain.money import Money, Points


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [
        ("12,50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("0,07", 7),
        ("1 234,56", 123456),
        ("12,50 BYN", 1250),
        ("-3,10", -310),
    ],
)
def test_amounts_parse_the_way_cashiers_write_them(text: str, kopecks: int) -> None:
    assert Money.parse(text) == Money(kopecks)


@pytest.mark.parametrize("text", ["", "abc", "12,505", "1e3", "12,-5", "--1", "12,5,0"])
def test_malformed_amounts_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(InvalidAmount, match="Не сумма"):
        Money.parse(text)


def test_floats_never_become_money() -> None:
    with pytest.raises(TypeError):
        Money(12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]


def test_rubles_and_points_do_not_mix_without_saying_so() -> None:
    with pytest.raises(TypeError):
        _ = Money(100) + Points(100)  # type: ignore[operator]
    assert Points(150).as_money() == Money(150)  # 1 point pays 1 ruble


def test_amounts_are_formatted_with_a_comma_and_grouped_thousands() -> None:
    assert str(Money(123456)) == "1\u00a0234,56 BYN"
    assert str(Points(5)) == "0,05 б."
    assert Money(-310).number() == "-3,10"


@given(st.integers(min_value=-(10**11) + 1, max_value=10**11 - 1))
def test_formatting_then_parsing_gives_the_same_amount(kopecks: int) -> None:
    assert Money.parse(Money(kopecks).number()) == Money(kopecks)
