"""The code printed on every receipt: the sale id as 40 digits, for Code 128 (set C).

Digits only, because a scanner types what the keyboard layout makes of its key codes:
letters of a UUID come out Cyrillic under the Russian layout, digits never do. Forty
digits pack into twenty Code 128 symbols, narrow enough for a 58 mm roll, and no product
barcode (EAN-13, UPC, an internal SKU) is that long.
"""

from __future__ import annotations

import uuid

PREFIX = "9"
LENGTH = 40


def receipt_code(sale_id: str) -> str:
    return PREFIX + str(uuid.UUID(sale_id).int).zfill(LENGTH - len(PREFIX))


def sale_id_of(code: str) -> str | None:
    """The sale id a scanned code stands for; None if it is not a receipt's code."""
    code = code.strip()
    if len(code) != LENGTH or not code.isascii() or not code.isdigit():
        return None
    if not code.startswith(PREFIX):
        return None
    number = int(code[len(PREFIX) :])
    if number >= 2**128:
        return None
    return str(uuid.UUID(int=number))
