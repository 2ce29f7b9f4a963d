"""No till token can mint points or money: real tills' events, mutated, against a real server.

Each example puts the server back to its tills, price list, office customers and opening
balances, posts a plan's mutated batches (fuzz_mutations.py) with the tills' tokens, and
after every batch reads the books with invariants.py. A broken invariant fails the
example with an exception of its own kind, so hypothesis shrinks each kind of hole to its
own smallest example and reports them all; a 5xx fails it too.

Examples per database: BONUSPOS_FUZZ_EXAMPLES, by default 1000 on SQLite and 600 on
PostgreSQL (about a minute and a half each on 2 cores; a run that finds holes adds the
shrinking). The examples are the same on every run; BONUSPOS_FUZZ_SEED=<number> explores
others. A long run: BONUSPOS_FUZZ_EXAMPLES=20000 BONUSPOS_FUZZ_SEED=1.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from sqlalchemy import text

from tests.server.fuzz_mutations import PLANS, Plan
from tests.server.fuzz_pool import OFFICE, TODAY, FuzzServer, Pool, build_pool, fuzz_server
from tests.server.fuzz_program import describe
from tests.server.invariants import NAMES, Broken, broken_invariants
from tests.server.pg import NO_PG, PG_URL, fresh_pg_database

ASKED = os.environ.get("BONUSPOS_FUZZ_EXAMPLES")
DEFAULT_EXAMPLES = {"sqlite": 1000, "postgresql": 600}
SEED = os.environ.get("BONUSPOS_FUZZ_SEED")
# A PostgreSQL example takes about 0.15 s; shrinking what it finds may take as many again.
TIMEOUT = 600 + int(ASKED or 0)


class InvariantBroken(AssertionError):
    """The server's books broke an invariant after a batch."""


# One exception class per invariant: hypothesis tells failures apart by their type.
KINDS: dict[str, type[InvariantBroken]] = {
    name: type(f"Broken_{name.replace('-', '_')}", (InvariantBroken,), {}) for name in NAMES
}


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Pool:
    return build_pool(tmp_path_factory.mktemp("pool"))


@dataclass
class Fuzzed:
    server: FuzzServer
    kind: str  # sqlite | postgresql


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pool: Pool
) -> Iterator[Fuzzed]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'server.sqlite3'}"
        else:
            if not PG_URL:
                pytest.skip(NO_PG)
            url = stack.enter_context(fresh_pg_database(PG_URL))
        server = stack.enter_context(fuzz_server(url))
        server.setup(pool)
        yield Fuzzed(server, request.param)


@dataclass
class Tally:
    examples: int = 0
    batches: int = 0


def books(server: FuzzServer) -> list[Broken]:
    with server.db.engine.connect() as conn:
        return broken_invariants(conn, today=TODAY, office_tills={OFFICE})


def run_plan(server: FuzzServer, pool: Pool, plan: Plan, tally: Tally) -> None:
    """One example: the plan's batches posted in order, the books read after each."""
    server.reset()
    program = plan.program(pool)
    note(f"{plan!r}\n{describe(program)}")
    tally.examples += 1
    for n, post in enumerate(program.posts, 1):
        answer = server.post(post.sender, post.events, post.names)
        tally.batches += 1
        assert answer.status_code in (200, 403, 422), answer.text
        note(f"post {n}: {_answered(answer.status_code, answer.json())}")
        broken = books(server)
        if broken:
            raise KINDS[broken[0].name](f"after post {n}: " + "; ".join(map(str, broken)))


def _answered(status: int, body: Any) -> str:
    if status != 200:
        return f"{status} {str(body['type']).rsplit('/', 1)[-1]}"
    said = []
    for r in body["results"]:
        problem = r["problem"]
        why = f" {str(problem['type']).rsplit('/', 1)[-1]}" if problem else ""
        flag = f" [{r['flag']}]" if r["flag"] else ""
        said.append(f"seq {r['seq']} {r['status']}{why}{flag}")
    return ", ".join(said)


def test_the_honest_streams_are_accepted_and_keep_the_books(fuzzed: Fuzzed, pool: Pool) -> None:
    server = fuzzed.server
    server.reset()
    for till, stream in pool.streams.items():
        answer = server.post(till, stream)
        assert answer.status_code == 200, answer.text
        assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * len(stream)
        # The pool's returns are approved by a manager its tills added themselves, whom the
        # server does not know: each is listed on the manager's report, nothing else is.
        flags = {r["flag"] for r in answer.json()["results"]}
        assert flags <= {None, "approval-missing", "unknown-staff"}, answer.text
    assert books(server) == []


TAMPERING = {  # an edit of the books the invariants must see, and which one sees it
    "card-total": "UPDATE customers SET total = total + 1",
    "pending": "UPDATE pending_points SET points = points - 1",
    "applied-once": "INSERT INTO ledger_entries (customer_id, till_id, event_id, kind, points,"
    " active_from, occurred_at) SELECT customer_id, till_id, event_id, kind, points,"
    " active_from, occurred_at FROM ledger_entries WHERE kind = 'given_back'",
    "ledger-event": "UPDATE events SET status = 'rejected' WHERE type = 'sale_returned'",
    "ledger-agrees": "UPDATE sales SET spent = spent + 1 WHERE spent > 0",
    # text() reads ":1" as a parameter unless escaped.
    "units-returned": r"""UPDATE returns SET body = REPLACE(body, '"quantity"\:1,',"""
    r"""'"quantity"\:9,')""",
    "earned-beyond-catalog": "UPDATE sales SET earned = earned + 1 WHERE earned > 0",
}


@pytest.mark.parametrize("invariant", TAMPERING)
def test_the_invariants_see_books_edited_behind_the_servers_back(
    fuzzed: Fuzzed, pool: Pool, invariant: str
) -> None:
    server = fuzzed.server
    server.reset()
    for till, stream in pool.streams.items():
        assert server.post(till, stream).status_code == 200
    with server.db.engine.begin() as conn:
        conn.execute(text(TAMPERING[invariant]))
    found = {b.name for b in books(server)}
    assert invariant in found, found


@pytest.mark.slow
@pytest.mark.timeout(TIMEOUT)
def test_no_till_token_mints_points_or_money(
    fuzzed: Fuzzed, pool: Pool, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = int(ASKED or DEFAULT_EXAMPLES[fuzzed.kind])
    tally = Tally()

    @settings(
        max_examples=examples,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        # Explaining a failure costs many runs and prints nothing the notes do not say.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(PLANS)
    def fuzz(plan: Plan) -> None:
        run_plan(fuzzed.server, pool, plan, tally)

    if SEED is not None:
        fuzz = seed(int(SEED))(fuzz)
    started = time.monotonic()
    try:
        fuzz()
    finally:
        with capsys.disabled():
            print(
                f"\nfuzz ({fuzzed.kind}): {tally.batches} batches in {tally.examples} examples"
                f" ({examples} asked), {time.monotonic() - started:.1f} s"
            )
