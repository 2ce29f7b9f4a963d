"""Rate limits kept in the database: per till whatever spelling or server process, per card
across all tills (holds and lookups), per till on lookups; strangers limited per address.

Two app instances on one database stand for two server processes here (each has its own
in-process state); tests/server/test_rate_limits_live.py runs two real processes. The
server's clock is stopped, so no window ends in the middle of a test unless the test moves
the clock.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.data.models import RateCounter
from bonuspos_server.settings import LIMITS, Limit, Settings
from bonuspos_server.web import limits
from bonuspos_server.web.app import create_app
from bonuspos_server.web.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE
from tests.server.builders import Sequencer, batch, registered
from tests.server.conftest import Clock
from tests.server.live import add_tills
from tests.server.test_hardening import counting_statements

ANNA = "+375291234567"
BORIS = "+375297654321"
ANNAS_PLASTIC = "2000000000015"
TILLS = ("T1", "T2", "T3")


@dataclass
class Servers:
    """Two servers (app instances) on one database, with store S1's tills and two cards."""

    db: ServerDatabase
    clients: list[TestClient]
    tokens: dict[str, str]
    clock: Clock

    def request(
        self, method: str, path: str, till: str = "T1", server: int = 0, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[till]}"}
        return self.clients[server].request(method, path, headers=headers, **kwargs)

    def lookup(self, card: str, till: str = "T1", server: int = 0) -> httpx.Response:
        return self.request("GET", f"/v1/customers/{card}", till, server)

    def hold(self, card: str, till: str = "T1", server: int = 0) -> httpx.Response:
        body = {"hold_id": str(uuid.uuid4()), "card": card, "points": 1_00}
        return self.request("POST", "/v1/holds", till, server, json=body)


@pytest.fixture
def servers(database_url: str) -> Iterator[Callable[..., Servers]]:
    made: list[Servers] = []

    def make(**settings: Any) -> Servers:
        db = open_server_database(database_url)
        tokens = add_tills(db, "S1", TILLS)
        clock = Clock()
        clock.at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        clients = [
            TestClient(create_app(db, Settings("test", clock=clock, **settings))) for _ in (0, 1)
        ]
        made.append(Servers(db, clients, tokens, clock))
        till = Sequencer()
        at = datetime.now(UTC) - timedelta(seconds=1)
        signed_up = [
            registered(str(uuid.uuid4()), ANNA, at),
            registered(str(uuid.uuid4()), BORIS, at, name="Петров Борис"),
        ]
        signed_up[0]["plastic_card"] = ANNAS_PLASTIC
        events = [till.event("customer_registered", at, p) for p in signed_up]
        answer = made[-1].request("POST", "/v1/events", "T3", json=batch(events, till="T3"))
        assert answer.status_code == 200, answer.text
        assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 2
        return made[-1]

    yield make
    for server in made:
        for client in server.clients:
            client.close()
        server.db.dispose()


