"""Price tags: A4 sheets of shelf labels, each with its name, price, points or promo mark
and an EAN-13 that a scanner reads back as the product's.

The sheets are rendered to PNG by pdftoppm and their bars read by zxing-cpp, a decoder
that knows nothing of ours; the words are placed by pdftotext, each inside its label.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bonuspos.cli import main
from bonuspos.domain.ean13 import check_digit, ean13_bits, is_ean13
from bonuspos.domain.money import Money, Points
from bonuspos.price_tags import ACROSS, DOWN, LABEL_MM, PriceTag, fit, label_box, render
from bonuspos.services.errors import NotFound
from bonuspos.services.till import Till

MM = 25.4 / 72  # a PDF point in millimetres
LONG_NAME = (
    "Пылесос вертикальный беспроводной Dreame Trouver H12 Pro Wet and Dry с функцией "
    "влажной уборки и самоочистки, серый металлик"
)


def ean(first12: str) -> str:
    return first12 + str(check_digit(first12))


def price_list(folder: Path) -> tuple[Path, dict[str, str]]:
    """Sixteen goods with EAN-13s (two sheets), a promo line among them, a name too long
    for its label, and one good with only an in-store code."""
    rows = ["sku;barcode;name;price;points;promotional"]
    eans: dict[str, str] = {}
    for n in range(1, 16):
        code = ean(f"48100001{n:04d}")
        eans[f"G-{n:02d}"] = code
        name, promo, points = f"Товар номер {n}", "0", "0,30"
        if n == 3:
            name, promo, points = "Робот-пылесос (акция)", "1", "0,00"
        if n == 7:
            name = LONG_NAME
        rows.append(f"G-{n:02d};{code},2000{n:03d};{name};{n * 10},90;{points};{promo}")
    rows.append("NO-EAN;12345;Развесной товар без штрихкода;5,00;0,15;0")
    path = folder / "prices.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path, eans


def poppler(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return exe


def barcodes_on(pdf: Path, folder: Path) -> list[tuple[int, str, float, float]]:
    """Every barcode on every sheet: page, its text, its centre in millimetres."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    dpi = 300
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([poppler("pdftoppm"), "-png", "-r", str(dpi), pdf, folder / "sheet"], check=True)
    found = []
    for page, png in enumerate(sorted(folder.glob("sheet-*.png"))):
        for result in zxingcpp.read_barcodes(Image.open(png)):
            assert result.format == zxingcpp.BarcodeFormat.EAN13
            corners = result.position
            xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x]
            ys = [corners.top_left.y, corners.bottom_left.y, corners.bottom_right.y]
            centre_x = (min(xs) + max(xs)) / 2 * 25.4 / dpi
            centre_y = (min(ys) + max(ys)) / 2 * 25.4 / dpi
            found.append((page, result.text, centre_x, centre_y))
    return found


