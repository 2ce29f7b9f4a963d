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
    birth_date: str = ""  # optional extra: ДД.ММ.ГГГГ or ISO


@dataclass(frozen=True, slots=True)
class NewCustomer:
    """A form that passed every check, ready to be recorded."""

    full_name: str
    phone: Phone
    rules_version: int
    email: str
    birth_date: str  # ISO 8601, or "" when not given


def normalise_name(name: str) -> str:
    """The key names are searched by: case-folded, `ё` as `е`, single spaces."""
    folded = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    return " ".join(folded.split())


def name_tokens(name: str) -> list[str]:
    return sorted(set(normalise_name(name).replace("-", " ").split()))


def name_words(name: str) -> str:
    """Every word of a name, each after a space: `' ' + word` is found in it by prefix."""
    return "".join(f" {token}" for token in name_tokens(name))


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_birth_date(text: str) -> date:
    """A birth date as the customer says it (15.03.1985) or as a system writes it (1985-03-15)."""
    text = text.strip()
    if day_month_year := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in day_month_year.groups())
    elif iso := _ISO_DAY.fullmatch(text):
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise InvalidInput(
            f"Дата рождения «{text}»: введите её как ДД.ММ.ГГГГ, например 15.03.1985"
        )
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidInput(f"Даты {text} нет в календаре: проверьте день и месяц") from None
    if not 1900 <= born.year <= 2100:
        raise InvalidInput(f"Дата рождения {text}: проверьте год")
    return born


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
    birth = ""  # kept as ISO 8601, however it was typed
    if form.birth_date.strip():
        try:
            birth = parse_birth_date(form.birth_date).isoformat()
        except InvalidInput as exc:
            errors["birth_date"] = exc.message
    if errors or phone is None:
        raise FormError(errors)
    return NewCustomer(name, phone, RULES_VERSION, email, birth)
