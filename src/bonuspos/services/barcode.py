"""Code 128, code set C only: the receipt code's bars, for printers that draw them themselves.

The receipt code is all digits and of even length, so set C (two digits a symbol) from the
start symbol to the stop is the shortest Code 128 for it, and the encoder needs no set
switching. The PDF draws these widths; an ESC/POS printer gets the digits and makes its
own bars, which this module's tests hold to the same symbology.
"""

from __future__ import annotations

# Bar, space, bar, space, bar, space widths in modules of symbol values 0..105, then the
# stop (seven elements, the last a 2-module bar). ISO/IEC 15417, table 1.
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
    "211214", "211232", "2331112",
)  # fmt: skip

START_C = 105
STOP = 106
QUIET_ZONE = 10  # modules of white each side that scanners need to find the code's ends


def code128c(digits: str) -> list[int]:
    """Module widths of `digits` in Code 128 set C: bar, space, bar, …, ending on a bar.

    Start C, a symbol per two digits, the modulo-103 check symbol, stop. Quiet zones are
    the drawer's to leave (`QUIET_ZONE`).
    """
    if not digits or len(digits) % 2 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"Code 128 set C takes an even number of digits, not {digits!r}")
    values = [START_C] + [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
    # The start symbol weighs 1, as does the first data symbol: both count position 1.
    check = (values[0] + sum(pos * value for pos, value in enumerate(values[1:], 1))) % 103
    return [int(width) for value in [*values, check, STOP] for width in PATTERNS[value]]


def modules(digits: str) -> int:
    """How many modules wide the bars are, without the quiet zones."""
    return sum(code128c(digits))
