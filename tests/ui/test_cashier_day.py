"""A cashier's day at the till: the card remembered at the end of a sale, goods scanned on
whatever screen is open, the connection lost mid-sale, a cart given up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.online import SyncState
from bonuspos.services.till import Till
from bonuspos.sync.config import SyncConfig
from bonuspos.ui.app import Running
from bonuspos.ui.printing import SlipPrinter
from tests.support import MANAGER, MANAGER_PIN
from tests.ui.conftest import TYPING, open_screens, prepared_till, type_text
from tests.ui.staff_keys import approval_dialog, approve, audit
from tests.ui.test_checkout import CABLE, TV, pay, scan, with_card

PLASTIC = "2000000123455"  # Pavel's plastic card


@pytest.fixture
def day(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> Iterator[Running]:
    """The usual till, and Pavel, who carries a plastic card rather than saying his number."""
    prepared_till(tmp_path / "till", clock)
    with Till(tmp_path / "till", clock) as till:
        till.registration.register(
            CustomerForm("Жук Павел", "+375447770011", True, True), plastic_card=PLASTIC
        )
    running = open_screens(qtbot, tmp_path / "till", clock, printer)
    yield running
    running.close()


def clicked(qtbot: QtBot, screen: QWidget, caption: str) -> None:
    """A click on the shown button that says `caption`."""
    pushed = [b for b in screen.findChildren(QPushButton) if b.text() == caption and b.isVisible()]
    assert len(pushed) == 1, caption
    qtbot.mouseClick(pushed[0], Qt.MouseButton.LeftButton)


def test_f2_finds_the_card_the_customer_remembers_at_the_end_and_keeps_the_sale(
    qtbot: QtBot, day: Running
) -> None:
    window, checkout, lookup = day.window, day.window.checkout, day.window.lookup
    qtbot.keyClick(lookup, Qt.Key.Key_F5)  # no card, says the customer
    assert checkout.card_key.isVisible()
    assert checkout.card_key.text() == "F2 — найти или сменить карту покупателя"
    scan(qtbot, day, TV)
    scan(qtbot, day, CABLE)
    sale_id = checkout.sale_id
    assert checkout.offer.text() == "Без карты баллы не списываются и не начисляются"

    qtbot.keyClick(checkout.code, Qt.Key.Key_F2)  # "oh, I have a card after all"
    assert window.stack.currentWidget() is lookup
    assert lookup.for_sale_hint.isVisible()
    qtbot.keyClicks(lookup.phone, "291112233", delay=TYPING)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)

    assert window.stack.currentWidget() is checkout
    assert checkout.sale_id == sale_id
    assert [(line.sku, line.quantity) for line in checkout.cart.lines] == [
        ("TV-55Q", 1),
        ("CB-USBC", 1),
    ]
    assert checkout.holder.text() == "Петрова Анна · доступно 75,00 б."
    assert checkout.offer.text() == (
        "Можно списать до 50,00 б.: лимит списания без связи с сервером"
    )
    assert checkout.earn.text() == "Будет начислено 75,60 б., доступны с 28.11.2026"
    assert checkout.lines.item(1, 4).text() == "0,60 б."

    # Not her card but her husband's plastic one: scanned at the lookup, it replaces hers.
    qtbot.keyClick(checkout.code, Qt.Key.Key_F2)
    scan(qtbot, day, PLASTIC)
    assert window.stack.currentWidget() is checkout
    assert checkout.sale_id == sale_id
    assert checkout.holder.text().startswith("Жук Павел")
    pay(qtbot, day)
    receipt = window.receipt.receipt
    assert receipt is not None
    assert receipt.sale_id == sale_id
    assert receipt.card is not None
    assert receipt.card.full_name == "Жук Павел"
    assert receipt.earned.minor == 75_60


def test_esc_from_the_cards_lookup_returns_to_the_cart_as_it_was(
    qtbot: QtBot, day: Running
) -> None:
    window, checkout, lookup = day.window, day.window.checkout, day.window.lookup
    with_card(qtbot, day)
    scan(qtbot, day, TV)
    qtbot.keyClick(checkout, Qt.Key.Key_F6)
    assert checkout.points.text() == "50,00"
    sale_id = checkout.sale_id

    qtbot.keyClick(checkout.points, Qt.Key.Key_F2)
    qtbot.keyClicks(lookup.phone, "2955", delay=TYPING)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_F5)  # would start another sale over the cart
    assert window.stack.currentWidget() is lookup
    assert "вернитесь к чеку" in lookup.message.text()
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Escape)

    assert window.stack.currentWidget() is checkout
    assert checkout.sale_id == sale_id
    assert checkout.holder.text().startswith("Петрова Анна")
    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]
    assert checkout.points.text() == "50,00"
    assert checkout.code.hasFocus()

    qtbot.keyClick(checkout.code, Qt.Key.Key_Escape)  # the lookup is its usual self after
    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    approve(qtbot, MANAGER, MANAGER_PIN)
    assert window.stack.currentWidget() is lookup
    assert not lookup.for_sale_hint.isVisible()
    assert lookup.no_card.isVisible()


def test_a_product_scanned_at_the_lookup_sells_it_to_the_card_shown(
    qtbot: QtBot, day: Running
) -> None:
    window, lookup = day.window, day.window.lookup
    qtbot.keyClicks(lookup.phone, "291112233", delay=TYPING)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    assert lookup.name.text() == "Петрова Анна"

    scan(qtbot, day, TV)

    checkout = window.checkout
    assert window.stack.currentWidget() is checkout
    assert checkout.card is not None
    assert checkout.card.full_name == "Петрова Анна"
    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]
    assert checkout.message.text() == ""


def test_a_product_scanned_at_the_lookup_with_no_card_found_sells_without_one(
    qtbot: QtBot, day: Running
) -> None:
    window, lookup = day.window, day.window.lookup
    qtbot.keyClicks(lookup.phone, "336543210", delay=TYPING)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    assert "не найдена" in lookup.message.text()

    scan(qtbot, day, CABLE)

    assert window.stack.currentWidget() is window.checkout
    assert window.checkout.card is None
    assert [line.sku for line in window.checkout.cart.lines] == ["CB-USBC"]


def test_a_product_scanned_on_the_receipt_starts_the_next_sale_with_it(
    qtbot: QtBot, day: Running
) -> None:
    window = day.window
    with_card(qtbot, day)
    scan(qtbot, day, CABLE)
    pay(qtbot, day)
    receipt = window.receipt.receipt
    assert receipt is not None
    first_sale = window.checkout.sale_id

    scan(qtbot, day, receipt.code)  # the receipt's own code: nothing happens, as before
    assert window.stack.currentWidget() is window.receipt

    scan(qtbot, day, TV)  # the next customer's goods

    checkout = window.checkout
    assert window.stack.currentWidget() is checkout
    assert checkout.sale_id != first_sale
    assert checkout.card is None
    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]


def test_the_receipt_shows_the_money_to_collect_after_the_points(
    qtbot: QtBot, day: Running
) -> None:
    with_card(qtbot, day)
    scan(qtbot, day, TV)
    qtbot.keyClick(day.window.checkout, Qt.Key.Key_F6)
    pay(qtbot, day)

    receipt = day.window.receipt
    assert receipt.summary.text() == "К оплате 2\u00a0449,00 BYN"
    assert "2\u00a0499,00 BYN, оплачено баллами 50,00 б." in receipt.figures.text()


def test_the_offer_follows_the_connection_the_moment_it_is_lost(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    prepared_till(tmp_path / "till", clock)
    config = SyncConfig("http://127.0.0.1:9", "S1", "T1", "token-of-this-till")
    running = open_screens(qtbot, tmp_path / "till", clock, printer, config)
    try:
        window, checkout = running.window, running.window.checkout
        running.bridge.changed.emit(SyncState(online=True, waiting=0))
        with_card(qtbot, running)
        scan(qtbot, running, TV)
        assert checkout.offer.text() == "Можно списать до 75,00 б.: все доступные баллы карты"

        running.bridge.changed.emit(SyncState(online=False, waiting=0))
        assert window.status.connection.text() == "● Нет связи"
        assert checkout.offer.text() == (
            "Можно списать до 50,00 б.: лимит списания без связи с сервером"
        )
        qtbot.keyClick(checkout, Qt.Key.Key_F6)
        assert checkout.points.text() == "50,00"
        assert checkout.message.text() == ""

        running.bridge.changed.emit(SyncState(online=True, waiting=0))  # back again
        assert checkout.offer.text() == "Можно списать до 75,00 б.: все доступные баллы карты"
        assert checkout.points.text() == "50,00"

        qtbot.keyClick(checkout, Qt.Key.Key_F6)
        qtbot.keyClick(checkout, Qt.Key.Key_F10)
        assert "Списать 75,00 б." in checkout.confirm_text.text()
        running.bridge.changed.emit(SyncState(online=False, waiting=0))  # lost while asking
        assert not checkout.confirmation.isVisible()
        assert (
            checkout.message.text() == "Списать можно не больше 50,00 б., а не 75,00 б."
            " (лимит списания без связи с сервером)"
        )
        qtbot.keyClick(checkout, Qt.Key.Key_F6)
        qtbot.keyClick(checkout, Qt.Key.Key_F10)
        running.bridge.changed.emit(SyncState(online=True, waiting=0))  # 50,00 still allowed
        assert not checkout.confirmation.isVisible()
        assert checkout.message.text() == (
            "Связь с сервером изменилась: проверьте баллы и нажмите F10"
        )
    finally:
        running.close()


def test_a_cart_given_up_is_asked_about_and_its_cancellation_recorded_by_buttons_too(
    qtbot: QtBot, day: Running, tmp_path: Path
) -> None:
    window, checkout = day.window, day.window.checkout
    with_card(qtbot, day)
    scan(qtbot, day, CABLE)

    clicked(qtbot, checkout, "Отмена · Esc")
    assert checkout.cancelling.isVisible()
    assert checkout.cancel_text.text() == (
        "Отменить чек: строк — 1, на сумму 19,90 BYN? Отмена записывается в журнал"
    )
    clicked(qtbot, checkout, "Вернуться к чеку · Esc")
    assert not checkout.cancelling.isVisible()
    assert [line.sku for line in checkout.cart.lines] == ["CB-USBC"]

    clicked(qtbot, checkout, "Отмена · Esc")
    clicked(qtbot, checkout, "Отменить чек · Enter")
    approval_dialog(qtbot)
    approve(qtbot, MANAGER, MANAGER_PIN)

    assert window.stack.currentWidget() is window.lookup
    cancelled = [row for row in audit(tmp_path / "till") if row[0] == "cart_cancelled"]
    assert window.shift is not None
    manager_id = next(
        s.staff_id for s in day.online_till.till.staff.roster() if s.full_name == MANAGER
    )
    assert [row[1:] for row in cancelled] == [
        (window.shift.staff.staff_id, manager_id, checkout.sale_id)
    ]

    with_card(qtbot, day)  # Esc on the next cart, with a line, asks all the same
    scan(qtbot, day, TV)
    qtbot.keyClick(checkout.code, Qt.Key.Key_Escape)
    assert checkout.cancelling.isVisible()


def test_a_customer_who_joins_halfway_through_a_sale_gets_the_points_for_it(
    qtbot: QtBot, day: Running
) -> None:
    window, checkout, lookup, form = (
        day.window,
        day.window.checkout,
        day.window.lookup,
        day.window.form,
    )
    qtbot.keyClick(lookup, Qt.Key.Key_F5)
    scan(qtbot, day, CABLE)
    sale_id = checkout.sale_id

    qtbot.keyClick(checkout.code, Qt.Key.Key_F2)
    qtbot.keyClicks(lookup.phone, "336543210", delay=TYPING)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    assert "не найдена" in lookup.message.text()
    qtbot.keyClick(lookup.phone, Qt.Key.Key_F2)
    assert window.stack.currentWidget() is form
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # not yet: back to finding the card
    assert window.stack.currentWidget() is lookup
    assert lookup.for_sale

    qtbot.keyClick(lookup.phone, Qt.Key.Key_F2)
    type_text(form.full_name, "Сидорова Мария")
    for box in (form.consent, form.not_legal_entity):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
    qtbot.keyClick(form, Qt.Key.Key_F10)

    assert window.stack.currentWidget() is checkout
    assert checkout.sale_id == sale_id
    assert checkout.holder.text().startswith("Сидорова Мария")
    assert [line.sku for line in checkout.cart.lines] == ["CB-USBC"]
    assert checkout.earn.text() == "Будет начислено 0,60 б., доступны с 28.11.2026"
