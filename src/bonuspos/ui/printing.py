"""Where receipts go: an ESC/POS thermal printer, a system printer, or PDF files.

Chosen by BONUSPOS_PRINTER: `escpos-usb:VID:PID`, `escpos-file:/dev/usb/lp0`,
`escpos-net:HOST`, `system`, or `pdf:FOLDER`; by default PDF files in the till's data
folder, so a PC without a printer still keeps every receipt. BONUSPOS_ROLL=58 lays the
PDF out for a 58 mm roll instead of 80 mm. A printer that fails raises `PrintFailed` with
a message for the cashier; the sale is already saved by then.

Every printer takes the slip's text (42 columns, from `services.slip`) and the receipt
code, printed as a Code 128 barcode under the text with its digits below the bars.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from bonuspos.services.barcode import QUIET_ZONE, code128c
from bonuspos.services.slip import WIDTH
from bonuspos.ui.texts import tr

# The print head's width on each roll: text and bars stay inside it, as on the real printer.
PRINTABLE_MM = {80: 72.0, 58: 48.0}
MARGIN_MM = 4.0  # above the text and below the code: the tear-off edge
BAR_HEIGHT_MM = 10.0
# 10 mil (0.254 mm), the module width store scanners are made for; narrower only when the
# roll leaves no room for the bars and their quiet zones.
MODULE_INCH = 0.01
PDF_DPI = 1200  # a module is then 12 whole device units: bar edges land on the grid


class PrintFailed(Exception):
    pass


class SlipPrinter(Protocol):
    def print_slip(self, text: str, code: str | None = None) -> str:
        """Print one slip, with `code` (digits) as a barcode under it; what to tell the
        cashier (where it went)."""
        ...


class PdfPrinter:
    """Receipt-roll PDFs: one page as wide as the roll and as long as the slip."""

    def __init__(self, folder: Path, *, roll_mm: int = 80) -> None:
        if roll_mm not in PRINTABLE_MM:
            raise ValueError(f"no {roll_mm} mm roll: {sorted(PRINTABLE_MM)}")
        self._folder = folder
        self._roll_mm = roll_mm

    def print_slip(self, text: str, code: str | None = None) -> str:
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrintFailed(tr("Папка для чеков недоступна: {0}").format(exc.strerror)) from exc
        path = self._folder / f"receipt-{datetime.now().astimezone():%Y%m%d-%H%M%S-%f}.pdf"
        writer = QPdfWriter(str(path))
        writer.setResolution(PDF_DPI)
        writer.setCreator("BonusPOS")
        lines = text.splitlines()
        layout = _Layout.of(writer, PRINTABLE_MM[self._roll_mm] * PDF_DPI / 25.4)
        height_mm = layout.height(len(lines), code) * 25.4 / PDF_DPI
        writer.setPageLayout(
            QPageLayout(
                QPageSize(
                    QSizeF(self._roll_mm, height_mm),
                    QPageSize.Unit.Millimeter,
                    "",
                    QPageSize.SizeMatchPolicy.ExactMatch,
                ),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        left = (self._roll_mm - PRINTABLE_MM[self._roll_mm]) / 2 * PDF_DPI / 25.4
        if not _paint(writer, layout, lines, code, left=left, page_height=math.inf):
            raise PrintFailed(tr("Не удалось записать чек в файл {0}").format(path))
        if not path.exists() or path.stat().st_size == 0:
            raise PrintFailed(tr("Не удалось записать чек в файл {0}").format(path))
        return tr("Чек сохранён: {0}").format(path)


class SystemPrinter:
    """The PC's default printer, through Qt's print support."""

    def print_slip(self, text: str, code: str | None = None) -> str:
        from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

        if QPrinterInfo.defaultPrinter().isNull():
            raise PrintFailed(tr("Принтер по умолчанию не настроен"))
        printer = QPrinter(QPrinterInfo.defaultPrinter(), QPrinter.PrinterMode.HighResolution)
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        # An office printer's A4 gets a receipt-wide column, not 42 letters a line across it.
        width = min(page.width(), PRINTABLE_MM[80] * printer.resolution() / 25.4)
        layout = _Layout.of(printer, width)
        if not _paint(printer, layout, text.splitlines(), code, left=0, page_height=page.height()):
            raise PrintFailed(tr("Принтер {0} не принял чек").format(printer.printerName()))
        return tr("Чек отправлен на принтер {0}").format(printer.printerName())


class EscPosPrinter:
    """A receipt printer speaking ESC/POS, through python-escpos (`pip install python-escpos`)."""

    def __init__(self, kind: str, target: str) -> None:
        self._kind = kind
        self._target = target

    def print_slip(self, text: str, code: str | None = None) -> str:
        try:
            from escpos import printer as escpos_printer
        except ImportError as exc:
            raise PrintFailed(tr("Не установлен python-escpos для чекового принтера")) from exc
        try:
            device = self._open(escpos_printer)
            escpos_slip(device, text, code)
            device.close()
        except Exception as exc:  # every driver error means the same to a cashier
            raise PrintFailed(tr("Чековый принтер не отвечает: {0}").format(exc)) from exc
        return tr("Чек напечатан")

    def _open(self, module: Any) -> Any:
        kind = {"usb": module.Usb, "net": module.Network}.get(self._kind, module.File)
        # Checked before the object exists: one made without its library (pyusb) fails
        # again when garbage-collected, long after the cashier was told.
        if not kind.is_usable():
            raise RuntimeError(f"python-escpos: {kind.__name__} needs a library not installed")
        if self._kind == "usb":
            vendor, product = (int(part, 16) for part in self._target.split(":"))
            return kind(vendor, product)
        return kind(self._target)


def escpos_slip(device: Any, text: str, code: str | None) -> None:
    """Send one slip to a python-escpos device: the text, the code's bars, the digits, a cut."""
    device.charcode("CP866")
    device.text(text + "\n")
    if code:
        device.text("\n")
        # GS k with "{C" then one byte 0..99 per pair of digits: the printer draws set C
        # itself, as crisp as its head allows. Its own line of digits (HRI) is off: for set C
        # some models print the raw bytes; our text line reads the same on every model.
        pairs = "".join(chr(int(code[i : i + 2])) for i in range(0, len(code), 2))
        # python-escpos prints which renderer it picked to stdout; a till has no console.
        with contextlib.redirect_stdout(io.StringIO()):
            device.barcode(
                "{C" + pairs, "CODE128", height=80, width=2, pos="OFF", function_type="B"
            )
        device.set(align="center")
        device.text(code + "\n")
        device.set(align="left")
    device.cut()


