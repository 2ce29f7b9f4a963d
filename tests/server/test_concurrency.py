"""Concurrency against a real server process: holds racing on one card, one batch racing itself.

The server runs as `bonuspos-server serve` on a loopback port (tests/server/live.py). Every
client is its own HTTP connection in its own thread; each connects first, then all are let
go together by a barrier, so the requests overlap in the server's thread pool and in the
database. PostgreSQL is the case that matters (row locks, a unique index to wait on);
SQLite, which queues writers on its file lock, must give the same answers.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.settings import LIMITS
from bonuspos_server.web.problems import PROBLEM_TYPE_BASE
from tests.server.builders import HEADPHONES, TV, Sequencer, batch, registered, sale
from tests.server.conftest import HIGH_LIMITS_SPEC
from tests.server.live import (
    LiveServer,
    add_tills,
    bearer,
    credit,
    import_demo_catalog,
    live_server,
    utc_now,
)

PHONE = "+375291234567"
HOLD_CLIENTS = 50
HOLD_POINTS = 10_00
GRANTABLE = 10  # the card's balance covers this many holds
BATCH_CONNECTIONS = 20
TIMEOUT = 60.0


@dataclass
class Live:
    server: LiveServer
    db: ServerDatabase
    tokens: dict[str, str]

    def client(self, till: str = "T1") -> httpx.Client:
        return httpx.Client(
            base_url=self.server.base_url, headers=bearer(self.tokens[till]), timeout=TIMEOUT
        )

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.db.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()


@pytest.fixture
def live(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Live]:
    """A migrated database with one till per hold client, and the server on it."""
    # Fifty holds on one card in a second is an attack the card's limit stops; here it is
    # the race under test.
    monkeypatch.setenv(LIMITS, HIGH_LIMITS_SPEC)
    db = open_server_database(database_url)
    try:
        tokens = add_tills(db, "S1", [f"T{n}" for n in range(1, HOLD_CLIENTS + 1)])
        import_demo_catalog(db)
        with live_server(database_url, tmp_path) as server:
            yield Live(server, db, tokens)
    finally:
        db.dispose()


def all_at_once(count: int, request: Any) -> list[Any]:
    """Run `request(n, barrier)` in `count` threads; each calls `barrier.wait()` to go."""
    barrier = threading.Barrier(count, timeout=TIMEOUT)
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda n: request(n, barrier), range(count)))


def card_with_points(live: Live, points: int) -> str:
    """Anna, registered, with `points` active today (an HQ correction)."""
    uid = str(uuid.uuid4())
    at = utc_now()
    till = Sequencer()
    events = [till.event("customer_registered", at, registered(uid, PHONE, at))]
    with live.client() as client:
        answer = client.post("/v1/events", json=batch(events))
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"]
    credit(live.db, PHONE, points)
    return uid


def available_in_the_database(live: Live) -> int:
    """Active minus held, read in one statement so it is one committed state."""
    today = DEFAULT_POLICY.store_day(utc_now())
    value: int = live.scalar(
        "SELECT c.total"
        " - COALESCE((SELECT SUM(p.points) FROM pending_points p"
        "             WHERE p.customer_id = c.id AND p.active_from > :today), 0)"
        " - COALESCE((SELECT SUM(h.points) FROM holds h"
        "             WHERE h.customer_id = c.id AND h.status = 'active'), 0)"
        " FROM customers c WHERE c.phone = :phone",
        today=today,
        phone=PHONE,
    )
    return int(value)


def card(live: Live) -> dict[str, Any]:
    with live.client() as client:
        answer = client.get(f"/v1/customers/{PHONE}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_fifty_tills_asking_holds_at_once_on_a_card_covering_ten_get_exactly_ten(
    live: Live,
) -> None:
    card_with_points(live, GRANTABLE * HOLD_POINTS)
    seen: list[int] = []
    storm_over = threading.Event()

    def watch() -> None:
        while not storm_over.wait(0.002):
            seen.append(available_in_the_database(live))

    def ask(n: int, barrier: threading.Barrier) -> httpx.Response:
        with live.client(f"T{n + 1}") as client:
            assert client.get("/healthz").status_code == 200  # connected before the off
            barrier.wait()
            return client.post(
                "/v1/holds",
                json={"hold_id": str(uuid.uuid4()), "card": PHONE, "points": HOLD_POINTS},
            )

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        answers = all_at_once(HOLD_CLIENTS, ask)
    finally:
        storm_over.set()
        watcher.join()

    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: GRANTABLE, 409: HOLD_CLIENTS - GRANTABLE}, [
        a.text for a in answers if a.status_code not in (201, 409)
    ]
    refused = [a.json() for a in answers if a.status_code == 409]
    assert {p["type"] for p in refused} == {PROBLEM_TYPE_BASE + "insufficient-points"}
    assert all(p["available"] >= 0 for p in refused)
    assert seen, "the watcher never read the card during the storm"
    assert min(seen) >= 0
    after = card(live)
    assert (after["active"], after["held"], after["available"]) == (
        GRANTABLE * HOLD_POINTS,
        GRANTABLE * HOLD_POINTS,
        0,
    )
    assert live.scalar("SELECT COUNT(*) FROM holds WHERE status = 'active'") == GRANTABLE


def test_one_batch_posted_from_twenty_connections_at_once_is_applied_once(live: Live) -> None:
    uid = str(uuid.uuid4())
    at = utc_now() - timedelta(seconds=1)
    till = Sequencer()
    sales = [sale(uid, at, lines) for lines in ((TV,), (HEADPHONES,), (TV, HEADPHONES))]
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        *(till.event("sale_completed", at, s) for s in sales),
    ]
    earned = sum(s["earned"] for s in sales)

    def post(_: int, barrier: threading.Barrier) -> httpx.Response:
        with live.client("T1") as client:
            assert client.get("/healthz").status_code == 200
            barrier.wait()
            return client.post("/v1/events", json=batch(events))

    answers = all_at_once(BATCH_CONNECTIONS, post)

    assert [a.status_code for a in answers] == [200] * BATCH_CONNECTIONS, [a.text for a in answers]
    results = [a.json()["results"] for a in answers]
    for n, event in enumerate(events):
        statuses = Counter(r[n]["status"] for r in results)
        assert statuses == {"accepted": 1, "duplicate": BATCH_CONNECTIONS - 1}, event["type"]
        assert {r[n]["first_status"] for r in results if r[n]["status"] == "duplicate"} == {
            "accepted"
        }
    # The batch is one transaction: one connection applied all of it, the rest none of it.
    applied_all = [all(r["status"] == "accepted" for r in rs) for rs in results]
    assert applied_all.count(True) == 1
    after = card(live)
    assert (after["active"], after["pending"]) == (0, earned)
    counts = {
        table: live.scalar(f"SELECT COUNT(*) FROM {table}")
        for table in ("customers", "events", "sales", "ledger_entries")
    }
    assert counts == {
        "customers": 1,
        "events": len(events),
        "sales": len(sales),
        "ledger_entries": len(sales),
    }
    assert live.scalar("SELECT SUM(points) FROM pending_points") == earned
    assert live.scalar("SELECT total FROM customers") == earned
