"""A real server on SQLite always, and on PostgreSQL when BONUSPOS_TEST_PG_URL is set."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bonuspos_server.admin import commands as admin
from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.settings import Limit, Settings
from bonuspos_server.web.app import create_app
from tests.server.builders import Sequencer, batch, registered
from tests.server.live import import_demo_catalog
from tests.server.pg import NO_PG, PG_URL, fresh_pg_database
from tests.support import MINSK

# Limits no test reaches unless it means to: the chain's clock stands still, so a test's
# requests all fall in one window. tests/server/test_rate_limits.py tests the limits.
UNLIMITED = Limit(10**9, 1)
HIGH_LIMITS: dict[str, Any] = {
    "rate_per_second": 1e9,
    "rate_burst": 10**9,
    "till_lookups": UNLIMITED,
    "card_holds": UNLIMITED,
    "card_lookups": UNLIMITED,
}
# The same for a `bonuspos-server serve` process (settings.LIMITS).
HIGH_LIMITS_SPEC = ",".join(
    f"{name}=1000000000/1" for name in ("till", "till-lookups", "card-holds", "card-lookups")
)


class Clock:
    """The server's clock, set by the test."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not PG_URL:
        pytest.skip(NO_PG)
    with fresh_pg_database(PG_URL) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
def server_db(database_url: str) -> Iterator[ServerDatabase]:
    db = open_server_database(database_url)
    yield db
    db.dispose()


def admin_command(db: ServerDatabase, command: str, **kwargs: Any) -> str:
    handlers = {
        "add-store": admin.add_store,
        "add-till": admin.add_till,
        "revoke-till": admin.revoke_till,
    }
    with db.sessions() as session, session.begin():
        return handlers[command](session, argparse.Namespace(**kwargs))


@dataclass
class Chain:
    """A running server with two stores' tills, as a test talks to it."""

    db: ServerDatabase
    client: TestClient
    clock: Clock
    tokens: dict[str, str]

    def headers(self, till: str = "T1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[till]}"}


@pytest.fixture
def chain(server_db: ServerDatabase, clock: Clock) -> Iterator[Chain]:
    tokens = {}
    for store in ("S1", "S2"):
        admin_command(server_db, "add-store", code=store, name="")
    for store, till in (("S1", "T1"), ("S1", "T2"), ("S2", "T3")):
        out = admin_command(server_db, "add-till", store=store, till=till)
        tokens[till] = out.splitlines()[-1]
    import_demo_catalog(server_db)
    # Tills were registered "now"; the test clock starts the next day at noon in Minsk, so
    # sales may be dated, and a sale an hour or two earlier is on the same store day
    # whatever the time the suite runs (just after midnight in Minsk it would not be).
    tomorrow = datetime.now(MINSK).date() + timedelta(days=1)
    clock.at = datetime.combine(tomorrow, time(12), tzinfo=MINSK).astimezone(UTC)
    app = create_app(server_db, Settings("test", clock=clock, **HIGH_LIMITS))
    with TestClient(app) as client:
        yield Chain(server_db, client, clock, tokens)


PHONE = "+375291234567"


def post(
    chain: Chain, events: list[dict[str, Any]], till: str = "T1", store: str = "S1"
) -> list[dict[str, Any]]:
    response = chain.client.post(
        "/v1/events", json=batch(events, store, till), headers=chain.headers(till)
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def card(chain: Chain, number: str = PHONE) -> dict[str, Any]:
    response = chain.client.get(f"/v1/customers/{number}", headers=chain.headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def till() -> Sequencer:
    return Sequencer()


@pytest.fixture
def anna(chain: Chain, till: Sequencer) -> str:
    uid = str(uuid.uuid4())
    at = chain.clock() - timedelta(hours=1)
    [result] = post(chain, [till.event("customer_registered", at, registered(uid, PHONE, at))])
    assert result["status"] == "accepted"
    return uid
