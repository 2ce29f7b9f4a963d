"""The README's pictures of the end of the day: the report on the screen, and its PDF.

Made on a real X server at a till monitor's size:

    Xvfb :57 -screen 0 1366x768x24 &
    BONUSPOS_PICTURES=tests/screenshots DISPLAY=:57 QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m pytest tests/ui/test_day_pictures.py

In the test run (offscreen, no variable) the same keystrokes make them in a temporary
folder, so the script cannot rot unseen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bonuspos.services.clock import ManualClock
from bonuspos.ui.printing import PdfPrinter
from tests.support import MANAGER, MANAGER_PIN
from tests.ui.conftest import open_screens, prepared_till
from tests.ui.day_fake import FakeEndOfDay
from tests.ui.staff_keys import approve


def test_the_pictures_of_the_end_of_the_day(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock
) -> None:
    out = Path(os.environ.get("BONUSPOS_PICTURES") or tmp_path / "pictures")
    out.mkdir(parents=True, exist_ok=True)
    prepared_till(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, PdfPrinter(tmp_path / "receipts"))
    try:
        window = running.window
        window.end_of_day.days = FakeEndOfDay(waits=False)
        # A store PC's window manager maximises the window; a bare X server has none.
        window.setGeometry(window.screen().availableGeometry())
        window.activateWindow()
        qtbot.keyClick(window.lookup.phone, Qt.Key.Key_F11)
        approve(qtbot, MANAGER, MANAGER_PIN)
        screen = window.end_of_day
        qtbot.waitUntil(lambda: screen.report is not None, timeout=10_000)
        qtbot.wait(300)
        assert window.grab().save(str(out / "11-end-of-day.png"))
        qtbot.keyClick(screen, Qt.Key.Key_S)  # the PDF beside the day's files, its path said
        pdf = tmp_path / "till" / "reports" / "2026-11-27" / "day-report.pdf"
        assert screen.done.text() == f"PDF сохранён: {pdf}"
    finally:
        running.close()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) renders the report's PDF")
    first_page = ["pdftoppm", "-png", "-r", "80", "-f", "1", "-singlefile"]
    subprocess.run([*first_page, str(pdf), str(out / "12-end-of-day-pdf")], check=True)
    assert (out / "12-end-of-day-pdf.png").stat().st_size > 0
