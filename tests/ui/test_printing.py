"""Receipts reach paper or a file, or the cashier reads why not; the sale is never at stake."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bonuspos.ui.printing import EscPosPrinter, PdfPrinter, PrintFailed, SystemPrinter, configured


def test_a_pdf_receipt_is_written_where_it_says(qtbot: QtBot, tmp_path: Path) -> None:
    said = PdfPrinter(tmp_path / "receipts").print_slip("ЛЮБИМЫЙ ПОКУПАТЕЛЬ\nЧек №1")
    written = list((tmp_path / "receipts").glob("*.pdf"))
    assert len(written) == 1
    assert written[0].read_bytes().startswith(b"%PDF")
    assert str(written[0]) in said


def test_a_folder_that_cannot_be_made_is_a_clear_refusal(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(PrintFailed, match="Папка для чеков недоступна"):
        PdfPrinter(tmp_path / "file" / "receipts").print_slip("x")


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
