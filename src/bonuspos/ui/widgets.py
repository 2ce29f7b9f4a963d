"""Small pieces every screen uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
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


class ElidedLabel(QLabel):
    """One line that ends in `…` when it has no room, with the whole of it in its tooltip.

    For a line that must never widen the window (the status bar's): a plain label would be
    cut mid-word with no sign that more was there. `text()` stays the whole text; the
    `elides` property tells tests/ui/layout.py that it is short on purpose.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("elides", True)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        # Room for a word's start and the `…`: the rest may go when space is short.
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        kept = self.fontMetrics().horizontalAdvance("Wxy…") + margins.left() + margins.right()
        return QSize(min(hint.width(), kept), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )
