"""Exactly once: an answer lost on the way back, or a retry a year late, never applies twice.

The lost answer is made real: a one-shot TCP proxy on loopback passes the till's request
to a real server process, reads the server's whole answer (so the batch has committed),
and never passes it on. The till either times out waiting or sees the connection drop,
then retries straight to the server.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bonuspos_server.data.db import ServerDatabase, open_server_database
from tests.server.builders import HEADPHONES, TV, Sequencer, batch, registered, sale
from tests.server.conftest import Chain
from tests.server.live import (
    LiveServer,
    add_tills,
    bearer,
    import_demo_catalog,
    live_server,
    utc_now,
)

PHONE = "+375291234567"
TABLES = ("customers", "events", "sales", "ledger_entries", "pending_points")


class AnswerLosingProxy:
    """Forwards one HTTP request, keeps the server's answer, and loses it.

    `drop=True` closes the till's connection as soon as the answer is in; otherwise the
    proxy stays silent until the till gives up and hangs up.
    """

    def __init__(self, upstream_port: int, *, drop: bool) -> None:
        self.upstream_port = upstream_port
        self.drop = drop
        self.answer = b""
        self.answered_at = 0.0
        self.answered = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve_one)
        self._thread.start()

    def close(self) -> None:
        self._listener.close()
        self._thread.join(timeout=30)

    def __enter__(self) -> AnswerLosingProxy:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _serve_one(self) -> None:
        try:
            till, _ = self._listener.accept()
        except OSError:  # closed before the till came: the test failed earlier
            return
        with till, socket.create_connection(("127.0.0.1", self.upstream_port)) as server:
            server.sendall(_read_message(till))
            self.answer = _read_message(server)
            self.answered_at = time.monotonic()
            self.answered.set()
            if not self.drop:
                while till.recv(65536):  # silent until the till hangs up
                    pass


def _read_message(sock: socket.socket) -> bytes:
    """One HTTP/1.1 message with a Content-Length body, as httpx and uvicorn send them."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the peer closed mid-message after {len(data)} bytes")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the peer closed mid-body")
        body += chunk
    return head + b"\r\n\r\n" + body


@dataclass
class Live:
    server: LiveServer
    db: ServerDatabase
    token: str

    def counts(self) -> dict[str, int]:
        with self.db.engine.connect() as conn:
            return {
                table: conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                for table in TABLES
            }

    def card(self) -> dict[str, Any]:
        with httpx.Client(base_url=self.server.base_url, headers=bearer(self.token)) as client:
            answer = client.get(f"/v1/customers/{PHONE}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[Live]:
    db = open_server_database(database_url)
    try:
        tokens = add_tills(db, "S1", ["T1"])
        import_demo_catalog(db)
        with live_server(database_url, tmp_path) as server:
            yield Live(server, db, tokens["T1"])
    finally:
        db.dispose()


def registration_and_sales() -> tuple[list[dict[str, Any]], int]:
    uid = str(uuid.uuid4())
    at = utc_now() - timedelta(seconds=1)
    till = Sequencer()
    sales = [sale(uid, at, (TV,)), sale(uid, at, (HEADPHONES,))]
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        *(till.event("sale_completed", at, s) for s in sales),
    ]
    return events, sum(s["earned"] for s in sales)


@pytest.mark.parametrize(
    ("drop", "lost"),
    [(False, httpx.ReadTimeout), (True, httpx.RemoteProtocolError)],
    ids=["till-timed-out", "connection-dropped"],
)
def test_a_batch_whose_answer_was_lost_is_retried_as_duplicate_and_changes_nothing(
    live: Live, drop: bool, lost: type[Exception]
) -> None:
    events, earned = registration_and_sales()
    body = batch(events)

    with AnswerLosingProxy(live.server.port, drop=drop) as proxy:
        with (
            httpx.Client(
                base_url=f"http://127.0.0.1:{proxy.port}",
                headers=bearer(live.token),
                timeout=httpx.Timeout(10.0, read=1.0),
            ) as till,
            pytest.raises(lost),
        ):
            till.post("/v1/events", json=body)
        gave_up_at = time.monotonic()
        assert proxy.answered.wait(timeout=10)
    assert proxy.answered_at < gave_up_at, "the server answered only after the till gave up"
    assert proxy.answer.startswith(b"HTTP/1.1 200 "), proxy.answer[:200]
    assert proxy.answer.count(b'"status":"accepted"') == len(events)
    before = live.counts()
    card_before = live.card()
    assert card_before["pending"] == earned

    with httpx.Client(base_url=live.server.base_url, headers=bearer(live.token)) as till:
        retried = till.post("/v1/events", json=body)

    assert retried.status_code == 200, retried.text
    results = retried.json()["results"]
    answered = [(r["status"], r["first_status"]) for r in results]
    assert answered == [("duplicate", "accepted")] * len(events)
    assert [r["event_id"] for r in results] == [e["event_id"] for e in events]
    assert live.counts() == before
    assert live.card() == card_before


def test_events_re_sent_a_year_later_are_still_answered_duplicate(chain: Chain) -> None:
    uid = str(uuid.uuid4())
    at = chain.clock() - timedelta(hours=1)
    till = Sequencer()
    too_much = sale(uid, at, (HEADPHONES,), spend=44_71)  # over the 30% cap: refused
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        till.event("sale_completed", at, sale(uid, at, (TV,))),
        till.event("sale_completed", at, too_much),
    ]
    first = chain.client.post("/v1/events", json=batch(events), headers=chain.headers())
    assert [r["status"] for r in first.json()["results"]] == ["accepted", "accepted", "rejected"]
    chain.clock.advance(timedelta(days=366))
    card_before = chain.client.get(f"/v1/customers/{PHONE}", headers=chain.headers()).json()

    again = chain.client.post("/v1/events", json=batch(events), headers=chain.headers())

    assert again.status_code == 200, again.text
    results = again.json()["results"]
    assert [(r["status"], r["first_status"]) for r in results] == [
        ("duplicate", "accepted"),
        ("duplicate", "accepted"),
        ("duplicate", "rejected"),
    ]
    assert results[2]["problem"] == first.json()["results"][2]["problem"]
    card_after = chain.client.get(f"/v1/customers/{PHONE}", headers=chain.headers()).json()
    assert card_after == card_before
    assert card_after["active"] == 75_00
