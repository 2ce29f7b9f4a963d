"""Returns as a cashier makes them: scan the receipt's barcode, choose with keys, a manager
approves; the money and points come from the service's preview, to the kopeck."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bonuspos.domain.money import Money, Points
from bonuspos.domain.receipt_code import receipt_code
from bonuspos.protocol import SaleAnswer
from bonuspos.services.clock import ManualClock
from bonuspos.services.remote_sales import ServerSales
from bonuspos.services.views import Receipt, ReturnReceipt
from bonuspos.sync.config import SyncConfig
from bonuspos.ui.app import Running
from bonuspos.ui.printing import SlipPrinter
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN
from tests.ui.conftest import ANNA, TYPING, open_screens, prepared_till
from tests.ui.staff_keys import actions, approve
from tests.ui.test_checkout import KETTLE, TV, pay, scan, with_card


def sold(qtbot: QtBot, running: Running, codes: list[str], points: str = "") -> Receipt:
    """A sale to Anna rung up on the screens; back on the lookup screen after it."""
    with_card(qtbot, running)
    for code in codes:
        scan(qtbot, running, code)
    checkout = running.window.checkout
    if points:
        checkout.points.setFocus()
        qtbot.keyClicks(checkout.points, points, delay=TYPING)
    pay(qtbot, running)
    receipt = running.window.receipt.receipt
    assert receipt is not None
    qtbot.keyClick(running.window.receipt, Qt.Key.Key_Return)
    assert running.window.stack.currentWidget() is running.window.lookup
    return receipt


def scan_receipt(qtbot: QtBot, running: Running, code: str) -> None:
    """The receipt's barcode scanned on the lookup or checkout: the returns screen opens on it."""
    scan(qtbot, running, code)
    returns = running.window.returns
    assert running.window.stack.currentWidget() is returns
    qtbot.waitUntil(lambda: not returns.busy)


def give_back(qtbot: QtBot, running: Running, *keys: Qt.Key) -> ReturnReceipt:
    """Keys on the sale shown, Enter, the manager's PIN; the return written and printed."""
    returns = running.window.returns
    for key in keys:
        qtbot.keyClick(returns, key)
    qtbot.keyClick(returns, Qt.Key.Key_Return)
    approve(qtbot, MANAGER, MANAGER_PIN)
    qtbot.waitUntil(lambda: returns.outcome is not None, timeout=10_000)
    assert returns.outcome is not None
    return returns.outcome


