"""How a till tells a barcode scanner's keys from a cashier's: the settings IT gives each till.

A keyboard-wedge scanner types its code as keys. The till takes a run of keys as a scan
when they come faster than any hand (`gap_ms` apart at most, `min_length` of them, then
Enter), or, when the scanner is programmed to send them, when they come between the
`prefix` and the `suffix` characters, whatever the speed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bonuspos.domain.errors import InvalidInput

# Keyboard-wedge scanners send a key every 2-16 ms over USB; the slowest seen at a till
# (a wireless one) sent one every 30-35 ms. People type 80 ms and more apart, and a run
# of six keys each faster than that is beyond any hand. 60 ms sits between the two with
# about 20 ms to spare on each side, for the jitter of a busy PC.
DEFAULT_GAP_MS = 60
# Below this a scanner's code is not told from a typist's quick roll over two or three
# keys; the shortest codes the chain scans (EAN-8, the SKUs) are longer.
DEFAULT_MIN_LENGTH = 6
GAP_RANGE_MS = (10, 79)
LENGTH_RANGE = (3, 40)
# What the chain's codes are made of (EAN-13 goods and plastic cards, SKUs): a prefix or
# suffix must be none of these, or it could not be told from the code.
CODE_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.")
# Printable US-keyboard characters a scanner can be programmed to add around a code.
MARKS = frozenset(chr(c) for c in range(0x21, 0x7F)) - CODE_CHARACTERS


@dataclass(frozen=True)
class ScannerSettings:
    gap_ms: int = DEFAULT_GAP_MS  # the longest pause between two of a scanner's keys
    min_length: int = DEFAULT_MIN_LENGTH  # the shortest code taken for a scan by speed
    prefix: str = ""  # a character the scanner sends before each code; "" for none
    suffix: str = ""  # a character it sends after each code instead of (or before) Enter

    def describe(self) -> str:
        """One line for IT (self-test): how this till tells a scan."""
        line = f"промежуток до {self.gap_ms} мс, код от {self.min_length} знаков"
        if self.prefix:
            line += f", префикс «{self.prefix}»"
        if self.suffix:
            line += f", суффикс «{self.suffix}»"
        return line


def checked_scanner(
    gap_ms: int = DEFAULT_GAP_MS,
    min_length: int = DEFAULT_MIN_LENGTH,
    prefix: str = "",
    suffix: str = "",
) -> ScannerSettings:
    """Settings from what IT typed, or InvalidInput saying what is wrong (in Russian)."""
    low, high = GAP_RANGE_MS
    if not low <= gap_ms <= high:
        raise InvalidInput(
            f"Промежуток между знаками сканера — от {low} до {high} мс: люди печатают"
            " с промежутком 80 мс и больше; для более медленного сканера задайте префикс"
        )
    low, high = LENGTH_RANGE
    if not low <= min_length <= high:
        raise InvalidInput(f"Наименьшая длина кода со сканера — от {low} до {high} знаков")
    for what, mark in (("Префикс", prefix), ("Суффикс", suffix)):
        if mark and (len(mark) != 1 or mark not in MARKS):
            raise InvalidInput(
                f"{what} сканера — один знак латинской раскладки, не буква, не цифра,"
                " не «-» и не «.», например ~ или #"
            )
    if prefix and prefix == suffix:
        raise InvalidInput("Префикс и суффикс сканера должны быть разными знаками")
    return ScannerSettings(gap_ms, min_length, prefix, suffix)
