"""What is always on screen, and what the cashier reads when the till itself is in trouble."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bonuspos.services.clock import ManualClock
from bonuspos.services.online import SyncState
from bonuspos.services.till import DB_NAME
from bonuspos.sync.config import SyncConfig
from bonuspos.ui.app import Running
from bonuspos.ui.printing import SlipPrinter
from tests.ui.conftest import open_screens, prepared_till
from tests.ui.test_checkout import CABLE, pay, scan, with_card


def test_the_status_bar_shows_what_the_sync_worker_publishes(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    prepared_till(tmp_path / "till", clock)
    config = SyncConfig("https://bonus.example.by", "MINSK-01", "T3", "token")
    running = open_screens(qtbot, tmp_path / "till", clock, printer, config)
    status = running.window.status
    try:
        assert status.who.text() == "Кассир: Анна Кассирова · магазин MINSK-01, касса T3"
        running.bridge.changed.emit(
            SyncState(
                online=False,
                waiting=17,
                dead_letters=1,
                last_sync=datetime(2026, 11, 19, 9, 5, tzinfo=UTC),
                clock_skew=timedelta(minutes=7),
            )
        )
        qtbot.waitUntil(lambda: status.queue.text() == "В очереди: 17")
        assert status.connection.text() == "● Нет связи"
        assert status.last_sync.text() == "Синхронизация: 19.11 12:05"
        assert "Отклонено сервером: 1" in status.warning.text()
        assert "Часы кассы расходятся с сервером" in status.warning.text()

        running.bridge.changed.emit(SyncState(online=True, waiting=0, receiving=250_000))
        qtbot.waitUntil(lambda: status.connection.text() == "● На связи")
        assert "Загрузка карт: 250 000" in status.warning.text()
        assert running.window.checkout._online()  # the checkout now offers online limits
    finally:
        running.close()


def test_a_database_locked_by_another_program_makes_no_sale_and_says_so(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    with_card(qtbot, screens)
    scan(qtbot, screens, CABLE)
    checkout = screens.window.checkout
    with closing(sqlite3.connect(tmp_path / "till" / DB_NAME, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        qtbot.keyClick(checkout, Qt.Key.Key_F10)
        qtbot.keyClick(checkout, Qt.Key.Key_Return)
        assert checkout.busy
        qtbot.waitUntil(lambda: not checkout.busy, timeout=15_000)
        other.execute("ROLLBACK")

    assert "База кассы занята другой программой" in checkout.message.text()
    assert screens.window.stack.currentWidget() is checkout
    assert [line.sku for line in checkout.cart.lines] == ["CB-USBC"]  # the cart is kept
    pay(qtbot, screens)  # and the same sale goes through once the database is free
    receipt = screens.window.receipt.receipt
    assert receipt is not None
    assert receipt.number == 2
