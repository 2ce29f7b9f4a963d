"""Card lookup as a cashier does it: type or paste any form of the number, or scan a card."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from bonuspos.ui.app import Running
from tests.ui.conftest import type_text

TYPING = 40  # ms between keys: a person, not a scanner


@pytest.mark.parametrize(
    "typed",
    ["291112233", "80291112233", "+375291112233", "375 29 111-22-33", "8 (029) 111-22-33"],
)
def test_a_card_is_found_by_every_form_of_the_number(
    qtbot: QtBot, screens: Running, typed: str
) -> None:
    lookup = screens.window.lookup
    qtbot.keyClicks(lookup.phone, typed, delay=TYPING)
    assert lookup.phone.text() == "+375 (29) 111-22-33"
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)

    assert lookup.found.isVisible()
    assert lookup.name.text() == "Петрова Анна"
    assert "75,00 б." in lookup.balance.text()


def test_a_pasted_number_is_laid_into_the_template_and_found(
    qtbot: QtBot, screens: Running
) -> None:
    lookup = screens.window.lookup
    QApplication.clipboard().setText("+375 29 111-22-33")
    qtbot.keyClick(lookup.phone, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)

    assert lookup.name.text() == "Петрова Анна"


def test_a_number_scanned_while_the_focus_is_elsewhere_is_found(
    qtbot: QtBot, screens: Running
) -> None:
    lookup = screens.window.lookup
    qtbot.keyClicks(lookup.phone, "2911", delay=TYPING)
    qtbot.keyClicks(lookup.phone, "80291112233")  # a burst, as a scanner or a paste types
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)

    assert lookup.name.text() == "Петрова Анна"
    assert lookup.phone.digits() == "2911"  # the burst did not land in the field


def test_pending_points_show_with_the_day_they_become_active(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    qtbot.keyClicks(window.lookup.phone, "291112233", delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)  # to the checkout with her card
    qtbot.keyClicks(window.checkout.code, "4810000000036")
    qtbot.keyClick(window.checkout.code, Qt.Key.Key_Return)
    qtbot.keyClick(window.checkout, Qt.Key.Key_F10)
    qtbot.keyClick(window.checkout, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt)
    qtbot.keyClick(window.receipt, Qt.Key.Key_Return)

    qtbot.keyClicks(window.lookup.phone, "291112233", delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert window.lookup.pending.text() == "Ожидают: 4,50 б., станут доступны 28.11.2026"


def test_an_unknown_number_offers_the_form_and_a_new_customer_can_buy_at_once(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    qtbot.keyClicks(window.lookup.phone, "336543210", delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert "не найдена" in window.lookup.message.text()

    qtbot.keyClick(window.lookup, Qt.Key.Key_F2)
    form = window.form
    assert window.stack.currentWidget() is form
    assert form.phone.text() == "+375 (33) 654-32-10"
    type_text(form.full_name, "Сидорова Мария")
    for box in (form.consent, form.not_legal_entity):  # a click on the box itself
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
    qtbot.keyClick(form, Qt.Key.Key_F10)

    assert window.stack.currentWidget() is window.lookup
    assert window.lookup.name.text() == "Сидорова Мария"
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.checkout
    assert window.checkout.holder.text().startswith("Сидорова Мария")


def test_the_form_shows_every_problem_by_its_field_and_registers_nobody(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    qtbot.keyClick(window.lookup, Qt.Key.Key_F2)
    form = window.form
    type_text(form.full_name, "ООО Ромашка")
    qtbot.keyClicks(form.phone, "12345", delay=TYPING)
    qtbot.keyClick(form, Qt.Key.Key_F10)

    assert window.stack.currentWidget() is form
    assert "Юридические лица" in form.errors["full_name"].text()
    assert form.errors["phone"].text()
    assert "согласия" in form.errors["consent"].text()
    assert form.errors["not_legal_entity"].text()
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.keyClicks(window.lookup.phone, "291234567", delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert "не найдена" in window.lookup.message.text()


def test_a_phone_order_finds_the_card_by_name_and_is_sold_as_one(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    lookup = window.lookup
    type_text(lookup.phone, "петрова ан")
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    assert lookup.matches.isVisible()
    assert lookup.matches.item(0).text().startswith("Петрова Анна · +375 29 ***-**-33")
    qtbot.keyClick(lookup.matches, Qt.Key.Key_Return)
    assert lookup.name.text() == "Петрова Анна"
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)

    checkout = window.checkout
    qtbot.keyClicks(checkout.code, "4810000000043")
    qtbot.keyClick(checkout.code, Qt.Key.Key_Return)
    qtbot.keyClick(checkout, Qt.Key.Key_F8)
    qtbot.keyClick(checkout, Qt.Key.Key_F8)
    assert checkout.channel.currentText() == "Заказ по телефону"
    qtbot.keyClick(checkout, Qt.Key.Key_F10)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt)
    receipt = window.receipt.receipt
    assert receipt is not None
    assert receipt.channel.value == "phone"
    assert receipt.card is not None
    assert receipt.card.full_name == "Петрова Анна"


def test_a_plastic_card_scanned_into_the_form_then_at_the_lookup_finds_its_holder(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    qtbot.keyClick(window.lookup, Qt.Key.Key_F2)
    form = window.form
    type_text(form.full_name, "Жук Павел")
    qtbot.keyClicks(form.phone, "447770011", delay=TYPING)
    form.email.setFocus()
    qtbot.keyClicks(form.email, "2000000123455")  # the scanner, wherever the focus is
    qtbot.keyClick(form.email, Qt.Key.Key_Return)
    assert form.plastic.text() == "2000000123455"
    assert form.email.text() == ""
    for box in (form.consent, form.not_legal_entity):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
    qtbot.keyClick(form, Qt.Key.Key_F10)
    assert window.stack.currentWidget() is window.lookup

    qtbot.keyClick(window.lookup, Qt.Key.Key_Escape)
    qtbot.keyClicks(window.lookup.phone, "2000000123455")
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert window.lookup.name.text() == "Жук Павел"
    assert window.lookup.phone.text() == ""  # the scan left the field as it was


def test_a_birth_date_is_typed_as_people_say_it_and_a_wrong_one_is_explained(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    qtbot.keyClick(window.lookup, Qt.Key.Key_F2)
    form = window.form
    assert form.birth_date.placeholderText() == "ДД.ММ.ГГГГ, по желанию"
    type_text(form.full_name, "Жук Павел")
    qtbot.keyClicks(form.phone, "447770011", delay=TYPING)
    for box in (form.consent, form.not_legal_entity):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
    qtbot.keyClicks(form.birth_date, "31.02.1985", delay=TYPING)
    qtbot.keyClick(form, Qt.Key.Key_F10)
    assert window.stack.currentWidget() is form
    assert form.errors["birth_date"].text() == (
        "Даты 31.02.1985 нет в календаре: проверьте день и месяц"
    )
    assert form.birth_date.hasFocus()

    form.birth_date.clear()
    qtbot.keyClicks(form.birth_date, "15.03.1985", delay=TYPING)
    qtbot.keyClick(form, Qt.Key.Key_F10)
    assert window.stack.currentWidget() is window.lookup
    assert window.lookup.name.text() == "Жук Павел"