def test_a_full_return_found_by_scanning_the_receipts_barcode(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    window, returns = screens.window, screens.window.returns
    receipt = sold(qtbot, screens, [TV])
    scan_receipt(qtbot, screens, receipt.code)

    assert returns.sale is not None
    assert returns.sale.sale_id == receipt.sale_id
    assert returns.heading.text().startswith(f"Чек №{receipt.number} от 27.11.2026 12:00")
    assert returns.lines.item(0, 0).text() == 'Телевизор 55" QLED'
    assert returns.lines.item(0, 3).text() == "0 из 1"
    assert returns.money.text() == "Выберите, что возвращается"

    qtbot.keyClick(returns, Qt.Key.Key_A)
    assert returns.lines.item(0, 3).text() == "1 из 1"
    assert returns.money.text() == "Вернуть покупателю 2\u00a0499,00 BYN"
    assert returns.tenders.text().startswith("Наличные")
    assert returns.points.text() == "Баллы: списать с карты 75,00 б., вернуть на карту 0,00 б."
    assert "ещё не активны (станут доступны 28.11.2026)" in returns.reasons.text()

    outcome = give_back(qtbot, screens)
    assert outcome.money_back == receipt.total
    assert outcome.points_taken_back == receipt.earned
    assert outcome.approved_by == MANAGER
    assert outcome.staff_name == CASHIER
    assert "ВОЗВРАТ" in returns.slip.toPlainText()
    assert "Чек сохранён" in returns.printed.text()
    assert len(list((tmp_path / "receipts").glob("*.pdf"))) == 2  # the sale's and the return's

    qtbot.keyClick(returns, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.lookup
    scan_receipt(qtbot, screens, receipt.code)  # once more: nothing is left to return
    assert returns.message.text() == "По этому чеку всё уже возвращено"
    assert returns.lines.item(0, 2).text() == "1"


def test_two_partial_returns_add_up_to_the_full_return_to_the_kopeck(
    qtbot: QtBot, screens: Running
) -> None:
    returns = screens.window.returns
    # 3 kettles, 10,00 of points spent: a third of it is no whole number of kopecks.
    receipt = sold(qtbot, screens, [KETTLE, KETTLE, KETTLE], points="10,00")
    assert receipt.spent == Points(10_00)
    scan_receipt(qtbot, screens, receipt.code)
    qtbot.keyClick(returns, Qt.Key.Key_A)
    full = returns.preview
    assert full is not None
    assert full.money_back == Money(257_00)
    assert full.given_back == Points(10_00)

    qtbot.keyClick(returns, Qt.Key.Key_1)  # the selected line: 1 unit instead of all 3
    assert returns.lines.item(0, 3).text() == "1 из 3"
    first = give_back(qtbot, screens)
    qtbot.keyClick(returns, Qt.Key.Key_Return)

    scan_receipt(qtbot, screens, receipt.code)
    assert returns.lines.item(0, 3).text() == "0 из 2"
    qtbot.keyClick(returns, Qt.Key.Key_5)  # more than is left: refused, nothing chosen
    assert returns.message.text() == "«Электрочайник 1,7 л»: вернуть можно не больше 2"
    qtbot.keyClick(returns, Qt.Key.Key_Plus)
    qtbot.keyClick(returns, Qt.Key.Key_Plus)
    qtbot.keyClick(returns, Qt.Key.Key_Plus)  # a third + is one too many
    assert returns.lines.item(0, 3).text() == "2 из 2"
    second = give_back(qtbot, screens)

    assert first.money_back + second.money_back == full.money_back
    assert first.points_given_back + second.points_given_back == full.given_back
    assert first.points_taken_back + second.points_taken_back == full.taken_back
    assert {first.points_given_back, second.points_given_back} == {
        Points(3_33),
        Points(6_67),
    }


def test_a_return_of_a_sale_that_spent_points_and_earned_points_not_yet_active(
    qtbot: QtBot, screens: Running
) -> None:
    window, returns = screens.window, screens.window.returns
    receipt = sold(qtbot, screens, [TV], points="50,00")
    assert (receipt.spent, receipt.earned) == (Points(50_00), Points(75_00))
    assert receipt.card is not None
    assert receipt.card.balance.active == Points(25_00)
    assert receipt.card.balance.pending == Points(75_00)

    scan_receipt(qtbot, screens, receipt.code)
    qtbot.keyClick(returns, Qt.Key.Key_Space)  # the whole line
    assert returns.money.text() == "Вернуть покупателю 2\u00a0449,00 BYN"
    assert returns.points.text() == "Баллы: списать с карты 75,00 б., вернуть на карту 50,00 б."
    why = returns.reasons.text()
    assert "из неё 50,00 б. оплачено баллами — они вернутся на карту сразу" in why
    assert "ещё не активны (станут доступны 28.11.2026): снимаются" in why
    qtbot.keyClick(returns, Qt.Key.Key_Space)  # and off again: nothing chosen
    assert returns.money.text() == "Выберите, что возвращается"
    qtbot.keyClick(returns, Qt.Key.Key_Space)

    outcome = give_back(qtbot, screens)
    assert outcome.card is not None
    assert outcome.card.balance.active == Points(75_00)  # as before the sale
    assert outcome.card.balance.pending == Points(0)
    qtbot.keyClick(returns, Qt.Key.Key_Return)
    qtbot.keyClicks(window.lookup.phone, ANNA[-9:], delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert "75,00 б." in window.lookup.balance.text()


def test_a_cashiers_pin_does_not_approve_a_return_and_nothing_is_returned(
    qtbot: QtBot, screens: Running, tmp_path: Path
) -> None:
    returns = screens.window.returns
    receipt = sold(qtbot, screens, [KETTLE])
    scan_receipt(qtbot, screens, receipt.code)
    qtbot.keyClick(returns, Qt.Key.Key_A)
    qtbot.keyClick(returns, Qt.Key.Key_Return)

    dialog = approve(qtbot, CASHIER, CASHIER_PIN)
    assert dialog.message.text() == "Подтвердить может только менеджер: нужен PIN менеджера"
    assert dialog.isVisible()
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert returns.outcome is None
    assert "approval_refused" in actions(tmp_path / "till")
    assert "return" not in actions(tmp_path / "till")

    qtbot.keyClick(returns, Qt.Key.Key_Escape)  # another receipt: the same one, unchanged
    qtbot.keyClicks(returns.code, str(receipt.number), delay=TYPING)
    qtbot.keyClick(returns.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.sale is not None)
    assert returns.lines.item(0, 2).text() == "0"


def test_the_returns_screen_opens_on_f4_with_the_cards_recent_purchases(
    qtbot: QtBot, screens: Running
) -> None:
    window, returns = screens.window, screens.window.returns
    receipt = sold(qtbot, screens, [KETTLE])
    with_card(qtbot, screens)
    scan(qtbot, screens, TV)
    qtbot.keyClick(window.checkout, Qt.Key.Key_F4)  # in the middle of another sale
    assert window.stack.currentWidget() is returns
    assert returns.recent.isVisible()
    assert returns.recent.currentItem().text().startswith(f"Чек №{receipt.number} · ")
    qtbot.keyClick(returns.code, Qt.Key.Key_Return)
    assert returns.sale is not None
    assert returns.sale.sale_id == receipt.sale_id

    qtbot.keyClick(returns, Qt.Key.Key_Escape)  # another receipt
    qtbot.keyClick(returns.code, Qt.Key.Key_Escape)  # back to the sale, as it was left
    assert window.stack.currentWidget() is window.checkout
    assert [line.sku for line in window.checkout.cart.lines] == ["TV-55Q"]


def other_tills_sale(sale_id: str, clock: ManualClock) -> SaleAnswer:
    """A kettle sold yesterday at another store's till, as the server answers for it."""
    yesterday = clock.now() - timedelta(days=1)
    return SaleAnswer(
        sale_id=sale_id,
        number=41,
        store="BREST-02",
        till="T1",
        occurred_at=yesterday.isoformat(),
        customer_uid=None,
        activates_on=clock.now().date().isoformat(),
        total=89_00,
        spent=0,
        earned=0,
        lines=[
            {
                "line_no": 1,
                "sku": "KT-1.7",
                "name": "Электрочайник 1,7 л",
                "unit_price": 89_00,
                "quantity": 2,
                "discount": 0,
                "earned": 0,
                "share": 0,
                "returned": 1,  # one already taken back at that store
            }
        ],
        tenders=[{"kind": "bank_card", "amount": 178_00}],
        refunded=89_00,
    )


@pytest.fixture
def connected(qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter) -> Running:
    """A till configured for a server that is not listening: every request fails at once."""
    prepared_till(tmp_path / "till", clock)
    config = SyncConfig("http://127.0.0.1:9", "MINSK-01", "T3", "token")
    running = open_screens(qtbot, tmp_path / "till", clock, printer, config)
    yield running  # type: ignore[misc]
    running.close()


def test_another_tills_sale_is_fetched_from_the_server_and_returned(
    qtbot: QtBot, connected: Running, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale_id = str(uuid.uuid4())
    monkeypatch.setattr(ServerSales, "fetch", lambda _self, _id: other_tills_sale(sale_id, clock))
    returns = connected.window.returns
    scan_receipt(qtbot, connected, receipt_code(sale_id))

    assert returns.sale is not None
    assert not returns.sale.local
    assert "магазин BREST-02, касса T1" in returns.heading.text()
    assert returns.lines.item(0, 2).text() == "1"
    qtbot.keyClick(returns, Qt.Key.Key_A)
    assert returns.lines.item(0, 3).text() == "1 из 1"
    assert returns.tenders.text() == "Банковская карта: 89,00 BYN"
    assert "Чек кассы BREST-02/T1: данные сервера" in returns.reasons.text()
    outcome = give_back(qtbot, connected)
    assert outcome.money_back == Money(89_00)
    assert (outcome.store, outcome.till) == ("BREST-02", "T1")


def test_another_tills_sale_is_refused_while_the_server_cannot_be_reached(
    qtbot: QtBot, connected: Running
) -> None:
    returns = connected.window.returns
    scan_receipt(qtbot, connected, receipt_code(str(uuid.uuid4())))

    assert returns.sale is None
    assert returns.message.text().startswith(
        "Чек другой кассы или магазина: нужна связь с сервером, а её нет"
    )
    assert not returns.lines.isVisible()
    assert returns.code.hasFocus()
