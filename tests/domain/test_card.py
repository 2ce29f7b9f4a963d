"""Rule 1: the card is the phone, in every form a cashier types; old plastic cards stay valid."""

from __future__ import annotations

import pytest

from bonuspos.domain.card import Phone, PlasticCard, ean13_check_digit, parse_card, parse_phone
from bonuspos.domain.errors import InvalidCardNumber


@pytest.mark.parametrize(
    "typed",
    [
        "+375 29 123-45-67",
        "+375291234567",
        "375291234567",
        "80291234567",
        "8 029 123 45 67",
        "8 (029) 123-45-67",
        "291234567",
        "29 123 45 67",
        " 375 (29) 123.45.67 ",
    ],
)
def test_every_form_a_cashier_types_means_the_same_card(typed: str) -> None:
    assert parse_phone(typed) == Phone("+375291234567")


@pytest.mark.parametrize("operator", ["25", "29", "33", "44"])
def test_all_four_mobile_operators_are_accepted(operator: str) -> None:
    assert parse_phone(f"{operator}7654321").e164 == f"+375{operator}7654321"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("+375 17 123-45-67", "не мобильный"),  # Minsk landline
        ("+375 24 123-45-67", "не мобильный"),  # no such operator
        ("+7 916 123-45-67", "белорусский"),  # Russia
        ("+375 29 123-45", "белорусский"),  # too short
        ("+375 29 123-45-678", "белорусский"),  # too long
        ("29 12E-45-67", "только цифры"),
        ("иванова", "только цифры"),
        ("", "Введите"),
    ],
)
def test_anything_but_a_belarusian_mobile_is_refused_with_a_reason(typed: str, why: str) -> None:
    with pytest.raises(InvalidCardNumber, match=why):
        parse_phone(typed)


def test_which_ranges_are_mobile_is_the_phone_data_s_call_not_a_regex() -> None:
    # +375 29 0xx is not allocated to mobiles in libphonenumber's data.
    with pytest.raises(InvalidCardNumber, match="Такого мобильного номера нет"):
        parse_phone("+375 29 012-34-56")


def test_phones_are_stored_as_e164_and_shown_masked() -> None:
    phone = parse_phone("80291234567")
    assert phone.e164 == "+375291234567"
    assert phone.masked() == "+375 29 ***-**-67"
    assert str(phone) == phone.masked()
    assert "1234567" not in repr(phone)  # a log line never carries the full number


def test_a_legacy_plastic_card_barcode_is_a_card_number() -> None:
    number = "200000012345" + ean13_check_digit("200000012345")
    card = parse_card(number)
    assert isinstance(card, PlasticCard)
    assert card.number == number
    assert card.masked().endswith(number[-4:])


def test_a_misread_plastic_card_is_refused_not_taken_for_a_phone() -> None:
    good = "200000012345" + ean13_check_digit("200000012345")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(InvalidCardNumber, match="контрольной цифре"):
        parse_card(bad)


def test_goods_barcodes_are_not_cards() -> None:
    with pytest.raises(InvalidCardNumber):
        parse_card("4810000000012")


@pytest.mark.parametrize(
    "typed", ["+375 29 012-34-56", "+375 17 123-45-67", "+7 916 765-43-21", "200000012340"]
)
def test_a_refusal_never_repeats_the_number_typed(typed: str) -> None:
    with pytest.raises(InvalidCardNumber) as refused:
        parse_card(typed)
    digits = "".join(ch for ch in typed if ch.isdigit())
    assert digits[-7:] not in "".join(ch for ch in str(refused.value) if ch.isdigit())


def test_full_width_digits_from_a_pasted_number_are_read_as_digits() -> None:
    assert parse_phone("２９１２３４５６７") == Phone("+375291234567")


def test_a_plus_means_a_country_code_follows() -> None:
    with pytest.raises(InvalidCardNumber):
        parse_phone("+291234567")  # Eritrea's +291, not Belarus's 29
