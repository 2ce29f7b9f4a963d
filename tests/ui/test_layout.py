"""Every screen fits a till's monitor: nothing cut off at 1024×768 or at 1366×768.

Each screen is driven into its busiest state (long names, messages, the confirmation)
and checked by `clipped_widgets`. A new screen is one more line in SCREENS: its name and
how to get there from a freshly opened window.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)
from pytestqt.qtbot import QtBot

from bonuspos.services.clock import ManualClock
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.state import SyncState
from bonuspos.ui.app import Running
from bonuspos.ui.main_window import MainWindow
from bonuspos.ui.printing import PdfPrinter, PrintFailed
from bonuspos.ui.product_card import ProductCard
from bonuspos.ui.spend_code import SpendCodeDialog, SpendProofDialog
from tests.support import MANAGER, MANAGER_PIN
from tests.ui.conftest import open_screens, prepared_till, type_pin_for, type_text
from tests.ui.day_fake import FakeEndOfDay
from tests.ui.layout import clipped_widgets
from tests.ui.staff_keys import approve
from tests.ui.test_checkout import CABLE, KETTLE, ROBOT, TV, scan, with_card

# The two monitors the stores have; the window's minimum is checked as well, since a
# 1024×768 screen less its taskbar and title bar gives the window about that much.
SIZES = {"1024x768": (1024, 768), "1366x768": (1366, 768), "minimum": None}


class Printer(PdfPrinter):
    """A PDF printer the test can break, for the receipt screen's longest message."""

    broken = False

    def print_slip(self, text: str, code: str | None = None) -> str:
        if self.broken:
            raise PrintFailed("нет бумаги, крышка принтера открыта")
        return super().print_slip(text, code)


@dataclass
class Stage:
    """What a screen's way there may use: the bot, the running till, its printer."""

    bot: QtBot
    running: Running
    printer: Printer

    @property
    def window(self) -> MainWindow:
        return self.running.window

    def enter(self, text: str) -> None:
        """Type into the lookup field and press Enter, as a cashier does."""
        type_text(self.window.lookup.phone, text)
        self.bot.keyClick(self.window.lookup.phone, Qt.Key.Key_Return)


@dataclass(frozen=True)
class Screen:
    name: str
    show: Callable[[Stage], object]


def busy_status(stage: Stage) -> None:
    """Every warning the status bar can carry at once, offline, with a queue."""
    stage.running.bridge.changed.emit(
        SyncState(
            online=False,
            waiting=12_345,
            dead_letters=3,
            last_sync=datetime(2026, 11, 19, 9, 5, tzinfo=UTC),
            clock_skew=timedelta(minutes=9),
            receiving=250_000,
        )
    )


def cart(stage: Stage) -> None:
    with_card(stage.bot, stage.running)
    for code in (TV, CABLE, ROBOT, KETTLE):
        scan(stage.bot, stage.running, code)
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_F6)


def web_order(stage: Stage) -> None:
    cart(stage)
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_F8)


def confirmation(stage: Stage) -> None:
    cart(stage)
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_F10)
    assert stage.window.checkout.confirmation.isVisible()


def sold(stage: Stage) -> None:
    confirmation(stage)
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_Return)
    stage.bot.waitUntil(lambda: stage.window.stack.currentWidget() is stage.window.receipt)


def not_printed(stage: Stage) -> None:
    sold(stage)
    stage.printer.broken = True
    stage.bot.keyClick(stage.window.receipt, Qt.Key.Key_F9)


def signed_out(stage: Stage) -> None:
    stage.bot.keyClick(stage.window.lookup, Qt.Key.Key_F12)
    assert stage.window.pages.currentWidget() is stage.window.sign_in


def wrong_pin(stage: Stage) -> None:
    signed_out(stage)
    screen = stage.window.sign_in
    type_pin_for(stage.bot, screen.people, screen.pin, MANAGER, "1111")
    stage.bot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert screen.message.text()


def locked(stage: Stage) -> None:
    cart(stage)
    stage.window.lock()
    assert stage.window.sign_in.title.text() == "Касса заблокирована"


def cancelling(stage: Stage) -> None:
    cart(stage)
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_Escape)
    assert stage.window.checkout.cancelling.isVisible()


def card_for_sale(stage: Stage) -> None:
    cart(stage)
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_F2)
    assert stage.window.lookup.for_sale


def a_sale(stage: Stage) -> str:
    """A busy receipt rung up and left: its barcode, for a return."""
    sold(stage)
    receipt = stage.window.receipt.receipt
    assert receipt is not None
    stage.bot.keyClick(stage.window.receipt, Qt.Key.Key_Return)
    return receipt.code


def returns_recent(stage: Stage) -> None:
    a_sale(stage)
    stage.enter("291112233")
    stage.bot.keyClick(stage.window.lookup, Qt.Key.Key_F4)
    assert stage.window.returns.recent.isVisible()


