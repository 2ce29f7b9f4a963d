"""What keeps one noisy till from hurting the others: body and batch limits, the per-till
rate limit, the strangers' limit, request ids, the health check, bodies that are not JSON,
and access logs that never carry a full phone.

Most tests here run one small SQLite server with the limit under test turned down and its
clock stopped; the health check runs on both back ends, and test_rate_limits.py runs the
database-kept limits on both.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.data.models import Customer, Event
from bonuspos_server.settings import Settings
from bonuspos_server.web import hardening
from bonuspos_server.web.app import create_app
from bonuspos_server.web.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE
from tests.server.builders import Sequencer, batch, registered
from tests.server.conftest import Chain, Clock, admin_command

PHONE = "+375291234567"


@dataclass
class Server:
    """One SQLite server with store S1's tills T1 and T2, built with the given settings."""

    app: Any
    client: TestClient
    db: ServerDatabase
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, till: str = "T1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[till]}"}

    def rows(self, model: Any) -> int:
        with self.db.sessions() as session:
            return int(session.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    made: list[Server] = []

    def make(**settings: Any) -> Server:
        db = open_server_database(f"sqlite:///{tmp_path / f'server{len(made)}.sqlite3'}")
        admin_command(db, "add-store", code="S1", name="")
        tokens = {
            till: admin_command(db, "add-till", store="S1", till=till).splitlines()[-1]
            for till in ("T1", "T2")
        }
        clock = settings.setdefault("clock", still_clock())
        app = create_app(db, Settings("test", **settings))
        server = Server(app, TestClient(app), db, clock, tokens)
        made.append(server)
        return server

    yield make
    for server in made:
        server.client.close()
        server.db.dispose()


def still_clock() -> Clock:
    """The server's clock stopped at the next whole minute (the tills were registered before
    it), so that no rate-limit window ends in the middle of a test."""
    clock = Clock()
    clock.at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return clock


def registrations(count: int, till: Sequencer | None = None) -> dict[str, Any]:
    """A batch of `count` sign-ups dated a second ago (after the tills were registered)."""
    till = till or Sequencer()
    at = datetime.now(UTC) - timedelta(seconds=1)
    events = [
        till.event(
            "customer_registered", at, registered(str(uuid.uuid4()), f"+37529123{n:04d}", at)
        )
        for n in range(count)
    ]
    return batch(events)


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + slug
    assert body["status"] == status
    return body


# --- the body size limit ----------------------------------------------------------------

LIMIT = 4096


def test_a_body_over_the_limit_is_a_413_problem_and_applies_nothing(
    serve: Callable[..., Server],
) -> None:
    server = serve(max_body_bytes=LIMIT)
    body = json.dumps(registrations(40)).encode()
    assert len(body) > LIMIT
    answer = server.client.post(
        "/v1/events",
        content=body,
        headers={**server.headers(), "Content-Type": "application/json"},
    )
    problem = assert_problem(answer, 413, "body-too-large")
    assert str(LIMIT) in problem["detail"]
    assert server.rows(Event) == server.rows(Customer) == 0


def test_a_body_just_under_the_limit_gets_through(serve: Callable[..., Server]) -> None:
    server = serve(max_body_bytes=LIMIT)
    body = json.dumps(registrations(1)).encode()
    assert len(body) <= LIMIT
    answer = server.client.post(
        "/v1/events", content=body, headers={**server.headers(), "Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    assert server.rows(Customer) == 1


def test_a_body_that_declares_a_small_length_but_sends_more_is_refused(
    serve: Callable[..., Server],
) -> None:
    server = serve(max_body_bytes=LIMIT)
    body = json.dumps(registrations(40)).encode()
    answer = server.client.post(
        "/v1/events",
        content=body,
        headers={**server.headers(), "Content-Type": "application/json", "Content-Length": "100"},
    )
    assert_problem(answer, 413, "body-too-large")
    assert server.rows(Event) == 0


def test_a_streamed_body_without_a_length_is_refused_when_it_passes_the_limit(
    serve: Callable[..., Server],
) -> None:
    server = serve(max_body_bytes=LIMIT)
    body = json.dumps(registrations(40)).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 512):
            yield body[start : start + 512]

    request = server.client.build_request(
        "POST",
        "/v1/events",
        content=chunks(),
        headers={**server.headers(), "Content-Type": "application/json"},
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    assert_problem(server.client.send(request), 413, "body-too-large")
    assert server.rows(Event) == 0


def test_a_chunked_body_is_cut_off_at_the_limit_without_reading_the_rest(
    serve: Callable[..., Server],
) -> None:
    """At the ASGI level: the server stops asking for chunks once the limit is passed."""
    server = serve(max_body_bytes=LIMIT)
    chunk, total_chunks = b"x" * 1024, 1000
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": chunk, "more_body": asked < total_chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/events",
        "raw_path": b"/v1/events",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"authorization", server.headers()["Authorization"].encode()),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(server.app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert (b"content-type", MEDIA_TYPE.encode()) in start["headers"]
    assert asked == LIMIT // len(chunk) + 1  # not one chunk more than it took to know
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert json.loads(body)["type"] == PROBLEM_TYPE_BASE + "body-too-large"


# --- the batch size limit ---------------------------------------------------------------


def test_a_batch_over_the_limit_is_a_413_problem_and_applies_nothing(
    serve: Callable[..., Server],
) -> None:
    server = serve(max_batch=3)
    answer = server.client.post("/v1/events", json=registrations(4), headers=server.headers())
    problem = assert_problem(answer, 413, "batch-too-large")
    assert "3" in problem["detail"]
    assert server.rows(Event) == server.rows(Customer) == 0


def test_a_batch_at_the_limit_is_applied(serve: Callable[..., Server]) -> None:
    server = serve(max_batch=3)
    answer = server.client.post("/v1/events", json=registrations(3), headers=server.headers())
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 3
    assert server.rows(Customer) == 3


# --- the per-till rate limit ------------------------------------------------------------
# Counted in the database after the token is checked (bonuspos_server/web/limits.py); the
# per-card and lookup limits and the sharing between processes are in test_rate_limits.py.


def test_a_till_over_its_rate_gets_a_429_problem_naming_the_limit_with_retry_after(
    serve: Callable[..., Server],
) -> None:
    server = serve(rate_per_second=1, rate_burst=2)  # 2 requests per 2-second window
    for _ in range(2):
        assert server.client.get("/v1/changes", headers=server.headers()).status_code == 200
    answer = server.client.get("/v1/changes", headers=server.headers())
    problem = assert_problem(answer, 429, "rate-limited")
    assert answer.headers["retry-after"] == "2"  # the clock stands at the window's start
    assert "x-request-id" in answer.headers
    assert (problem["limit"], problem["allowed"], problem["window_seconds"]) == ("till", 2, 2)
    assert "2 requests in 2 s" in problem["detail"]


def test_a_refused_batch_is_not_applied(serve: Callable[..., Server]) -> None:
    server = serve(rate_per_second=1, rate_burst=1)
    assert server.client.get("/v1/changes", headers=server.headers()).status_code == 200
    answer = server.client.post("/v1/events", json=registrations(2), headers=server.headers())
    assert_problem(answer, 429, "rate-limited")
    assert server.rows(Event) == server.rows(Customer) == 0


def test_retry_after_says_how_long_until_the_window_ends(serve: Callable[..., Server]) -> None:
    server = serve(rate_per_second=0.25, rate_burst=1)  # 1 request per 4-second window
    assert server.client.get("/v1/changes", headers=server.headers()).status_code == 200
    server.clock.advance(timedelta(seconds=1.5))
    answer = server.client.get("/v1/changes", headers=server.headers())
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == "3"  # 2.5 s, rounded up
    server.clock.advance(timedelta(seconds=2.5))
    assert server.client.get("/v1/changes", headers=server.headers()).status_code == 200


def test_one_noisy_till_does_not_slow_the_others(serve: Callable[..., Server]) -> None:
    server = serve(rate_per_second=1, rate_burst=2)
    statuses = [
        server.client.get("/v1/changes", headers=server.headers("T1")).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 429, 429, 429]
    assert server.client.get("/v1/changes", headers=server.headers("T2")).status_code == 200


def test_each_window_lets_the_till_in_again(serve: Callable[..., Server]) -> None:
    server = serve(rate_per_second=1, rate_burst=2)
    for _ in range(2):
        server.client.get("/v1/changes", headers=server.headers())
    assert server.client.get("/v1/changes", headers=server.headers()).status_code == 429
    server.clock.advance(timedelta(seconds=2))
    statuses = [
        server.client.get("/v1/changes", headers=server.headers()).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_a_till_over_its_limit_is_refused_by_this_process_without_asking_the_database(
    serve: Callable[..., Server],
) -> None:
    server = serve(rate_per_second=1, rate_burst=2)
    for _ in range(3):
        server.client.get("/v1/changes", headers=server.headers())
    with counting_statements(server.db) as statements:
        answer = server.client.get("/v1/changes", headers=server.headers())
    assert_problem(answer, 429, "rate-limited")
    assert statements == []


def spellings(token: str, count: int) -> list[str]:
    """`count` different headers the server accepts for one token: the scheme's letter case
    and the spaces around the token vary."""
    headers = []
    for n in range(count):
        scheme = "".join(c.upper() if n >> i & 1 else c for i, c in enumerate("bearer"))
        headers.append(f"{scheme}{' ' * (1 + n // 64)}{token}{' ' * (n % 3)}")
    assert len(set(headers)) == count
    return headers


@pytest.mark.parametrize("asking", ["lookups", "anything"])
def test_a_till_cannot_escape_its_limit_by_spelling_its_header_differently(
    serve: Callable[..., Server], asking: str
) -> None:
    server = serve()  # the default limits

    def path(till: int, n: int) -> str:
        # Another card each time, so that only the till's own limits can refuse it.
        return f"/v1/customers/+37529{till}{n:06d}" if asking == "lookups" else "/v1/tills/me"

    one = [
        server.client.get(path(1, n), headers=server.headers("T1")).status_code for n in range(400)
    ]
    many = [
        server.client.get(path(2, n), headers={"Authorization": header}).status_code
        for n, header in enumerate(spellings(server.tokens["T2"], 400))
    ]
    assert 401 not in many  # every spelling is one the server accepts
    assert many.count(429) == one.count(429) > 0


# --- strangers: no token, or one that does not work -------------------------------------


class FakeTime:
    """Stands in for the `time` module the middlewares read; the test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return self.now


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(hardening, "time", fake)
    return fake


@contextmanager
def counting_statements(db: ServerDatabase) -> Iterator[list[str]]:
    """The SQL statements run on `db` inside the block."""
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


BAD_TOKENS = [
    None,
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "Bearer bpt_made-up",
    "bearer   bpt_another-made-up",
]


@pytest.mark.parametrize("header", BAD_TOKENS)
def test_a_stranger_over_its_addresss_rate_is_refused_without_touching_the_database(
    serve: Callable[..., Server], fake_time: FakeTime, header: str | None
) -> None:
    server = serve(address_per_second=1, address_burst=3)
    headers = {"Authorization": header} if header else {}
    statuses = [server.client.get("/v1/changes", headers=headers).status_code for _ in range(3)]
    assert statuses == [401] * 3
    with counting_statements(server.db) as statements:
        answer = server.client.get("/v1/changes", headers=headers)
    problem = assert_problem(answer, 429, "rate-limited")
    assert problem["limit"] == "address"
    assert answer.headers["retry-after"] == "1"
    assert statements == []
    fake_time.now += 1
    assert server.client.get("/v1/changes", headers=headers).status_code == 401


def test_unknown_tokens_of_any_spelling_share_their_addresss_limit(
    serve: Callable[..., Server], fake_time: FakeTime
) -> None:
    server = serve(address_per_second=1, address_burst=5)
    headers = spellings("bpt_made-up", 6)
    statuses = [
        server.client.get("/v1/tills/me", headers={"Authorization": h}).status_code for h in headers
    ]
    assert statuses == [401] * 5 + [429]


def test_a_working_till_is_let_in_while_a_stranger_at_its_address_is_refused(
    serve: Callable[..., Server], fake_time: FakeTime
) -> None:
    # The tills of one store share its address; a broken or hostile one must not lock the
    # others out.
    server = serve(address_per_second=1, address_burst=2)
    assert server.client.get("/v1/tills/me", headers=server.headers("T1")).status_code == 200
    for _ in range(3):
        server.client.get("/v1/tills/me", headers={"Authorization": "Bearer bpt_made-up"})
    stranger = server.client.get("/v1/tills/me", headers={"Authorization": "Bearer bpt_made-up"})
    assert stranger.status_code == 429
    assert server.client.get("/v1/tills/me", headers=server.headers("T1")).status_code == 200


def test_a_revoked_tills_token_becomes_a_strangers(
    serve: Callable[..., Server], fake_time: FakeTime
) -> None:
    server = serve(address_per_second=1, address_burst=3)
    assert server.client.get("/v1/tills/me", headers=server.headers("T1")).status_code == 200
    admin_command(server.db, "revoke-till", store="S1", till="T1")
    statuses = [
        server.client.get("/v1/tills/me", headers=server.headers("T1")).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_tills_new_to_this_process_cost_their_address_nothing(
    serve: Callable[..., Server], fake_time: FakeTime
) -> None:
    # After a restart every till is new to the process; a store's tills share its address.
    server = serve(address_per_second=1, address_burst=1)
    for till in ("T1", "T2", "T1", "T2"):
        assert server.client.get("/v1/tills/me", headers=server.headers(till)).status_code == 200
    assert server.client.get("/healthz").status_code == 200  # the address's one request


def test_requests_without_a_token_anywhere_are_limited_by_address(
    serve: Callable[..., Server], fake_time: FakeTime
) -> None:
    server = serve(address_per_second=1, address_burst=2)
    statuses = [server.client.get(p).status_code for p in ("/healthz", "/nowhere", "/healthz")]
    assert statuses == [200, 404, 429]


# --- request ids ------------------------------------------------------------------------


def test_a_request_id_sent_by_the_till_is_echoed(serve: Callable[..., Server]) -> None:
    server = serve()
    answer = server.client.get(
        "/v1/changes", headers={**server.headers(), "X-Request-ID": "T1-sync-0042"}
    )
    assert answer.headers["x-request-id"] == "T1-sync-0042"


def test_a_request_without_an_id_gets_a_fresh_one(serve: Callable[..., Server]) -> None:
    server = serve()
    ids = {server.client.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_an_overlong_request_id_is_cut_to_64_characters(serve: Callable[..., Server]) -> None:
    server = serve()
    answer = server.client.get("/healthz", headers={"X-Request-ID": "r" * 500})
    assert answer.headers["x-request-id"] == "r" * 64


@pytest.mark.parametrize(
    ("settings", "request_kwargs", "status"),
    [
        ({}, {"method": "GET", "url": "/v1/changes"}, 401),
        (
            {"max_body_bytes": 10},
            {"method": "POST", "url": "/v1/events", "content": b"x" * 11},
            413,
        ),
    ],
    ids=["401", "413"],
)
def test_refusals_carry_the_request_id_too(
    serve: Callable[..., Server], settings: dict[str, Any], request_kwargs: Any, status: int
) -> None:
    server = serve(**settings)
    answer = server.client.request(**request_kwargs, headers={"X-Request-ID": "abc-123"})
    assert answer.status_code == status
    assert answer.headers["x-request-id"] == "abc-123"


# --- bodies that cannot be parsed ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/events", "/v1/holds"])
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"store": "S1\xff\xfe", "till": "T1", "events": []}',
        b'{"hold_id": "\xc3\x28"}',
    ],
    ids=["nested-100000-deep", "invalid-utf8", "truncated-utf8-sequence"],
)
def test_a_body_that_cannot_be_parsed_as_json_is_a_400_malformed_json_problem(
    serve: Callable[..., Server], path: str, body: bytes
) -> None:
    server = serve()
    answer = server.client.post(
        path, content=body, headers={**server.headers(), "Content-Type": "application/json"}
    )
    assert_problem(answer, 400, "malformed-json")
    assert server.rows(Event) == 0


# --- /healthz ---------------------------------------------------------------------------


def test_healthz_answers_ok_with_the_database_it_checked_and_needs_no_token(chain: Chain) -> None:
    answer = chain.client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": chain.db.engine.dialect.name}


def test_healthz_is_a_503_problem_when_the_database_is_unreachable(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "server.sqlite3"
    db = open_server_database(f"sqlite:///{missing}", run_migrations=False)
    try:
        with TestClient(create_app(db, Settings("test"))) as client:
            answer = client.get("/healthz")
    finally:
        db.dispose()
    assert_problem(answer, 503, "database-unavailable")


# --- access logs ------------------------------------------------------------------------


CLIENT_LOGGERS = ("httpx", "httpcore")  # the test's own HTTP client, not the server


def server_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.split(".")[0] not in CLIENT_LOGGERS]


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "bonuspos_server.access"
    ]


def test_each_request_logs_one_json_line_with_its_request_id(
    serve: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    server = serve()
    caplog.set_level(logging.INFO, logger="bonuspos_server.access")
    answer = server.client.get(
        "/v1/changes", params={"limit": 5}, headers={**server.headers(), "X-Request-ID": "rq-1"}
    )
    assert answer.status_code == 200
    [line] = access_lines(caplog)
    assert line["request_id"] == "rq-1"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/v1/changes", 200)
    assert isinstance(line["ms"], int | float)


@pytest.mark.parametrize("number", [PHONE, "80291234567", "291234567", "%2B375%2029%20123-45-67"])
def test_a_card_lookup_never_writes_the_full_phone_to_the_log(
    serve: Callable[..., Server], caplog: pytest.LogCaptureFixture, number: str
) -> None:
    server = serve()
    caplog.set_level(logging.DEBUG)
    answer = server.client.get(f"/v1/customers/{number}", headers=server.headers())
    assert answer.status_code == 404  # no such card yet: refusals are logged as well
    [line] = access_lines(caplog)
    assert line["path"] == "/v1/customers/***"
    assert not [m for m in server_messages(caplog) if "1234567" in m]


def test_a_hold_request_never_writes_the_card_to_the_log(
    serve: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    server = serve()
    caplog.set_level(logging.DEBUG)
    server.client.post(
        "/v1/holds",
        json={"hold_id": str(uuid.uuid4()), "card": PHONE, "points": 1_00},
        headers=server.headers(),
    )
    assert access_lines(caplog)
    assert not [m for m in server_messages(caplog) if "1234567" in m]


def test_a_mistyped_card_path_never_writes_the_full_phone_to_the_log(
    serve: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    # A till with a typo in its URL (or anyone probing) must not put a phone in the log.
    server = serve()
    caplog.set_level(logging.DEBUG)
    answer = server.client.get(f"/v1/customer/{PHONE}", headers=server.headers())
    assert answer.status_code == 404
    assert access_lines(caplog)
    assert not [m for m in server_messages(caplog) if "1234567" in m]
