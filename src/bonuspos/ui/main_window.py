"""The till's one window: sign-in or the screens in a stack, the status bar under them.

The sign-in screen and the work screens are two pages. Locking an idle till turns to the
sign-in page and leaves the work page as it was: the screen, the cart and the field that
had the focus come back with the PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QStackedWidget, QWidget

from bonuspos.domain.errors import DomainError
from bonuspos.domain.receipt_code import sale_id_of
from bonuspos.services.views import CardView, CorrectionDone, Receipt, Shift, StaffView
from bonuspos.ui.scanner import ScannerFilter
from bonuspos.ui.sign_in import SignInScreen
from bonuspos.ui.status_bar import TillStatusBar
from bonuspos.ui.texts import refusal, tr

if TYPE_CHECKING:
    # The work screens and the services come with SQLAlchemy: loaded behind the sign-in
    # screen (see `attach`), never by importing this module.
    from bonuspos.services.online import OnlineTill, SyncState
    from bonuspos.ui.checkout import CheckoutScreen
    from bonuspos.ui.corrections import CorrectionScreen
    from bonuspos.ui.customer_form import CustomerFormScreen
    from bonuspos.ui.end_of_day import EndOfDayScreen
    from bonuspos.ui.lookup import LookupScreen
    from bonuspos.ui.printing import SlipPrinter
    from bonuspos.ui.receipt import ReceiptScreen
    from bonuspos.ui.returns import ReturnsScreen

# What counts as someone at the till: any key, click, wheel or movement of the mouse.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }
)

# Fits a 1024×768 monitor less a taskbar and a title bar; every screen is laid out to work
# at this size (tests/ui/test_layout.py), so the window may never need to be larger.
MINIMUM_SIZE = QSize(1000, 680)


def import_work_screens() -> None:
    """Import what `MainWindow.attach` builds, off the GUI thread while the sign-in is up."""
    import bonuspos.services.online
    import bonuspos.ui.checkout
    import bonuspos.ui.corrections
    import bonuspos.ui.customer_form
    import bonuspos.ui.end_of_day
    import bonuspos.ui.lookup
    import bonuspos.ui.receipt
    import bonuspos.ui.returns  # noqa: F401


class SyncBridge(QObject):
    """Carries the worker's state from its thread to the GUI thread (a queued signal)."""

    changed = Signal(object)


