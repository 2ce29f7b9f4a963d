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
from tests.support import MINSK, RELEASED_LONG_AGO, sell

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
) -> ui_app.Running:
    running = ui_app.start(
        data_dir, config, cashier="Иванова", clock=clock, printer=printer, sync=False
    )
    qtbot.addWidget(running.window)
    qtbot.waitExposed(running.window)
    return running


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