def returns_preview(stage: Stage) -> None:
    code = a_sale(stage)
    scan(stage.bot, stage.running, code)
    returns = stage.window.returns
    stage.bot.waitUntil(lambda: returns.sale is not None)
    stage.bot.keyClick(returns, Qt.Key.Key_A)
    assert returns.preview is not None


def returned(stage: Stage) -> None:
    returns_preview(stage)
    stage.bot.keyClick(stage.window.returns, Qt.Key.Key_Return)
    approve(stage.bot, MANAGER, MANAGER_PIN)
    stage.bot.waitUntil(lambda: stage.window.returns.outcome is not None)


def correction(stage: Stage) -> None:
    stage.enter("291112233")
    stage.bot.keyClick(stage.window.lookup, Qt.Key.Key_F8)
    stage.bot.keyClick(stage.window.correction, Qt.Key.Key_Return)  # to the reason
    stage.bot.keyClick(stage.window.correction, Qt.Key.Key_Return)  # no points: said why
    assert stage.window.correction.message.text()


def form_errors(stage: Stage) -> None:
    stage.bot.keyClick(stage.window.lookup, Qt.Key.Key_F2)
    type_text(stage.window.form.full_name, "ООО Ромашка")
    stage.bot.keyClick(stage.window.form, Qt.Key.Key_F10)


def press(key: Qt.Key) -> Callable[[Stage], None]:
    """The way to a screen that is one key away from the lookup."""
    return lambda stage: stage.bot.keyClick(stage.window.stack.currentWidget(), key)


def name_matches(stage: Stage) -> None:
    stage.enter("петрова ан")  # a phone order: the list of names to pick from
    assert stage.window.lookup.matches.isVisible()


def day_closed(stage: Stage, refuse: str = "", *, offline: bool = False) -> None:
    days = FakeEndOfDay(waits=False)
    days.refuse = refuse
    days.offline = offline
    stage.window.end_of_day.days = days
    stage.bot.keyClick(stage.window.lookup.phone, Qt.Key.Key_F11)
    approve(stage.bot, MANAGER, MANAGER_PIN)
    screen = stage.window.end_of_day
    stage.bot.waitUntil(
        lambda: not screen.busy and (screen.report is not None or bool(screen.message.text()))
    )


def day_saved(stage: Stage) -> None:
    day_closed(stage)
    stage.bot.keyClick(stage.window.end_of_day, Qt.Key.Key_S)
    assert stage.window.end_of_day.done.text().startswith("PDF сохранён: ")


def day_not_closed(stage: Stage) -> None:
    day_closed(stage, "Сервер не ответил за 30 секунд: проверьте связь и закройте день ещё раз")
    assert stage.window.end_of_day.message.text()


def earlier_day(stage: Stage) -> None:
    day_closed(stage)
    stage.bot.keyClick(stage.window.end_of_day, Qt.Key.Key_Left)
    stage.bot.keyClick(stage.window.end_of_day, Qt.Key.Key_Left)  # no earlier: said why
    assert stage.window.end_of_day.message.text()


SCREENS = [
    Screen("lookup", lambda stage: None),
    Screen("lookup-status-warnings", busy_status),
    Screen("lookup-card", lambda stage: stage.enter("291112233")),
    Screen("lookup-not-found", lambda stage: stage.enter("255551234")),
    Screen("lookup-name-matches", name_matches),
    Screen("customer-form", press(Qt.Key.Key_F2)),
    Screen("customer-form-errors", form_errors),
    Screen("checkout-no-card", press(Qt.Key.Key_F5)),
    Screen("checkout-cart", cart),
    Screen("checkout-web-order", web_order),
    Screen("checkout-confirmation", confirmation),
    Screen("receipt", sold),
    Screen("receipt-not-printed", not_printed),
    Screen("sign-in", signed_out),
    Screen("sign-in-wrong-pin", wrong_pin),
    Screen("locked-over-a-cart", locked),
    Screen("checkout-cancelling", cancelling),
    Screen("lookup-card-for-sale", card_for_sale),
    Screen("returns-recent", returns_recent),
    Screen("returns-preview", returns_preview),
    Screen("returns-done", returned),
    Screen("correction", correction),
    Screen("end-of-day", day_closed),
    Screen("end-of-day-saved", day_saved),
    Screen("end-of-day-no-server", lambda stage: day_closed(stage, offline=True)),
    Screen("end-of-day-not-closed", day_not_closed),
    Screen("end-of-day-earlier", earlier_day),
]


@pytest.fixture
def stage(qtbot: QtBot, tmp_path: Path, clock: ManualClock) -> Iterator[Stage]:
    prepared_till(tmp_path / "till", clock)
    printer = Printer(tmp_path / "receipts")
    # Configured, so the status bar carries the store, the till and the sync state.
    config = SyncConfig("https://bonus.example.by", "MINSK-CENTRAL-01", "T3", "token")
    running = open_screens(qtbot, tmp_path / "till", clock, printer, config)
    yield Stage(qtbot, running, printer)
    running.close()


