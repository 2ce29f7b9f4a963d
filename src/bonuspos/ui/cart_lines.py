"""The checkout's lines: what each costs and what it earns, or why it earns nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from bonuspos.domain.quote import Exclusion, Quote
from bonuspos.ui.texts import exclusion, tr

COLUMNS = ("Товар", "Кол-во", "Цена", "Сумма", "Баллы")
_NUMBERS = (1, 2, 3)


class CartLines(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        header = self.horizontalHeader()
        # Sized once per redraw (below), not by the header on every cell: a scan with ten
        # lines took 7 ms of re-measuring that way.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # The name and the note on its points share what the figures leave; each wraps
        # in its half rather than one squeezing the other to a sliver.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._column_resized)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The scanner and the keys go to the checkout, never into the table.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_quote(self, quote: Quote) -> None:
        self.setRowCount(len(quote.lines))
        for row, lq in enumerate(quote.lines):
            line = lq.line
            # A promotional line says so even when the tender excludes every line.
            why = Exclusion.PROMOTIONAL if line.promotional else lq.exclusion
            note = exclusion(why) if lq.exclusion is not None and why else str(lq.earns)
            cells = (
                line.name,
                str(line.quantity),
                line.unit_price.number(),
                line.amount.number(),
                note,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in _NUMBERS:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(row, column, item)
        for column in _NUMBERS:
            self.resizeColumnToContents(column)
        self.resizeRowsToContents()

    def _column_resized(self, column: int, _old: int, _new: int) -> None:
        # On a narrow screen a long name or note wraps onto a second line of its row
        # rather than ending in `…`; the rows follow the columns' width.
        # Once the resize is over: while the header is being resized the rows still
        # measure against the old width.
        if column == 0:
            QTimer.singleShot(0, self, self.resizeRowsToContents)
