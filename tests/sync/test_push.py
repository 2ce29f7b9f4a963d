"""Draining the outbox to a real server: every sale once, lost answers resent, poison kept aside."""

from __future__ import annotations

import argparse
import json
import uuid

import httpx
import pytest
from sqlalchemy import text

from bonuspos.domain.customer import CustomerForm
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.till import Till
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient, ServerRefused, ServerUnavailable
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.push import push_all
from bonuspos_server.admin import commands as admin
from tests.server.live import free_port
from tests.support import sell
from tests.sync.conftest import Central, day_of_sales

PHONE = "+375 29 555-01-02"

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL


def _customer(central: Central, config: SyncConfig, phone: str) -> dict[str, object]:
    answer = httpx.get(
        f"{central.server.base_url}/v1/customers/{phone}",
        headers={"Authorization": f"Bearer {config.token}"},
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_every_event_reaches_the_server_once_and_a_second_drain_sends_nothing(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    earned = day_of_sales(shop, PHONE)

    with ServerClient(config) as client:
        first = push_all(shop.db, client, shop.clock.now)
        again = push_all(shop.db, client, shop.clock.now)

    assert (first.accepted, first.duplicate, first.rejected) == (4, 0, 0)
    assert again.answered == 0
    assert _customer(central, config, PHONE)["pending"] == earned
    state = status.read(shop.db)
    assert (state.waiting, state.dead_letters, state.oldest_unsent) == (0, 0, None)


def test_answers_lost_after_the_server_committed_are_resent_and_count_once(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    earned = day_of_sales(shop, "+375 29 555-01-03")
    with ServerClient(config) as client:
        push_all(shop.db, client, shop.clock.now)
        # The till died after the server committed and before it wrote the answers down.
        with shop.db.engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET acked_at = NULL, outcome = NULL"))
        resent = push_all(shop.db, client, shop.clock.now)

    assert (resent.accepted, resent.duplicate) == (0, 4)
    assert _customer(central, config, "+375 29 555-01-03")["pending"] == earned


def test_a_poison_event_is_kept_as_a_dead_letter_and_the_ones_behind_it_still_sync(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    form = CustomerForm("Сидорова Анна", "+375 29 555-01-04", True, True)
    anna = shop.registration.register(form)
    sell(shop, {"TV-55Q": 1}, card=anna)
    with UnitOfWork(shop.db.reading) as uow:
        good = json.loads(uow.outbox.unsent(10)[-1].payload)
    forged = {**good, "sale_id": str(uuid.uuid4()), "total": good["total"] + 1}
    with UnitOfWork(shop.db.writing) as uow:
        uow.outbox.append(str(uuid.uuid4()), "sale_completed", shop.clock.now(), forged)
        uow.commit()
    sell(shop, {"HP-BT": 1}, card=anna)

    with ServerClient(config) as client:
        pushed = push_all(shop.db, client, shop.clock.now)

    assert (pushed.accepted, pushed.rejected) == (3, 1)
    state = status.read(shop.db)
    assert (state.waiting, state.dead_letters) == (0, 1)
    with UnitOfWork(shop.db.reading) as uow:
        [dead] = uow.outbox.dead_letters()
        assert "total" in json.loads(dead.problem or "{}")["detail"]


def test_a_server_that_cannot_be_reached_leaves_the_queue_as_it_was(shop: Till) -> None:
    sell(shop, {"HP-BT": 1})
    nobody = SyncConfig(f"http://127.0.0.1:{free_port()}", "S1", "T1", "bpt_x")

    with ServerClient(nobody) as client, pytest.raises(ServerUnavailable) as failed:
        push_all(shop.db, client, shop.clock.now)

    assert "нет связи" in failed.value.reason
    assert status.read(shop.db).waiting == 1


def test_a_revoked_till_is_refused_with_a_reason_and_keeps_its_queue(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    with central.db.sessions() as session, session.begin():
        admin.revoke_till(session, _namespace(store="S1", till=config.till))
    sell(shop, {"HP-BT": 1})

    with ServerClient(config) as client, pytest.raises(ServerRefused) as refused:
        push_all(shop.db, client, shop.clock.now)

    assert refused.value.status == 401
    assert "токен" in refused.value.reason
    assert status.read(shop.db).waiting == 1


def _namespace(**values: str) -> argparse.Namespace:
    return argparse.Namespace(**values)
