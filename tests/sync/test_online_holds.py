"""Spending points online: the server holds them first; when it is away, the offline rule."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from bonuspos import paths
from bonuspos.domain.card import parse_phone
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.services.clock import ManualClock
from bonuspos.services.holds import NotEnoughOnServer, OnlineHolds, hold_id_for
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos_server.data.models import Customer, Hold, Sale
from tests.server.live import free_port
from tests.support import MINSK, RELEASED_LONG_AGO, sell
from tests.sync.conftest import Central, sync

QUICK = httpx.Timeout(2.0, connect=1.0)  # a cashier waits on this

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL


_PHONES = (f"+375 29 555-07-{n:02d}" for n in itertools.count(1))


@pytest.fixture
def phone(central: Central, tmp_path: Path) -> str:
    """A card with 75,00 active on the server, earned two days ago at another till."""
    number = next(_PHONES)
    config = central.new_till(installed=timedelta(days=3))
    now = datetime.now(MINSK)
    two_days_ago = ManualClock(now - timedelta(days=2))
    with Till(tmp_path / "earlier", two_days_ago, released=RELEASED_LONG_AGO) as till:
        till.catalog.load_csv(paths.demo_catalog())
        anna = till.registration.register(CustomerForm("Лебедева Анна", number, True, True))
        sell(till, {"TV-55Q": 1}, card=anna)
        sync(till, config)
    return number


@contextmanager
def _till(tmp_path: Path, config: SyncConfig, server: SyncConfig) -> Iterator[Till]:
    """A till that asks `server` for holds; its cache filled from the real server."""
    holds = OnlineHolds(lambda: ServerClient(server, timeout=QUICK))
    with Till(tmp_path / "online", ManualClock(datetime.now(MINSK)), holds) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sync(till, config)
        yield till


@pytest.fixture
def online(central: Central, phone: str, tmp_path: Path) -> Iterator[Till]:
    config = central.new_till()
    with _till(tmp_path, config, config) as till:
        yield till


@pytest.fixture
def cut_off(central: Central, phone: str, tmp_path: Path) -> Iterator[Till]:
    """A till whose holds go to a port nobody listens on: the server is away."""
    config = central.new_till()
    away = SyncConfig(f"http://127.0.0.1:{free_port()}", "S1", config.till, config.token)
    with _till(tmp_path, config, away) as till:
        yield till


def test_online_a_spend_above_the_offline_limit_is_held_then_captured(
    central: Central, phone: str, tmp_path: Path
) -> None:
    config = central.new_till()
    spend = DEFAULT_POLICY.offline_limit + Points(10_00)  # only the server may allow this
    with _till(tmp_path, config, config) as online:
        card = online.lookup.find(phone)
        assert card is not None
        receipt = sell(online, {"TV-55Q": 1}, card=card, spend=spend)
        with central.db.sessions() as session:
            hold = session.get(Hold, hold_id_for(receipt.sale_id))
            assert hold is not None
            assert (hold.points, hold.status) == (spend.minor, "active")

        sync(online, config)

    with central.db.sessions() as session:
        sale = session.get(Sale, receipt.sale_id)
        hold = session.get(Hold, hold_id_for(receipt.sale_id))
        assert sale is not None
        assert hold is not None
        assert (sale.offline, sale.flag, hold.status) == (False, None, "captured")


def test_the_server_refusing_the_spend_makes_no_sale(
    central: Central, online: Till, phone: str
) -> None:
    card = online.lookup.find(phone)
    assert card is not None
    with central.db.sessions() as session, session.begin():
        # Another till spent most of these points a moment ago.
        session.execute(
            update(Customer)
            .where(Customer.phone == parse_phone(phone).e164)
            .values(total=Customer.total - 70_00)
        )

    with pytest.raises(NotEnoughOnServer) as refused:
        sell(online, {"TV-55Q": 1}, card=card, spend=Points(20_00))

    assert "доступно 5,00" in str(refused.value)
    assert online.checkout.last_receipt() is None


def test_with_the_server_away_the_offline_rule_applies(
    central: Central, cut_off: Till, phone: str
) -> None:
    card = cut_off.lookup.find(phone)
    assert card is not None
    limit = DEFAULT_POLICY.offline_limit
    with pytest.raises(DomainError):
        sell(cut_off, {"TV-55Q": 1}, card=card, spend=limit + Points(1))

    receipt = sell(cut_off, {"TV-55Q": 1}, card=card, spend=limit)

    with central.db.sessions() as session:
        assert session.scalar(select(Hold).where(Hold.sale_id == receipt.sale_id)) is None
    assert receipt.sale_id


def test_a_hold_the_server_answers_as_lapsed_is_not_relied_on() -> None:
    """A completion retried long after a crash asks the same hold again: it has lapsed."""

    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "hold_id": hold_id_for("sale-1"),
                "customer_uid": "6f1c2b9e-3d4a-4c1b-9a57-0e2f4b8d1c30",
                "points": 20_00,
                "status": "expired",
                "expires_at": "2026-11-27T00:47:13+00:00",
            },
        )

    config = SyncConfig("http://127.0.0.1:9", "S1", "T1", "token")
    holds = OnlineHolds(lambda: ServerClient(config, transport=httpx.MockTransport(server)))
    assert holds.reserve("sale-1", "+375291234567", Points(20_00)) is None
