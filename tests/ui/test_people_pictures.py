"""The README's pictures of sign-in, the returns screen and the return slip.

Made on a real X server at a till monitor's size:

    Xvfb :57 -screen 0 1366x768x24 &
    BONUSPOS_PICTURES=tests/screenshots DISPLAY=:57 QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m pytest tests/ui/test_people_pictures.py

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
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bonuspos.services.clock import ManualClock
from bonuspos.ui.printing import PdfPrinter
from tests.support import MANAGER, MANAGER_PIN
from tests.ui.conftest import open_screens, prepared_till, sign_in
from tests.ui.staff_keys import approve
from tests.ui.test_checkout import CABLE, TV
from tests.ui.test_returns import sold


def test_the_pictures_of_the_people_at_the_till(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock
) -> None:
    out = Path(os.environ.get("BONUSPOS_PICTURES") or tmp_path / "pictures")
    out.mkdir(parents=True, exist_ok=True)
    prepared_till(tmp_path / "till", clock)
    receipts = tmp_path / "receipts"
    running = open_screens(qtbot, tmp_path / "till", clock, PdfPrinter(receipts), signed_in=False)
    try:
        window = running.window
        # A store PC's window manager maximises the window; a bare X server has none.
        window.setGeometry(window.screen().availableGeometry())
        qtbot.wait(300)
        assert window.grab().save(str(out / "8-sign-in.png"))

        sign_in(qtbot, running)
        receipt = sold(qtbot, running, [TV, CABLE, CABLE], points="50,00")
        # The scanner types into the lookup screen the sale ended on. With no window manager
        # an X server gives the window the keyboard only when asked to.
        window.activateWindow()
        window.lookup.phone.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.lookup.phone)
        qtbot.keyClicks(window.lookup.phone, receipt.code)
        qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
        returns = window.returns
        qtbot.waitUntil(lambda: window.stack.currentWidget() is returns and not returns.busy)
        qtbot.keyClick(returns, Qt.Key.Key_Down)  # the cables
        qtbot.keyClick(returns, Qt.Key.Key_1)  # one of the two
        qtbot.keyClick(returns, Qt.Key.Key_Up)
        qtbot.keyClick(returns, Qt.Key.Key_Space)  # and the TV
        qtbot.wait(300)
        assert window.grab().save(str(out / "9-returns.png"))

        before = set(receipts.glob("*.pdf"))
        qtbot.keyClick(returns, Qt.Key.Key_Return)
        approve(qtbot, MANAGER, MANAGER_PIN)
        qtbot.waitUntil(lambda: returns.outcome is not None, timeout=10_000)
        (slip,) = set(receipts.glob("*.pdf")) - before
    finally:
        running.close()
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) renders the return slip's PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-singlefile", str(slip), str(out / "10-return-slip")],
        check=True,
    )
    assert (out / "10-return-slip.png").stat().st_size > 0
