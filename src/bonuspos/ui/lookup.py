"""Card lookup: the cashier types or scans, the card shows at once; nothing waits on a network."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bonuspos.domain.errors import DomainError
from bonuspos.services.lookup import Lookup
from bonuspos.services.views import CardView
from bonuspos.ui.phone_field import PhoneField
from bonuspos.ui.texts import day, refusal, rules_line, tr
from bonuspos.ui.widgets import button, label, offer_choices

# What would leave for another sale, a return or the day's close while a cart waits at the
# checkout. F2 stays: a customer may join the programme halfway through a sale.
_AWAY_FROM_SALE = frozenset({Qt.Key.Key_F4, Qt.Key.Key_F5, Qt.Key.Key_F8, Qt.Key.Key_F11})


class LookupScreen(QWidget):
    card_chosen = Signal(object)  # CardView: start a sale on it
    sale_without_card = Signal()
    register_requested = Signal(str)  # the phone typed, for the form
    return_requested = Signal()  # F4: a return, with the card shown if any (as at the checkout)
    product_card_requested = Signal()  # F3: what a product costs and earns
    correction_requested = Signal(object)  # F8: CardView whose points a manager corrects
    day_close_requested = Signal()  # F11: a manager closes the day
    card_for_sale = Signal(object)  # CardView found for the sale being rung up (F2 there)
    back_to_sale = Signal()  # Esc while finding a card for the sale: its cart as it was

    def __init__(self, lookup: Lookup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self.card: CardView | None = None
        self.for_sale = False  # finding the card of a sale halfway through: F2 at the checkout
        self._shown_with = ""  # the field's text when the card was shown
        self._dropped: CardView | None = None  # the card an edit of the field took away

        title = QLabel(tr("Карта покупателя"))
        title.setObjectName("title")
        self.phone = PhoneField()
        self.phone.setAccessibleName(tr("Телефон или карта"))
        self.phone.setToolTip(tr("Телефон, пластиковая карта или фамилия (заказ по телефону)"))
        self.phone.returnPressed.connect(self._enter)
        self.phone.textEdited.connect(self._edited)
        find = button(tr("Найти · Enter"), self._enter)
        row = QHBoxLayout()
        row.addWidget(self.phone, 1)
        row.addWidget(find)

        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.name = QLabel()
        self.name.setObjectName("big")
        self.balance = QLabel()
        self.pending = QLabel()
        self.found = QFrame()
        self.found.setObjectName("card")
        box = QVBoxLayout(self.found)
        for shown in (self.name, self.balance, self.pending):
            box.addWidget(shown)
        self.found.hide()
        self.matches = QListWidget()
        self.matches.itemActivated.connect(self._pick)
        self.matches.hide()

        self.sell_with_card = button(tr("Продажа с картой · Enter"), self._sell_with_card)
        self.register = button(tr("Оформить карту · F2"), self._register)
        self.no_card = button(tr("Продажа без карты · F5"), self.sale_without_card.emit)
        actions = QHBoxLayout()
        for action in (self.sell_with_card, self.register, self.no_card):
            actions.addWidget(action)
        actions.addStretch(1)
        rules = QLabel(rules_line(lookup.policy))
        rules.setObjectName("hint")
        rules.setWordWrap(True)
        self.for_sale_hint = label(
            tr("Карта для текущего чека: телефон или скан карты · Esc — вернуться к чеку"),
            name="hint",
            wrap=True,
        )
        self.keys = keys = label(
            tr(
                "F3 — карточка товара · F4 — возврат по чеку ·"
                " F8 — корректировка баллов (менеджер) ·"
                " F9 — повтор последнего чека · F11 — закрытие дня (менеджер) ·"
                " F12 — выход из смены"
            ),
            name="hint",
            wrap=True,
        )

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.for_sale_hint)
        layout.addLayout(row)
        layout.addWidget(rules)
        layout.addWidget(self.message)
        layout.addWidget(self.found)
        layout.addWidget(self.matches)
        self.sale_buttons = QWidget()
        self.sale_buttons.setLayout(actions)
        actions.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sale_buttons)
        layout.addWidget(keys)
        layout.addStretch(1)
        self.reset()

    def reset(self) -> None:
        self._finding_for_sale(False)
        self._clear()

    def find_for_sale(self) -> None:
        """Find the card of the sale being rung up; the first card found goes to it."""
        self._finding_for_sale(True)
        self._clear()

    def _finding_for_sale(self, shown: bool) -> None:
        # Nothing here may start another sale over the cart: that waits at the checkout.
        self.for_sale = shown
        self.for_sale_hint.setVisible(shown)
        self.sale_buttons.setVisible(not shown)
        self.keys.setVisible(not shown)

    def _clear(self) -> None:
        self.phone.clear()
        self._forget()
        self.phone.setFocus()

    def card_for_scan(self) -> CardView | None:
        """The card shown when a scan began. A scanner's keys land in the field before they
        are known to be a scan, which drops the card; the field then gets its text back."""
        if self.card is None and self.phone.text() == self._shown_with:
            return self._dropped
        return self.card

    def show_card(self, card: CardView) -> None:
        self.card = card
        self._shown_with = self.phone.text()
        self._dropped = None
        self.message.setText("")
        self.name.setText(card.full_name)
        balance = card.balance
        self.balance.setText(
            tr("Доступно: {0} · телефон {1}").format(balance.active, card.phone.masked())
        )
        if balance.pending and balance.next_activation is not None:
            self.pending.setText(
                tr("Ожидают: {0}, станут доступны {1}").format(
                    balance.pending, day(balance.next_activation)
                )
            )
        else:
            self.pending.setText(tr("Ожидающих баллов нет"))
        self.found.show()
        self.sell_with_card.setEnabled(True)
        self.register.setEnabled(False)
        if self.for_sale:
            self.card_for_sale.emit(card)

    def look_up(self, text: str) -> None:
        """Look up what was typed or scanned; the slot of both the field and the scanner."""
        try:
            card = self._lookup.find(text)
        except DomainError as refused:
            self._forget()
            self.message.setText(refusal(refused))
            return
        if card is None:
            self._forget()
            self.message.setText(tr("Карта не найдена. Оформить новую? F2"))
            self.register.setEnabled(True)
            return
        self.show_card(card)

    def search(self, words: str) -> None:
        """Cards by words of the holder's name, for a phone order; the cashier picks one."""
        self._forget()
        try:
            found = self._lookup.search(words)
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        if not found.cards:
            self.message.setText(tr("Никого с таким именем нет"))
            return
        if found.more:
            self.message.setText(tr("Показаны первые {0}: уточните имя").format(len(found.cards)))
        offer_choices(
            self.matches,
            (
                (f"{card.full_name} · {card.phone.masked()} · {card.balance.active}", card)
                for card in found.cards
            ),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if self.for_sale and key == Qt.Key.Key_Escape and not self.matches.isVisible():
            self.back_to_sale.emit()
        elif self.for_sale and key in _AWAY_FROM_SALE:
            self.message.setText(tr("Сначала найдите карту или вернитесь к чеку (Esc)"))
        elif key == Qt.Key.Key_F2:
            self._register()
        elif key == Qt.Key.Key_F5:
            self.sale_without_card.emit()
        elif key == Qt.Key.Key_F4:
            self.return_requested.emit()
        elif key == Qt.Key.Key_F3:
            self.product_card_requested.emit()
        elif key == Qt.Key.Key_F8:
            if self.card is None:
                self.message.setText(tr("Корректировка баллов: сначала найдите карту покупателя"))
            else:
                self.correction_requested.emit(self.card)
        elif key == Qt.Key.Key_F11:
            self.day_close_requested.emit()
        elif key == Qt.Key.Key_Escape and self.matches.isVisible():
            self.matches.hide()
            self.phone.setFocus()
        elif key == Qt.Key.Key_Escape:
            self.reset()
        else:
            super().keyPressEvent(event)

    def _enter(self) -> None:
        if self.card is not None and self.for_sale:
            self.card_for_sale.emit(self.card)
        elif self.card is not None:
            self.card_chosen.emit(self.card)
        elif any(ch.isalpha() for ch in self.phone.text()):
            self.search(self.phone.text())
        else:
            self.look_up(self.phone.number())

    def _pick(self, item: QListWidgetItem) -> None:
        self.matches.hide()
        self.show_card(item.data(Qt.ItemDataRole.UserRole))
        self.phone.setFocus()

    def _sell_with_card(self) -> None:
        if self.card is not None:
            self.card_chosen.emit(self.card)

    def _register(self) -> None:
        if self.register.isEnabled():
            self.register_requested.emit(self.phone.number() if self.phone.digits() else "")

    def _edited(self, _text: str) -> None:
        dropped = self.card or self._dropped
        self._forget()
        self._dropped = dropped

    def _forget(self) -> None:
        self.card = None
        self._dropped = None
        self.found.hide()
        self.matches.hide()
        self.message.setText("")
        self.sell_with_card.setEnabled(False)
        self.register.setEnabled(True)
