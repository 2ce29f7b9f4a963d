"""Staff come from the server, and what they do at the till reaches it, approvals verified."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.receipt_code import receipt_code
from bonuspos.domain.staff import Action, return_details
from bonuspos.services.clock import ManualClock
from bonuspos.services.errors import StaffLocked, Unreachable, WrongPin
from bonuspos.services.remote_sales import ServerSales
from bonuspos.services.returns import new_return_id
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos_server.data.models import AuditEntry, Customer
from tests.server.staffing import CASHIER_PIN, MANAGER_PIN, hire
from tests.support import sell
from tests.sync.conftest import Central, sync
from tests.sync.test_chain import flags

EVERY_DATABASE = True


def till_for(folder: Path, clock: ManualClock, config: SyncConfig) -> Till:
    return Till(folder, clock, store=config.store, till=config.till)


def test_a_lockout_on_one_till_holds_on_the_stores_other_till_after_sync(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    one, two = central.new_till(), central.new_till()
    ivan = hire(central.db, "S1", "Продавцов Иван", "cashier")
    with (
        till_for(tmp_path / "a", now_clock, one) as a,
        till_for(tmp_path / "b", now_clock, two) as b,
    ):
        sync(a, one)
        sync(b, two)
        assert ivan in {p.staff_id for p in b.staff.roster()}
        for _ in range(9):
            with pytest.raises(WrongPin):
                a.staff.sign_in(ivan, "0000")
        with pytest.raises(StaffLocked):
            a.staff.sign_in(ivan, "0000")
        b.staff.sign_in(ivan, CASHIER_PIN)  # the other till has not heard yet

        sync(a, one)
        sync(b, two)

        with pytest.raises(StaffLocked):
            b.staff.sign_in(ivan, CASHIER_PIN)


def test_a_cashiers_return_and_correction_approved_at_the_till_verify_on_the_server(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    config = central.new_till()
    olga = hire(central.db, "S1", "Управляющая Ольга", "manager")
    ivan = hire(central.db, "S1", "Продавцов Иван", "cashier")
    with till_for(tmp_path / "till", now_clock, config) as till:
        sync(till, config)  # staff and the catalog
        shift = till.staff.sign_in(ivan, CASHIER_PIN)
        card = till.registration.register(
            CustomerForm("Возвратова Нина", "+375 29 555-41-07", True, True), staff_id=ivan
        )
        receipt = sell(till, {"TV-55Q": 1, "HP-BT": 2}, card=card)
        return_id = new_return_id()
        approval = till.staff.approve(
            shift, olga, MANAGER_PIN, Action.RETURN, return_id, return_details(receipt.sale_id)
        )
        till.returns.return_lines(
            return_id, receipt.sale_id, {2: 1}, shift=shift, approval=approval
        )
        till.corrections.correct(
            shift, card.customer_uid, Points(15_00), "Баллы за акцию не начислились", olga,
            MANAGER_PIN,
        )  # fmt: skip
        sync(till, config)

        with till.db.engine.connect() as conn:
            on_till = set(conn.execute(text("SELECT audit_id FROM audit_log")).scalars())
            card_now = till.lookup.find(card.phone.e164)

    answered = flags(central, config)
    assert answered == [None] * len(answered)  # nothing for the manager's report
    with central.db.sessions() as session:
        on_server = set(session.execute(select(AuditEntry.audit_id)).scalars())
        total = session.execute(
            select(Customer.total).where(Customer.uid == card.customer_uid)
        ).scalar_one()
    assert on_till
    assert on_till <= on_server  # every entry this till made is on the server
    assert card_now is not None
    assert total == card_now.balance.active.minor + card_now.balance.pending.minor


def test_another_tills_sale_is_fetched_returned_and_agreed_on_by_the_server(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    one, two = central.new_till(), central.new_till()
    olga = hire(central.db, "S1", "Управляющая Ольга", "manager")
    a = till_for(tmp_path / "a", now_clock, one)
    b = Till(
        tmp_path / "b",
        now_clock,
        remote=ServerSales(lambda: ServerClient(two)),
        store=two.store,
        till=two.till,
    )
    with a, b:
        sync(a, one)
        card = a.registration.register(CustomerForm("Чужая Вера", "+375 29 555-41-08", True, True))
        receipt = sell(a, {"TV-55Q": 1, "HP-BT": 2}, card=card)
        sync(a, one)
        sync(b, two)

        sale = b.returns.find(receipt_code(receipt.sale_id))
        assert (sale.local, sale.number, sale.till) == (False, receipt.number, one.till)
        return_id = new_return_id()
        approval = b.staff.approve(
            None, olga, MANAGER_PIN, Action.RETURN, return_id, return_details(receipt.sale_id)
        )
        back = b.returns.return_lines(return_id, receipt.sale_id, {2: 1}, approval=approval)
        sync(b, two)
        again = b.returns.find(receipt_code(receipt.sale_id))

    assert back.money_back.minor > 0
    assert [line.returned for line in again.lines] == [0, 1]
    assert flags(central, two)[-2:] == [None, None]  # the return and its audit entry
    with central.db.sessions() as session:
        total = session.execute(
            select(Customer.total).where(Customer.uid == card.customer_uid)
        ).scalar_one()
    assert total == receipt.earned.minor - back.points_taken_back.minor


def test_another_tills_sale_is_refused_offline_with_the_reason(
    tmp_path: Path, now_clock: ManualClock
) -> None:
    dead = SyncConfig("http://127.0.0.1:9", "S1", "T9", "token")  # nothing listens there
    b = Till(tmp_path / "b", now_clock, remote=ServerSales(lambda: ServerClient(dead)))
    with b, pytest.raises(Unreachable, match="нужна связь с сервером"):
        b.returns.find(receipt_code(str(uuid.uuid4())))
