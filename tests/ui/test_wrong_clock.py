"""A till whose clock went back to 1970: the cashier reads why nothing is sold, and what to do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.push import reached
from bonuspos.ui.app import Running
from bonuspos.ui.printing import SlipPrinter
from tests.support import MINSK
from tests.ui.conftest import open_screens, prepared_till, type_text
from tests.ui.test_checkout import TV, pay, scan, with_card

DEAD_BATTERY = datetime(1970, 1, 1, 3, 0, tzinfo=MINSK)
TYPING = 40  # ms between keys: a person, not a scanner


@pytest.fixture
def synced(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> Iterator[Running]:
    """The usual till, which reached the server at 12:00; then its PC lost the time."""
    prepared_till(tmp_path / "till", clock)
    with Till(tmp_path / "till", clock) as till:
        reached(till.db, clock.now())
    good = clock.now()
    clock.set(DEAD_BATTERY)
    running = open_screens(qtbot, tmp_path / "till", clock, printer)
    yield running
    running.close()
    clock.set(good)


def test_a_sale_on_a_1970_clock_is_refused_with_what_to_do_and_the_cart_stays(
    qtbot: QtBot, synced: Running, clock: ManualClock
) -> None:
    window = synced.window
    assert "Часы кассы показывают 01.01.1970 03:00" in window.status.warning.text()
    with_card(qtbot, synced)
    checkout = window.checkout
    scan(qtbot, synced, TV)
    qtbot.keyClick(checkout, Qt.Key.Key_F10)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not checkout.busy)

    assert checkout.message.text() == (
        "Часы кассы показывают 01.01.1970 03:00 — раньше последней связи с сервером"
        " (27.11.2026 12:00). Продажа невозможна: исправьте дату и время компьютера"
        " и повторите"
    )
    assert window.stack.currentWidget() is checkout
    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q"]

    clock.set(datetime(2026, 11, 27, 12, 30, tzinfo=MINSK))  # IT set the clock right
    pay(qtbot, synced)
    receipt = window.receipt.receipt
    assert receipt is not None
    assert receipt.number == 2  # the one sold the day before, then this one
    qtbot.keyClick(window.receipt, Qt.Key.Key_Return)
    assert "Часы кассы" not in window.status.warning.text()


def test_a_sign_up_on_a_1970_clock_is_refused_and_nobody_is_registered(
    qtbot: QtBot, synced: Running
) -> None:
    window = synced.window
    qtbot.keyClick(window.lookup, Qt.Key.Key_F2)
    form = window.form
    type_text(form.full_name, "Сидорова Мария")
    qtbot.keyClicks(form.phone, "336543210", delay=TYPING)
    for box in (form.consent, form.not_legal_entity):
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
    assert form.consent.isChecked()
    assert form.not_legal_entity.isChecked()
    qtbot.keyClick(form, Qt.Key.Key_F10)

    assert window.stack.currentWidget() is form
    assert form.message.text().startswith("Часы кассы показывают 01.01.1970 03:00")
    assert "Оформление карты невозможно" in form.message.text()
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.keyClicks(window.lookup.phone, "336543210", delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert "не найдена" in window.lookup.message.text()
