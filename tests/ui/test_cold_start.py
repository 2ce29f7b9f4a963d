"""The sign-in screen is up and takes keys before the till behind it has loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bonuspos.ledger.till_lock import TillLock
from bonuspos.services.clock import ManualClock
from bonuspos.services.roster import first_roster
from bonuspos.ui import app as ui_app
from bonuspos.ui.printing import SlipPrinter
from tests.support import CASHIER, CASHIER_PIN, MANAGER
from tests.ui.conftest import prepared_till, type_pin_for


def test_the_screens_module_does_not_load_the_database_layer() -> None:
    # Importing SQLAlchemy is most of a cold start: the sign-in screen must not wait for it.
    probe = (
        "import sys, bonuspos.ui.app;"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'httpx') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_loading_the_till_does_not_load_the_price_tags_pdf_library() -> None:
    # fpdf2 and fontTools are a third of a second; only printing tags needs them.
    probe = "import sys, bonuspos.services.online; print('fpdf' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_first_roster_is_read_from_the_file_alone(tmp_path: Path, clock: ManualClock) -> None:
    assert first_roster(tmp_path / "nowhere") == ()
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "till.sqlite3").write_bytes(b"")  # not yet migrated: no staff table
    assert first_roster(tmp_path / "empty") == ()
    prepared_till(tmp_path / "till", clock)
    assert [s.full_name for s in first_roster(tmp_path / "till")] == [CASHIER, MANAGER]


def test_a_pin_typed_before_the_till_has_loaded_signs_in_once_it_has(
    qtbot: QtBot,
    tmp_path: Path,
    clock: ManualClock,
    printer: SlipPrinter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared_till(tmp_path / "till", clock)
    loads: list[ui_app.TillLoader] = []
    # The loading thread held back, so the PIN surely comes first.
    monkeypatch.setattr(ui_app.TillLoader, "load_in_background", lambda self: loads.append(self))
    running = ui_app.start(
        tmp_path / "till", None, clock=clock, printer=printer, sync=False, in_background=True
    )
    qtbot.addWidget(running.window)
    window = running.window
    try:
        screen = window.sign_in
        offered = [screen.people.item(n).text().split(" · ")[0] for n in range(2)]
        assert offered == [CASHIER, MANAGER]
        type_pin_for(qtbot, screen.people, screen.pin, CASHIER, CASHIER_PIN)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert not window.attached
        assert window.shift is None
        assert "PIN проверим" in screen.message.text()
        qtbot.waitUntil(lambda: bool(loads), timeout=5_000)  # the first paint let it go
        loads[0].load()
        assert window.attached
        assert window.shift is not None
        assert window.shift.staff.full_name == CASHIER
        assert window.stack.currentWidget() is window.lookup
    finally:
        running.close()


def test_a_till_that_cannot_load_says_why_and_exits(tmp_path: Path, clock: ManualClock) -> None:
    prepared_till(tmp_path / "till", clock)
    with TillLock(tmp_path / "till" / "till.lock"):  # another till has this folder
        done = subprocess.run(
            [sys.executable, "-m", "bonuspos.cli", "--smoke", "--data-dir", str(tmp_path / "till")],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    assert done.returncode == 2
    assert "bonuspos:" in done.stderr
    assert "usable_ns" not in done.stdout
