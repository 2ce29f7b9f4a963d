"""Spending above the policy's threshold at the checkout: online the customer's SMS code
is asked and a wrong one spends nothing; offline the customer's plastic card is scanned,
or a manager approves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from bonuspos.domain.card import ean13_check_digit
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.policy import Policy
from bonuspos.ledger.models import Sale
from bonuspos.services.clock import ManualClock
from bonuspos.services.holds import CodeRefused
from bonuspos.services.till import Till
from bonuspos.ui.app import Running
from bonuspos.ui.approval import ApprovalDialog
from bonuspos.ui.printing import SlipPrinter
from bonuspos.ui.spend_code import SpendCodeDialog, SpendProofDialog
from tests.services.test_policy_and_limits import store_policy
from tests.support import MANAGER, MANAGER_PIN, RELEASED_LONG_AGO, sell
from tests.ui.conftest import TYPING, open_screens, prepared_till, type_pin_for
from tests.ui.test_checkout import TV, scan, with_card

VERA = "331112233"  # 150,00 active: two TVs bought yesterday; her plastic card below
VERAS_PLASTIC = "200000000077" + ean13_check_digit("200000000077")
RIGHT_CODE = "246801"
Modal = TypeVar("Modal")


class ServerHolds:
    """The server's side of holds, as the till's services see it: a code sent, checked."""

    def __init__(self) -> None:
        self.sent = 0

    def send_code(self, phone: str) -> None:
        self.sent += 1

    def reserve(self, sale_id: str, phone: str, points: Points, code: str | None = None) -> str:
        if code != RIGHT_CODE:
            raise CodeRefused("Неверный код из SMS: баллы не списаны", "code-wrong")
        return "hold-" + sale_id

    def release(self, hold_id: str) -> None:
        pass


def prepared(data_dir: Path, clock: ManualClock) -> None:
    prepared_till(data_dir, clock)
    with Till(data_dir, clock) as till:
        # Offline spends above the threshold are possible only under a larger offline limit.
        store_policy(till, Policy(version=2, offline_limit=Points(300_00)))
    yesterday = ManualClock(clock.now() - timedelta(days=1))
    with Till(data_dir, yesterday, released=RELEASED_LONG_AGO) as till:
        vera = till.registration.register(
            CustomerForm("Лебедева Вера", "+375 " + VERA, True, True), plastic_card=VERAS_PLASTIC
        )
        sell(till, {"TV-55Q": 2}, card=vera)


@pytest.fixture
def screens(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> Iterator[Running]:
    prepared(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, printer)
    yield running
    running.close()


def online(running: Running) -> ServerHolds:
    server = ServerHolds()
    checkout = running.window.checkout
    checkout._online = lambda: True  # the sync worker's last word
    checkout._checkout._holds = server  # type: ignore[assignment]
    return server


def spend_the_most(qtbot: QtBot, running: Running) -> None:
    with_card(qtbot, running, VERA)
    scan(qtbot, running, TV)
    checkout = running.window.checkout
    qtbot.keyClick(checkout, Qt.Key.Key_F6)  # all 150,00: above the threshold of 100,00
    qtbot.keyClick(checkout, Qt.Key.Key_F10)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)


def dialog_of(qtbot: QtBot, kind: type[Modal]) -> Modal:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    modal = QApplication.activeModalWidget()
    assert isinstance(modal, kind)
    return modal


def sale_verification(running: Running) -> str | None:
    receipt = running.window.receipt.receipt
    assert receipt is not None
    with running.window.checkout._checkout._db.reading() as s:
        return s.execute(select(Sale.verification).where(Sale.id == receipt.sale_id)).scalar()


def test_above_the_threshold_the_checkout_asks_the_code_and_a_wrong_one_spends_nothing(
    qtbot: QtBot, screens: Running
) -> None:
    server = online(screens)
    spend_the_most(qtbot, screens)
    asking = dialog_of(qtbot, SpendCodeDialog)
    assert asking.windowTitle() == "Код из SMS покупателя"
    qtbot.waitUntil(lambda: server.sent == 1)
    qtbot.keyClicks(asking.code, "135790", delay=TYPING)
    qtbot.keyClick(asking.code, Qt.Key.Key_Return)

    checkout = screens.window.checkout
    qtbot.waitUntil(lambda: not checkout.busy)
    assert checkout.message.text() == "Неверный код из SMS: баллы не списаны"
    assert screens.window.stack.currentWidget() is checkout
    assert checkout._checkout.last_receipt().spent == Points(0)  # Vera's TVs, yesterday

    # Asked again: no new code unless the cashier resends it (F5).
    qtbot.keyClick(checkout, Qt.Key.Key_F10)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)
    asking = dialog_of(qtbot, SpendCodeDialog)
    assert server.sent == 1
    qtbot.keyClick(asking.code, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: server.sent == 2)
    qtbot.keyClicks(asking.code, RIGHT_CODE, delay=TYPING)
    qtbot.keyClick(asking.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screens.window.stack.currentWidget() is screens.window.receipt)
    receipt = screens.window.receipt.receipt
    assert receipt is not None
    assert receipt.spent == Points(150_00)


def test_offline_the_customers_plastic_card_scanned_lets_the_spend_through(
    qtbot: QtBot, screens: Running
) -> None:
    spend_the_most(qtbot, screens)
    dialog_of(qtbot, SpendProofDialog)
    scan(qtbot, screens, VERAS_PLASTIC)
    qtbot.waitUntil(lambda: screens.window.stack.currentWidget() is screens.window.receipt)
    verification = sale_verification(screens)
    assert verification is not None
    assert json.loads(verification) == {"method": "plastic_card", "card_number": VERAS_PLASTIC}


def test_offline_a_managers_approval_lets_the_spend_through(qtbot: QtBot, screens: Running) -> None:
    spend_the_most(qtbot, screens)
    proof = dialog_of(qtbot, SpendProofDialog)
    qtbot.keyClick(proof.number, Qt.Key.Key_F9)
    approving = dialog_of(qtbot, ApprovalDialog)
    type_pin_for(qtbot, approving.people, approving.pin, MANAGER, MANAGER_PIN)
    qtbot.keyClick(approving.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screens.window.stack.currentWidget() is screens.window.receipt)
    verification = sale_verification(screens)
    assert verification is not None
    assert json.loads(verification)["method"] == "approval"
