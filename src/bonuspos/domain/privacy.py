"""Customers' phones and names out of text meant for other eyes: logs, tickets, support zips.

One masking for the whole programme: `Phone.masked()` on screens and slips, and the same
form for a phone found in free text, so a support engineer can match a log line to a
screen without seeing the number.
"""

from __future__ import annotations

import re

NAME_HIDDEN = "[имя скрыто]"


def masked_phone(operator: str, last_two: str) -> str:
    """`+375 29 ***-**-67`: the operator and the last two digits, enough to tell cards apart."""
    return f"+375 {operator} ***-**-{last_two}"


# A Belarusian phone as people type it: "+375 (29) 123-45-67", "80291234567", "8 029 …",
# "(029) …"; without a prefix only a mobile operator's code, or every date would match.
_SEP = r"[ \t\-()]*"
_PREFIX = rf"(?:\+?{_SEP}375|8{_SEP}0|\(?0)"
_PHONE = re.compile(
    rf"(?<!\d)(?:{_PREFIX}{_SEP}(\d{{2}})|\(?(25|29|33|44)){_SEP}"
    rf"\d{{3}}[ \t\-]*\d{{2}}[ \t\-]*(\d{{2}})(?!\d)"
)
# Card numbers and other long bare numbers go too: nothing of ours logs one on purpose.
_LONG = re.compile(r"(?<!\d)\d{9,}(?!\d)")
# Two or more capitalised Cyrillic words in a row: a person's name in a Russian message.
_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_NAME = re.compile(rf"(?<![\w-]){_WORD}(?:[ \t]+{_WORD})+(?![\w-])")
_TOKEN = re.compile(r"bpt_[A-Za-z0-9_\-]+")


def _phone(match: re.Match[str]) -> str:
    return masked_phone(match.group(1) or match.group(2), match.group(3))


def personal_data_masked(text: str) -> str:
    """Phones masked as screens mask them, other long numbers, names and tokens dropped."""
    text = _TOKEN.sub("bpt_***", text)
    text = _LONG.sub("***", _PHONE.sub(_phone, text))
    return _NAME.sub(NAME_HIDDEN, text)
