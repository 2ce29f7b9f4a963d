"""Small pieces every screen uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QWidget


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


def restyle(widget: QWidget, name: str) -> None:
    """Give `widget` the style sheet's look for `name`; Qt re-reads it only when asked."""
    widget.setObjectName(name)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def offer_choices(choices: QListWidget, items: Iterable[tuple[str, Any]]) -> None:
    """Show `items` (text, what picking it gives) with the first one current, to pick
    with the arrows and Enter; `itemActivated` hands back the item, its data the thing."""
    choices.clear()
    for text, data in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        choices.addItem(item)
    choices.setCurrentRow(0)
    choices.show()
    choices.setFocus()
