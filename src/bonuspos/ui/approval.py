"""A manager's approval: they pick themselves and type their PIN over the cashier's screen.

The dialog does not know what is approved: it hands the pick and the PIN to `attempt`,
which calls the service (an approval, or a correction that makes its own). What the
service refuses — a cashier's PIN, a wrong one, a locked-out manager — stays on the
dialog for another try; Esc gives up and nothing is done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QListWidget, QVBoxLayout, QWidget

from bonuspos.domain.errors import DomainError
from bonuspos.services.views import StaffView
from bonuspos.ui.sign_in import person, pin_field
from bonuspos.ui.texts import refusal, tr
from bonuspos.ui.widgets import label, offer_choices

# The manager's pick and PIN in, the service's answer out; raises what it refuses.
Attempt = Callable[[str, str], Any]


class ApprovalDialog(QDialog):
    approved = Signal(object)  # what `attempt` answered: an Approval, or the action's outcome

    def __init__(
        self, what: str, roster: Sequence[StaffView], attempt: Attempt, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._attempt = attempt
        self.setWindowTitle(tr("Подтверждение менеджера"))
        self.setModal(True)
        self.what = label(what, name="title", wrap=True)
        self.people = QListWidget()
        # Managers first: they are who is asked for; a cashier's PIN is refused and recorded.
        ordered = sorted(roster, key=lambda s: not s.is_manager)
        offer_choices(self.people, ((person(s), s) for s in ordered))
        self.pin = pin_field()
        self.message = label(name="error", wrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        how = tr("Менеджер: выберите себя, Enter, введите PIN, Enter; Esc — отмена")
        layout.addWidget(label(how, name="hint", wrap=True))
        layout.addWidget(self.people, 1)
        layout.addWidget(self.pin)
        layout.addWidget(self.message)
        self.people.setFocus()

    def submit(self) -> None:
        item = self.people.currentItem()
        if item is None or not self.pin.text():
            return
        chosen: StaffView = item.data(Qt.ItemDataRole.UserRole)
        pin = self.pin.text()
        self.pin.clear()
        try:
            answer = self._attempt(chosen.staff_id, pin)
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        self.accept()
        self.approved.emit(answer)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.pin:
                self.submit()
            else:
                self.message.setText("")
                self.pin.setFocus()
        else:
            super().keyPressEvent(event)  # Esc: QDialog rejects


def ask_approval(
    parent: QWidget,
    what: str,
    roster: Sequence[StaffView],
    attempt: Attempt,
    done: Callable[[Any], None],
) -> ApprovalDialog:
    """Open the dialog over `parent`; `done` gets the service's answer once a manager approved."""
    dialog = ApprovalDialog(what, roster, attempt, parent)
    dialog.approved.connect(done)
    # Keys go back to the till's window: not every window manager hands it the focus back.
    dialog.finished.connect(lambda _: parent.window().activateWindow())
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    dialog.people.setFocus()
    return dialog