def rate_limited(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"] == MEDIA_TYPE
    assert int(answer.headers["retry-after"]) >= 1
    body: dict[str, Any] = answer.json()
    assert body["type"] == PROBLEM_TYPE_BASE + "rate-limited"
    return body


def until_refused(ask: Callable[[int], httpx.Response], most: int = 300) -> int:
    """How many of `ask(0)`, `ask(1)`, … were let through before the first 429."""
    for n in range(most):
        if ask(n).status_code == 429:
            return n
    raise AssertionError(f"no 429 in {most} requests")


# --- per card, across all tills ---------------------------------------------------------


def test_two_tills_asking_holds_on_one_card_share_the_cards_limit(
    servers: Callable[..., Servers],
) -> None:
    chain = servers()
    allowed = until_refused(lambda n: chain.hold(ANNA, till=TILLS[n % 2], server=n % 2))
    assert 2 <= allowed < 30  # a dozen or so a minute: far above one hold per sale
    for till in TILLS[:2]:
        problem = rate_limited(chain.hold(ANNA, till=till))
        assert problem["limit"] == "card-holds"
    assert chain.hold(BORIS, till="T1").status_code == 409  # another card: no points, no 429
    assert chain.lookup(ANNA, till="T1").status_code == 200  # lookups have their own limit


def test_two_tills_looking_up_one_card_share_the_cards_limit(
    servers: Callable[..., Servers],
) -> None:
    chain = servers()
    allowed = until_refused(lambda n: chain.lookup(ANNA, till=TILLS[n % 2], server=n % 2))
    assert 2 <= allowed < 60
    for till in TILLS[:2]:
        assert rate_limited(chain.lookup(ANNA, till=till))["limit"] == "card-lookups"
    assert chain.lookup(BORIS, till="T2").status_code == 200
    assert chain.hold(ANNA, till="T1").status_code == 409  # holds have their own limit


def test_a_till_looking_up_many_numbers_is_stopped_by_its_lookup_limit(
    servers: Callable[..., Servers],
) -> None:
    chain = servers()
    allowed = until_refused(lambda n: chain.lookup(f"+37529{1_000_000 + n}", server=n % 2))
    assert 2 <= allowed < 200
    assert rate_limited(chain.lookup(BORIS))["limit"] == "till-lookups"
    assert chain.request("GET", "/v1/tills/me").status_code == 200  # its other work goes on
    assert chain.lookup(BORIS, till="T2").status_code == 200  # and other tills' lookups


def test_a_tills_day_reports_count_as_its_lookups(servers: Callable[..., Servers]) -> None:
    chain = servers()
    paths = ("/v1/tills/me/day", "/v1/stores/me/day")
    allowed = until_refused(lambda n: chain.request("GET", paths[n % 2], server=n % 2))
    assert 2 <= allowed < 200
    for path in paths:
        assert rate_limited(chain.request("GET", path))["limit"] == "till-lookups"
    assert rate_limited(chain.lookup(BORIS))["limit"] == "till-lookups"
    assert chain.request("GET", "/v1/tills/me/day", till="T2").status_code == 200


# --- per till, whatever the server -------------------------------------------------------


def test_a_tills_limit_is_shared_by_every_server_on_the_database(
    servers: Callable[..., Servers],
) -> None:
    chain = servers()
    alone = until_refused(lambda _: chain.request("GET", "/v1/tills/me", "T1"))
    shared = until_refused(lambda n: chain.request("GET", "/v1/tills/me", "T2", server=n % 2))
    assert shared == alone


def test_a_cards_phone_and_its_plastic_card_share_one_limit(
    servers: Callable[..., Servers],
) -> None:
    chain = servers(card_lookups=Limit(4, 60))
    statuses = [chain.lookup(number).status_code for number in [ANNA, ANNAS_PLASTIC] * 3]
    assert statuses == [200] * 4 + [429] * 2


def test_a_refusal_names_the_limit_its_figures_and_when_to_come_back(
    servers: Callable[..., Servers],
) -> None:
    chain = servers(card_holds=Limit(2, 60))
    chain.clock.advance(timedelta(seconds=45))  # 15 s before the minute's window ends
    for till in ("T1", "T2"):
        assert chain.hold(ANNA, till=till).status_code == 409  # no points: counted all the same
    answer = chain.hold(ANNA, till="T1")
    problem = rate_limited(answer)
    assert answer.headers["retry-after"] == "15"
    assert (problem["limit"], problem["allowed"], problem["window_seconds"]) == (
        "card-holds",
        2,
        60,
    )
    assert problem["title"] == "Too many requests"
    assert problem["detail"] == (
        "Holds on this card were asked more than 2 times in 60 s, from all tills; retry in 15 s"
    )
    assert ANNA not in answer.text
    chain.clock.advance(timedelta(seconds=15))
    assert chain.hold(ANNA, till="T1").status_code == 409


def test_the_first_refusal_of_a_window_is_logged_with_the_till_and_no_phone(
    servers: Callable[..., Servers], caplog: pytest.LogCaptureFixture
) -> None:
    chain = servers(card_lookups=Limit(1, 60))
    caplog.set_level(logging.WARNING, logger="bonuspos_server.web.limits")
    statuses = [chain.lookup(ANNA, till=till).status_code for till in ("T1", "T2", "T2")]
    assert statuses == [200, 429, 429]
    # Only the limiter's own lines: a till command run earlier in the process may have set
    # the root logger to INFO, and migrations log there too.
    ours = [r for r in caplog.records if r.name == "bonuspos_server.web.limits"]
    [line] = [json.loads(r.getMessage()) for r in ours]
    assert (line["limit"], line["till"], line["allowed"]) == ("card-lookups", "S1/T2", 1)
    assert line["key"].startswith("card-lookups:")
    assert "1234567" not in caplog.text


def test_limits_set_in_the_settings_apply(servers: Callable[..., Servers]) -> None:
    chain = servers(rate_per_second=5, rate_burst=10, till_lookups=Limit(3, 60))
    assert until_refused(lambda n: chain.lookup(f"+37529{1_000_000 + n}")) == 3
    assert until_refused(lambda _: chain.request("GET", "/v1/tills/me", "T2")) == 10


def test_a_stranger_cannot_use_up_a_cards_limit(servers: Callable[..., Servers]) -> None:
    chain = servers(card_lookups=Limit(2, 60))
    bad = {"Authorization": "Bearer bpt_made-up"}
    for _ in range(5):
        assert chain.clients[0].get(f"/v1/customers/{ANNA}", headers=bad).status_code == 401
    assert chain.lookup(ANNA).status_code == 200


def test_a_hold_on_something_that_is_not_a_card_number_counts_on_the_till_only(
    servers: Callable[..., Servers],
) -> None:
    chain = servers(card_holds=Limit(1, 60))
    for _ in range(3):
        assert chain.hold("12345").status_code == 422
    assert chain.hold(ANNA).status_code == 409


def test_a_request_is_counted_by_one_statement_and_the_table_keeps_no_phone(
    servers: Callable[..., Servers],
) -> None:
    chain = servers()
    unknown = "+375291112233"
    with counting_statements(chain.db) as statements:
        assert chain.lookup(unknown).status_code == 404
        assert chain.hold(ANNA).status_code == 409
        assert chain.request("GET", "/v1/tills/me").status_code == 200
    assert len([s for s in statements if "rate_counters" in s]) == 3
    with chain.db.sessions() as session:
        keys = session.execute(select(RateCounter.key)).scalars().all()
    assert not [k for k in keys if "1112233" in k or "1234567" in k]
    assert {k.partition(":")[0] for k in keys} == {
        "till",
        "till-lookups",
        "card-lookups",
        "card-holds",
    }


def test_closed_windows_are_swept_and_open_ones_kept(servers: Callable[..., Servers]) -> None:
    chain = servers(rate_per_second=1, rate_burst=2, card_lookups=Limit(5, 60))
    chain.lookup(ANNA)
    chain.clock.advance(timedelta(seconds=2))  # the till's 2-second window is over
    # T1's and T3's (whose sign-ups the fixture sent) till counters
    assert limits.sweep(chain.db, chain.clock().timestamp()) == 2
    with chain.db.sessions() as session:
        left = {k.partition(":")[0] for k in session.execute(select(RateCounter.key)).scalars()}
    assert left == {"till-lookups", "card-lookups"}
    chain.clock.advance(timedelta(seconds=58))
    assert limits.sweep(chain.db, chain.clock().timestamp()) == 2


def test_the_counters_are_unlogged_on_postgresql(servers: Callable[..., Servers]) -> None:
    chain = servers()
    if chain.db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite has no unlogged tables")
    with chain.db.engine.connect() as conn:
        persistence = conn.execute(
            text("SELECT relpersistence FROM pg_class WHERE relname = 'rate_counters'")
        ).scalar_one()
    assert persistence == "u"


def test_on_sqlite_a_count_skips_the_disk_sync_and_every_other_transaction_keeps_it(
    servers: Callable[..., Servers],
) -> None:
    chain = servers()
    if not chain.db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL gets the same from the unlogged table")
    with counting_statements(chain.db) as statements:
        assert chain.request("GET", "/v1/tills/me").status_code == 200
    assert statements[0] == "PRAGMA synchronous=NORMAL"
    # The pool hands the same connection on: a sale's transaction syncs to disk again.
    with chain.db.sessions() as session, session.begin():
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL


# --- settings ----------------------------------------------------------------------------


def test_the_default_limits_leave_a_busy_till_alone() -> None:
    settings = Settings("test")
    assert settings.till_limit == Limit(100, 2)  # 50 a second, bursts of 100
    assert settings.card_holds.count * 60 // settings.card_holds.seconds >= 5
    assert settings.card_lookups.count * 60 // settings.card_lookups.seconds >= 10
    assert settings.till_lookups.count * 60 // settings.till_lookups.seconds >= 30


def test_limits_can_be_given_as_count_per_seconds() -> None:
    settings = Settings("test").with_limits(
        "till=300/10, till-lookups=5/60,card-holds=3/30,card-lookups=4/120,address=50/5"
    )
    assert (settings.rate_burst, settings.rate_per_second) == (300, 30.0)
    assert settings.till_limit == Limit(300, 10)
    assert settings.till_lookups == Limit(5, 60)
    assert settings.card_holds == Limit(3, 30)
    assert settings.card_lookups == Limit(4, 120)
    assert (settings.address_burst, settings.address_per_second) == (50, 10.0)
    assert Settings("test").with_limits("") == Settings("test")


@pytest.mark.parametrize("spec", ["till=100", "cards=1/60", "till=0/10", "till=5/0", "till=a/b"])
def test_a_limit_that_is_not_count_per_seconds_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="BONUSPOS_SERVER_LIMITS"):
        Settings("test").with_limits(spec)


def test_serve_refuses_limits_it_cannot_read_before_starting_any_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(LIMITS, "till=100")
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert main(["--database-url", url, "serve", "--workers", "2"]) == 2
    assert "NAME=COUNT/SECONDS" in capsys.readouterr().err
