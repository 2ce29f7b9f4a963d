"""The receipt after a sale: what was spent and earned, printed, and a reprint on F9."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from bonuspos.services.slip import format_slip
from bonuspos.services.views import Receipt
from bonuspos.ui.printing import PrintFailed, SlipPrinter
from bonuspos.ui.texts import day, tr
from bonuspos.ui.widgets import button, label, restyle


class ReceiptScreen(QWidget):
    next_sale = Signal()

    def __init__(self, printer: SlipPrinter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._printer = printer
        self.receipt: Receipt | None = None
        self.summary = label(name="big", wrap=True)  # the money to collect, in big letters
        self.figures = label(wrap=True)
        self.points = label(wrap=True)
        self.printed = label(wrap=True)
        self.slip = QPlainTextEdit()
        self.slip.setReadOnly(True)
        self.slip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.slip.setFont(mono)
        actions = QHBoxLayout()
        actions.addWidget(button(tr("Новая продажа · Enter"), self.next_sale.emit))
        actions.addWidget(button(tr("Печать ещё раз · F9"), self.print_again))
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Продажа проведена"), name="title"))
        layout.addWidget(self.summary)
        layout.addWidget(self.figures)
        layout.addWidget(self.points)
        layout.addWidget(self.printed)
        layout.addWidget(self.slip, 1)
        layout.addLayout(actions)

    def show_receipt(self, receipt: Receipt, *, print_it: bool = True) -> None:
        self.receipt = receipt
        self.summary.setText(tr("К оплате {0}").format(receipt.due))
        self.figures.setText(
            tr("Чек №{0}: {1}, оплачено баллами {2}").format(
                receipt.number, receipt.total, receipt.spent
            )
        )
        if receipt.card is not None:
            text = tr("Начислено {0}, доступны с {1}; баланс: доступно {2}, ожидают {3}").format(
                receipt.earned,
                day(receipt.activates_on),
                receipt.card.balance.active,
                receipt.card.balance.pending,
            )
        else:
            text = tr("Без карты: баллы не начислены")
        self.points.setText(text)
        self.slip.setPlainText(format_slip(receipt))
        self.setFocus()
        if print_it:
            self.print_again()

    def print_again(self) -> None:
        if self.receipt is None:
            return
        try:
            said = self._printer.print_slip(format_slip(self.receipt), self.receipt.code)
            self.printed.setText(said)
            restyle(self.printed, "hint")
        except PrintFailed as failed:
            restyle(self.printed, "error")
            self.printed.setText(
                tr("Чек не напечатан: {0}. Продажа сохранена; F9 — напечатать ещё раз").format(
                    failed
                )
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.next_sale.emit()
        elif event.key() == Qt.Key.Key_F9:
            self.print_again()
        else:
            super().keyPressEvent(event)
