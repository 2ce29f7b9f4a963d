"""The checkout: goods in, the points the card may spend (with why), tender, confirm, receipt.

Every figure on it comes from `Checkout.quote` and the quote's offer for the points typed;
the screen only shows them and collects the cashier's choices. Completing the sale runs
off the GUI thread: asking the server for a hold may take up to its timeout, and the
queue must never see a frozen till.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bonuspos.domain.cart import Cart, Channel, Line, TenderKind
from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Points
from bonuspos.domain.staff import Action
from bonuspos.services.catalog import CatalogService, ProductView
from bonuspos.services.checkout import Checkout, ProofNeeded, SaleRequest, new_sale_id
from bonuspos.services.staff import StaffService
from bonuspos.services.views import (
    Approval,
    CardView,
    CheckoutQuote,
    Offer,
    Receipt,
    Shift,
    SpendProof,
)
from bonuspos.ui.approval import ask_approval
from bonuspos.ui.cart_lines import CartLines
from bonuspos.ui.product_card import chosen_code, product_row, show_product_card
from bonuspos.ui.spend_code import SpendCodeDialog, SpendProofDialog, opened
from bonuspos.ui.tasks import run_in_background
from bonuspos.ui.texts import cap_reason, channel_name, day, refusal, tender_name, tr
from bonuspos.ui.widgets import button, label, offer_choices


class CheckoutScreen(QWidget):
    sale_completed = Signal(object)  # Receipt
    cancelled = Signal()  # left: an empty cart, or a cancellation recorded
    return_requested = Signal()  # F4: a return, the cart kept for afterwards
    card_requested = Signal()  # F2: find the customer's card for this cart

    def __init__(
        self,
        checkout: Checkout,
        catalog: CatalogService,
        online: Callable[[], bool],
        staff: StaffService,
        shift: Callable[[], Shift | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._checkout = checkout
        self._catalog = catalog
        self._online = online
        self._staff = staff
        self._shift = shift
        self._open = False  # a sale is being rung up: neither completed nor cancelled
        self.card: CardView | None = None
        self.cart = Cart()
        self.quote: CheckoutQuote | None = None
        self.sale_id = new_sale_id()
        self.busy = False
        self.proof_dialog: SpendProofDialog | None = None  # open: scans are its card numbers
        self._code_sent_for = ""  # the sale a spend code was sent for: a new one on F5 only

        self.holder = label(name="title")
        self.card_key = label(tr("F2 — найти или сменить карту покупателя"), name="hint")
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("Штрихкод, артикул или название товара"))
        self.code.returnPressed.connect(self._code_entered)
        self.code.installEventFilter(self)  # + and − change the line, not the code
        self.found = QListWidget()
        self.found.hide()
        self.found.itemActivated.connect(self._pick)

        self.lines = CartLines()

        self.tender = QComboBox()
        for kind in TenderKind:
            self.tender.addItem(tender_name(kind), kind)
        self.tender.currentIndexChanged.connect(self._requote)
        self.channel = QComboBox()
        for channel in Channel:
            self.channel.addItem(channel_name(channel), channel)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.order_ref = QLineEdit()
        self.order_ref.setPlaceholderText(tr("Номер заказа"))
        self.order_ref.hide()
        for combo in (self.tender, self.channel):
            combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.points = QLineEdit()
        self.points.setPlaceholderText("0,00")
        self.points.textEdited.connect(self._show_totals)
        self.points.returnPressed.connect(self.ask_to_confirm)
        self.offer = label(wrap=True)
        self.total = label(name="big")
        self.earn = label(wrap=True)
        self.message = label(name="error", wrap=True)

        self.confirmation = QFrame()
        self.confirmation.setObjectName("card")
        self.confirm_text = label(wrap=True)
        confirm_box = QVBoxLayout(self.confirmation)
        confirm_box.addWidget(self.confirm_text)
        confirm_actions = QHBoxLayout()
        confirm_actions.addWidget(button(tr("Провести · Enter"), self.complete))
        confirm_actions.addWidget(button(tr("Назад · Esc"), self._back_from_confirmation))
        confirm_box.addLayout(confirm_actions)

        self.cancelling = QFrame()
        self.cancelling.setObjectName("card")
        self.cancel_text = label(wrap=True)
        cancel_box = QVBoxLayout(self.cancelling)
        cancel_box.addWidget(self.cancel_text)
        cancel_actions = QHBoxLayout()
        cancel_actions.addWidget(button(tr("Отменить чек · Enter"), self.confirm_cancel))
        cancel_actions.addWidget(button(tr("Вернуться к чеку · Esc"), self._keep_cart))
        cancel_box.addLayout(cancel_actions)
        self.cancelling.hide()
        keys = label(
            tr("F3 — карточка товара · F4 — возврат по чеку · F12 — выход из смены"),
            name="hint",
            wrap=True,
        )

        top = QHBoxLayout()
        top.addWidget(self.code, 1)
        top.addWidget(button(tr("Добавить · Enter"), self._code_entered))
        # The tender and the kind of sale one above the other: side by side, with a web
        # order's number after them, they are wider than a 1024-pixel screen.
        payment = QGridLayout()
        payment.addWidget(label(tr("Оплата (F7):")), 0, 0)
        payment.addWidget(self.tender, 0, 1)
        payment.addWidget(label(tr("Продажа (F8):")), 1, 0)
        payment.addWidget(self.channel, 1, 1)
        payment.addWidget(self.order_ref, 1, 2)
        payment.setColumnStretch(3, 1)
        spend = QHBoxLayout()
        spend.addWidget(label(tr("Списать баллов (F6 — максимум):")))
        spend.addWidget(self.points)
        spend.addWidget(self.offer, 1)
        # The confirmation takes the place of these: it has buttons of its own, and on a
        # 768-line screen there is no room for both.
        self.sale_actions = QWidget()
        bottom = QVBoxLayout(self.sale_actions)
        bottom.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        bottom.addLayout(actions)
        bottom.addWidget(keys)
        actions.addWidget(button(tr("Удалить строку · Del"), self.remove_line))
        actions.addWidget(button(tr("Списать максимум · F6"), self.spend_most))
        actions.addWidget(button(tr("К оплате · F10"), self.ask_to_confirm))
        actions.addWidget(button(tr("Отмена · Esc"), self._cancel))
        actions.addStretch(1)

        heading = QHBoxLayout()
        heading.addWidget(self.holder, 1)
        heading.addWidget(self.card_key)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(top)
        layout.addWidget(self.found)
        layout.addWidget(self.lines, 1)
        layout.addLayout(payment)
        layout.addLayout(spend)
        layout.addWidget(self.total)
        layout.addWidget(self.earn)
        layout.addWidget(self.message)
        layout.addWidget(self.confirmation)
        layout.addWidget(self.cancelling)
        layout.addWidget(self.sale_actions)
        self._confirming(False)

    # --- starting and adding goods ------------------------------------------------------

    def start(self, card: CardView | None) -> None:
        """A new sale; its id is made now, so a retried completion finds the first one."""
        self.card = card
        self.cart = Cart()
        self.sale_id = new_sale_id()
        self.busy = False
        self._open = True
        self.tender.setCurrentIndex(0)
        self.channel.setCurrentIndex(0)
        self.order_ref.clear()
        self.points.clear()
        self.code.clear()
        self.found.hide()
        self._confirming(False)
        self.message.setText("")
        self._show_holder()
        self._requote()
        self.code.setFocus()

    def attach(self, card: CardView) -> None:
        """The customer's card found halfway through the sale: the same cart, requoted for it.

        What was typed into the points field was for the card before, or for none."""
        self.card = card
        self.points.clear()
        self.message.setText("")
        self._show_holder()
        self._requote()
        self.code.setFocus()

    def connection_changed(self) -> None:
        """Online or offline now: the cap on points may be the offline limit, or no longer."""
        if not self._open or self.busy:
            return
        confirming = self.confirmation.isVisible()
        self._requote()
        if confirming and not self.message.text():  # a refusal says more than this
            self.message.setText(tr("Связь с сервером изменилась: проверьте баллы и нажмите F10"))

    def _show_holder(self) -> None:
        if self.card is None:
            self.holder.setText(tr("Продажа без карты"))
        else:
            self.holder.setText(
                tr("{0} · доступно {1}").format(self.card.full_name, self.card.balance.active)
            )

    def scanned(self, code: str) -> None:
        if self.proof_dialog is not None and self.proof_dialog.isVisible():
            self.proof_dialog.scanned(code)
        elif not self.busy:
            self.add(code)

    def add(self, code: str, quantity: int = 1) -> None:
        try:
            product = self._catalog.find(code)
        except DomainError as refused:  # not in the catalog, or not a code at all
            self.message.setText(refusal(refused))
            return
        self.add_product(product, quantity)

    def product(self, code: str) -> ProductView | None:
        """The catalog's product for a scanned code; None if the code names no product."""
        try:
            return self._catalog.find(code)
        except DomainError:
            return None

    def add_product(self, product: ProductView, quantity: int = 1) -> None:
        try:
            self.cart = self.cart.add(product.line(quantity))
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        self.message.setText("")
        self._requote()
        self.lines.selectRow(self._row_of(product.sku))

    def _code_entered(self) -> None:
        text = self.code.text().strip()
        if not text:
            return
        product = self.product(text)
        if product is not None:
            self.code.clear()
            self.add_product(product, 1)
            return
        matches = self._catalog.search(text)
        if not matches:
            self.message.setText(tr("Товар «{0}» не найден в каталоге").format(text))
            return
        offer_choices(self.found, ((product_row(match), match) for match in matches))

    def _pick(self, item: QListWidgetItem) -> None:
        self.found.hide()
        self.code.clear()
        self.code.setFocus()
        self.add_product(item.data(Qt.ItemDataRole.UserRole), 1)

    def change_quantity(self, delta: int) -> None:
        line = self._selected()
        if line is None:
            return
        if line.quantity + delta < 1:
            self.remove_line()
            return
        try:
            self.cart = self.cart.with_quantity(line.sku, line.quantity + delta)
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        self._requote()
        self.lines.selectRow(self._row_of(line.sku))

    def remove_line(self) -> None:
        line = self._selected()
        if line is None:
            return
        row = self.lines.currentRow()
        self.cart = self.cart.without(line.sku)
        self._requote()
        if self.cart.lines:
            self.lines.selectRow(min(row, len(self.cart.lines) - 1))

    # --- points and totals ---------------------------------------------------------------

    def spend_most(self) -> None:
        if self.quote is not None:
            self.points.setText(self.quote.quote.cap.number())
            self._show_totals()

    def spend(self) -> Points:
        text = self.points.text().strip()
        return Points.parse(text) if text else Points(0)

    def _requote(self, *_: object) -> None:
        self._confirming(False)
        kind = self.tender_kind()
        uid = self.card.customer_uid if self.card else None
        self.quote = self._checkout.quote(self.cart, uid, [kind], online=self._online())
        self.lines.show_quote(self.quote.quote)
        q = self.quote.quote
        if not q.cap and self.points.text():
            self.points.clear()
        self.points.setEnabled(bool(q.cap))
        reason = cap_reason(q)
        if self.card is None:
            self.offer.setText(tr("Без карты баллы не списываются и не начисляются"))
        elif not q.cap:
            self.offer.setText(reason[:1].upper() + reason[1:])  # the reason says it all
        else:
            self.offer.setText(tr("Можно списать до {0}: {1}").format(q.cap, reason))
        self._show_totals()

    def _show_totals(self, *_: object) -> None:
        offer = self._offer()
        if offer is None:
            return
        self.message.setText("" if offer.within_cap else spend_refusal(offer))
        self.total.setText(tr("Итого {0} · к оплате {1}").format(offer.total, offer.due))
        if self.card is None:
            self.earn.setText("")
        elif offer.earns:
            self.earn.setText(
                tr("Будет начислено {0}, доступны с {1}").format(
                    offer.earns, day(offer.activates_on)
                )
            )
        else:
            self.earn.setText(tr("За эту покупку баллы не начисляются"))

    def _offer(self) -> Offer | None:
        """The services' answer for the points typed; None (and why, on screen) if unreadable."""
        if self.quote is None:
            return None
        try:
            return self.quote.offer(self.spend())
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return None

    # --- confirming and completing -------------------------------------------------------

    def ask_to_confirm(self) -> None:
        """Show the sale's summary; before points are spent, the holder's name to confirm."""
        if self.busy:
            return
        offer = self._offer()
        request = self._request(offer)
        if offer is None or request is None:
            return
        lines = [
            tr("Итого {0}").format(offer.total),
            tr("Оплата: {0}, {1}").format(tender_name(self.tender_kind()), offer.due),
        ]
        if offer.spend:
            assert self.card is not None
            lines.insert(
                0,
                tr("Списать {0} с карты: {1}, {2}? Спросите фамилию покупателя").format(
                    offer.spend, self.card.full_name, self.card.phone.masked()
                ),
            )
        if self.card is not None and offer.earns:
            lines.append(
                tr("Начислим {0}, доступны с {1}").format(offer.earns, day(offer.activates_on))
            )
        self.confirm_text.setText("\n".join(lines))
        self.message.setText("")
        self._confirming(True)
        self.setFocus()

    def complete(self) -> None:
        if self.busy or not self.confirmation.isVisible():
            return
        request = self._request(self._offer())
        if request is None:
            return
        if request.customer_uid and self._checkout.needs_verification(request.spend):
            if self._online():
                self._ask_code(request)
            else:
                self._ask_proof(request)
            return
        self._send(request)

    def _send(self, request: SaleRequest) -> None:
        self.busy = True
        self.message.setText(tr("Проводим продажу…"))
        run_in_background(
            lambda: self._checkout.complete(request),
            self._completed,
            lambda exc: self._failed(exc, request),
        )

    # --- above the threshold: the customer's code, plastic card or a manager ----------------

    def _spending(self, request: SaleRequest) -> str:
        return tr("Списание {0} с карты покупателя").format(request.spend)

    def _ask_code(self, request: SaleRequest) -> None:
        uid = request.customer_uid or ""
        dialog = SpendCodeDialog(
            self._spending(request), lambda: self._checkout.send_code(uid), self
        )
        dialog.code_given.connect(lambda code: self._send(replace(request, code=code)))
        opened(dialog, self)
        if self._code_sent_for != request.sale_id:  # asked again: the customer has one
            self._code_sent_for = request.sale_id
            dialog.send_code()

    def _ask_proof(self, request: SaleRequest) -> None:
        dialog = SpendProofDialog(self._spending(request), self)
        dialog.plastic_scanned.connect(
            lambda number: self._send(replace(request, proof=SpendProof(plastic_card=number)))
        )
        dialog.approval_wanted.connect(lambda: self._ask_spend_approval(request))
        self.proof_dialog = dialog
        opened(dialog, self)

    def _ask_spend_approval(self, request: SaleRequest) -> None:
        shift = self._shift()
        details = self._checkout.spend_details(request)
        ask_approval(
            self,
            tr("Списание {0} без связи с сервером").format(request.spend),
            self._staff.roster(),
            lambda staff_id, pin: self._staff.approve(
                shift, staff_id, pin, Action.SPEND, request.sale_id, details
            ),
            lambda approval: self._send(replace(request, proof=SpendProof(approval=approval))),
        )

    def _completed(self, receipt: Receipt) -> None:
        self.busy = False
        self._open = False
        self._confirming(False)
        self.message.setText("")
        self.sale_completed.emit(receipt)

    def _failed(self, exc: Exception, request: SaleRequest | None = None) -> None:
        self.busy = False
        self._requote()  # the card's balance or the connection may have changed meanwhile
        # After the redraw, which clears the message: the reason must stay on screen.
        if isinstance(exc, DomainError):
            self.message.setText(refusal(exc))
        else:
            self.message.setText(tr("Продажа не проведена: {0}").format(exc))
        self.code.setFocus()
        if isinstance(exc, ProofNeeded) and request is not None and request.proof is None:
            self._ask_proof(request)  # the server went away: the offline way, at once

    def _request(self, offer: Offer | None) -> SaleRequest | None:
        """The sale to send for this offer; None, with why on screen, if it cannot go."""
        if offer is None:
            return None
        if not offer.within_cap:
            self.message.setText(spend_refusal(offer))
            return None
        try:
            shift = self._shift()
            return SaleRequest.of(
                offer,
                self.sale_id,
                channel=Channel(self.channel.currentData()),
                order_ref=self.order_ref.text(),
                staff_id=shift.staff.staff_id if shift else None,
                online=self._online(),
            )
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return None

    # --- keys ------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if self.confirmation.isVisible() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.complete()
        elif self.cancelling.isVisible() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm_cancel()
        elif key == Qt.Key.Key_Escape:
            if self.cancelling.isVisible():
                self._keep_cart()
            elif self.confirmation.isVisible():
                self._back_from_confirmation()
            elif self.found.isVisible():
                self.found.hide()
                self.code.setFocus()
            else:
                self._cancel()
        elif self.busy:
            return
        elif key == Qt.Key.Key_F6:
            self.spend_most()
            self.points.setFocus()
        elif key == Qt.Key.Key_F7:
            self.tender.setCurrentIndex((self.tender.currentIndex() + 1) % self.tender.count())
        elif key == Qt.Key.Key_F8:
            self.channel.setCurrentIndex((self.channel.currentIndex() + 1) % self.channel.count())
        elif key == Qt.Key.Key_F10:
            self.ask_to_confirm()
        elif key == Qt.Key.Key_F3:
            show_product_card(self, self._catalog, chosen_code(self.code.text(), self._selected()))
        elif key == Qt.Key.Key_F4:
            self.return_requested.emit()
        elif key == Qt.Key.Key_F2:
            self.card_requested.emit()
        elif key == Qt.Key.Key_Delete:
            self.remove_line()
        elif self._changes_quantity(event):
            self.change_quantity(+1 if key == Qt.Key.Key_Plus else -1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.cart.lines:
            step = -1 if key == Qt.Key.Key_Up else 1
            row = max(0, min(len(self.cart.lines) - 1, self.lines.currentRow() + step))
            self.lines.selectRow(row)
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.code
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not self.busy
            and self._changes_quantity(event)
        ):
            self.change_quantity(+1 if event.key() == Qt.Key.Key_Plus else -1)
            return True
        return False

    def _changes_quantity(self, event: QKeyEvent) -> bool:
        """+ always, and − from the numpad; the main row's − only with no code typed, for
        an SKU has dashes in it (KT-1.7)."""
        key = event.key()
        numpad = bool(event.modifiers() & Qt.KeyboardModifier.KeypadModifier)
        return key == Qt.Key.Key_Plus or (
            key == Qt.Key.Key_Minus and (numpad or not self.code.text())
        )

    def _confirming(self, shown: bool) -> None:
        self.cancelling.hide()
        self.confirmation.setVisible(shown)
        self.sale_actions.setVisible(not shown)

    def _cancelling(self, shown: bool) -> None:
        """The question takes the place of the buttons, as the confirmation does."""
        self.confirmation.hide()
        self.cancelling.setVisible(shown)
        self.sale_actions.setVisible(not shown)

    def _back_from_confirmation(self) -> None:
        self._confirming(False)
        self.code.setFocus()

    # --- cancelling ---------------------------------------------------------------------------

    def has_open_cart(self) -> bool:
        """Goods rung up and neither sold nor cancelled: the shift cannot end over them."""
        return self._open and bool(self.cart.lines)

    def _cancel(self) -> None:
        """Esc: an empty cart is left at once; one with goods asks first."""
        if self.busy:
            return
        if not self.cart.lines or self.quote is None:
            self._open = False
            self.cancelled.emit()
            return
        self.found.hide()
        self.cancel_text.setText(
            tr("Отменить чек: строк — {0}, на сумму {1}? Отмена записывается в журнал").format(
                len(self.cart.lines), self.quote.quote.total
            )
        )
        self.message.setText("")
        self._cancelling(True)
        self.setFocus()

    def confirm_cancel(self) -> None:
        shift = self._shift()
        if not self.cancelling.isVisible() or shift is None or self.quote is None:
            return
        if not self._staff.needs_approval(Action.CART_CANCELLED):
            self._record_cancel(None)
            return
        total_text = str(self.quote.quote.total)
        sale_id = self.sale_id
        ask_approval(
            self,
            tr("Отмена чека на сумму {0}").format(total_text),
            self._staff.roster(),
            lambda staff_id, pin: self._staff.approve(
                shift, staff_id, pin, Action.CART_CANCELLED, sale_id
            ),
            self._record_cancel,
        )

    def _record_cancel(self, approval: Approval | None) -> None:
        shift = self._shift()
        if shift is None or self.quote is None:
            return
        try:
            self._staff.cancel_cart(
                shift, self.sale_id, len(self.cart.lines), self.quote.quote.total, approval
            )
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        self._cancelling(False)
        self._open = False
        self.cancelled.emit()

    def _keep_cart(self) -> None:
        self._cancelling(False)
        self.code.setFocus()

    def _channel_changed(self, *_: object) -> None:
        web = Channel(self.channel.currentData()) is Channel.WEB_PICKUP
        self.order_ref.setVisible(web)
        if web:
            self.order_ref.setFocus()

    def tender_kind(self) -> TenderKind:
        # Qt hands an enum stored in a combo back as its plain value.
        return TenderKind(self.tender.currentData())

    def _selected(self) -> Line | None:
        row = self.lines.currentRow()
        if 0 <= row < len(self.cart.lines):
            return self.cart.lines[row]
        return self.cart.lines[-1] if self.cart.lines else None

    def _row_of(self, sku: str) -> int:
        return next(i for i, line in enumerate(self.cart.lines) if line.sku == sku)


def spend_refusal(offer: Offer) -> str:
    """Why the points typed cannot be spent, in the screen's language."""
    return refusal(offer.refused) if offer.refused is not None else ""
