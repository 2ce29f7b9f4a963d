"""Screenshots of every screen, as a cashier sees them, for the README.

    QT_QPA_PLATFORM=offscreen python -m tests.screenshots.make [--out tests/screenshots]

Runs the real demo (`bonuspos demo`'s own server, catalog and customers, sync included)
in a temporary folder, drives the screens with keystrokes as the UI tests do, and saves
each screen with `QWidget.grab()` as a PNG. Offscreen, or under Xvfb if DISPLAY is set.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from bonuspos import paths
from bonuspos.demo import server as demo_server
from bonuspos.services.till import Till
from bonuspos.ui import app as ui_app
from bonuspos.ui.printing import PdfPrinter
from bonuspos.ui.spend_code import SpendCodeDialog

HERE = Path(__file__).resolve().parent
TYPING = 40  # ms between keys: a person, not a scanner
# The demo cashier's (first on the roster): the till opens on the sign-in screen.
PIN = dict((name, pin) for name, _role, pin in demo_server.DEMO_STAFF)["Анна Кассирова"]


def _type(widget: QWidget, text: str) -> None:
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def _until(app: QApplication, done: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there in time")
        app.processEvents()
        time.sleep(0.02)


def _sms_code(log: str) -> str | None:
    """The last code the demo server's log gateway would have texted."""
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    found = re.findall(r'"text": "[^"]*?(\d{6})', text)
    return found[-1] if found else None


def make(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="bonuspos-shots-") as work:
        folder = Path(work)
        central = demo_server.start(folder / "server")
        try:
            with Till(folder / "till") as till:
                till.catalog.load_csv(paths.demo_catalog())
            running = ui_app.start(
                folder / "till",
                central.config,
                printer=PdfPrinter(folder / "receipts"),
            )
            app, window = running.app, running.window
            # The README's pictures are 1280×800, whatever screen renders them; the till
            # itself opens maximised on the screen it is on.
            window.showNormal()
            window.resize(1280, 800)

            def shot(name: str) -> None:
                app.processEvents()
                path = out / f"{name}.png"
                if not window.grab().save(str(path)):
                    raise OSError(f"could not save {path}")
                saved.append(path)

            _until(app, lambda: bool(window.sync_state and window.sync_state.last_sync))
            QTest.keyClick(window.sign_in.people, Qt.Key.Key_Return)
            QTest.keyClicks(window.sign_in.pin, PIN, delay=TYPING)
            QTest.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
            lookup = window.lookup
            QTest.keyClicks(lookup.phone, "291112233", delay=TYPING)
            QTest.keyClick(lookup.phone, Qt.Key.Key_Return)
            shot("1-lookup")

            QTest.keyClick(lookup, Qt.Key.Key_Escape)
            QTest.keyClicks(lookup.phone, "8029555", delay=TYPING)
            QTest.keyClicks(lookup.phone, "0101", delay=TYPING)
            QTest.keyClick(lookup.phone, Qt.Key.Key_Return)
            QTest.keyClick(lookup, Qt.Key.Key_F2)
            _type(window.form.full_name, "ООО Ромашка")
            QTest.keyClick(window.form, Qt.Key.Key_F10)
            shot("2-customer-form")
            window.form.full_name.clear()
            _type(window.form.full_name, "Сидорова Мария Петровна")
            for box in (window.form.consent, window.form.not_legal_entity):
                QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
            QTest.keyClick(window.form, Qt.Key.Key_F10)
            QTest.keyClick(lookup, Qt.Key.Key_Escape)

            QTest.keyClicks(lookup.phone, "291112233", delay=TYPING)
            QTest.keyClick(lookup.phone, Qt.Key.Key_Return)
            QTest.keyClick(lookup.phone, Qt.Key.Key_Return)
            checkout = window.checkout
            for code in ("4810000000012", "4810000000036", "4810000000081"):
                QTest.keyClicks(checkout.code, code)
                QTest.keyClick(checkout.code, Qt.Key.Key_Return)
            QTest.keyClick(checkout, Qt.Key.Key_F6)
            shot("3-checkout")
            QTest.keyClick(checkout, Qt.Key.Key_F10)
            shot("4-confirm")
            QTest.keyClick(checkout, Qt.Key.Key_Return)
            # More than the threshold: the customer reads out the code the server "sent"
            # (the demo server writes it to its log).
            _until(app, lambda: checkout.findChild(SpendCodeDialog) is not None)
            dialog = checkout.findChild(SpendCodeDialog)
            assert dialog is not None
            _until(app, lambda: _sms_code(central.log.name) is not None)
            QTest.keyClicks(dialog.code, _sms_code(central.log.name) or "", delay=TYPING)
            QTest.keyClick(dialog.code, Qt.Key.Key_Return)
            _until(app, lambda: window.stack.currentWidget() is window.receipt)
            shot("5-receipt")

            QTest.keyClick(window.receipt, Qt.Key.Key_Return)
            central.stop()  # the network goes away: the till keeps selling, offline
            running.online_till.wake()
            _until(app, lambda: bool(window.sync_state and window.sync_state.online is False))
            QTest.keyClicks(lookup.phone, "255551234", delay=TYPING)
            QTest.keyClick(lookup.phone, Qt.Key.Key_Return)
            QTest.keyClick(lookup.phone, Qt.Key.Key_Return)
            QTest.keyClicks(checkout.code, "4810000000104")
            QTest.keyClick(checkout.code, Qt.Key.Key_Return)
            shot("6-offline")
            QTest.keyClick(checkout, Qt.Key.Key_F7)
            QTest.keyClick(checkout, Qt.Key.Key_F7)
            shot("7-installments")
            running.close()
        finally:
            central.stop()
    return saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in make(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
