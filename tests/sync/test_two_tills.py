"""Two tills, the server away: both sell on one card, earning and spending; the books agree after.

DESIGN's promise, end to end against a real server: every sale reaches the server once,
the central balance is the sum of every sale's points, and double spending offline is
bounded by the offline limit and flagged for the manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos_server.data.models import Sale
from tests.support import MINSK, RELEASED_LONG_AGO, sell
from tests.sync.conftest import Central, sync

PHONE = "+375 29 555-06-01"

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL


@pytest.fixture
def tills(central: Central, tmp_path: Path) -> Iterator[tuple[Till, Till, SyncConfig, SyncConfig]]:
    now = datetime.now(MINSK)
    a, b = central.new_till(installed=timedelta(days=3)), central.new_till(timedelta(days=3))
    with (
        Till(
            tmp_path / "a", ManualClock(now - timedelta(days=2)), released=RELEASED_LONG_AGO
        ) as till_a,
        Till(tmp_path / "b", ManualClock(now)) as till_b,
    ):
        for till in (till_a, till_b):
            till.catalog.load_csv(paths.demo_catalog())
        yield till_a, till_b, a, b


def test_offline_double_spending_is_bounded_by_the_limit_flagged_and_the_books_agree(
    central: Central, tills: tuple[Till, Till, SyncConfig, SyncConfig]
) -> None:
    till_a, till_b, config_a, config_b = tills
    anna = till_a.registration.register(CustomerForm("Громова Анна", PHONE, True, True))
    earned_first = sell(till_a, {"TV-55Q": 1}, card=anna).earned  # active since yesterday
    sync(till_a, config_a)
    assert isinstance(till_a.clock, ManualClock)
    till_a.clock.advance(timedelta(days=2))
    sync(till_a, config_a)
    sync(till_b, config_b)  # both tills now cache anna with 75,00 active

    # The server goes away. Each till may spend up to the offline limit on its own.
    limit = DEFAULT_POLICY.offline_limit.minor
    receipts = []
    for till in (till_a, till_b):
        card = till.lookup.find(PHONE)
        assert card is not None
        assert card.balance.active == earned_first
        receipts.append(sell(till, {"TV-55Q": 1}, card=card, spend=Points(limit)))

    # The server is back: both drain.
    for till, config in ((till_a, config_a), (till_b, config_b)):
        sync(till, config)

    with ServerClient(config_a) as client:
        assert client.last_seq() == 3  # A: the registration and its two sales
    answer = httpx.get(
        f"{central.server.base_url}/v1/customers/{PHONE}",
        headers={"Authorization": f"Bearer {config_a.token}"},
    ).json()
    spent = 2 * limit
    earned = earned_first.minor + sum(r.earned.minor for r in receipts)
    assert answer["active"] + answer["pending"] == earned - spent  # the sum of every sale
    overspend = spent - earned_first.minor
    assert answer["active"] == -overspend
    assert 0 < overspend <= limit
    with central.db.sessions() as session:
        flags = session.scalars(
            select(Sale.flag).where(Sale.id.in_([r.sale_id for r in receipts]))
        ).all()
        assert len(flags) == 2  # every sale once
    assert any(flag and "overspent" in flag for flag in flags)
    # And the tills learn the truth on their next pull.
    card_b = till_b.lookup.find(PHONE)
    assert card_b is not None
    assert card_b.balance.active.minor == -overspend
