"""Card numbers: a Belarusian mobile phone in any form a cashier types, or a legacy plastic card.

Which number ranges are really mobile is the `phonenumbers` data's call, not a regex's.
Plastic cards issued before phones became the card carry an EAN-13 barcode in the
in-store range (first digit 2, which GS1 never gives to goods), so a scanner can tell a
card from a product; the chain kept their numbers, each mapped to the customer holding it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from bonuspos.domain.errors import InvalidCardNumber
from bonuspos.domain.privacy import masked_phone

BELARUS_MOBILE_OPERATORS = ("25", "29", "33", "44")

_SEPARATORS = re.compile(r"[\s\-–—/().\u00a0]")


def _clean(text: str) -> str:
    """Full-width and other compatibility digits become ASCII; separators go.

    Error messages never repeat what was typed: it is a phone number, and messages end up
    in logs, where full numbers must never appear.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).strip())


@dataclass(frozen=True, slots=True)
class Phone:
    """A Belarusian mobile number, always E.164 (`+375291234567`)."""

    e164: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\+375[0-9]{9}", self.e164):
            raise InvalidCardNumber("Номер телефона не в формате +375XXXXXXXXX", "phone-not-e164")

    @property
    def operator(self) -> str:
        return self.e164[4:6]

    def masked(self) -> str:
        """The form shown on screens, slips and logs: `+375 29 ***-**-67`."""
        return masked_phone(self.operator, self.e164[-2:])

    def display(self) -> str:
        """The full number for the holder's own eyes: `+375 29 123-45-67`."""
        n = self.e164[6:]
        return f"+375 {self.operator} {n[:3]}-{n[3:5]}-{n[5:]}"

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Phone({self.masked()!r})"


@dataclass(frozen=True, slots=True)
class PlasticCard:
    """A legacy plastic card: 13 digits starting with 2, with a valid EAN-13 check digit."""

    number: str

    def __post_init__(self) -> None:
        if not (is_card_barcode(self.number) and _ean13_ok(self.number)):
            raise InvalidCardNumber("Не номер пластиковой карты", "not-a-plastic-card")

    def masked(self) -> str:
        return f"*********{self.number[-4:]}"

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"PlasticCard({self.masked()!r})"


CardNumber = Phone | PlasticCard


def is_card_barcode(text: str) -> bool:
    """Whether a scan looks like a loyalty card rather than goods (check digit not judged)."""
    return len(text) == 13 and text.isascii() and text.isdigit() and text[0] == "2"


def _ean13_ok(digits: str) -> bool:
    return ean13_check_digit(digits[:12]) == digits[12]


def ean13_check_digit(first12: str) -> str:
    """The check digit that completes a 12-digit body into a valid EAN-13."""
    weights = [1, 3] * 6
    body = sum(int(d) * w for d, w in zip(first12, weights, strict=True))
    return str((10 - body % 10) % 10)


def parse_phone(text: str) -> Phone:
    """Normalise any cashier-typed form of a Belarusian mobile number to E.164.

    Accepts `+375 29 123-45-67`, `375291234567`, `80291234567`, `8 029 ...` and the bare
    nine digits `291234567`; refuses letters, landlines and other countries.
    """
    compact = _clean(text)
    if not compact:
        raise InvalidCardNumber("Введите номер телефона", "phone-empty")
    if not re.fullmatch(r"\+?[0-9]+", compact):
        raise InvalidCardNumber(
            "В номере телефона только цифры, пробелы, скобки и дефисы", "phone-characters"
        )
    digits = compact.lstrip("+")
    # With a leading + the country code must follow: +291… is Eritrea, not 29 1…
    national = (
        _national_digits(digits)
        if not compact.startswith("+") or digits.startswith("375")
        else None
    )
    if national is None:
        raise InvalidCardNumber(
            "Не белорусский мобильный номер. Пример: +375 29 123-45-67", "phone-not-belarusian"
        )
    if national[:2] not in BELARUS_MOBILE_OPERATORS:
        raise InvalidCardNumber(
            f"Код оператора {national[:2]} не мобильный: нужен 25, 29, 33 или 44",
            "phone-operator-not-mobile",
            {"operator": national[:2], "operators": BELARUS_MOBILE_OPERATORS},
        )
    # The digits are checked already, so the number is built, not parsed from text again
    # (parse() costs most of a card lookup); a type other than UNKNOWN means the data
    # holds it valid, which is all is_valid_number() would add.
    parsed = phonenumbers.PhoneNumber(country_code=375, national_number=int(national))
    if phonenumbers.number_type(parsed) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidCardNumber(
            "Такого мобильного номера нет: проверьте цифры", "phone-no-such-number"
        )
    return Phone("+375" + national)


def _national_digits(digits: str) -> str | None:
    """The nine national digits, whatever prefix the cashier typed."""
    if len(digits) == 12 and digits.startswith("375"):
        return digits[3:]
    if len(digits) == 11 and digits.startswith("80"):
        return digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return digits[1:]
    if len(digits) == 9:
        return digits
    return None


# Where a card no number may find any more (its person erased, or the card merged into
# another) keeps its place in a phone column: `~` and its uid, which no number a cashier
# types ever is, and unique as the column wants.
UNFILED = "~"


def unfiled_phone(uid: str) -> str:
    return f"{UNFILED}{uid}"


def parse_card(text: str) -> CardNumber:
    """A phone in any form, or a 13-digit plastic card number as its barcode reads."""
    compact = _clean(text)
    if is_card_barcode(compact):
        if not _ean13_ok(compact):
            raise InvalidCardNumber(
                "Номер карты с ошибкой в контрольной цифре: пересканируйте карту",
                "card-check-digit",
            )
        return PlasticCard(compact)
    return parse_phone(text)
