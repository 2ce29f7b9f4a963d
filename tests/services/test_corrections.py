"""A manager corrects a balance: with a reason, within the limits, with their own PIN."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points
from bonuspos.services.errors import NotAManager
from bonuspos.services.till import Till
from bonuspos.services.views import CardView, Shift
from tests.support import CASHIER_PIN, MANAGER_PIN, cashier, manager


@pytest.fixture
def shift(till: Till) -> Shift:
    return till.staff.sign_in(cashier(till).staff_id, CASHIER_PIN)


def queued(till: Till, kind: str) -> int:
    with till.db.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM outbox WHERE type = :t"), {"t": kind}
            ).scalar_one()
        )


def test_a_correction_moves_the_balance_and_is_queued_with_its_approval(
    till: Till, anna: CardView, shift: Shift
) -> None:
    done = till.corrections.correct(
        shift,
        anna.customer_uid,
        Points(25_00),
        "Потерянный чек 12.11",
        manager(till).staff_id,
        MANAGER_PIN,
    )

    assert done.card.balance.active == anna.balance.active + Points(25_00)
    assert done.approved_by == manager(till).full_name
    assert queued(till, "balance_adjusted") == 1


def test_a_correction_without_a_reason_is_refused_before_any_pin(
    till: Till, anna: CardView, shift: Shift
) -> None:
    with pytest.raises(InvalidInput, match="причину"):
        till.corrections.correct(shift, anna.customer_uid, Points(10_00), "  ", "nobody", "")
    assert queued(till, "balance_adjusted") == queued(till, "audit_recorded") - 1 == 0


def test_a_cashiers_pin_does_not_approve_a_correction(
    till: Till, anna: CardView, shift: Shift
) -> None:
    with pytest.raises(NotAManager):
        till.corrections.correct(
            shift, anna.customer_uid, Points(10_00), "Сбой", cashier(till).staff_id, CASHIER_PIN
        )
    assert queued(till, "balance_adjusted") == 0


def test_the_limits_per_correction_and_per_day_hold(
    till: Till, anna: CardView, shift: Shift
) -> None:
    boss = manager(till).staff_id
    with pytest.raises(InvalidInput, match="За одну корректировку"):
        till.corrections.correct(
            shift, anna.customer_uid, Points(100_01), "Сбой", boss, MANAGER_PIN
        )
    for _ in range(5):
        till.corrections.correct(
            shift, anna.customer_uid, Points(100_00), "Сбой", boss, MANAGER_PIN
        )
    with pytest.raises(InvalidInput, match="Дневной лимит"):
        till.corrections.correct(shift, anna.customer_uid, Points(1), "Сбой", boss, MANAGER_PIN)
    assert queued(till, "balance_adjusted") == 5


def test_taking_more_than_the_card_holds_is_refused(
    till: Till, anna: CardView, shift: Shift
) -> None:
    with pytest.raises(InvalidInput, match="снять больше нельзя"):
        till.corrections.correct(
            shift,
            anna.customer_uid,
            -(anna.balance.active + Points(1)),
            "Ошибка",
            manager(till).staff_id,
            MANAGER_PIN,
        )
