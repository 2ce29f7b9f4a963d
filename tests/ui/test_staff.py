"""Who is at the till: signing in, wrong PINs, the idle lock, ending a shift, a cancelled cart."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bonuspos.domain.staff import Role
from bonuspos.services.clock import ManualClock
from bonuspos.services.online import SyncState
from bonuspos.services.till import DB_NAME
from bonuspos.ui.app import Running
from bonuspos.ui.printing import SlipPrinter
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN
from tests.ui.conftest import TYPING, open_screens, prepared_till, sign_in, type_pin_for
from tests.ui.staff_keys import actions, approval_dialog, approve, audit
from tests.ui.test_checkout import CABLE, TV, scan, with_card


def test_the_till_opens_on_sign_in_and_ten_wrong_pins_lock_the_person_out(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    prepared_till(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, printer, signed_in=False)
    try:
        window, screen = running.window, running.window.sign_in
        assert window.pages.currentWidget() is screen
        assert window.status.who.text() == "Вход не выполнен · касса без сервера"
        shown = [screen.people.item(i).text() for i in range(screen.people.count())]
        assert shown == [f"{CASHIER} · Кассир", f"{MANAGER} · Менеджер"]

        scan(qtbot, running, "4810000000012")  # a scan before anyone signs in does nothing
        assert window.pages.currentWidget() is screen

        type_pin_for(qtbot, screen.people, screen.pin, CASHIER, "2222")
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert screen.message.text() == "Неверный PIN: осталось попыток — 9"
        assert screen.pin.text() == ""
        for _ in range(8):
            qtbot.keyClicks(screen.pin, "2222", delay=TYPING)
            qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert screen.message.text() == "Неверный PIN: осталось попыток — 1"
        qtbot.keyClicks(screen.pin, "2222", delay=TYPING)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        # 12:00 in Minsk and the policy's 30 minutes.
        locked = f"{CASHIER}: вход заблокирован до 12:30 после неверных PIN"
        assert screen.message.text() == locked

        qtbot.keyClicks(screen.pin, CASHIER_PIN, delay=TYPING)  # the right PIN: still locked
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert screen.message.text() == locked
        assert window.pages.currentWidget() is screen

        qtbot.keyClick(screen.pin, Qt.Key.Key_Escape)  # someone else signs in meanwhile
        assert screen.people.hasFocus()
        sign_in(qtbot, running, MANAGER, MANAGER_PIN)
        assert window.pages.currentWidget() is window.stack
        assert window.stack.currentWidget() is window.lookup
        assert window.status.who.text() == f"Менеджер: {MANAGER} · касса без сервера"
        assert actions(tmp_path / "till").count("pin_failed") == 10
        assert "locked_out" in actions(tmp_path / "till")
    finally:
        running.close()


def test_a_till_without_staff_says_how_to_add_the_first_manager(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    running = open_screens(qtbot, tmp_path / "empty", clock, printer, signed_in=False)
    try:
        screen = running.window.sign_in
        assert screen.explain.text().startswith(
            "Нет сотрудников: ИТ добавляет менеджера командой bonuspos add-staff"
        )
        assert not screen.people.isVisible()
        assert not screen.pin.isVisible()

        # The first pull brings the store's staff: the screen offers them at once.
        running.online_till.till.staff.add_local("Мария Менеджерова", Role.MANAGER, "482913")
        running.bridge.changed.emit(SyncState(online=True, waiting=0))
        assert screen.people.isVisible()
        assert screen.people.count() == 1
    finally:
        running.close()


def test_an_idle_till_locks_over_the_cart_and_the_pin_brings_back_the_same_sale(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    prepared_till(tmp_path / "till", clock)
    running = open_screens(
        qtbot, tmp_path / "till", clock, printer, idle_lock=timedelta(milliseconds=800)
    )
    try:
        window, screen = running.window, running.window.sign_in
        with_card(qtbot, running)
        scan(qtbot, running, TV)
        checkout = window.checkout
        qtbot.keyClicks(checkout.code, "CB", delay=TYPING)  # half-typed when they walk away
        sale_id = checkout.sale_id

        qtbot.waitUntil(lambda: window.pages.currentWidget() is screen, timeout=5_000)
        assert screen.title.text() == "Касса заблокирована"
        assert CASHIER in screen.explain.text()
        assert screen.people.currentItem().text() == f"{CASHIER} · Кассир"
        scan(qtbot, running, CABLE)  # nothing is sold on a locked till
        assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]

        qtbot.keyClicks(screen.pin, "9999", delay=TYPING)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert screen.message.text() == "Неверный PIN: осталось попыток — 9"
        qtbot.keyClicks(screen.pin, CASHIER_PIN, delay=TYPING)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)

        assert window.pages.currentWidget() is window.stack
        assert window.stack.currentWidget() is checkout
        assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]
        assert checkout.sale_id == sale_id
        assert checkout.card is not None
        assert checkout.card.full_name == "Петрова Анна"
        assert checkout.code.text() == "CB"
        assert QApplication.focusWidget() is checkout.code
        assert "till_locked" in actions(tmp_path / "till")

        # Locked again, a manager opens it and takes the shift over.
        qtbot.waitUntil(lambda: window.pages.currentWidget() is screen, timeout=5_000)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Escape)
        type_pin_for(qtbot, screen.people, screen.pin, MANAGER, MANAGER_PIN)
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        assert window.stack.currentWidget() is checkout
        assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]
        assert window.status.who.text() == f"Менеджер: {MANAGER} · касса без сервера"
    finally:
        running.close()


def test_a_cart_with_goods_is_cancelled_only_when_confirmed_and_approved_and_is_recorded(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    window, checkout = screens.window, screens.window.checkout
    with_card(qtbot, screens)
    scan(qtbot, screens, CABLE)

    qtbot.keyClick(checkout, Qt.Key.Key_F12)  # the shift cannot end over a cart
    assert window.pages.currentWidget() is window.stack
    assert "Смена не закрыта" in window.status.warning.text()

    qtbot.keyClick(checkout, Qt.Key.Key_Escape)
    assert checkout.cancelling.isVisible()
    assert checkout.cancel_text.text() == (
        "Отменить чек: строк — 1, на сумму 19,90 BYN? Отмена записывается в журнал"
    )
    qtbot.keyClick(checkout, Qt.Key.Key_Escape)  # no: back to the cart
    assert not checkout.cancelling.isVisible()
    assert window.stack.currentWidget() is checkout

    qtbot.keyClick(checkout, Qt.Key.Key_Escape)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    dialog = approval_dialog(qtbot)
    qtbot.keyClick(dialog.people, Qt.Key.Key_Escape)  # the manager is not there: nothing
    assert window.stack.currentWidget() is checkout
    assert "cart_cancelled" not in actions(tmp_path / "till")

    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    approve(qtbot, MANAGER, MANAGER_PIN)
    assert window.stack.currentWidget() is window.lookup
    cancelled = [row for row in audit(tmp_path / "till") if row[0] == "cart_cancelled"]
    assert len(cancelled) == 1
    _, staff_id, approved_by, subject = cancelled[0]
    assert window.shift is not None
    assert (staff_id, approved_by, subject) == (
        window.shift.staff.staff_id,
        next(s.staff_id for s in screens.online_till.till.staff.roster() if s.full_name == MANAGER),
        checkout.sale_id,
    )

    qtbot.keyClick(window.lookup, Qt.Key.Key_F5)  # an empty cart is left without a question
    qtbot.keyClick(checkout, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.lookup
    assert actions(tmp_path / "till").count("cart_cancelled") == 1

    qtbot.keyClick(window.lookup, Qt.Key.Key_F12)  # now the shift ends
    assert window.pages.currentWidget() is window.sign_in
    assert window.status.who.text() == "Вход не выполнен · касса без сервера"
    assert actions(tmp_path / "till")[-1] == "signed_out"


def test_a_sale_rung_up_on_the_screens_names_who_was_signed_in(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    from tests.ui.test_returns import sold

    receipt = sold(qtbot, screens, [TV])

    shift = screens.window.shift
    assert shift is not None
    with closing(sqlite3.connect(tmp_path / "till" / DB_NAME)) as db:
        (staff_id,) = db.execute(
            "SELECT staff_id FROM sales WHERE id = ?", (receipt.sale_id,)
        ).fetchone()
        (payload,) = db.execute(
            "SELECT payload FROM outbox WHERE type = 'sale_completed' ORDER BY seq DESC"
        ).fetchone()
    assert staff_id == shift.staff.staff_id
    assert json.loads(payload)["staff_id"] == shift.staff.staff_id
    assert receipt.staff_name == CASHIER
