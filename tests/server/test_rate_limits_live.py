"""The per-till limit holds across server processes: two `bonuspos-server serve` on one
PostgreSQL database, a till's requests alternating between them, get as many 429s as one
process gives."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bonuspos_server.data.db import open_server_database
from bonuspos_server.settings import LIMITS
from tests.server.live import add_tills, bearer, live_server

REQUESTS = 300
ALLOWED = 100
# A window far longer than the test: no window ends while it runs.
ONE_WINDOW = f"till={ALLOWED}/1000000"


def refusals(clients: list[httpx.Client], token: str) -> int:
    statuses = [
        clients[n % len(clients)].get("/v1/tills/me", headers=bearer(token)).status_code
        for n in range(REQUESTS)
    ]
    assert set(statuses) <= {200, 429}, statuses
    return statuses.count(429)


def test_two_server_processes_share_a_tills_limit(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LIMITS, ONE_WINDOW)
    db = open_server_database(pg_database)
    try:
        tokens = add_tills(db, "S1", ["T1", "T2"])
    finally:
        db.dispose()
    with (
        live_server(pg_database, tmp_path / "a", access_log=False) as a,
        live_server(pg_database, tmp_path / "b", access_log=False) as b,
        httpx.Client(base_url=a.base_url) as to_a,
        httpx.Client(base_url=b.base_url) as to_b,
    ):
        one_process = refusals([to_a], tokens["T1"])
        two_processes = refusals([to_a, to_b], tokens["T2"])
    assert two_processes == one_process == REQUESTS - ALLOWED
