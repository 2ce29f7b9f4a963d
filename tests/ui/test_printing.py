"""Receipts reach paper or a file, or the cashier reads why not; the sale is never at stake.

A PDF is a receipt roll: one page as wide as the roll, as long as the slip, 42 columns that
never wrap, and the receipt code as Code 128 bars that read back to its digits. An ESC/POS
printer gets the text and its own barcode command.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.money import Points
from bonuspos.domain.quote import CapReason
from bonuspos.services.slip import format_return_slip, format_slip
from bonuspos.ui.printing import (
    EscPosPrinter,
    PdfPrinter,
    PrintFailed,
    SystemPrinter,
    configured,
    escpos_slip,
)
from tests.support import read_code128c, sample_receipt, sample_return

GS = b"\x1d"


def printed_pdf(folder: Path, text: str, code: str | None, *, roll_mm: int = 80) -> Path:
    said = PdfPrinter(folder, roll_mm=roll_mm).print_slip(text, code)
    (written,) = folder.glob("*.pdf")
    assert str(written) in said
    return written


def pages_mm(pdf: Path) -> list[tuple[float, float]]:
    """Each page's width and height in millimetres, from the PDF's own page objects."""
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == len(boxes)
    return [(float(w) * 25.4 / 72, float(h) * 25.4 / 72) for w, h in boxes]


def poppler(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return exe


def test_a_pdf_receipt_is_written_where_it_says(qtbot: QtBot, tmp_path: Path) -> None:
    said = PdfPrinter(tmp_path / "receipts").print_slip("ЛЮБИМЫЙ ПОКУПАТЕЛЬ\nЧек №1")
    written = list((tmp_path / "receipts").glob("*.pdf"))
    assert len(written) == 1
    assert written[0].read_bytes().startswith(b"%PDF")
    assert str(written[0]) in said


def test_a_sale_is_one_page_of_an_80_mm_roll_as_long_as_its_slip(
    qtbot: QtBot, tmp_path: Path
) -> None:
    receipt = sample_receipt()
    short = pages_mm(printed_pdf(tmp_path / "short", "Чек №1", receipt.code))
    full = pages_mm(printed_pdf(tmp_path / "full", format_slip(receipt), receipt.code))
    long = pages_mm(printed_pdf(tmp_path / "long", "\n".join(["x"] * 200), receipt.code))
    for ((width, _height),) in (short, full, long):
        assert width == pytest.approx(80, abs=0.5)
    assert short[0][1] < full[0][1] < long[0][1]
    assert long[0][1] > 600  # two hundred lines, still one page


def test_a_58_mm_roll_is_chosen_by_the_setting(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BONUSPOS_PRINTER", f"pdf:{tmp_path / 'narrow'}")
    monkeypatch.setenv("BONUSPOS_ROLL", "58")
    receipt = sample_receipt()
    configured(tmp_path).print_slip(format_slip(receipt), receipt.code)
    ((width, _height),) = pages_mm(next((tmp_path / "narrow").glob("*.pdf")))
    assert width == pytest.approx(58, abs=0.5)


def test_the_pdf_barcode_reads_back_crisp_with_its_quiet_zones(
    qtbot: QtBot, tmp_path: Path
) -> None:
    receipt = sample_receipt()
    pdf = printed_pdf(tmp_path, format_slip(receipt), receipt.code)
    # At 100 dpi a 10 mil module is one pixel exactly: any grey would be a blurred edge.
    subprocess.run(
        [poppler("pdftoppm"), "-png", "-r", "100", "-singlefile", pdf, tmp_path / "slip"],
        check=True,
    )
    image = QImage(str(tmp_path / "slip.png"))
    assert not image.isNull()
    rows = [
        [image.pixelColor(x, y).lightness() for x in range(image.width())]
        for y in range(image.height())
    ]
    bars = [row for row in rows if sum(a < 128 <= b for a, b in itertools.pairwise(row)) > 40]
    assert len(bars) >= 30  # about a centimetre of bars at 100 dpi
    row = bars[len(bars) // 2]
    assert all(v in (0, 255) for v in row), "bar edges are whole pixels"
    runs = [(dark, len(list(run))) for dark, run in itertools.groupby(v < 128 for v in row)]
    (white, left), *code, (_, right) = runs
    assert not white
    assert left >= 10
    assert right >= 10
    assert read_code128c([width for _, width in code]) == receipt.code


def test_amounts_stay_on_the_line_of_what_they_are_for(qtbot: QtBot, tmp_path: Path) -> None:
    receipt = sample_receipt()
    pdf = printed_pdf(tmp_path, format_slip(receipt), receipt.code)
    shown = subprocess.run(
        [poppler("pdftotext"), "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in shown.splitlines()]
    for label, amount in [
        ("ИТОГО", "2 087,80 BYN"),
        ("Оплачено баллами", "-300,00"),
        ("К оплате", "1 787,80 BYN"),
        ("Банковская карта", "1 500,00"),
        ("Доступно баллов", "1 234,50 б."),
        ("1 x 1 899,00", "1 899,00"),
    ]:
        assert any(line.startswith(label) and line.endswith(amount) for line in lines), label
    assert receipt.code in lines


def test_a_return_slip_is_one_80_mm_page_with_no_barcode(qtbot: QtBot, tmp_path: Path) -> None:
    text = format_return_slip(sample_return(approved_by="Петров Сергей"))
    pdf = printed_pdf(tmp_path, text, None)
    ((width, height),) = pages_mm(pdf)
    assert width == pytest.approx(80, abs=0.5)
    assert height > 80
    if shutil.which("pdftotext"):
        shown = subprocess.run(
            ["pdftotext", pdf, "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "ВОЗВРАТ" in shown
        assert "Подтвердил: Петров Сергей" in shown
        assert "Подпись покупателя" in shown


def test_a_folder_that_cannot_be_made_is_a_clear_refusal(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(PrintFailed, match="Папка для чеков недоступна"):
        PdfPrinter(tmp_path / "file" / "receipts").print_slip("x")


def escpos_bytes(text: str, code: str | None) -> bytes:
    dummy = pytest.importorskip("escpos.printer").Dummy()
    escpos_slip(dummy, text, code)
    output: bytes = dummy.output
    return output


def test_escpos_gets_the_text_then_the_printers_own_code_128_of_the_digits() -> None:
    receipt = sample_receipt()
    sent = escpos_bytes(format_slip(receipt), receipt.code)
    pairs = bytes(int(receipt.code[i : i + 2]) for i in range(0, 40, 2))
    # GS k 73 (CODE128, function B), its length, "{C" (code set C), a byte per two digits.
    command = GS + b"kI" + bytes([22]) + b"{C" + pairs
    assert command in sent
    assert GS + b"H\x00" in sent  # the printer's own digits off: ours follow as text
    assert GS + b"w\x02" in sent  # a two-dot module: 510 dots, inside an 80 mm head's 576
    assert "ИТОГО".encode("cp866") in sent
    assert sent.index("ИТОГО".encode("cp866")) < sent.index(command)
    assert sent.index(command) < sent.index(receipt.code.encode()) < sent.rindex(GS + b"V")


def test_escpos_prints_a_return_slip_without_a_barcode() -> None:
    sent = escpos_bytes(format_return_slip(sample_return()), None)
    assert "ВОЗВРАТ".encode("cp866") in sent
    assert "Подпись покупателя".encode("cp866") in sent
    assert GS + b"k" not in sent
    assert GS + b"V" in sent


def test_an_escpos_file_printer_gets_the_same_bytes(tmp_path: Path) -> None:
    pytest.importorskip("escpos")
    receipt = sample_receipt()
    device = tmp_path / "lp0"
    said = EscPosPrinter("file", str(device)).print_slip(format_slip(receipt), receipt.code)
    assert said == "Чек напечатан"
    assert device.read_bytes() == escpos_bytes(format_slip(receipt), receipt.code)


def test_an_escpos_printer_that_cannot_print_says_so(qtbot: QtBot) -> None:
    # Without python-escpos installed, or with no such printer on this machine.
    with pytest.raises(PrintFailed):
        EscPosPrinter("usb", "04b8:0202").print_slip("x")


@pytest.mark.parametrize(
    ("setting", "kind"),
    [
        ("", PdfPrinter),
        ("pdf:/srv/receipts", PdfPrinter),
        ("system", SystemPrinter),
        ("escpos-usb:04b8:0202", EscPosPrinter),
        ("escpos-file:/dev/usb/lp0", EscPosPrinter),
    ],
)
def test_the_printer_is_the_one_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, setting: str, kind: type
) -> None:
    monkeypatch.setenv("BONUSPOS_PRINTER", setting)
    assert isinstance(configured(tmp_path), kind)


def test_the_sale_slip_says_why_on_the_line_under_each_points_figure(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The picture in the README: a promo line, points spent to the cap, points earned.

    `BONUSPOS_PICTURES=tests/screenshots` keeps the PNG; otherwise a temporary folder does.
    """
    receipt = replace(
        sample_receipt(), spent=Points(614_40), cap=Points(614_40), cap_reason=CapReason.PERCENT
    )
    receipt = replace(receipt, due=receipt.total - receipt.spent.as_money())
    receipt = replace(receipt, tenders=((TenderKind.BANK_CARD, receipt.due),))
    pdf = printed_pdf(tmp_path, format_slip(receipt), receipt.code)
    ((width, _height),) = pages_mm(pdf)
    assert width == pytest.approx(80, abs=0.5)
    shown = subprocess.run(
        [poppler("pdftotext"), "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in shown.splitlines() if line.strip()]
    at = lines.index("Оплачено баллами -614,40")
    assert lines[at + 1] == "не больше 30% суммы товаров без акций"
    assert lines[at + 2] == "К оплате 1 473,40 BYN"
    assert "акция: без баллов" in lines
    assert "Начислено 61,44 б." in lines
    out = Path(os.environ.get("BONUSPOS_PICTURES") or tmp_path / "pictures")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [poppler("pdftoppm"), "-png", "-r", "150", "-singlefile", pdf, out / "13-sale-slip"],
        check=True,
    )
    picture = QImage(str(out / "13-sale-slip.png"))
    assert picture.width() == pytest.approx(80 / 25.4 * 150, abs=2)
