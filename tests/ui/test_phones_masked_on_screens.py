"""Past the customer form, no screen shows a customer's whole phone number.

The cashier types it once; from then on the lookup's result, the name search's list, the
checkout's card line and its confirmation, the receipt on screen and the status bar show
it as `+375 29 ***-**-33`, the way slips and logs do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from bonuspos.ui.app import Running
from tests.ui.conftest import type_text
from tests.ui.test_checkout import TV, scan

# Anna's number, in every form it could be shown whole.
ANNAS = ("+375291112233", "375291112233", "291112233", "111-22-33", "111 22 33", "1112233")
MASKED = "+375 29 ***-**-33"


def shown_text(window: QMainWindow, typed_into: QWidget) -> str:
    """Every text a person can see on the window now, but the field the phone was typed in."""
    texts: list[str] = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget is typed_into:
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(row).text() for row in range(widget.count()))
    return "\n".join(texts)


def whole_numbers(text: str) -> list[str]:
    return [form for form in ANNAS if form in text]


def test_the_lookup_checkout_confirmation_and_receipt_show_the_phone_masked(
    qtbot: QtBot, screens: Running
) -> None:
    window, lookup, checkout = screens.window, screens.window.lookup, screens.window.checkout
    shown: dict[str, str] = {}
    qtbot.keyClicks(lookup.phone, "291112233", delay=40)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    shown["lookup's card"] = shown_text(window, lookup.phone)
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is checkout
    scan(qtbot, screens, TV)
    shown["checkout"] = shown_text(window, lookup.phone)
    qtbot.keyClick(checkout, Qt.Key.Key_F10)
    assert checkout.confirmation.isVisible()
    shown["confirmation"] = shown_text(window, lookup.phone)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)
    shown["receipt"] = shown_text(window, lookup.phone)

    assert MASKED in shown["lookup's card"]
    assert MASKED in shown["receipt"]
    assert {screen: whole_numbers(text) for screen, text in shown.items()} == {
        screen: [] for screen in shown
    }


def test_the_name_search_lists_the_cards_with_their_phones_masked(
    qtbot: QtBot, screens: Running
) -> None:
    lookup = screens.window.lookup
    type_text(lookup.phone, "петрова ан")
    qtbot.keyClick(lookup.phone, Qt.Key.Key_Return)
    assert lookup.matches.isVisible()

    text = shown_text(screens.window, lookup.phone)

    assert MASKED in text
    assert whole_numbers(text) == []
