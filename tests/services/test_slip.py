"""The slips as text: 42 columns, the sale's with its cashier, the return's with what went
back, the money per tender, the points both ways and a place to sign."""

from __future__ import annotations

import pytest

from bonuspos.services.slip import WIDTH, format_return_slip, format_slip
from tests.support import sample_receipt, sample_return


def lines_of(text: str) -> list[str]:
    """The slip's lines, each checked to fit; thousands are grouped by a no-break space, read
    here as a space."""
    lines = text.replace("\u00a0", " ").splitlines()
    assert [line for line in lines if len(line) > WIDTH] == []
    return lines


def test_the_sale_slip_names_its_cashier_and_says_points_not_bonuses() -> None:
    text = format_slip(sample_receipt())
    lines = lines_of(text)
    assert "Кассир: Коваленко Мария" in lines
    assert "  акция: без баллов" in lines
    assert "бонус" not in text.lower()


def test_a_sale_rung_up_before_anyone_signed_in_has_no_cashier_line() -> None:
    assert "Кассир" not in format_slip(sample_receipt(staff_name=""))


def test_a_long_name_goes_on_two_lines_rather_than_losing_its_model() -> None:
    lines = lines_of(format_slip(sample_receipt()))
    at = lines.index('Телевизор Samsung QE55Q60C 55" QLED 4K')
    assert lines[at + 1] == "Smart TV"
    assert lines[at + 2].endswith(" 1 899,00")


def test_the_return_slip_says_what_went_back_and_what_the_card_holds_now() -> None:
    lines = lines_of(format_return_slip(sample_return()))
    assert lines[0].strip() == "ВОЗВРАТ"
    assert lines[1] == "Дата возврата             30.11.2026 11:02"
    assert lines[2] == "По чеку продажи №1047"
    assert "  1 шт.                           1 626,17" in lines
    assert "  1 шт.                             127,59" in lines
    assert "ВОЗВРАЩЕНО                    1 753,76 BYN" in lines
    assert "  Банковская карта                1 500,00" in lines
    assert "  Наличные                          253,76" in lines
    assert "Карта                    +375 29 ***-**-67" in lines
    assert "Списано начисленных баллов       -61,44 б." in lines
    assert "Возвращено баллов на карту      +294,24 б." in lines
    assert "Доступно баллов                1 234,50 б." in lines
    assert "Ожидают начисления                76,20 б." in lines
    assert "Кассир: Коваленко Мария" in lines
    assert lines[-1].startswith("Подпись покупателя")
    assert lines[-1].endswith("_" * 18)


def test_the_return_slip_says_points_never_bonuses() -> None:
    text = format_return_slip(sample_return(approved_by="Петров Сергей"))
    assert "бонус" not in text.lower()
    assert "баллов" in text


def test_an_approved_return_names_the_manager() -> None:
    lines = lines_of(format_return_slip(sample_return(approved_by="Петров Сергей Иванович")))
    assert "Подтвердил: Петров Сергей Иванович" in lines
    assert lines.index("Подтвердил: Петров Сергей Иванович") > lines.index(
        "Кассир: Коваленко Мария"
    )
    assert "Подтвердил" not in format_return_slip(sample_return())


def test_another_tills_sale_says_which_store_and_till_it_was_rung_at() -> None:
    text = format_return_slip(sample_return(store="MN-07", till="02"))
    lines = lines_of(text)
    assert "По чеку продажи №1047, магазин MN-07," in lines
    assert "касса 02" in lines
    assert "магазин" not in format_return_slip(sample_return())


def test_a_return_without_a_card_has_no_balance_but_still_a_signature() -> None:
    text = format_return_slip(sample_return(card=False))
    assert "Карта " not in text
    assert "Доступно баллов" not in text
    assert "Подпись покупателя" in text


@pytest.mark.parametrize("zone", ["Europe/Minsk", "UTC"])
def test_the_return_time_is_the_stores(zone: str) -> None:
    expected = "11:02" if zone == "Europe/Minsk" else "08:02"
    assert expected in format_return_slip(sample_return(), zone=zone).splitlines()[1]
