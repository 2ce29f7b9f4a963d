"""A manager's correction of a card's points: signed points, a reason, the manager's PIN."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bonuspos.ui.app import Running
from tests.support import MANAGER, MANAGER_PIN
from tests.ui.conftest import TYPING, type_text
from tests.ui.staff_keys import actions, approve


def open_correction(qtbot: QtBot, running: Running) -> None:
    lookup = running.window.lookup
    qtbot.keyClick(lookup, Qt.Key.Key_F8)  # no card yet: said, nothing opens
    assert lookup.message.text() == "Корректировка баллов: сначала найдите карту покупателя"
    qtbot.keyClicks(lookup.phone, "291112233", delay=TYPING)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_F8)
    assert running.window.stack.currentWidget() is running.window.correction


def test_a_correction_without_a_reason_is_refused_and_nothing_is_sent(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    open_correction(qtbot, screens)
    correction = screens.window.correction
    assert correction.holder.text().startswith("Петрова Анна · ")
    qtbot.keyClicks(correction.points, "+50,00", delay=TYPING)
    qtbot.keyClick(correction.points, Qt.Key.Key_Return)
    assert correction.reason.hasFocus()
    qtbot.keyClicks(correction.reason, "  ", delay=TYPING)
    qtbot.keyClick(correction.reason, Qt.Key.Key_Return)

    assert correction.message.text() == "Без причины корректировка не проводится: укажите причину"
    assert QApplication.activeModalWidget() is None  # no manager was even asked
    assert "correction" not in actions(tmp_path / "till")

    qtbot.keyClick(correction.reason, Qt.Key.Key_Escape)  # back: the card as it was
    lookup = screens.window.lookup
    assert screens.window.stack.currentWidget() is lookup
    assert "Доступно: 75,00 б." in lookup.balance.text()


def test_a_manager_takes_points_off_a_card_with_a_reason(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    open_correction(qtbot, screens)
    correction = screens.window.correction
    type_text(correction.points, "−20,00")
    qtbot.keyClick(correction.points, Qt.Key.Key_Return)
    type_text(correction.reason, "Начислено дважды за один чек")
    qtbot.keyClick(correction.reason, Qt.Key.Key_Return)
    approve(qtbot, MANAGER, MANAGER_PIN)

    assert correction.outcome.text() == (
        f"Корректировка проведена: −20,00 б., подтвердил(а) {MANAGER}. Доступно: 55,00 б."
    )
    assert "correction" in actions(tmp_path / "till")
    qtbot.keyClick(correction, Qt.Key.Key_Return)
    lookup = screens.window.lookup
    assert screens.window.stack.currentWidget() is lookup
    assert "Доступно: 55,00 б." in lookup.balance.text()


def test_a_correction_over_the_limit_is_refused_on_the_approval(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    open_correction(qtbot, screens)
    correction = screens.window.correction
    qtbot.keyClicks(correction.points, "150", delay=TYPING)
    qtbot.keyClick(correction.points, Qt.Key.Key_Return)
    type_text(correction.reason, "Компенсация за задержку доставки")
    qtbot.keyClick(correction.reason, Qt.Key.Key_Return)
    dialog = approve(qtbot, MANAGER, MANAGER_PIN)

    assert dialog.message.text().startswith("За одну корректировку — не больше 100,00")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Escape)
    assert correction.outcome.text() == ""
    assert "correction" not in actions(tmp_path / "till")
