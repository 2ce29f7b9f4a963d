"""Money (BYN) and bonus points as integer minor units, parsed and formatted at the edge.

`Money(1250)` is 12,50 BYN; `Points(1250)` is 12,50 points. One point pays one ruble,
so the two convert one-for-one in minor units, but they stay distinct types so a sum of
rubles is never mistaken for a balance of points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self

from bonuspos.domain.errors import InvalidAmount

_AMOUNT = re.compile(r"^(?P<sign>-)?(?P<units>[0-9]{1,9})(?:[.,](?P<frac>[0-9]{1,2}))?$")


def _parse_minor(text: str) -> int:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    for suffix in ("BYN", "руб.", "руб", "р.", "б."):
        if cleaned.lower().endswith(suffix.lower()):
            cleaned = cleaned[: -len(suffix)]
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise InvalidAmount(
            f"Не сумма: «{text}». Введите, например, 12,50", "not-an-amount", {"text": text}
        )
    frac = (match["frac"] or "").ljust(2, "0")
    minor = int(match["units"]) * 100 + int(frac)
    return -minor if match["sign"] else minor


def _format_minor(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    units, frac = divmod(abs(minor), 100)
    grouped = f"{units:,}".replace(",", "\u00a0")
    return f"{sign}{grouped},{frac:02d}"


@dataclass(frozen=True, order=True, slots=True)
class _Minor:
    minor: int

    def __post_init__(self) -> None:
        # bool is an int too; a float here would mean rounding has crept in.
        if type(self.minor) is not int:
            raise TypeError(f"{type(self).__name__} takes integer minor units, got {self.minor!r}")

    @classmethod
    def zero(cls) -> Self:
        return cls(0)

    @classmethod
    def parse(cls, text: str) -> Self:
        return cls(_parse_minor(text))

    def __add__(self, other: Self) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(self.minor + other.minor)

    def __sub__(self, other: Self) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(self.minor - other.minor)

    def __neg__(self) -> Self:
        return type(self)(-self.minor)

    def __mul__(self, factor: int) -> Self:
        if type(factor) is not int:
            return NotImplemented
        return type(self)(self.minor * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.minor != 0

    @property
    def is_negative(self) -> bool:
        return self.minor < 0

    def number(self) -> str:
        """The amount as a cashier writes it: `1 234,50`."""
        return _format_minor(self.minor)


class Money(_Minor):
    """An amount in BYN kopecks."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.number()} BYN"

    def as_points(self) -> Points:
        return Points(self.minor)


class Points(_Minor):
    """Bonus points in hundredths of a point; 1 point pays 1 ruble."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.number()} б."

    def as_money(self) -> Money:
        return Money(self.minor)


def total(amounts: list[Money]) -> Money:
    return sum(amounts, Money(0))


def total_points(amounts: list[Points]) -> Points:
    return sum(amounts, Points(0))