def words_on(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """Every word pdftotext finds: page, text, left, top, right, bottom in millimetres."""
    html = subprocess.run(
        [poppler("pdftotext"), "-bbox", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    out = []
    for page, body in enumerate(html.split("<page ")[1:]):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)',
            body,
        ):
            box = (float(x0) * MM, float(y0) * MM, float(x1) * MM, float(y1) * MM)
            out.append((page, word, *box))
    return out


def place_of(x: float, y: float) -> int | None:
    for n in range(ACROSS * DOWN):
        left, top, right, bottom = label_box(n)
        if left <= x <= right and top <= y <= bottom:
            return n
    return None


# --- EAN-13 ------------------------------------------------------------------------------


def test_the_check_digit_is_the_one_printed_on_goods() -> None:
    assert check_digit("590123412345") == 7
    assert check_digit("400638133393") == 1
    assert check_digit("481000000001") == 8
    assert is_ean13("5901234123457")
    assert not is_ean13("5901234123458")  # one digit misread
    assert not is_ean13("4810000000012")  # the demo's in-house codes are not EAN-13
    assert not is_ean13("59012341234")
    with pytest.raises(ValueError, match="twelve digits"):
        check_digit("59012341234x")


@pytest.mark.parametrize("code", ["5901234123457", "4006381333931", "0012345678905"])
def test_the_bars_are_those_of_the_reference_encoder(code: str) -> None:
    barcode = pytest.importorskip("barcode")
    (reference,) = barcode.EAN13(code[:12]).build()
    assert ean13_bits(code) == reference
    assert len(ean13_bits(code)) == 95


# --- the sheet ---------------------------------------------------------------------------


def test_every_tag_on_the_sheets_scans_as_its_products_ean(till: Till, tmp_path: Path) -> None:
    prices, eans = price_list(tmp_path)
    till.catalog.load_csv(prices)
    skus = [*sorted(eans), "NO-EAN"]
    tags = till.catalog.price_tags(skus)
    assert [tag.sku for tag in tags] == skus
    pdf = tmp_path / "tags.pdf"
    pdf.write_bytes(render(tags))
    read = barcodes_on(pdf, tmp_path)
    # Each code lies in the label of its own tag: 14 a sheet, in the order asked.
    by_place = {(page, place_of(x, y)): text for page, text, x, y in read}
    expected = {
        (n // (ACROSS * DOWN), n % (ACROSS * DOWN)): tag.ean
        for n, tag in enumerate(tags)
        if tag.ean is not None
    }
    assert by_place == expected
    assert sorted(text for _, text, _, _ in read) == sorted(eans.values())


def test_a_tag_says_the_price_the_points_of_a_unit_or_the_promo_mark(
    till: Till, tmp_path: Path
) -> None:
    prices, _ = price_list(tmp_path)
    till.catalog.load_csv(prices)
    pdf = tmp_path / "tags.pdf"
    pdf.write_bytes(render(till.catalog.price_tags(["G-02", "G-03", "NO-EAN"])))
    shown = subprocess.run(
        [poppler("pdftotext"), "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in shown.splitlines()]
    assert any("Товар номер 2" in line for line in lines)
    assert any(line.startswith("20,90 BYN") for line in lines)
    assert any("+0,30 балла за 1 шт." in line for line in lines)
    assert any("АКЦИЯ" in line for line in lines)
    assert any("товар не оплачивается баллами" in line for line in lines)
    assert any("нет штрихкода EAN-13" in line for line in lines)


def test_no_word_leaves_its_label_however_long_the_name(till: Till, tmp_path: Path) -> None:
    prices, _ = price_list(tmp_path)
    till.catalog.load_csv(prices)
    pdf = tmp_path / "tags.pdf"
    pdf.write_bytes(render(till.catalog.price_tags()))
    words = words_on(pdf)
    assert words
    for page, word, left, top, right, bottom in words:
        place = place_of((left + right) / 2, (top + bottom) / 2)
        assert place is not None, word
        x0, y0, x1, y1 = label_box(place)
        assert x0 < left < right < x1, (page, word)
        assert y0 < top < bottom < y1, (page, word)
    text = " ".join(word for _, word, *_ in words)
    assert "Пылесос вертикальный" in text
    assert "серый металлик" not in text  # shortened, with «…» where it stops
    assert "…" in text


def test_names_break_between_words_and_end_in_an_ellipsis_when_cut() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert fit("Чайник электрический", 13, width, 2) == ["Чайник", "электрический"]
    assert fit("Кабель USB-C 1 м", 20, width, 2) == ["Кабель USB-C 1 м"]
    lines = fit("один два три четыре пять шесть", 9, width, 2)
    assert lines == ["один два", "три…"]
    assert all(width(line) <= 9 for line in lines)
    assert fit("Сверхдлинноеслово", 5, width, 2) == ["Сверх", "длин…"]


def test_a_sheet_holds_fourteen_labels_inside_the_page() -> None:
    assert ACROSS * DOWN == 14
    for n in range(14):
        left, top, right, bottom = label_box(n)
        assert 0 < left < right < 210
        assert 0 < top < bottom < 297
        assert right - left == pytest.approx(LABEL_MM[0])


def test_the_whole_catalog_is_tagged_by_name(till: Till) -> None:
    tags = till.catalog.price_tags()
    assert len(tags) == 10  # the demo catalog
    assert [tag.name for tag in tags] == sorted(tag.name for tag in tags)
    robot = next(tag for tag in tags if tag.sku == "VC-ROB")
    assert robot.promotional
    assert robot.ean is None  # the demo's codes fail the EAN-13 check digit


def test_an_unknown_sku_is_refused_by_name(till: Till) -> None:
    with pytest.raises(NotFound, match="НЕТ-ТАКОГО"):
        till.catalog.price_tags(["TV-55Q", "НЕТ-ТАКОГО"])


def test_the_product_cards_tag_goes_to_the_tills_print_folder(till: Till, tmp_path: Path) -> None:
    prices, eans = price_list(tmp_path)
    till.catalog.load_csv(prices)
    path = till.catalog.print_tags(["G-05"])
    assert path.parent == till.data_dir / "reports" / "print"
    read = barcodes_on(path, tmp_path)
    assert [text for _, text, _, _ in read] == [eans["G-05"]]


def test_a_tag_without_a_good_ean_is_drawn_without_bars() -> None:
    tag = PriceTag.of("W-1", "Гвозди", Money(3_00), Points(9), False, ["12345", "4810000000012"])
    assert tag.ean is None
    assert render([tag]).startswith(b"%PDF")


# --- the command -------------------------------------------------------------------------


def test_the_till_command_prints_chosen_tags_or_all_and_names_those_without_bars(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "till"
    prices, eans = price_list(tmp_path)
    with Till(data) as till:
        till.catalog.load_csv(prices)
    out = tmp_path / "shelf.pdf"
    assert (
        main(
            [
                "price-tags",
                "--sku",
                "G-01",
                "--sku",
                "NO-EAN",
                "--out",
                str(out),
                "--data-dir",
                str(data),
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert f"Ценников: 2, листов A4: 1: {out}" in said
    assert "Без штрихкода (в прайс-листе нет EAN-13): NO-EAN" in said
    assert [text for _, text, _, _ in barcodes_on(out, tmp_path / "one")] == [eans["G-01"]]
    everything = tmp_path / "all.pdf"
    assert main(["price-tags", "--all", "--out", str(everything), "--data-dir", str(data)]) == 0
    assert "Ценников: 16, листов A4: 2" in capsys.readouterr().out
    assert main(["price-tags", "--sku", "NOPE", "--out", str(out), "--data-dir", str(data)]) == 2
    assert "Товар «NOPE» не найден в каталоге" in capsys.readouterr().err


def test_the_picture_of_a_sheet(till: Till, tmp_path: Path) -> None:
    """`BONUSPOS_PICTURES=tests/screenshots` keeps the README's picture of a sheet."""
    prices, _ = price_list(tmp_path)
    till.catalog.load_csv(prices)
    pdf = tmp_path / "tags.pdf"
    pdf.write_bytes(
        render(till.catalog.price_tags(["G-01", "G-03", "G-07", "G-12", "NO-EAN", "TV-55Q"]))
    )
    out = Path(os.environ.get("BONUSPOS_PICTURES") or tmp_path / "pictures")
    out.mkdir(parents=True, exist_ok=True)
    # The top of the first sheet, three rows of tags, at a size the README shows whole.
    top = ["-r", "110", "-x", "0", "-y", "40", "-W", "910", "-H", "520"]
    first_page = [poppler("pdftoppm"), "-png", *top, "-f", "1", "-singlefile"]
    subprocess.run([*first_page, pdf, out / "14-price-tags"], check=True)
    assert (out / "14-price-tags.png").stat().st_size > 0
