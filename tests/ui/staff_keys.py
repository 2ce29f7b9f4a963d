"""What the staff tests share: a manager's approval typed on the dialog, the audit trail read."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bonuspos.services.till import DB_NAME
from bonuspos.ui.approval import ApprovalDialog
from tests.ui.conftest import type_pin_for


def approval_dialog(qtbot: QtBot) -> ApprovalDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ApprovalDialog)
    return dialog


def approve(qtbot: QtBot, name: str, pin: str) -> ApprovalDialog:
    """On the open approval dialog: pick `name` by typing it, its PIN, Enter."""
    dialog = approval_dialog(qtbot)
    type_pin_for(qtbot, dialog.people, dialog.pin, name, pin)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    return dialog


def audit(data_dir: Path) -> list[tuple[str, str | None, str | None, str]]:
    """The till's audit trail, oldest first: action, who, who approved, subject."""
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db:
        rows = db.execute(
            "SELECT action, staff_id, approved_by, subject FROM audit_log ORDER BY seq"
        ).fetchall()
    return [(str(a), s, b, str(subject)) for a, s, b, subject in rows]


def actions(data_dir: Path) -> list[str]:
    return [row[0] for row in audit(data_dir)]
