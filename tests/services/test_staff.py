"""Who is at the till: PINs, lockouts, a manager's approval, and an audit trail nobody edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money
from bonuspos.domain.staff import (
    Action,
    KdfParams,
    approval_holds,
    approval_message,
    derive_key,
)
from bonuspos.ledger.staff import AuditLog
from bonuspos.services.clock import ManualClock
from bonuspos.services.errors import (
    ApprovalRequired,
    NotAManager,
    StaffLocked,
    WrongPin,
)
from bonuspos.services.events import moment
from bonuspos.services.till import Till
from tests.support import CASHIER_PIN, MANAGER_PIN, cashier, manager


def audit_actions(till: Till) -> list[str]:
    with till.db.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT action FROM audit_log ORDER BY seq"))]


def test_signing_in_with_the_right_pin_opens_a_shift_and_is_audited(till: Till) -> None:
    anna = cashier(till)

    shift = till.staff.sign_in(anna.staff_id, CASHIER_PIN)

    assert shift.staff == anna
    assert audit_actions(till) == ["signed_in"]


def test_ten_wrong_pins_lock_the_person_for_thirty_minutes(till: Till, clock: ManualClock) -> None:
    anna = cashier(till)
    for left in range(9, 0, -1):
        with pytest.raises(WrongPin) as wrong:
            till.staff.sign_in(anna.staff_id, "0000")
        assert wrong.value.attempts_left == left
    with pytest.raises(StaffLocked):
        till.staff.sign_in(anna.staff_id, "0000")  # the tenth

    with pytest.raises(StaffLocked):  # the right PIN does not help while locked
        till.staff.sign_in(anna.staff_id, CASHIER_PIN)
    clock.advance(timedelta(minutes=29))
    with pytest.raises(StaffLocked):
        till.staff.sign_in(anna.staff_id, CASHIER_PIN)
    clock.advance(timedelta(minutes=1, seconds=1))
    assert till.staff.sign_in(anna.staff_id, CASHIER_PIN).staff.staff_id == anna.staff_id

    actions = audit_actions(till)
    assert actions.count("pin_failed") == 10
    assert actions.count("locked_out") == 1
    assert actions[-1] == "signed_in"


def test_a_right_pin_resets_the_count_of_wrong_ones(till: Till) -> None:
    anna = cashier(till)
    for _ in range(9):
        with pytest.raises(WrongPin):
            till.staff.sign_in(anna.staff_id, "0000")
    till.staff.sign_in(anna.staff_id, CASHIER_PIN)
    with pytest.raises(WrongPin) as wrong:
        till.staff.sign_in(anna.staff_id, "0000")
    assert wrong.value.attempts_left == 9


def test_a_managers_approval_typed_with_a_cashiers_pin_is_refused_and_recorded(
    till: Till,
) -> None:
    anna = cashier(till)
    shift = till.staff.sign_in(anna.staff_id, CASHIER_PIN)

    with pytest.raises(NotAManager):
        till.staff.approve(shift, anna.staff_id, CASHIER_PIN, Action.RETURN, "r-1")

    assert audit_actions(till)[-1] == "approval_refused"


def test_a_managers_approval_is_signed_with_the_key_of_their_pin(till: Till) -> None:
    maria = manager(till)
    anna = cashier(till)
    shift = till.staff.sign_in(anna.staff_id, CASHIER_PIN)

    given = till.staff.approve(shift, maria.staff_id, MANAGER_PIN, Action.RETURN, "r-1", ("s",))

    with till.db.engine.connect() as conn:
        kdf = conn.execute(
            text("SELECT kdf FROM staff WHERE id = :id"), {"id": maria.staff_id}
        ).scalar_one()
    key = derive_key(MANAGER_PIN, KdfParams.decode(kdf))
    signed = approval_message(
        Action.RETURN,
        store="",
        till="",
        approver_id=maria.staff_id,
        subject="r-1",
        approved_at=moment(given.approved_at),
        details=("s",),
    )
    assert approval_holds(key, signed, given.mac)
    other = approval_message(
        Action.RETURN, store="", till="", approver_id=maria.staff_id, subject="r-2",
        approved_at=moment(given.approved_at), details=("s",),
    )  # fmt: skip
    assert not approval_holds(key, other, given.mac)
    assert audit_actions(till)[-1] == "approval"


def test_cancelling_a_cart_with_lines_needs_a_manager(till: Till) -> None:
    anna = cashier(till)
    shift = till.staff.sign_in(anna.staff_id, CASHIER_PIN)

    with pytest.raises(ApprovalRequired):
        till.staff.cancel_cart(shift, "sale-1", 2, Money(899_00), None)
    wrong_subject = till.staff.approve(
        shift, manager(till).staff_id, MANAGER_PIN, Action.CART_CANCELLED, "sale-2"
    )
    with pytest.raises(ApprovalRequired):
        till.staff.cancel_cart(shift, "sale-1", 2, Money(899_00), wrong_subject)
    given = till.staff.approve(
        shift, manager(till).staff_id, MANAGER_PIN, Action.CART_CANCELLED, "sale-1"
    )
    till.staff.cancel_cart(shift, "sale-1", 2, Money(899_00), given)
    till.staff.cancel_cart(shift, "sale-3", 0, Money(0), None)  # an empty cart: no question

    assert audit_actions(till)[-2:] == ["cart_cancelled", "cart_cancelled"]


def test_the_audit_log_cannot_be_edited_or_deleted(till: Till) -> None:
    till.staff.sign_in(cashier(till).staff_id, CASHIER_PIN)

    with till.db.engine.begin() as conn, pytest.raises(IntegrityError, match="append-only"):
        conn.execute(text("UPDATE audit_log SET detail = 'edited'"))
    with till.db.engine.begin() as conn, pytest.raises(IntegrityError, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))
    # And the repository offers nothing but appending and reading.
    public = {name for name in vars(AuditLog) if not name.startswith("_")}
    assert public == {"append", "since"}


def test_every_audit_entry_is_queued_for_the_server(till: Till) -> None:
    till.staff.sign_in(cashier(till).staff_id, CASHIER_PIN)
    with pytest.raises(WrongPin):
        till.staff.sign_in(cashier(till).staff_id, "9999")

    with till.db.engine.connect() as conn:
        audits = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        queued = conn.execute(
            text("SELECT count(*) FROM outbox WHERE type = 'audit_recorded'")
        ).scalar_one()
    assert audits == queued == 2


def test_weak_pins_and_blank_names_are_refused(till: Till) -> None:
    from bonuspos.domain.staff import Role

    with pytest.raises(InvalidInput):
        till.staff.add_local("Кассир", Role.CASHIER, "1111")
    with pytest.raises(InvalidInput):
        till.staff.add_local("Менеджер", Role.MANAGER, "4829")  # a manager's needs 6
    with pytest.raises(InvalidInput):
        till.staff.add_local("   ", Role.CASHIER, "5716")
    assert till.staff.roster() == ()
