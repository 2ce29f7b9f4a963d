"""The phone field: shows `+375 (__) ___-__-__` and takes every form the rules accept.

Letters are left as typed: the lookup screen searches names with them (phone orders).

Qt's input masks refuse a pasted `80291234567` or `+375 29 123-45-67`, so the field keeps
only the digits, drops a leading 375 or 80, and lays the rest into the template. What it
holds is always read back from its text, so a restored or pasted text is never out of step.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

TEMPLATE = "+375 (__) ___-__-__"
_OPEN = "+375 ("
_SLOTS = [i for i, ch in enumerate(TEMPLATE) if ch == "_"]
# What may start a number before its operator code shows: 375… or 80… (no code starts so).
_PREFIXES = ("+", "+3", "+37", "3", "37", "8")
_WHOLE_PREFIXES = ("+375", "375", "80")


def national_digits(text: str) -> str:
    """The up to nine digits after the country code, as far as they are typed."""
    if text.startswith(_OPEN):
        return "".join(ch for ch in text[len(_OPEN) :] if ch.isdigit())[:9]
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.lstrip().startswith("+") or digits.startswith("375"):
        digits = digits[3:] if digits.startswith("375") else digits
    elif digits.startswith("80"):
        digits = digits[2:]
    return digits[:9]


def layout(digits: str) -> str:
    chars = list(TEMPLATE)
    for slot, digit in zip(_SLOTS, digits, strict=False):
        chars[slot] = digit
    return "".join(chars)


class PhoneField(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(TEMPLATE)
        self._shown = ""
        self.textEdited.connect(self._edited)
        self.textChanged.connect(self._remember)

    def digits(self) -> str:
        return national_digits(self.text())

    def number(self) -> str:
        """What to hand to the rules: the whole number once nine digits are there."""
        digits = self.digits()
        return f"+375{digits}" if len(digits) == 9 else self.text()

    def _remember(self, text: str) -> None:
        self._shown = text

    def _edited(self, text: str) -> None:
        digits = national_digits(text)
        before = national_digits(self._shown)
        if text.startswith(_OPEN) and len(text) < len(self._shown) and digits == before:
            # A backspace over the template's punctuation takes back the last digit.
            if not digits:
                self.setText("")
                return
            digits = digits[:-1]
        raw = "".join(ch for ch in text if ch.isdigit() or ch == "+")
        if raw in _PREFIXES and not text.startswith(_OPEN):
            return  # "8 (" or "+37": wait for the digit that says which prefix it is
        elif digits:
            self.setText(layout(digits))
            self.setCursorPosition(_SLOTS[len(digits) - 1] + 1)
        elif raw in _WHOLE_PREFIXES or text.startswith(_OPEN):
            self.setText(layout(""))
            self.setCursorPosition(len(_OPEN))
        # Anything else (letters: a name for a phone order) stays as typed.
