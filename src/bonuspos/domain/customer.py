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
    birth = form.birth_date.strip()
    if birth and not _is_birth_date(birth):
        errors["birth_date"] = "Дата рождения в виде ГГГГ-ММ-ДД, настоящая дата"
    if errors or phone is None:
        raise FormError(errors)
    return NewCustomer(name, phone, RULES_VERSION, email, birth)
