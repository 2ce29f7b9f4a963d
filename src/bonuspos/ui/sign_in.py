"""Who is at the till: the roster to pick from, then a PIN; the same screen locks an idle till.

The till opens here, and comes back here after a shift ends. Locked, it shows who left it
signed in: their PIN, or a manager's, brings back the screen and cart left underneath.

At start-up the screen is up before the till has loaded: it offers the roster's first look
and holds a PIN typed meanwhile until `attach` hands it the staff service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from bonuspos.domain.errors import DomainError
from bonuspos.services.views import Shift, StaffView
from bonuspos.ui.texts import moment, refusal, role_name, tr
from bonuspos.ui.widgets import label, offer_choices

if TYPE_CHECKING:
    from bonuspos.services.staff import StaffService

MAX_PIN = 8


def person(staff: StaffView) -> str:
    """A roster line: the name, the role and, while locked out, until when."""
    text = tr("{0} · {1}").format(staff.full_name, role_name(staff.role))
    if staff.locked_until is not None:
        text += tr(" · заблокирован до {0}").format(moment(staff.locked_until))
    return text


def pin_field() -> QLineEdit:
    """Digits only, never shown; a PIN is at most eight of them."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_PIN)
    field.setValidator(QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_PIN}}}")))
    field.setPlaceholderText(tr("PIN"))
    field.setAccessibleName(tr("PIN"))
    return field


class SignInScreen(QWidget):
    signed_in = Signal(object)  # Shift: a shift began
    unlocked = Signal(object)  # Shift: the locked till is back, with whoever typed the PIN

    def __init__(
        self,
        staff: StaffService | None,
        first_roster: Callable[[], tuple[StaffView, ...]] = tuple,
        parent: QWidget | None = None,
    ) -> None:
        """`staff`: None while the till loads; `first_roster` is what to offer meanwhile."""
        super().__init__(parent)
        self._staff = staff
        self._first_roster = first_roster
        self._waiting: tuple[str, str] | None = None  # a PIN typed before the till loaded
        self.locked: Shift | None = None  # the shift a lock interrupted

        self.title = label(name="title", wrap=True)
        self.explain = label(name="hint", wrap=True)
        self.people = QListWidget()
        self.people.setAccessibleName(tr("Сотрудники"))
        self.people.itemActivated.connect(self._picked)
        self.chosen = label(wrap=True)
        self.pin = pin_field()
        self.message = label(name="error", wrap=True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.chosen)
        layout.addWidget(self.pin)
        layout.addWidget(self.message)
        layout.addStretch(0)

    def start(self) -> None:
        """Nobody is signed in: the whole roster, to pick a name."""
        self.locked = None
        self.title.setText(tr("Вход в смену"))
        roster = self._roster()
        self._offer(roster)
        if not roster and self._staff is None:
            # Not "nobody": a new or older database has no roster to read until it is set up.
            self.explain.setText(tr("Касса запускается…"))
            return
        if not roster:
            self.explain.setText(
                tr(
                    "Нет сотрудников: ИТ добавляет менеджера командой bonuspos add-staff"
                    " (как — в bonuspos add-staff --help)"
                )
            )
            self.people.hide()
            self.pin.hide()
            return
        self.explain.setText(
            tr("Выберите себя стрелками или начните печатать имя, как в списке; Enter — PIN")
        )

    def staff_may_have_changed(self) -> None:
        """A sync brought the store's staff: offer them, unless someone is mid-PIN."""
        if self.locked is not None or self.pin.isVisible():
            return
        shown = {
            self.people.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.people.count())
        }
        if set(self._roster()) != shown:
            self.start()

    def attach(self, staff: StaffService) -> None:
        """The till has loaded: its roster replaces the first look, a waiting PIN is checked."""
        self._staff = staff
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._check(*waiting)
        elif self.locked is None and not self.pin.isVisible():
            self.start()  # the roster with lockouts, or how to add the first manager

    def _roster(self) -> tuple[StaffView, ...]:
        return self._first_roster() if self._staff is None else self._staff.roster()

    def lock(self, shift: Shift) -> None:
        """The till was left idle: only the one signed in, or a manager, opens it again."""
        self.locked = shift
        self.title.setText(tr("Касса заблокирована"))
        self.explain.setText(
            tr("Смена: {0}. Введите свой PIN или PIN менеджера; чек и экран сохранены").format(
                shift.staff.full_name
            )
        )
        try:
            roster = self._roster()
        except DomainError:
            roster = ()  # the database is away: the one signed in can still come back
        others = tuple(s for s in roster if s.is_manager and s.staff_id != shift.staff.staff_id)
        self._offer((shift.staff, *others))
        self._picked(self.people.item(0))

    def _offer(self, roster: tuple[StaffView, ...]) -> None:
        self.message.setText("")
        self.chosen.setText("")
        self.pin.clear()
        self.pin.hide()
        self.people.show()
        offer_choices(self.people, ((person(s), s) for s in roster))

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.people.setCurrentItem(item)
        chosen: StaffView = item.data(Qt.ItemDataRole.UserRole)
        self.chosen.setText(
            tr("PIN для {0}, затем Enter; Esc — выбрать другого").format(chosen.full_name)
        )
        self.message.setText("")
        self.pin.clear()
        self.pin.show()
        self.pin.setFocus()

    def submit(self) -> None:
        item = self.people.currentItem()
        if item is None or not self.pin.text():
            return
        chosen: StaffView = item.data(Qt.ItemDataRole.UserRole)
        pin = self.pin.text()
        self.pin.clear()
        if self._staff is None:
            self._waiting = (chosen.staff_id, pin)
            self.message.setText(tr("Касса запускается: PIN проверим через мгновение"))
            return
        self._check(chosen.staff_id, pin)

    def _check(self, staff_id: str, pin: str) -> None:
        assert self._staff is not None
        try:
            if self.locked is None:
                shift = self._staff.sign_in(staff_id, pin)
            else:
                shift = self._staff.unlock(self.locked, staff_id, pin)
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        self.message.setText("")
        self.chosen.setText("")
        self.pin.hide()
        if self.locked is None:
            self.signed_in.emit(shift)
        else:
            self.locked = None
            self.unlocked.emit(shift)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Enter reaches here from the list and the field alike; what has the focus decides.
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.pin:
                self.submit()
            elif self.focusWidget() is self.people:
                self._picked(self.people.currentItem())
        elif key == Qt.Key.Key_Escape and self.focusWidget() is self.pin:
            self.pin.clear()
            self.pin.hide()
            self.chosen.setText("")
            self.people.setFocus()
        else:
            super().keyPressEvent(event)