def problems_at(stage: Stage, size: tuple[int, int] | None, picture: str = "") -> list[str]:
    """The window as large as `size` (its minimum when None), and what is cut off in it.

    With BONUSPOS_LAYOUT_PICTURES set to a folder, the window is saved there as
    `<picture>.png` too: to look at the screens as a till's X server draws them.
    """
    window = stage.window
    window.showNormal()
    width, height = size or (window.minimumWidth(), window.minimumHeight())
    window.resize(width, height)
    # A real X server resizes the window when it answers, not at once.
    stage.bot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    QApplication.processEvents()
    folder = os.environ.get("BONUSPOS_LAYOUT_PICTURES")
    if folder and picture:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(Path(folder) / f"{picture}.png"))
    return clipped_widgets(window)


@pytest.mark.parametrize("screen", SCREENS, ids=[screen.name for screen in SCREENS])
def test_nothing_on_the_screen_is_cut_off(stage: Stage, screen: Screen) -> None:
    screen.show(stage)
    problems = {}
    for name, size in SIZES.items():
        found = problems_at(stage, size, f"{screen.name}-{name}")
        if found:
            problems[name] = found
    assert not problems, "\n".join(
        f"{size}: {problem}" for size, found in problems.items() for problem in found
    )


def add_row(stage: Stage, *widgets: QWidget) -> None:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    layout = stage.window.lookup.layout()
    assert isinstance(layout, QBoxLayout)
    layout.addLayout(row)


def test_a_label_and_a_button_too_narrow_for_their_text_are_reported(stage: Stage) -> None:
    # The two usual ways to cut text: a label let shrink below its text (as one that must
    # not widen the window), a button held to a width its caption outgrew.
    cut = QLabel("Подпись, которой на экране кассы не хватит места, " * 3)
    cut.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    pushed = QPushButton("Кнопка с длинной надписью · F12")
    pushed.setMaximumWidth(120)
    add_row(stage, cut, pushed)

    problems = problems_at(stage, SIZES["1024x768"])

    assert any(problem.startswith("QLabel «Подпись, которой") for problem in problems), problems
    assert any(problem.startswith("QPushButton «Кнопка с длинной") for problem in problems)


def test_a_label_wider_than_the_screen_is_reported_with_what_it_squeezes(stage: Stage) -> None:
    add_row(stage, QLabel("Подпись, которой на экране кассы не хватит места, " * 3))

    problems = problems_at(stage, SIZES["1024x768"])

    assert any(problem.startswith("QLabel «Подпись, которой") for problem in problems), problems
    assert any(problem.startswith("LookupScreen is 1024×") for problem in problems)


@pytest.mark.parametrize("code", ["VC-ROB", "HP-BT", "нет такого"])
def test_nothing_on_the_product_card_is_cut_off(stage: Stage, code: str) -> None:
    """The product card (F3) is a dialog over the checkout: checked on its own."""
    cart(stage)
    stage.window.showNormal()
    stage.window.resize(*SIZES["1024x768"])
    stage.bot.keyClick(stage.window.checkout, Qt.Key.Key_F3)
    card = QApplication.activeModalWidget()
    assert isinstance(card, ProductCard)
    card.show_product(code)
    QApplication.processEvents()
    folder = os.environ.get("BONUSPOS_LAYOUT_PICTURES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert card.grab().save(str(Path(folder) / f"product-card-{code}.png"))
    assert clipped_widgets(card) == []


@pytest.mark.parametrize("kind", ["code", "proof"])
def test_nothing_on_the_spend_verification_dialogs_is_cut_off(stage: Stage, kind: str) -> None:
    """Above the threshold the checkout asks the SMS code (online) or the plastic card
    (offline) in a dialog over it: checked on its own, with its longest message."""
    cart(stage)
    stage.window.showNormal()
    stage.window.resize(*SIZES["1024x768"])
    what = "Списание 749,70 б. с карты покупателя"
    dialog: QDialog
    if kind == "code":
        dialog = SpendCodeDialog(what, lambda: None, stage.window.checkout)
        dialog.status.setText("Код отправлен на телефон покупателя")
        dialog.message.setText(
            "Слишком много неверных кодов: списание с карты заблокировано на 15 мин"
        )
    else:
        dialog = SpendProofDialog(what, stage.window.checkout)
        dialog.message.setText("Это не карта покупателя: отсканируйте его пластиковую карту")
    dialog.show()
    stage.bot.waitExposed(dialog)
    QApplication.processEvents()
    folder = os.environ.get("BONUSPOS_LAYOUT_PICTURES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert dialog.grab().save(str(Path(folder) / f"spend-{kind}.png"))
    problems = clipped_widgets(dialog)
    dialog.close()
    assert problems == []
