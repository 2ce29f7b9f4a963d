"""A till whose clock cannot be right writes nothing: no sale, no return, no sign-up."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bonuspos import RELEASED, paths
from bonuspos.domain.clock_rule import Action, ClockBound, ClockImplausible
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.staff import Action as StaffAction
from bonuspos.ledger.models import LedgerRow, OutboxEvent, Sale
from bonuspos.services.clock import ManualClock
from bonuspos.services.holds import OnlineHolds
from bonuspos.services.returns import new_return_id
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from bonuspos.sync.client import ServerClient
from bonuspos.sync.push import reached
from tests.support import MANAGER_PIN, MINSK, manager, minsk, sell

DEAD_BATTERY = datetime(1970, 1, 1, 3, 0, tzinfo=MINSK)
LAST_SYNC = minsk(2026, 11, 25, 14, 5)


def written(till: Till) -> dict[str, int]:
    with till.db.reading() as s:
        return {
            m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Sale, LedgerRow, OutboxEvent)
        }


def test_a_clock_at_1970_sells_nothing_and_says_what_to_do(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    before = written(till)
    clock.set(DEAD_BATTERY)
    with pytest.raises(ClockImplausible) as refused:
        sell(till, {"TV-55Q": 1}, card=anna)
    assert refused.value.code == "clock-implausible"
    assert refused.value.bound is ClockBound.RELEASE
    assert refused.value.action is Action.SALE
    assert refused.value.message == (
        "Часы кассы показывают 01.01.1970 03:00 — раньше выпуска этой версии программы"
        f" ({RELEASED:%d.%m.%Y}). Продажа невозможна: исправьте дату и время компьютера"
        " и повторите"
    )
    assert written(till) == before


def test_a_clock_before_the_last_sync_sells_nothing(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    clock.set(LAST_SYNC)
    reached(till.db, LAST_SYNC)
    before = written(till)
    clock.set(DEAD_BATTERY)
    with pytest.raises(ClockImplausible) as refused:
        sell(till, {"TV-55Q": 1}, card=anna)
    # The last contact is what the till knows best: the message names it.
    assert refused.value.bound is ClockBound.LAST_SYNC
    assert refused.value.message.startswith(
        "Часы кассы показывают 01.01.1970 03:00 — раньше последней связи с сервером"
        " (25.11.2026 14:05). Продажа невозможна"
    )
    assert written(till) == before

    clock.set(LAST_SYNC - timedelta(hours=3))  # after the release, still before the sync
    with pytest.raises(ClockImplausible):
        sell(till, {"TV-55Q": 1}, card=anna)
    assert written(till) == before


def test_a_sane_clock_sells_and_the_refused_cart_goes_through_once_it_is_set(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    clock.set(LAST_SYNC)
    reached(till.db, LAST_SYNC)
    clock.set(DEAD_BATTERY)
    sale_id = str(uuid.uuid4())
    with pytest.raises(ClockImplausible):
        sell(till, {"TV-55Q": 1}, card=anna, sale_id=sale_id)
    clock.set(LAST_SYNC + timedelta(minutes=20))
    receipt = sell(till, {"TV-55Q": 1}, card=anna, sale_id=sale_id)
    assert receipt.earned == Points(75_00)
    assert written(till)["outbox"] == 2  # the sign-up and this sale


def test_a_clock_stepped_back_a_little_after_a_sync_still_sells(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    reached(till.db, LAST_SYNC)
    clock.set(LAST_SYNC - timedelta(minutes=4))
    assert sell(till, {"HP-BT": 1}, card=anna).earned.minor > 0


def test_a_till_that_was_fast_at_its_last_sync_sells_once_its_clock_is_corrected(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    # The till read 14:05 but the server said 12:05: the till ran two hours fast then.
    reached(till.db, LAST_SYNC, server_clock=LAST_SYNC - timedelta(hours=2))
    clock.set(LAST_SYNC - timedelta(hours=1))  # corrected: the server's time and on
    assert sell(till, {"HP-BT": 1}, card=anna).earned.minor > 0
    clock.set(LAST_SYNC - timedelta(hours=3))
    with pytest.raises(ClockImplausible) as refused:
        sell(till, {"HP-BT": 1}, card=anna)
    assert "(25.11.2026 12:05)" in refused.value.message


def test_a_sign_up_and_a_return_are_refused_too(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    receipt = sell(till, {"TV-55Q": 1}, card=anna)
    reached(till.db, clock.now())
    return_id = new_return_id()
    approval = till.staff.approve(
        None, manager(till).staff_id, MANAGER_PIN, StaffAction.RETURN, return_id, ()
    )
    before = written(till)
    clock.set(DEAD_BATTERY)
    with pytest.raises(ClockImplausible) as refused:
        till.registration.register(CustomerForm("Ковалёв Игорь", "+375 44 765-43-21", True, True))
    assert ". Оформление карты невозможно: исправьте" in refused.value.message
    with pytest.raises(ClockImplausible) as refused:
        till.returns.return_lines(return_id, receipt.sale_id, {1: 1}, approval=approval)
    assert refused.value.action is Action.RETURN
    assert written(till) == before
    assert till.lookup.find("+375 44 765-43-21") is None


def test_a_wrong_clock_does_not_ask_the_server_for_a_hold(
    tmp_path: Path, clock: ManualClock
) -> None:
    asked: list[str] = []

    def client() -> ServerClient:
        asked.append("hold")
        raise AssertionError("the server was asked for a hold")

    with Till(tmp_path / "online", clock, OnlineHolds(client)) as till:
        till.catalog.load_csv(paths.demo_catalog())
        anna = till.registration.register(CustomerForm("Петрова Анна", "+375291112233", True, True))
        sell(till, {"TV-55Q": 1}, card=anna)
        clock.advance(timedelta(days=1))
        reached(till.db, clock.now())
        clock.set(DEAD_BATTERY)
        with pytest.raises(ClockImplausible):
            sell(till, {"HP-BT": 1}, card=anna, spend=Points(10_00))
    assert asked == []


def test_the_till_says_what_is_wrong_with_its_clock(till: Till, clock: ManualClock) -> None:
    assert till.clock_problem() is None
    clock.set(datetime(2000, 1, 1, tzinfo=UTC))
    problem = till.clock_problem()
    assert problem is not None
    assert problem.now.year == 2000
