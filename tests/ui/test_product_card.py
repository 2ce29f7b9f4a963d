"""The product card (F3): a customer asks how many points a product earns, the cashier
shows its price, the points of a unit and why; a promo product says it earns none and
cannot be paid with points. A price check never touches the cart; F9 prints its tag."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from bonuspos.domain.money import Money, Points
from bonuspos.services.catalog import ProductView
from bonuspos.ui.app import Running
from bonuspos.ui.product_card import ProductCard, product_row
from tests.ui.conftest import type_text
from tests.ui.test_checkout import ROBOT, TV, scan, with_card

HEADPHONES = "4810000000036"


def open_card(qtbot: QtBot, screen: QWidget) -> ProductCard:
    qtbot.keyClick(screen, Qt.Key.Key_F3)
    card = QApplication.activeModalWidget()
    assert isinstance(card, ProductCard)
    return card


def test_f3_on_the_checkout_shows_the_last_scanned_products_price_and_points(
    qtbot: QtBot, screens: Running
) -> None:
    with_card(qtbot, screens)
    checkout = screens.window.checkout
    scan(qtbot, screens, HEADPHONES)
    card = open_card(qtbot, checkout)
    assert card.name.text() == "Наушники Bluetooth"
    assert card.price.text() == "149,00 BYN"
    assert card.points.text() == "+4,50 б. за 1 шт."
    assert "Баллы по ценнику" in card.why.text()
    assert "со следующего дня" in card.why.text()
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert QApplication.activeModalWidget() is None
    assert [line.sku for line in checkout.cart.lines] == ["HP-BT"]


def test_a_promo_product_says_it_earns_nothing_and_is_not_payable_by_points(
    qtbot: QtBot, screens: Running
) -> None:
    with_card(qtbot, screens)
    checkout = screens.window.checkout
    scan(qtbot, screens, ROBOT)
    scan(qtbot, screens, TV)
    checkout.lines.selectRow(0)  # the robot vacuum, chosen in the cart
    card = open_card(qtbot, checkout)
    assert card.name.text() == "Робот-пылесос (акция)"
    assert card.points.text() == "АКЦИЯ: без баллов"
    assert card.why.text() == (
        "Товар по акции: баллы за него не начисляются, оплатить его баллами нельзя."
    )


def test_a_price_check_by_scan_on_the_card_leaves_the_cart_alone(
    qtbot: QtBot, screens: Running
) -> None:
    with_card(qtbot, screens)
    checkout = screens.window.checkout
    scan(qtbot, screens, TV)
    card = open_card(qtbot, checkout)
    scan(qtbot, screens, HEADPHONES)  # into the card, which has the focus
    assert card.name.text() == "Наушники Bluetooth"
    screens.window._scanned(ROBOT)  # as the scanner filter hands a fast burst over
    assert card.name.text() == "Робот-пылесос (акция)"
    type_text(card.code, "нет такого")
    qtbot.keyClick(card.code, Qt.Key.Key_Return)
    assert card.message.text() == "Товар «нет такого» не найден в каталоге"
    assert card.name.text() == "Робот-пылесос (акция)"  # the last one found stays
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]


def test_the_typed_code_is_the_product_shown(qtbot: QtBot, screens: Running) -> None:
    with_card(qtbot, screens)
    checkout = screens.window.checkout
    type_text(checkout.code, "KT-1.7")
    card = open_card(qtbot, checkout)
    assert card.name.text() == "Электрочайник 1,7 л"
    assert card.points.text() == "+2,70 б. за 1 шт."


def test_f3_on_the_lookup_opens_an_empty_card_for_a_scan(qtbot: QtBot, screens: Running) -> None:
    lookup = screens.window.lookup
    card = open_card(qtbot, lookup)
    assert card.name.text() == ""
    qtbot.keyClick(card, Qt.Key.Key_F9)
    assert card.message.text() == "Сначала отсканируйте товар"
    scan(qtbot, screens, HEADPHONES)
    assert card.price.text() == "149,00 BYN"
    assert screens.window.stack.currentWidget() is lookup  # no sale started


def test_f9_on_the_card_prints_the_products_tag_into_the_print_folder(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    with_card(qtbot, screens)
    scan(qtbot, screens, TV)
    card = open_card(qtbot, screens.window.checkout)
    assert "нет EAN-13: ценник без штрихкода" in card.barcodes.text()
    qtbot.keyClick(card, Qt.Key.Key_F9)
    (saved,) = (tmp_path / "till" / "reports" / "print").glob("price-tags-*.pdf")
    assert card.message.text() == f"Ценник сохранён: {saved}"
    assert saved.read_bytes().startswith(b"%PDF")


def test_the_search_list_shows_points_or_the_promo_mark_beside_the_price(
    qtbot: QtBot, screens: Running
) -> None:
    with_card(qtbot, screens)
    checkout = screens.window.checkout
    type_text(checkout.code, "пылесос")
    qtbot.keyClick(checkout.code, Qt.Key.Key_Return)
    assert checkout.found.item(0).text() == "Робот-пылесос (акция) — 599,00 BYN · АКЦИЯ, без баллов"
    checkout.found.hide()
    checkout.code.clear()
    type_text(checkout.code, "чайник")
    qtbot.keyClick(checkout.code, Qt.Key.Key_Return)
    assert checkout.found.item(0).text() == "Электрочайник 1,7 л — 89,00 BYN · +2,70 б."


def test_a_product_without_points_is_marked_so_in_a_list() -> None:
    bare = ProductView("NAILS", "Гвозди", Money(3_00), Points(0), False)
    assert product_row(bare) == "Гвозди — 3,00 BYN · без баллов"


def test_f4_opens_a_return_from_the_checkout_and_from_the_lookup(
    qtbot: QtBot, screens: Running
) -> None:
    window = screens.window
    qtbot.keyClick(window.lookup, Qt.Key.Key_F4)
    assert window.stack.currentWidget() is window.returns
    qtbot.keyClick(window.returns.code, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.lookup
    with_card(qtbot, screens)
    qtbot.keyClick(window.checkout, Qt.Key.Key_F4)
    assert window.stack.currentWidget() is window.returns


def test_finding_a_card_for_the_cart_a_price_check_is_allowed_a_return_is_not(
    qtbot: QtBot, screens: Running
) -> None:
    window, checkout, lookup = screens.window, screens.window.checkout, screens.window.lookup
    qtbot.keyClick(lookup, Qt.Key.Key_F5)
    scan(qtbot, screens, TV)
    qtbot.keyClick(checkout.code, Qt.Key.Key_F2)  # the customer found their card after all
    assert window.stack.currentWidget() is lookup
    qtbot.keyClick(lookup.phone, Qt.Key.Key_F4)  # a return would leave the cart
    assert window.stack.currentWidget() is lookup
    assert "вернитесь к чеку" in lookup.message.text()
    card = open_card(qtbot, lookup.phone)
    scan(qtbot, screens, HEADPHONES)
    assert card.name.text() == "Наушники Bluetooth"
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is checkout
    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]
