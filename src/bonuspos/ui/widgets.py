"""Small pieces every screen uses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton


def button(text: str, slot: Callable[[], object]) -> QPushButton:
    pushed = QPushButton(text)
    # Buttons never take the focus: the next keystroke always belongs to the field.
    pushed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    pushed.clicked.connect(lambda: slot())
    return pushed


def label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    shown = QLabel(text)
    if name:
        shown.setObjectName(name)
    shown.setWordWrap(wrap)
    return shown