class IdleWatch(QObject):
    """Sees every input the application gets and restarts the idle timer on each."""

    idle = Signal()

    def __init__(self, after: timedelta, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(after.total_seconds() * 1000)))
        self.timer.timeout.connect(self.idle.emit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    """Built in two steps, so the sign-in screen is up before the till has loaded.

    The constructor makes the window, the sign-in page (from the roster's first look, see
    `bonuspos.services.roster`) and the status bar: only Qt and the domain. `attach` then
    takes the loaded till and builds the work screens; until it has, the window is the
    sign-in page and a PIN typed on it waits for the till.
    """

    def __init__(
        self, place: str, first_roster: Callable[[], tuple[StaffView, ...]] = tuple
    ) -> None:
        """`place`: the store and till, as the status bar shows them."""
        super().__init__()
        self.shift: Shift | None = None
        self.sync_state: SyncState | None = None
        self.attached = False
        self.setWindowTitle(tr("BonusPOS — касса программы «Любимый покупатель»"))
        self.setMinimumSize(MINIMUM_SIZE)
        self.sign_in = SignInScreen(None, first_roster)
        self.stack = QStackedWidget()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(self.stack)
        self.setCentralWidget(self.pages)
        self.status = TillStatusBar(place)
        self.setStatusBar(self.status)
        self.status.show_staff(None)
        self.pages.setCurrentWidget(self.sign_in)
        self.sign_in.start()

    def attach(
        self,
        online_till: OnlineTill,
        printer: SlipPrinter,
        scanner: ScannerFilter,
        bridge: SyncBridge,
        idle_lock: timedelta | None = None,
        *,
        reports: Path,
    ) -> None:
        """The loaded till: the work screens, the idle lock, the scanner and the worker.

        `idle_lock`: how long without input locks the till; the policy's by default.
        `reports`: the folder of the days' reports (`<data>/reports`), a folder a day.
        """
        # Imported here, not at the top: they bring the services and SQLAlchemy, which
        # the sign-in screen must not wait for (the loader has imported them already).
        from bonuspos.services.online import SyncState
        from bonuspos.ui.checkout import CheckoutScreen
        from bonuspos.ui.corrections import CorrectionScreen
        from bonuspos.ui.customer_form import CustomerFormScreen
        from bonuspos.ui.end_of_day import EndOfDayScreen
        from bonuspos.ui.lookup import LookupScreen
        from bonuspos.ui.product_card import show_product_card
        from bonuspos.ui.receipt import ReceiptScreen
        from bonuspos.ui.returns import ReturnsScreen

        self._online_till = online_till
        till = online_till.till
        self._staff = till.staff
        self.lookup: LookupScreen = LookupScreen(till.lookup)
        self.form: CustomerFormScreen = CustomerFormScreen(till.registration, self._shift)
        self.checkout: CheckoutScreen = CheckoutScreen(
            till.checkout, till.catalog, self._online, till.staff, self._shift
        )
        self.receipt: ReceiptScreen = ReceiptScreen(printer)
        self.returns: ReturnsScreen = ReturnsScreen(till.returns, till.staff, printer, self._shift)
        self.correction: CorrectionScreen = CorrectionScreen(
            till.corrections, till.staff, self._shift
        )
        self.end_of_day: EndOfDayScreen = EndOfDayScreen(
            till.end_of_day,
            till.staff,
            printer,
            self._shift,
            lambda day: reports / day.isoformat(),
            lambda: till.policy.store_day(till.clock.now()),
        )
        for screen in (
            self.lookup,
            self.form,
            self.checkout,
            self.receipt,
            self.returns,
            self.correction,
            self.end_of_day,
        ):
            self.stack.addWidget(screen)
        self.status.show_state(None if online_till.config is None else SyncState())

        self.idle = IdleWatch(idle_lock or till.policy.idle_lock, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.idle.idle.connect(self.lock)
        self._focus_when_locked: QWidget | None = None
        self._returns_from: QWidget = self.lookup

        self.sign_in.signed_in.connect(self._signed_in)
        self.sign_in.unlocked.connect(self._unlocked)
        self.lookup.card_chosen.connect(self.sell_to)
        self.lookup.sale_without_card.connect(lambda: self.sell_to(None))
        self.lookup.register_requested.connect(self.register)
        self.lookup.return_requested.connect(lambda: self.open_returns(self.lookup.card))
        self.lookup.product_card_requested.connect(
            lambda: show_product_card(self.lookup, till.catalog)
        )
        self.lookup.correction_requested.connect(self.open_correction)
        self.lookup.day_close_requested.connect(self.close_day)
        self.lookup.card_for_sale.connect(self._card_for_sale)
        self.lookup.back_to_sale.connect(self._back_to_sale)
        self.form.registered.connect(self._registered)
        self.form.cancelled.connect(self._form_closed)
        self.checkout.sale_completed.connect(self._sold)
        self.checkout.cancelled.connect(self.to_lookup)
        self.checkout.return_requested.connect(lambda: self.open_returns(self.checkout.card))
        self.checkout.card_requested.connect(self.find_card_for_sale)
        self.receipt.next_sale.connect(self.to_lookup)
        self.returns.closed.connect(self._back_from_returns)
        self.returns.returned.connect(lambda _: self._online_till.wake())
        self.correction.closed.connect(self._corrected)
        self.end_of_day.closed.connect(self.to_lookup)
        scanner.scanned.connect(self._scanned)
        bridge.changed.connect(self._sync_changed)
        self.attached = True
        # A PIN typed while the till loaded is checked now; the roster gains its lockouts.
        self.sign_in.attach(till.staff)

    # --- who is at the till -------------------------------------------------------------

    def to_sign_in(self) -> None:
        self.shift = None
        if self.attached:
            self.idle.timer.stop()
        self.status.show_staff(None)
        self.pages.setCurrentWidget(self.sign_in)
        self.sign_in.start()

    def _signed_in(self, shift: Shift) -> None:
        self._take(shift)
        self.pages.setCurrentWidget(self.stack)
        self.to_lookup()

    def lock(self) -> None:
        """Nobody touched the till for the policy's time: lock it over whatever is open."""
        if self.shift is None or self.pages.currentWidget() is self.sign_in:
            return
        if self.checkout.busy or self.returns.busy or self.end_of_day.busy:
            self.idle.timer.start()  # being written: lock once the answer is in
            return
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            modal.reject()  # a manager's PIN half-typed is abandoned, not left over the lock
        self._focus_when_locked = QApplication.focusWidget()
        # A busy database loses the audit entry, but the till locks all the same.
        with suppress(DomainError):
            self._staff.lock(self.shift)
        self.sign_in.lock(self.shift)
        self.pages.setCurrentWidget(self.sign_in)

    def _unlocked(self, shift: Shift) -> None:
        self._take(shift)
        self.pages.setCurrentWidget(self.stack)
        if self._focus_when_locked is not None:
            self._focus_when_locked.setFocus()
        self._focus_when_locked = None

    def sign_out(self) -> None:
        if self.shift is None or self.pages.currentWidget() is self.sign_in:
            return
        if self.checkout.has_open_cart():
            self.status.show_notice(tr("Смена не закрыта: проведите или отмените чек (Esc)"))
            return
        try:
            self._staff.sign_out(self.shift)
        except DomainError as refused:
            self.status.show_notice(refusal(refused))
            return
        self.to_sign_in()

    def _take(self, shift: Shift) -> None:
        self.shift = shift
        self.status.show_staff(shift.staff)
        self.idle.timer.start()

    def _shift(self) -> Shift | None:
        return self.shift

    # --- moving between screens ---------------------------------------------------------

    def to_lookup(self) -> None:
        self._show(self.lookup)
        self.lookup.reset()

    def sell_to(self, card: CardView | None) -> None:
        self._show(self.checkout)
        self.checkout.start(card)

    def find_card_for_sale(self) -> None:
        """F2 at the checkout: the lookup finds the card, the cart waits as it is."""
        self._show(self.lookup)
        self.lookup.find_for_sale()

    def _card_for_sale(self, card: CardView) -> None:
        self._show(self.checkout)
        self.checkout.attach(card)

    def _back_to_sale(self) -> None:
        self._show(self.checkout)
        self.checkout.code.setFocus()

    def register(self, phone: str) -> None:
        self._show(self.form)
        self.form.start(phone)

    def open_returns(self, card: CardView | None, code: str = "") -> None:
        """The returns screen over the lookup or the checkout; Esc goes back to it intact."""
        current = self.stack.currentWidget()
        if current is not None and current is not self.returns:
            self._returns_from = current
        self._show(self.returns)
        self.returns.start(card)
        if code:
            self.returns.look_for(code)

    def _back_from_returns(self) -> None:
        if self.checkout.has_open_cart():  # from the checkout, or from its card's lookup
            self._show(self.checkout)
            self.checkout.code.setFocus()
        else:
            self.to_lookup()

    def open_correction(self, card: CardView) -> None:
        self._show(self.correction)
        self.correction.start(card)

    def _corrected(self, done: CorrectionDone | None) -> None:
        card = done.card if done is not None else self.correction.card
        self.to_lookup()
        if card is not None:
            self.lookup.show_card(card)

    def close_day(self) -> None:
        self._show(self.end_of_day)
        self.end_of_day.start()

    def _registered(self, card: CardView) -> None:
        self._online_till.wake()
        if self.lookup.for_sale:  # joined halfway through a sale: the card goes to it
            self._card_for_sale(card)
            return
        self.to_lookup()
        self.lookup.show_card(card)

    def _form_closed(self) -> None:
        if self.lookup.for_sale:
            self._show(self.lookup)  # still finding the card for the cart
            self.lookup.phone.setFocus()
        else:
            self.to_lookup()

    def _sold(self, receipt: Receipt) -> None:
        self._online_till.wake()
        self._show(self.receipt)
        self.receipt.show_receipt(receipt)

    def reprint_last(self) -> None:
        last = self._online_till.till.checkout.last_receipt()
        if last is not None:
            self._show(self.receipt)
            self.receipt.show_receipt(last)

    def _show(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)
        self.status.show_notice("")
        self._check_clock()  # a clock set right meanwhile clears the warning

    # --- what comes from outside: scans, the sync worker ---------------------------------

    def _scanned(self, code: str) -> None:
        if self.pages.currentWidget() is not self.stack:
            return  # nobody signed in, or the till is locked: a scan does nothing
        from bonuspos.ui.product_card import ProductCard  # loaded with the checkout

        modal = QApplication.activeModalWidget()
        if isinstance(modal, ProductCard):
            modal.show_product(code)  # a price check: the cart is left alone
            return
        current = self.stack.currentWidget()
        if current in (self.lookup, self.checkout) and sale_id_of(code) is not None:
            card = self.lookup.card_for_scan() if current is self.lookup else self.checkout.card
            self.open_returns(card, code)
        elif current in (self.lookup, self.receipt):
            self._scanned_outside_sale(code)
        elif current is self.checkout:
            self.checkout.scanned(code)
        elif current is self.form:
            self.form.plastic.setText(code)
        elif current is self.returns:
            self.returns.look_for(code)

    def _scanned_outside_sale(self, code: str) -> None:
        """A product scanned at the lookup sells it to the card shown, if any; after a sale
        it starts the next one. A card scanned at the lookup shows it."""
        at_lookup = self.stack.currentWidget() is self.lookup
        product = self.checkout.product(code) if sale_id_of(code) is None else None
        if product is None:
            if at_lookup:
                self.lookup.look_up(code)
            return  # after a sale, the receipt's own code or a card does nothing
        if at_lookup and self.lookup.for_sale:
            self._back_to_sale()
        else:
            self.sell_to(self.lookup.card_for_scan() if at_lookup else None)
        self.checkout.add_product(product)

    def _sync_changed(self, state: SyncState) -> None:
        was_online = self._online()
        self.sync_state = state
        if self._online() != was_online:
            self.checkout.connection_changed()
        self.status.show_state(state)
        self._check_clock()
        if self.shift is None:
            # A till's first pull brings the people who may sign in.
            self.sign_in.staff_may_have_changed()

    def _check_clock(self) -> None:
        self.status.show_clock(self._online_till.till.clock_problem())

    def _online(self) -> bool:
        return bool(self.sync_state and self.sync_state.online)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if key == Qt.Key.Key_F12:
            self.sign_out()
        elif key == Qt.Key.Key_F9 and self.attached and self.stack.currentWidget() is self.lookup:
            if self.lookup.for_sale:
                return  # the cart at the checkout waits; a reprint would leave it behind
            self.reprint_last()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.attached:
            super().closeEvent(event)
            return
        if self.checkout.busy or self.returns.busy or self.end_of_day.busy:
            event.ignore()  # a sale or a return is being written: wait for its answer
            return
        self.idle.timer.stop()  # a closed till locks nothing, and reads no database any more
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        super().closeEvent(event)
