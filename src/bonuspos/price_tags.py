"""Price tags for the shelves: A4 sheets of labels, each with the product's name, price,
the points it earns (or the promo mark) and its EAN-13.

One renderer for the till (`bonuspos price-tags`, the product card's key) and the server
(`bonuspos-server price-tags`): so it draws with fpdf2 and the DejaVu fonts shipped in
resources/fonts, without Qt, which the server does not have. The sheet is the common
14-label A4 stock (2 × 7 labels of 99.1 × 38.1 mm): it prints on plain paper too, with a
dashed line to cut along.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bonuspos import paths
from bonuspos.domain.ean13 import QUIET_LEFT, QUIET_RIGHT, ean13_bits, guard_modules, is_ean13
from bonuspos.domain.money import Money, Points

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_MM = (210.0, 297.0)
ACROSS, DOWN = 2, 7
LABEL_MM = (99.1, 38.1)
FIRST_MM = (4.65, 15.15)  # the top left label's corner
PITCH_MM = (101.6, 38.1)
PAD = 3.0  # inside a label's edge: a cut a millimetre off loses no letter
MODULE = 0.33  # EAN-13 at its nominal size: any shelf scanner reads it
BARS_HEIGHT = 16.0  # shorter than nominal, as shelf labels print it; scanners read a line
NAME_PT = 9.5
NAME_LINES = 2
PRICE_PT = 22.0
SMALL_PT = 7.5
DIGITS_PT = 8.0
PT = 25.4 / 72  # millimetres a point

# fontTools logs every glyph of every font it subsets at INFO: pages of it per sheet.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class PriceTag:
    """What a tag shows; `ean` None when the product has no valid EAN-13 to print."""

    sku: str
    name: str
    price: Money
    points: Points  # per unit, as the price list gives it
    promotional: bool
    ean: str | None

    @classmethod
    def of(
        cls,
        sku: str,
        name: str,
        price: Money,
        points: Points,
        promotional: bool,
        codes: Sequence[str],
    ) -> PriceTag:
        """A tag with the first of `codes` that is an EAN-13; in-store codes are not."""
        ean = next((code for code in codes if is_ean13(code)), None)
        return cls(sku, name, price, points, promotional, ean)


def points_text(tag: PriceTag) -> list[str]:
    """The line (or two) under the price: what a unit earns, or why it earns nothing."""
    if tag.promotional:
        return ["баллы не начисляются,", "товар не оплачивается баллами"]
    if not tag.points:
        return ["баллы не начисляются"]
    return [f"+{tag.points.number()} балла за 1 шт."]


def fit(text: str, width: float, measure: Callable[[str], float], lines: int) -> list[str]:
    """`text` in at most `lines` lines no wider than `width`: broken between words (inside a
    word too long for a line), the last line cut with «…» when the rest does not fit."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = ""
        while words:
            candidate = f"{line} {words[0]}".strip()
            if measure(candidate) <= width:
                line = candidate
                words.pop(0)
                continue
            if not line:  # one word wider than the line: as many letters as fit
                cut = 1
                while cut < len(words[0]) and measure(words[0][: cut + 1]) <= width:
                    cut += 1
                line, words[0] = words[0][:cut], words[0][cut:]
            break
        out.append(line)
    if words:
        last = out[-1]
        while last and measure(last + "…") > width:
            last = last[:-1].rstrip()
        out[-1] = last + "…"
    return out


def render(tags: Sequence[PriceTag], *, fonts: Path | None = None) -> bytes:
    """The PDF of `tags`, fourteen to an A4 sheet, in the order given."""
    # Imported here: fpdf2 and fontTools take a third of a second, and the till loads this
    # module with its catalog at every start, to print tags now and then.
    from fpdf import FPDF

    if not tags:
        raise ValueError("no price tags to print")
    folder = fonts or paths.resources_dir() / "fonts"
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creator("BonusPOS")
    pdf.set_title("Ценники")
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    for n, tag in enumerate(tags):
        if n % (ACROSS * DOWN) == 0:
            pdf.add_page()
        x, y, _, _ = label_box(n)
        _label(pdf, tag, x, y)
    return bytes(pdf.output())


