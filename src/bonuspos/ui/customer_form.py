"""The анкета: a new customer joins, and the card works at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bonuspos.domain.customer import CustomerForm, FormError
from bonuspos.domain.errors import DomainError
from bonuspos.domain.policy import Policy
from bonuspos.services.registration import Registration
from bonuspos.services.views import Shift
from bonuspos.ui.phone_field import PhoneField
from bonuspos.ui.texts import field_refusals, refusal, tr
from bonuspos.ui.widgets import button, label


def programme_rules(policy: Policy) -> str:
    """The rules the customer agrees to, with the share points may pay from the policy."""
    return tr(
        "Правила программы «Любимый покупатель»: карта — ваш номер телефона;"
        " за покупки начисляются баллы, указанные на ценнике; баллы становятся доступны"
        " на следующий день; баллами можно оплатить до {0}% покупки (1 балл = 1 рубль);"
        " на акционные товары, покупки в кредит и в рассрочку баллы не начисляются"
        " и не списываются. Участвуют только физические лица."
    ).format(policy.cap_percent)


def beside(field: QWidget, error: QLabel, *, share: int = 1) -> QHBoxLayout:
    """A field with its error to its right. The field keeps its width whether an error
    shows or not (`share`: its part of the row, 0 for just what it needs)."""
    row = QHBoxLayout()
    row.addWidget(field, share)
    keep = error.sizePolicy()
    keep.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    keep.setRetainSizeWhenHidden(True)
    error.setSizePolicy(keep)
    row.addWidget(error, 1)
    return row


class CustomerFormScreen(QWidget):
    registered = Signal(object)  # CardView
    cancelled = Signal()

    def __init__(
        self,
        registration: Registration,
        shift: Callable[[], Shift | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._registration = registration
        self._shift = shift  # who signs the customer up
        self.full_name = QLineEdit()
        self.phone = PhoneField()
        self.email = QLineEdit()
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText(tr("ДД.ММ.ГГГГ, по желанию"))
        self.plastic = QLineEdit()
        self.plastic.setPlaceholderText(tr("по желанию: отсканируйте пластиковую карту"))
        self.consent = QCheckBox(tr("Покупатель согласен с правилами программы"))
        self.not_legal_entity = QCheckBox(
            tr("Покупатель — физическое лицо, не ИП и не организация")
        )
        self.errors = {
            name: label(name="error", wrap=True)
            for name in ("full_name", "phone", "email", "birth_date", "consent", "not_legal_entity")
        }
        self.message = label(name="error", wrap=True)

        # Each error stands beside what it is about, not under it: a form with every
        # error showing is then no taller than an empty one, and fits a 768-line screen.
        form = QFormLayout()
        for caption, field, key in (
            (tr("ФИО"), self.full_name, "full_name"),
            (tr("Телефон"), self.phone, "phone"),
            (tr("Эл. почта"), self.email, "email"),
            (tr("Дата рождения"), self.birth_date, "birth_date"),
        ):
            form.addRow(caption, beside(field, self.errors[key]))
        form.addRow(tr("Пластиковая карта"), self.plastic)  # never wrong: no error beside
        rules = label(programme_rules(registration.policy), name="hint", wrap=True)
        actions = QHBoxLayout()
        actions.addWidget(button(tr("Оформить карту · F10"), self.submit))
        actions.addWidget(button(tr("Назад · Esc"), self.cancelled.emit))
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Анкета участника программы"), name="title"))
        layout.addLayout(form)
        layout.addWidget(rules)
        for box in (self.consent, self.not_legal_entity):
            error = self.errors["consent" if box is self.consent else "not_legal_entity"]
            layout.addLayout(beside(box, error, share=0))
        layout.addWidget(self.message)
        layout.addLayout(actions)
        layout.addStretch(1)
        for field in (self.full_name, self.phone, self.email, self.birth_date, self.plastic):
            field.returnPressed.connect(self.focusNextChild)

    def start(self, phone: str = "") -> None:
        for field in (self.full_name, self.phone, self.email, self.birth_date, self.plastic):
            field.clear()
        for box in (self.consent, self.not_legal_entity):
            box.setChecked(False)
        self._show_errors({})
        if phone:
            self.phone.setText(phone)
            self.phone.textEdited.emit(phone)  # lay it into the template
        self.full_name.setFocus()

    def submit(self) -> None:
        form = CustomerForm(
            self.full_name.text(),
            self.phone.number(),
            self.consent.isChecked(),
            self.not_legal_entity.isChecked(),
            self.email.text(),
            self.birth_date.text(),
        )
        try:
            shift = self._shift()
            card = self._registration.register(
                form, self.plastic.text().strip(), shift.staff.staff_id if shift else None
            )
        except FormError as refused:
            self._show_errors(field_refusals(refused))
            return
        except DomainError as refused:
            self._show_errors({})
            self.message.setText(refusal(refused))
            return
        self.registered.emit(card)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_F10:
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)

    def _show_errors(self, fields: dict[str, str]) -> None:
        self.message.setText("")
        for name, shown in self.errors.items():
            shown.setText(fields.get(name, ""))
            shown.setVisible(name in fields)
        first = next((name for name in self.errors if name in fields), None)
        widget = getattr(self, first) if first else None
        if isinstance(widget, QWidget):
            widget.setFocus()
