"""Joining the programme: the customer form and what makes it acceptable."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bonuspos.domain.card import Phone, parse_phone
from bonuspos.domain.errors import DomainError, InvalidInput

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
    """A customer form with fields to correct: `problems` maps each field's name to its
    refusal (a reason and figures to word), `fields` to that refusal's Russian message."""

    code = "invalid-form"

    def __init__(self, fields: Mapping[str, str | DomainError]) -> None:
        self.problems = {
            name: problem if isinstance(problem, DomainError) else InvalidInput(problem)
            for name, problem in fields.items()
        }
        self.fields = {name: problem.message for name, problem in self.problems.items()}
        super().__init__("; ".join(self.fields.values()), self.code, {"fields": tuple(fields)})


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
            f"Дата рождения «{text}»: введите её как ДД.ММ.ГГГГ, например 15.03.1985",
            "birth-date-form",
            {"text": text},
        )
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidInput(
            f"Даты {text} нет в календаре: проверьте день и месяц",
            "birth-date-not-a-day",
            {"text": text},
        ) from None
    if not 1900 <= born.year <= 2100:
        raise InvalidInput(
            f"Дата рождения {text}: проверьте год", "birth-date-year", {"text": text}
        )
    return born


def accept(form: CustomerForm) -> NewCustomer:
    """Check the form field by field; every problem is reported at once."""
    errors: dict[str, str | DomainError] = {}
    name = " ".join(unicodedata.normalize("NFC", form.full_name).split())
    words = name.split(" ") if name else []
    if any(w.casefold().strip(_QUOTES) in _LEGAL_MARKERS for w in words):
        # Checked first: «ЗАО «Альфа»» must hear why, not that quotes are not letters.
        errors["full_name"] = InvalidInput(
            "Юридические лица и ИП не могут участвовать в программе", "form-legal-entity"
        )
    elif len(words) < 2:
        errors["full_name"] = InvalidInput("Укажите фамилию и имя", "form-name-incomplete")
    elif not _NAME_OK.match(name) or len(name) > 120:
        errors["full_name"] = InvalidInput(
            "В ФИО только буквы, пробел, дефис и апостроф", "form-name-characters"
        )
    phone: Phone | None = None
    try:
        phone = parse_phone(form.phone)
    except InvalidInput as exc:
        errors["phone"] = exc
    if not form.consent:
        errors["consent"] = InvalidInput(
            "Без согласия с правилами программы карту оформить нельзя", "form-no-consent"
        )
    if not form.not_legal_entity:
        errors["not_legal_entity"] = InvalidInput(
            "Подтвердите, что покупатель — физическое лицо", "form-not-private-person"
        )
    email = form.email.strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = InvalidInput("Адрес почты выглядит неверно", "form-email")
    birth = ""  # kept as ISO 8601, however it was typed
    if form.birth_date.strip():
        try:
            birth = parse_birth_date(form.birth_date).isoformat()
        except InvalidInput as exc:
            errors["birth_date"] = exc
    if errors or phone is None:
        raise FormError(errors)
    return NewCustomer(name, phone, RULES_VERSION, email, birth)