def label_box(n: int) -> tuple[float, float, float, float]:
    """Where the `n`-th tag of a sheet lies: left, top, right, bottom in millimetres."""
    place = n % (ACROSS * DOWN)
    x = FIRST_MM[0] + (place % ACROSS) * PITCH_MM[0]
    y = FIRST_MM[1] + (place // ACROSS) * PITCH_MM[1]
    return x, y, x + LABEL_MM[0], y + LABEL_MM[1]


def _label(pdf: FPDF, tag: PriceTag, x: float, y: float) -> None:
    width, height = LABEL_MM
    pdf.set_draw_color(170)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.rect(x, y, width, height)
    pdf.set_text_color(0)
    # The name across the top, in up to two lines.
    pdf.set_font("DejaVu", "B", NAME_PT)
    line = NAME_PT * PT * 1.2
    for k, text in enumerate(fit(tag.name, width - 2 * PAD, pdf.get_string_width, NAME_LINES)):
        pdf.text(x + PAD, y + PAD + NAME_PT * PT + k * line, text)
    top = y + PAD + NAME_LINES * line + 1.0
    bars = _bars_width()
    column = width - 2 * PAD - bars - 2.0  # the price's column, left of the barcode
    # The price, as large as the column lets it be, the currency beside it.
    price = tag.price.number()
    size = PRICE_PT
    pdf.set_font("DejaVu", "B", size)
    while pdf.get_string_width(price) > column - 9 and size > 10:
        size -= 0.5
        pdf.set_font("DejaVu", "B", size)
    baseline = top + PRICE_PT * PT * 0.8
    pdf.text(x + PAD, baseline, price)
    after = x + PAD + pdf.get_string_width(price) + 1.0
    pdf.set_font("DejaVu", "", SMALL_PT + 1)
    pdf.text(after, baseline, "BYN")
    # The points a unit earns, or the promo mark and why there are none.
    small = SMALL_PT * PT * 1.25
    below = baseline + 2.0
    if tag.promotional:
        pdf.set_font("DejaVu", "B", SMALL_PT + 1)
        mark = "АКЦИЯ"
        box = pdf.get_string_width(mark) + 3.0
        pdf.set_fill_color(0)
        pdf.rect(x + PAD, below, box, small + 1.0, style="F")
        pdf.set_text_color(255)
        pdf.text(x + PAD + 1.5, below + small - 0.2, mark)
        pdf.set_text_color(0)
        below += small + 1.5
    pdf.set_font("DejaVu", "", SMALL_PT)
    for text in points_text(tag):
        below += small
        pdf.text(x + PAD, below, fit(text, column, pdf.get_string_width, 1)[0])
    pdf.set_font("DejaVu", "", SMALL_PT - 1)
    pdf.set_text_color(90)
    pdf.text(x + PAD, y + height - PAD + 0.5, f"Арт. {tag.sku}"[:40])
    pdf.set_text_color(0)
    right = x + width - PAD
    if tag.ean is None:
        pdf.set_font("DejaVu", "", SMALL_PT)
        pdf.set_text_color(90)
        note = "нет штрихкода EAN-13"
        pdf.text(right - pdf.get_string_width(note), top + 6.0, note)
        pdf.set_text_color(0)
        return
    _ean13(pdf, tag.ean, right - bars, top - 1.0)


def _bars_width() -> float:
    return (QUIET_LEFT + 95 + QUIET_RIGHT) * MODULE


def _ean13(pdf: FPDF, code: str, left: float, top: float) -> None:
    """The bars with their quiet zones from `left`, the digits under them as on goods:
    the first digit before the bars, six under each half, the guards reaching down."""
    start = left + QUIET_LEFT * MODULE
    guards = guard_modules()
    digits_height = DIGITS_PT * PT
    pdf.set_fill_color(0)
    for n, bit in enumerate(ean13_bits(code)):
        if bit == "1":
            tall = BARS_HEIGHT + (digits_height / 2 if n in guards else 0)
            pdf.rect(start + n * MODULE, top, MODULE, tall, style="F")
    pdf.set_font("DejaVu", "", DIGITS_PT)
    baseline = top + BARS_HEIGHT + digits_height * 0.85
    pdf.text(start - pdf.get_string_width(code[0]) - MODULE * 2, baseline, code[0])
    for first, digits in ((3, code[1:7]), (50, code[7:])):
        middle = start + (first + 21) * MODULE
        pdf.text(middle - pdf.get_string_width(digits) / 2, baseline, digits)
