"""Proof that the card's holder is at the till, for a spend above the policy's threshold.

Online, `SpendCodeDialog`: the server sends the customer's phone a code (asked as the
dialog opens, and again on F5), the cashier types what the customer reads out, and the
sale goes with it; the server checks it. Offline, `SpendProofDialog`: the customer's own
plastic card scanned, or F9 for a manager's approval. Neither dialog decides anything:
the checkout service and the server do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from bonuspos.domain.errors import DomainError
from bonuspos.ui.tasks import run_in_background
from bonuspos.ui.texts import refusal, tr
from bonuspos.ui.widgets import label


class SpendCodeDialog(QDialog):
    code_given = Signal(str)  # the six digits the customer read out

    def __init__(self, what: str, send: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._send = send
        self.setWindowTitle(tr("Код из SMS покупателя"))
        self.setModal(True)
        self.setMinimumWidth(520)
        self.code = QLineEdit()
        self.code.setMaxLength(6)
        self.code.setPlaceholderText(tr("Код из SMS покупателя"))
        self.status = label(name="hint", wrap=True)  # sending, sent
        self.message = label(name="error", wrap=True)  # what the server refused
        layout = QVBoxLayout(self)
        layout.addWidget(label(what, name="title", wrap=True))
        layout.addWidget(
            label(tr("Покупателю отправлен код по SMS: введите его и нажмите Enter"), wrap=True)
        )
        layout.addWidget(self.code)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(
            label(tr("F5 — отправить код ещё раз · Esc — отмена"), name="hint", wrap=True)
        )
        self.code.setFocus()

    def send_code(self) -> None:
        """Asks the server to send a code, off the GUI thread; says how it went."""
        self.message.setText("")
        self.status.setText(tr("Отправляем код…"))
        run_in_background(self._send, self._sent, self._not_sent)

    def _sent(self, _: object) -> None:
        self.status.setText(tr("Код отправлен на телефон покупателя"))

    def _not_sent(self, exc: Exception) -> None:
        self.status.setText("")
        self.message.setText(refusal(exc) if isinstance(exc, DomainError) else str(exc))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            typed = self.code.text().strip()
            if len(typed) != 6 or not typed.isdigit():
                self.message.setText(tr("Код из SMS — шесть цифр"))
                return
            self.accept()
            self.code_given.emit(typed)
        elif event.key() == Qt.Key.Key_F5:
            self.send_code()
        else:
            super().keyPressEvent(event)  # Esc: QDialog rejects


class SpendProofDialog(QDialog):
    plastic_scanned = Signal(str)  # the number of the plastic card the customer gave
    approval_wanted = Signal()  # F9: a manager approves instead

    def __init__(self, what: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Подтверждение списания"))
        self.setModal(True)
        self.setMinimumWidth(520)
        self.number = QLineEdit()
        self.number.setPlaceholderText(tr("Номер пластиковой карты"))
        self.message = label(name="error", wrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(label(what, name="title", wrap=True))
        layout.addWidget(
            label(
                tr(
                    "Нет связи с сервером: код по SMS не отправить. Отсканируйте"
                    " пластиковую карту покупателя"
                ),
                wrap=True,
            )
        )
        layout.addWidget(self.number)
        layout.addWidget(self.message)
        layout.addWidget(
            label(tr("F9 — подтверждение менеджера · Esc — отмена"), name="hint", wrap=True)
        )
        self.number.setFocus()

    def scanned(self, code: str) -> None:
        """A card number from the scanner (or typed, then Enter)."""
        self.accept()
        self.plastic_scanned.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            typed = self.number.text().strip()
            if typed:
                self.scanned(typed)
        elif event.key() == Qt.Key.Key_F9:
            self.accept()
            self.approval_wanted.emit()
        else:
            super().keyPressEvent(event)  # Esc: QDialog rejects


def opened(dialog: QDialog, parent: QWidget) -> None:
    # Keys go back to the till's window: not every window manager hands it the focus back.
    dialog.finished.connect(lambda _: parent.window().activateWindow())
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
