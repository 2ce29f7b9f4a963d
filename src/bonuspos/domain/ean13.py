"""EAN-13, the product barcode on goods and price tags: its check digit and its bars.

A till reads the 13 digits from the scanner; a price tag draws them. The bars are 95
modules: the start guard, six digits of the left half in the sets L or G that the first
digit picks (it has no bars of its own), the centre guard, six digits in set R, the end
guard. ISO/IEC 15420.
"""

from __future__ import annotations

# Set L (odd parity) of each digit, seven modules, 1 a bar; set R is L inverted and set G
# is R reversed.
_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
_R = tuple(code.translate(str.maketrans("01", "10")) for code in _L)
_G = tuple(code[::-1] for code in _R)
# Which set each of the six left digits takes, by the first digit.
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")  # fmt: skip

START = "101"
CENTRE = "01010"
END = "101"
MODULES = 95
# Modules of white the symbol needs either side: left of the first digit, right of the last.
QUIET_LEFT = 11
QUIET_RIGHT = 7


def check_digit(first12: str) -> int:
    """The 13th digit: weights 1 and 3 from the left, the remainder to the next ten."""
    if len(first12) != 12 or not (first12.isascii() and first12.isdigit()):
        raise ValueError(f"EAN-13 takes twelve digits before its check digit, not {first12!r}")
    weighted = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - weighted % 10) % 10


def is_ean13(code: str) -> bool:
    """Thirteen digits whose last is their check digit: a code a scanner reads back."""
    return (
        len(code) == 13
        and code.isascii()
        and code.isdigit()
        and check_digit(code[:12]) == int(code[12])
    )


def ean13_bits(code: str) -> str:
    """The 95 modules of `code`, '1' a bar and '0' a space, guards included."""
    if not is_ean13(code):
        raise ValueError(f"not an EAN-13 (13 digits, the last the check digit): {code!r}")
    sets = {"L": _L, "G": _G}
    left = "".join(
        sets[kind][int(d)] for kind, d in zip(_PARITY[int(code[0])], code[1:7], strict=True)
    )
    right = "".join(_R[int(d)] for d in code[7:])
    return START + left + CENTRE + right + END


def guard_modules() -> frozenset[int]:
    """Which of the 95 modules are guards: drawn longer, down into the digits' line."""
    centre = 3 + 42
    return frozenset([0, 1, 2, *range(centre, centre + 5), 92, 93, 94])