def configured(data_dir: Path) -> SlipPrinter:
    choice = os.environ.get("BONUSPOS_PRINTER", "")
    kind, _, target = choice.partition(":")
    if kind.startswith("escpos-"):
        return EscPosPrinter(kind.removeprefix("escpos-"), target)
    if kind == "system":
        return SystemPrinter()
    roll = 58 if os.environ.get("BONUSPOS_ROLL", "").strip() == "58" else 80
    if kind == "pdf" and target:
        return PdfPrinter(Path(target), roll_mm=roll)
    return PdfPrinter(data_dir / "receipts", roll_mm=roll)


@dataclass(frozen=True, slots=True)
class _Layout:
    """A slip's sizes in a device's units: a font that fits 42 columns in `width`."""

    font: QFont
    width: float
    line: float
    ascent: float
    margin: float
    module: int  # the preferred module; a code too long for it gets narrower ones
    bar_height: float

    @classmethod
    def of(cls, device: QPagedPaintDevice, width: float) -> _Layout:
        dpi = device.logicalDpiX()
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFixedPitch(True)
        size = 10.0
        font.setPointSizeF(size)
        # Scale to the widest size whose 42 columns fit: an amount never wraps or clips.
        size *= width / QFontMetricsF(font, device).horizontalAdvance("0" * WIDTH)
        font.setPointSizeF(size)
        while QFontMetricsF(font, device).horizontalAdvance("0" * WIDTH) > width:
            size *= 0.99
            font.setPointSizeF(size)
        metrics = QFontMetricsF(font, device)
        return cls(
            font=font,
            width=width,
            line=metrics.lineSpacing(),
            ascent=metrics.ascent(),
            margin=MARGIN_MM * dpi / 25.4,
            module=max(1, round(dpi * MODULE_INCH)),
            bar_height=BAR_HEIGHT_MM * dpi / 25.4,
        )

    def module_for(self, widths: list[int]) -> int:
        """Whole device units a module, so every bar edge sits on the device's grid; as
        wide as preferred if the bars and their quiet zones fit the column."""
        room = math.floor(self.width / (sum(widths) + 2 * QUIET_ZONE))
        return max(1, min(self.module, room))

    def code_block(self) -> float:
        """The barcode with a blank line above it and its digits below."""
        return self.line + self.bar_height + self.line / 4 + self.line + self.line / 2

    def height(self, lines: int, code: str | None) -> float:
        return 2 * self.margin + lines * self.line + (self.code_block() if code else 0)


def _paint(
    device: QPagedPaintDevice,
    layout: _Layout,
    lines: list[str],
    code: str | None,
    *,
    left: float,
    page_height: float,
) -> bool:
    painter = QPainter()
    if not painter.begin(device):
        return False
    try:
        painter.setFont(layout.font)
        painter.setPen(Qt.GlobalColor.black)
        y = layout.margin
        for text in lines:
            if y + layout.line > page_height:
                device.newPage()
                y = 0
            painter.drawText(QPointF(left, y + layout.ascent), text)
            y += layout.line
        if code:
            if y + layout.code_block() > page_height:
                device.newPage()
                y = 0
            _paint_code(painter, layout, code, left=left, top=y + layout.line)
    finally:
        painter.end()
    return True


def _paint_code(painter: QPainter, layout: _Layout, code: str, *, left: float, top: float) -> None:
    widths = code128c(code)
    module = layout.module_for(widths)
    x = round(left + (layout.width - sum(widths) * module) / 2)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, on=False)
    for index, modules in enumerate(widths):
        if index % 2 == 0:  # bars at even places, spaces between them
            painter.fillRect(
                QRectF(x, top, modules * module, layout.bar_height), Qt.GlobalColor.black
            )
        x += modules * module
    digits = QRectF(left, top + layout.bar_height + layout.line / 4, layout.width, layout.line)
    painter.drawText(digits, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, code)
