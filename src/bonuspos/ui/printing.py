"""Where receipts go: an ESC/POS thermal printer, a system printer, or PDF files.

Chosen by BONUSPOS_PRINTER: `escpos-usb:VID:PID`, `escpos-file:/dev/usb/lp0`,
`escpos-net:HOST`, `system`, or `pdf:FOLDER`; by default PDF files in the till's data
folder, so a PC without a printer still keeps every receipt. A printer that fails raises
`PrintFailed` with a message for the cashier; the sale is already saved by then.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtGui import QFont, QPageSize, QPdfWriter, QTextDocument

from bonuspos.ui.texts import tr


class PrintFailed(Exception):
    pass


class SlipPrinter(Protocol):
    def print_slip(self, text: str) -> str:
        """Print one receipt; what to tell the cashier (where it went)."""
        ...


class PdfPrinter:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def print_slip(self, text: str) -> str:
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrintFailed(tr("Папка для чеков недоступна: {0}").format(exc.strerror)) from exc
        path = self._folder / f"receipt-{datetime.now().astimezone():%Y%m%d-%H%M%S-%f}.pdf"
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A6))
        _document(text).print_(writer)
        if not path.exists() or path.stat().st_size == 0:
            raise PrintFailed(tr("Не удалось записать чек в файл {0}").format(path))
        return tr("Чек сохранён: {0}").format(path)


class SystemPrinter:
    """The PC's default printer, through Qt's print support."""

    def print_slip(self, text: str) -> str:
        from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

        if QPrinterInfo.defaultPrinter().isNull():
            raise PrintFailed(tr("Принтер по умолчанию не настроен"))
        printer = QPrinter(QPrinterInfo.defaultPrinter())
        _document(text).print_(printer)
        return tr("Чек отправлен на принтер {0}").format(printer.printerName())


class EscPosPrinter:
    """A receipt printer speaking ESC/POS, through python-escpos (`pip install python-escpos`)."""

    def __init__(self, kind: str, target: str) -> None:
        self._kind = kind
        self._target = target

    def print_slip(self, text: str) -> str:
        try:
            from escpos import printer as escpos_printer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise PrintFailed(tr("Не установлен python-escpos для чекового принтера")) from exc
        try:
            device = self._open(escpos_printer)
            device.charcode("CP866")
            device.text(text + "\n")
            device.cut()
            device.close()
        except Exception as exc:  # every driver error means the same to a cashier
            raise PrintFailed(tr("Чековый принтер не отвечает: {0}").format(exc)) from exc
        return tr("Чек напечатан")

    def _open(self, module: Any) -> Any:
        if self._kind == "usb":
            vendor, product = (int(part, 16) for part in self._target.split(":"))
            return module.Usb(vendor, product)
        if self._kind == "net":
            return module.Network(self._target)
        return module.File(self._target)


def configured(data_dir: Path) -> SlipPrinter:
    choice = os.environ.get("BONUSPOS_PRINTER", "")
    kind, _, target = choice.partition(":")
    if kind.startswith("escpos-"):
        return EscPosPrinter(kind.removeprefix("escpos-"), target)
    if kind == "system":
        return SystemPrinter()
    if kind == "pdf" and target:
        return PdfPrinter(Path(target))
    return PdfPrinter(data_dir / "receipts")


def _document(text: str) -> QTextDocument:
    document = QTextDocument()
    font = QFont("DejaVu Sans Mono")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(8)
    document.setDefaultFont(font)
    document.setPlainText(text)
    return document
