"""A manager's correction of a card's points: how many (signed), why, and the manager's PIN.

The reason is asked for here before anything else: a correction without one is refused on
the screen and the service is not called. The limits, and the approval itself, are the
service's: it answers with the card as the correction left it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout, QWidget

from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Points
from bonuspos.services.corrections import MINUS, PLUS, Corrections, signed
from bonuspos.services.staff import StaffService
from bonuspos.services.views import CardView, CorrectionDone, Shift
from bonuspos.ui.approval import ask_approval
from bonuspos.ui.texts import refusal, tr
from bonuspos.ui.widgets import label


# Signs a cashier may type: a plus, the keyboard's hyphen-minus, the typographic minus.
def signed_points(text: str) -> Points:
    """«+150,00», «−20,00» or «-20,00» as points; the rest is read as the points field reads it."""
    cleaned = text.strip().replace(MINUS, "-")
    if cleaned.startswith(PLUS):
        cleaned = cleaned[len(PLUS) :]
    return Points.parse(cleaned)


class CorrectionScreen(QWidget):
    closed = Signal(object)  # CorrectionDone once made, None when the cashier went back

    def __init__(
        self,
        corrections: Corrections,
        staff: StaffService,
        shift: Callable[[], Shift | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._corrections = corrections
        self._staff = staff
        self._shift = shift
        self.card: CardView | None = None
        self.done: CorrectionDone | None = None

        self.holder = label(name="big", wrap=True)
        self.points = QLineEdit()
        self.points.setPlaceholderText(tr("+150,00 или −20,00"))
        self.points.setAccessibleName(tr("Баллы"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("Почему: например, баллы за покупку не начислены"))
        self.reason.setAccessibleName(tr("Причина"))
        self.reason.setMaxLength(200)
        self.message = label(name="error", wrap=True)
        self.outcome = label(name="big", wrap=True)
        self.keys = label(name="hint", wrap=True)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(tr("Баллы (+ начислить, − списать)"), self.points)
        form.addRow(tr("Причина"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Корректировка баллов"), name="title"))
        layout.addWidget(self.holder)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.outcome)
        layout.addWidget(self.keys)
        layout.addStretch(1)

    def start(self, card: CardView) -> None:
        self.card = card
        self.done = None
        self.holder.setText(
            tr("{0} · {1} · доступно {2}").format(
                card.full_name, card.phone.masked(), card.balance.active
            )
        )
        for field in (self.points, self.reason):
            field.clear()
            field.setEnabled(True)
        self.message.setText("")
        self.outcome.setText("")
        self.keys.setText(
            tr("Enter — дальше; в причине Enter — подтверждение менеджера · Esc — назад")
        )
        self.points.setFocus()

    def submit(self) -> None:
        """Checked here first: the points read as points, a reason given; then the manager."""
        shift, card = self._shift(), self.card
        if shift is None or card is None or self.done is not None:
            return
        try:
            points = signed_points(self.points.text())
        except DomainError as refused:
            self.message.setText(refusal(refused))
            self.points.setFocus()
            return
        if not points:
            self.message.setText(tr("Укажите, сколько баллов начислить (+) или списать (−)"))
            self.points.setFocus()
            return
        reason = " ".join(self.reason.text().split())
        if not reason:
            self.message.setText(tr("Без причины корректировка не проводится: укажите причину"))
            self.reason.setFocus()
            return
        self.message.setText("")
        ask_approval(
            self,
            tr("Корректировка {0} на карте {1}: {2}").format(
                signed(points), card.full_name, reason
            ),
            self._staff.roster(),
            lambda staff_id, pin: self._corrections.correct(
                shift, card.customer_uid, points, reason, staff_id, pin
            ),
            self._corrected,
        )

    def _corrected(self, done: CorrectionDone) -> None:
        self.done = done
        self.card = done.card
        for field in (self.points, self.reason):
            field.setEnabled(False)
        self.outcome.setText(
            tr("Корректировка проведена: {0}, подтвердил(а) {1}. Доступно: {2}").format(
                signed(done.points), done.approved_by, done.card.balance.active
            )
        )
        self.keys.setText(tr("Enter или Esc — к карте"))
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.done is not None:
                self.closed.emit(self.done)
            elif self.focusWidget() is self.points:
                self.reason.setFocus()
            else:
                self.submit()
        elif key == Qt.Key.Key_Escape:
            self.closed.emit(self.done)
        else:
            super().keyPressEvent(event)
