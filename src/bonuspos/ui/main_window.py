"""The till's one window: the screens in a stack, the status bar under them, keys routed."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from bonuspos.services.online import OnlineTill, SyncState
from bonuspos.services.views import CardView, Receipt
from bonuspos.ui.checkout import CheckoutScreen
from bonuspos.ui.customer_form import CustomerFormScreen
from bonuspos.ui.lookup import LookupScreen
from bonuspos.ui.printing import SlipPrinter
from bonuspos.ui.receipt import ReceiptScreen
from bonuspos.ui.scanner import ScannerFilter
from bonuspos.ui.status_bar import TillStatusBar
from bonuspos.ui.texts import tr

# Fits a 1024×768 monitor less a taskbar and a title bar; every screen is laid out to work
# at this size (tests/ui/test_layout.py), so the window may never need to be larger.
MINIMUM_SIZE = QSize(1000, 680)


class SyncBridge(QObject):
    """Carries the worker's state from its thread to the GUI thread (a queued signal)."""

    changed = Signal(object)


class MainWindow(QMainWindow):
    def __init__(
        self,
        online_till: OnlineTill,
        printer: SlipPrinter,
        scanner: ScannerFilter,
        cashier: str,
        bridge: SyncBridge,
    ) -> None:
        super().__init__()
        self._online_till = online_till
        till = online_till.till
        self.sync_state: SyncState | None = None
        self.setWindowTitle(tr("BonusPOS — касса программы «Любимый покупатель»"))
        self.setMinimumSize(MINIMUM_SIZE)
        config = online_till.config
        place = (
            tr("магазин {0}, касса {1}").format(config.store, config.till)
            if config
            else tr("касса без сервера")
        )

        self.lookup = LookupScreen(till.lookup)
        self.form = CustomerFormScreen(till.registration)
        self.checkout = CheckoutScreen(till.checkout, till.catalog, self._online)
        self.receipt = ReceiptScreen(printer)
        self.stack = QStackedWidget()
        for screen in (self.lookup, self.form, self.checkout, self.receipt):
            self.stack.addWidget(screen)
        self.setCentralWidget(self.stack)
        self.status = TillStatusBar(cashier, place)
        self.setStatusBar(self.status)
        self.status.show_state(None if online_till.config is None else SyncState())

        self.lookup.card_chosen.connect(self.sell_to)
        self.lookup.sale_without_card.connect(lambda: self.sell_to(None))
        self.lookup.register_requested.connect(self.register)
        self.form.registered.connect(self._registered)
        self.form.cancelled.connect(self.to_lookup)
        self.checkout.sale_completed.connect(self._sold)
        self.checkout.cancelled.connect(self.to_lookup)
        self.receipt.next_sale.connect(self.to_lookup)
        scanner.scanned.connect(self._scanned)
        bridge.changed.connect(self._sync_changed)
        self.to_lookup()

    # --- moving between screens ---------------------------------------------------------

    def to_lookup(self) -> None:
        self._show(self.lookup)
        self.lookup.reset()

    def sell_to(self, card: CardView | None) -> None:
        self._show(self.checkout)
        self.checkout.start(card)

    def register(self, phone: str) -> None:
        self._show(self.form)
        self.form.start(phone)

    def _registered(self, card: CardView) -> None:
        self._online_till.wake()
        self.to_lookup()
        self.lookup.show_card(card)

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
        self._check_clock()  # a clock set right meanwhile clears the warning

    # --- what comes from outside: scans, the sync worker ---------------------------------

    def _scanned(self, code: str) -> None:
        current = self.stack.currentWidget()
        if current is self.lookup:
            self.lookup.look_up(code)
        elif current is self.checkout:
            self.checkout.scanned(code)
        elif current is self.form:
            self.form.plastic.setText(code)

    def _sync_changed(self, state: SyncState) -> None:
        self.sync_state = state
        self.status.show_state(state)
        self._check_clock()

    def _check_clock(self) -> None:
        self.status.show_clock(self._online_till.till.clock_problem())

    def _online(self) -> bool:
        return bool(self.sync_state and self.sync_state.online)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_F9 and self.stack.currentWidget() is self.lookup:
            self.reprint_last()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.checkout.busy:
            event.ignore()  # a sale is being written: wait for its answer
            return
        super().closeEvent(event)
