"""The real screens, offscreen, on a till of their own; driven by keys and clicks only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.config import SyncConfig
from bonuspos.ui import app as ui_app
from bonuspos.ui.printing import PdfPrinter, SlipPrinter
from tests.support import (
    CASHIER,
    CASHIER_PIN,
    MINSK,
    RELEASED_LONG_AGO,
    cashier,
    manager,
    sell,
)

TYPING = 40  # ms between keys: a person, not a scanner
ANNA = "+375291112233"  # 75,00 б. active: she bought a TV yesterday
IGOR = "+375447654321"  # nothing active


def prepared_till(data_dir: Path, clock: ManualClock) -> None:
    """The demo catalog; Anna's TV bought yesterday, so its points are active today."""
    yesterday = ManualClock(clock.now() - timedelta(days=1))
    with Till(data_dir, yesterday, released=RELEASED_LONG_AGO) as till:
        till.catalog.load_csv(paths.demo_catalog())
        anna = till.registration.register(CustomerForm("Петрова Анна", ANNA, True, True))
        sell(till, {"TV-55Q": 1}, card=anna)
        till.registration.register(CustomerForm("Ковалёв Игорь", IGOR, True, True))
        cashier(till)
        manager(till)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 27, 12, 0, tzinfo=MINSK))


@pytest.fixture
def printer(tmp_path: Path) -> SlipPrinter:
    return PdfPrinter(tmp_path / "receipts")


def open_screens(
    qtbot: QtBot,
    data_dir: Path,
    clock: ManualClock,
    printer: SlipPrinter,
    config: SyncConfig | None = None,
    *,
    signed_in: bool = True,
    idle_lock: timedelta | None = None,
) -> ui_app.Running:
    """The till's window as it opens, and (by default) the cashier signed in on it."""
    running = ui_app.start(
        data_dir, config, clock=clock, printer=printer, sync=False, idle_lock=idle_lock
    )
    qtbot.addWidget(running.window)
    qtbot.waitExposed(running.window)
    if signed_in:
        sign_in(qtbot, running)
    return running


def sign_in(
    qtbot: QtBot, running: ui_app.Running, name: str = CASHIER, pin: str = CASHIER_PIN
) -> None:
    """Pick `name` by typing its first letters, Enter, the PIN at a person's pace, Enter."""
    screen = running.window.sign_in
    type_pin_for(qtbot, screen.people, screen.pin, name, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)


def type_pin_for(qtbot: QtBot, people: QWidget, pin_field: QWidget, name: str, pin: str) -> None:
    """A name picked from a list by typing, then its PIN; Enter is the caller's."""
    people.setFocus()
    type_text(people, name)
    qtbot.keyClick(people, Qt.Key.Key_Return)
    # A person's pace: six digits typed faster would be a scanner's burst.
    qtbot.keyClicks(pin_field, pin, delay=TYPING)


@pytest.fixture
def screens(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> Iterator[ui_app.Running]:
    prepared_till(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, printer)
    yield running
    running.close()


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into `widget` key by key; QTest.keyClicks knows only ASCII, a cashier
    types Cyrillic."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)
