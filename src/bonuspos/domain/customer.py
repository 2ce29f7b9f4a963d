"""Joining the programme: the customer form and what makes it acceptable."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bonuspos.domain.card import Phone, parse_phone
from bonuspos.domain.errors import InvalidInput

RULES_VERSION = 1

_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ '’ʼ\-][^\W\d_]+)*$")
# Words that mark a company or an individual entrepreneur rather than a person (rule 2),
# Belarusian legal forms first; Latin ones for names typed from foreign documents.
_LEGAL_MARKERS = frozenset(
    {
        "ооо",
        "оао",
        "зао",
        "одо",
        "ао",
        "пао",
        "чуп",
        "чтуп",
        "тчуп",
        "чп",
        "уп",
        "суп",
        "руп",
        "ип",
        "llc",
        "ltd",
        "inc",
        "gmbh",
    }
)
_QUOTES = "\"'«»„“”"


class FormError(InvalidInput):
    """A customer form with fields to correct; `fields` maps field name to message."""

    code = "invalid-form"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True, slots=True)
class CustomerForm:
    """The анкета as the customer filled it in at the store."""

    full_name: str
    phone: str
    consent: bool
    not_legal_entity: bool
    email: str = ""
    birth_date: str = ""  # optional extra, ISO date


@dataclass(frozen=True, slots=True)
class NewCustomer:
    """A form that passed every check, ready to be recorded."""

    full_name: str
    phone: Phone
    rules_version: int
    email: str
    birth_date: str


def normalise_name(name: str) -> str:
    """The key names are searched by: case-folded, `ё` as `е`, single spaces."""
    folded = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    return " ".join(folded.split())


def name_tokens(name: str) -> list[str]:
    return sorted(set(normalise_name(name).replace("-", " ").split()))


def name_words(name: str) -> str:
    """Every word of a name, each after a space: `' ' + word` is found in it by prefix."""
    return "".join(f" {token}" for token in name_tokens(name))


def _is_birth_date(text: str) -> bool:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10 and 1900 <= day.year <= 2100


def accept(form: CustomerForm) -> NewCustomer:
    """Check the form field by field; every problem is reported at once."""
    errors: dict[str, str] = {}
    name = " ".join(unicodedata.normalize("NFC", form.full_name).split())
    words = name.split(" ") if name else []
    if any(w.casefold().strip(_QUOTES) in _LEGAL_MARKERS for w in words):
        # Checked first: «ЗАО «Альфа»» must hear why, not that quotes are not letters.
        errors["full_name"] = "Юридические лица и ИП не могут участвовать в программе"
    elif len(words) < 2:
        errors["full_name"] = "Укажите фамилию и имя"
    elif not _NAME_OK.match(name) or len(name) > 120:
        errors["full_name"] = "В ФИО только буквы, пробел, дефис и апостроф"
    phone: Phone | None = None
    try:
        phone = parse_phone(form.phone)
    except InvalidInput as exc:
        errors["phone"] = exc.message
    if not form.consent:
        errors["consent"] = "Без согласия с правилами программы карту оформить нельзя"
    if not form.not_legal_entity:
        errors["not_legal_entity"] = "Подтвердите, что покупатель — физическое лицо"
    email = form.email.strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = "Адрес почты выглядит неверно"
    birth = form.birth_date.strip()
    if birth and not _is_birth_date(birth):
        errors["birth_date"] = "Дата рождения в виде ГГГГ-ММ-ДД, настоящая дата"
    if errors or phone is None:
        raise FormError(errors)
    return NewCustomer(name, phone, RULES_VERSION, email, birth)
