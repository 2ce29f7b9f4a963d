"""The central server on PostgreSQL: ingest, holds and the changes feed, each beside raw SQL.

    python -m tests.bench.bench_server [--customers 1000000] [--workers 1] [--small]

Makes a fresh database on the PostgreSQL server of `--pg-url` (default
$BONUSPOS_TEST_PG_URL), migrates it, seeds N customers with COPY (balances, some pending
points, plastic cards and aliases, 2,000 products), starts the real server as its own
process (`bonuspos-server serve --workers N`, see tests/server/live.py)
and measures, each time beside psycopg running the statements the server runs, on the same
database in the same run:

- ingest: T tills at once, each posting B batches of S card sales to `/v1/events`
  (events/s, goal at least 2,000), against one transaction per batch doing the server's
  statements (claim the event, savepoint, lock the card, sale, ledger entry, balance,
  pending points, feed counter);
- holds: C clients, each its own till, asking holds on random cards back to back, optionally
  with a think time (p99, goal under 25 ms), against the same row-locked transaction on a
  pool as large as the server's; `/healthz` under the same load shows the HTTP floor;
- the changes feed: one new till paging every customer out of `/v1/changes` (seconds, goal
  under 60), against the same keyset queries read and shaped into the same dicts.

The clients are a minimal asyncio HTTP/1.1 client (keep-alive, bodies encoded beforehand),
so the load generator, which shares the machine's cores with the server and PostgreSQL,
costs as little as it can. CPU seconds used by the server, PostgreSQL and this process are
recorded per phase. Prints the figures, a markdown table for the README, and writes JSON
to bench-results/. A benchmark, not a test: tests/bench/test_bench_server_smoke.py only
proves it still runs.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import resource
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from time import perf_counter, perf_counter_ns
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bonuspos.domain.cart import Line
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos_server.data.db import ServerDatabase, normalise_url, open_server_database
from bonuspos_server.feeds.changes import MAX_LIMIT
from bonuspos_server.ingest.retry import ATTEMPTS
from tests.bench.bench_lookup import environment
from tests.bench.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, feminine
from tests.bench.seed import RESULTS_DIR, plastic_number, unique_phones
from tests.bench.timing import Stats, ms, triple
from tests.server.builders import Sequencer, batch, sale
from tests.server.live import LiveServer, add_tills, live_server
from tests.server.pg import fresh_pg_database

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PRODUCTS = 2_000
PENDING_SHARE = 0.2
PLASTIC_SHARE = 0.1
ALIAS_SHARE = 0.01
HOLD_POINTS = 1_00
RAW_POOL = 40  # the server's own pool: pool_size 20 + max_overflow 20

INGEST = "Events ingested"
HOLDS = "Hold latency"
PACED = "Hold latency at a steady pace"
FEED = "Paging every customer out of /v1/changes"
SET_BASED = "raw SQL, one statement per kind of row per batch"
HEALTHZ = "GET /healthz under the same load (the HTTP floor)"


@dataclass(frozen=True, slots=True)
class Settings:
    customers: int = 1_000_000
    tills: int = 20
    batches: int = 10  # per till
    batch_size: int = 100
    clients: int = 100
    holds: int = 50  # per client
    think_ms: float = 0.0  # between one client's holds; 0 = back to back
    # The paced run: each client asks a hold every `paced_think_ms` on average (exponential
    # gaps). A till asks one per sale that spends points, so one a second per till is far
    # above any real store's rate; back to back measures capacity, not a cashier's wait.
    paced_think_ms: float = 1000.0
    paced_holds: int = 20  # per client
    page: int = MAX_LIMIT
    workers: int = 1
    access_log: bool = True
    seed: int = 7


SMALL = Settings(
    customers=3_000,
    tills=4,
    batches=2,
    batch_size=10,
    clients=10,
    holds=5,
    page=1_000,
    paced_think_ms=20.0,
    paced_holds=3,
)


# --- measurements -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One side of one comparison: how long, how many, latencies, and whose CPU it took."""

    count: int
    seconds: float
    latency: Stats
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds


@dataclass(frozen=True, slots=True)
class Row:
    operation: str
    unit: str  # "/s", "ms" or "s"
    ours: Run
    raw: Run
    goal: str
    extra: dict[str, Run] = field(default_factory=dict)

    def figure(self, run: Run) -> float:
        if self.unit == "/s":
            return run.rate
        if self.unit == "ms":
            return run.latency.p99
        return run.seconds

    def cost_over(self, run: Run) -> float:
        """How many times `run`'s cost ours is: slower, or fewer per second."""
        ours, other = self.figure(self.ours), self.figure(run)
        return other / ours if self.unit == "/s" else ours / other

    @property
    def ratio(self) -> float:
        return self.cost_over(self.raw)

    @property
    def met(self) -> bool:
        value = self.figure(self.ours)
        if self.unit == "/s":
            return value >= 2_000
        if self.unit == "ms":
            return value < 25
        return value < 60


@dataclass(frozen=True, slots=True)
class Report:
    settings: Settings
    rows: list[Row]
    seeding_seconds: float
    server: str
    environment: dict[str, object] = field(default_factory=dict)


class CpuMeter:
    """CPU seconds so far of the server's processes, PostgreSQL's, and this one (Linux)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def now(self) -> dict[str, dict[int, float]]:
        """CPU seconds per process, by whom; the bench itself under pid 0."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        seconds: dict[str, dict[int, float]] = {
            "bench": {0: usage.ru_utime + usage.ru_stime},
            "server": {},
            "postgres": {},
        }
        server = {self.server_pid}
        stats = list(self._stats())
        for pid, ppid, _, _ in stats:  # uvicorn's workers are the server's children
            if ppid in server:
                server.add(pid)
        for pid, _, comm, cpu in stats:
            if pid in server:
                seconds["server"][pid] = cpu
            elif comm == "postgres":
                seconds["postgres"][pid] = cpu
        return seconds

    def _stats(self) -> Iterator[tuple[int, int, str, float]]:
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw[raw.rindex(")") + 2 :].split()
            yield (
                int(entry.name),
                int(fields[1]),
                comm,
                (int(fields[11]) + int(fields[12])) / (self.tick),
            )

    @contextmanager
    def measure(self, into: dict[str, float]) -> Iterator[None]:
        before = self.now()
        yield
        after = self.now()
        # A process that ended meanwhile is lost; one that started counts in full.
        for who, pids in after.items():
            used = sum(cpu - before[who].get(pid, 0.0) for pid, cpu in pids.items())
            into[who] = round(used, 2)


# --- a load generator's HTTP client -----------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, with as little client work as can be."""

    def __init__(
        self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.port = port
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(port, reader, writer)

    async def _reopen(self) -> None:
        await self.close()
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(
        self, method: str, path: str, token: str, body: bytes = b""
    ) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        if self.reader.at_eof():  # the server closed it while idle (keep-alive timeout)
            await self._reopen()
        self.writer.write(head + body)
        try:
            response = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionResetError):
            await self._reopen()  # closed as we sent: every request here is idempotent
            self.writer.write(head + body)
            response = await self.reader.readuntil(b"\r\n\r\n")
        lines = response.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


class Refused(RuntimeError):
    """The server or the raw side did not do what was asked: the figures would be void."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Refused(message)


# --- seeding ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seeded:
    uids: list[str]
    phones: list[str]
    seconds: float


def seed(conninfo: str, customers: int, rng: random.Random) -> Seeded:
    """N customers with balances, pending points, plastic cards, aliases; products. COPY."""
    started = perf_counter()
    phones = unique_phones(customers, rng)
    uids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(customers)]
    now = datetime.now(UTC)
    today = DEFAULT_POLICY.store_day(now)
    totals = [rng.randint(10_00, 500_00) for _ in range(customers)]
    pending = {
        n: rng.randint(1_00, 20_00)
        for n in rng.sample(range(1, customers + 1), int(customers * PENDING_SHARE))
    }
    tomorrow = today + timedelta(days=1)
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY customers (id, uid, phone, full_name, email, birth_date, rules_version,"
            " registered_at, total, change_seq) FROM STDIN"
        ) as copy:
            for n in range(1, customers + 1):
                female = rng.random() < 0.55
                surname = rng.choice(SURNAMES)
                first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                name = f"{feminine(surname) if female else surname} {first}"
                total = totals[n - 1] + pending.get(n, 0)
                copy.write_row((n, uids[n - 1], phones[n - 1], name, "", "", 1, now, total, 1))
        # Each card's ledger: its opening balance, and the purchase behind any pending points.
        with cur.copy(
            "COPY ledger_entries (customer_id, kind, points, active_from, occurred_at) FROM STDIN"
        ) as copy:
            for n in range(1, customers + 1):
                copy.write_row((n, "adjusted", totals[n - 1], today, now))
            for n, points in pending.items():
                copy.write_row((n, "earned", points, tomorrow, now))
        with cur.copy("COPY pending_points (customer_id, active_from, points) FROM STDIN") as copy:
            for n, points in pending.items():
                copy.write_row((n, tomorrow, points))
        with cur.copy("COPY plastic_cards (number, customer_id) FROM STDIN") as copy:
            picks = rng.sample(range(1, customers + 1), int(customers * PLASTIC_SHARE))
            for body, n in enumerate(picks, 1):
                copy.write_row((plastic_number(body), n))
        with cur.copy("COPY customer_aliases (uid, customer_id) FROM STDIN") as copy:
            for n in rng.sample(range(1, customers + 1), int(customers * ALIAS_SHARE)):
                copy.write_row((str(uuid.UUID(int=rng.getrandbits(128), version=4)), n))
        with cur.copy(
            "COPY products (sku, name, price, points, promotional, barcodes, change_seq) FROM STDIN"
        ) as copy:
            for n in range(PRODUCTS):
                copy.write_row((sku_of(n), f"Товар {n}", price_of(n), points_of(n), False, "", 1))
        # The server's catalog as one price list, so the ingest's sales match its tags.
        cur.execute(
            "INSERT INTO price_lists (version, imported_at, superseded_at) VALUES (1, %s, NULL)",
            (datetime(2000, 1, 1, tzinfo=UTC),),
        )
        with cur.copy(
            "COPY product_prices (sku, version, price, points, promotional) FROM STDIN"
        ) as copy:
            for n in range(PRODUCTS):
                copy.write_row((sku_of(n), 1, price_of(n), points_of(n), False))
        cur.execute("SELECT setval('customers_id_seq', %s)", (customers,))
        cur.execute("UPDATE feed_counter SET value = 1 WHERE id = 1")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return Seeded(uids, phones, perf_counter() - started)


# --- ingest -----------------------------------------------------------------------------


def sku_of(n: int) -> str:
    return f"SKU-{n:05d}"


def price_of(n: int) -> int:
    return 1000_00 + n


def points_of(n: int) -> int:
    return 25_00 + n


def _lines(rng: random.Random) -> tuple[Line, ...]:
    picks = rng.sample(range(PRODUCTS), rng.randint(1, 4))
    return tuple(
        Line(sku_of(n), "", Money(price_of(n)), rng.choice((1, 1, 2)), Points(points_of(n)))
        for n in picks
    )


def till_batches(
    settings: Settings, seeded: Seeded, rng: random.Random
) -> list[list[dict[str, Any]]]:
    """One till's batches of card sales, dated now, as a till would send them."""
    seq = Sequencer()
    at = datetime.now(UTC)
    return [
        [
            seq.event("sale_completed", at, sale(rng.choice(seeded.uids), at, _lines(rng)))
            for _ in range(settings.batch_size)
        ]
        for _ in range(settings.batches)
    ]


class Gate:
    """Holds every client at the start line until all have connected, then lets them go."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.all_ready = asyncio.Event()
        self.go = asyncio.Event()

    async def wait(self) -> None:
        self.count -= 1
        if self.count == 0:
            self.all_ready.set()
        await self.go.wait()


async def _timed_tills(
    count: int, work: Callable[[int, Gate, list[int]], Awaitable[None]]
) -> tuple[float, list[int]]:
    """Run `count` clients released together; wall seconds and every timed sample (ns)."""
    gate = Gate(count)
    samples: list[int] = []
    tasks = [asyncio.create_task(work(n, gate, samples)) for n in range(count)]
    waiting = asyncio.create_task(gate.all_ready.wait())
    done, _ = await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
    if waiting not in done:  # a client failed before the start
        waiting.cancel()
        await asyncio.gather(*tasks)
    started = perf_counter()
    gate.go.set()
    await asyncio.gather(*tasks)
    return perf_counter() - started, samples


async def ingest_ours(
    server: LiveServer, tokens: list[str], batches: list[list[bytes]], meter: CpuMeter
) -> Run:
    answers: list[bytes] = []

    async def till(n: int, gate: Gate, samples: list[int]) -> None:
        conn = await Connection.open(server.port)
        try:
            await gate.wait()
            for body in batches[n]:
                started = perf_counter_ns()
                status, answer = await conn.request("POST", "/v1/events", tokens[n], body)
                samples.append(perf_counter_ns() - started)
                _expect(status == 200, f"a batch got {status}: {answer[:300]!r}")
                answers.append(answer)
        finally:
            await conn.close()

    cpu: dict[str, float] = {}
    with meter.measure(cpu):
        seconds, samples = await _timed_tills(len(batches), till)
    events = 0
    for answer in answers:
        statuses = [r["status"] for r in json.loads(answer)["results"]]
        _expect(set(statuses) == {"accepted"}, f"not all accepted: {answer[:300]!r}")
        events += len(statuses)
    return Run(events, seconds, Stats.of(samples), cpu)


RawBatch = Callable[[psycopg.AsyncConnection[Any], int, list[dict[str, Any]]], Awaitable[int]]
_RAW_INGEST = {
    "known": "SELECT status FROM events WHERE event_id = %s",
    "claim": (
        "INSERT INTO events (event_id, till_id, seq, type, occurred_at, received_at,"
        " payload_hash, status) VALUES (%s, %s, %s, %s, %s, %s, %s, 'accepted')"
    ),
    "sale_known": "SELECT 1 FROM sales WHERE id = %s",
    "card": "SELECT id, total FROM customers WHERE uid = %s FOR UPDATE",
    "sale": (
        "INSERT INTO sales (id, till_id, customer_id, occurred_at, total, spent, earned,"
        " activates_on, offline, hold_id, flag, body)"
        " VALUES (%s, %s, %s, %s, %s, 0, %s, %s, true, NULL, NULL, %s)"
    ),
    "ledger": (
        "INSERT INTO ledger_entries (customer_id, till_id, kind, points, active_from,"
        " occurred_at) VALUES (%s, %s, 'earned', %s, %s, %s)"
    ),
    "balance": "UPDATE customers SET total = total + %s WHERE id = %s",
    "pending": (
        "INSERT INTO pending_points (customer_id, active_from, points) VALUES (%s, %s, %s)"
        " ON CONFLICT (customer_id, active_from)"
        " DO UPDATE SET points = pending_points.points + EXCLUDED.points"
    ),
    "counter": "UPDATE feed_counter SET value = value + 1 WHERE id = 1 RETURNING value",
    "feed": "UPDATE customers SET change_seq = %s WHERE id = ANY(%s)",
}


async def _raw_batch(
    conn: psycopg.AsyncConnection[Any], till_id: int, events: list[dict[str, Any]]
) -> int:
    q = _RAW_INGEST
    touched: set[int] = set()
    applied = 0
    now = datetime.now(UTC)
    async with conn.transaction():
        for event in events:
            p = event["payload"]
            if await (await conn.execute(q["known"], (event["event_id"],))).fetchone():
                continue
            async with conn.transaction():  # a savepoint per event, as the server takes
                digest = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
                occurred = datetime.fromisoformat(event["occurred_at"])
                await conn.execute(
                    q["claim"],
                    (
                        event["event_id"],
                        till_id,
                        event["seq"],
                        event["type"],
                        occurred,
                        now,
                        digest,
                    ),
                )
                await conn.execute(q["sale_known"], (p["sale_id"],))
                row = await (await conn.execute(q["card"], (p["customer_uid"],))).fetchone()
                _expect(row is not None, "raw: unknown card")
                assert row is not None
                customer = row[0]
                activates = date.fromisoformat(p["activates_on"])
                await conn.execute(
                    q["sale"],
                    (
                        p["sale_id"],
                        till_id,
                        customer,
                        occurred,
                        p["total"],
                        p["earned"],
                        activates,
                        json.dumps(p),
                    ),
                )
                await conn.execute(
                    q["ledger"], (customer, till_id, p["earned"], activates, occurred)
                )
                await conn.execute(q["balance"], (p["earned"], customer))
                await conn.execute(q["pending"], (customer, activates, p["earned"]))
                touched.add(customer)
                applied += 1
        if touched:
            counter = await (await conn.execute(q["counter"])).fetchone()
            assert counter is not None
            await conn.execute(q["feed"], (counter[0], sorted(touched)))
    return applied


async def _raw_batch_set(
    conn: psycopg.AsyncConnection[Any], till_id: int, events: list[dict[str, Any]]
) -> int:
    """The same rows, with one statement per kind of row instead of several per event."""
    q = _RAW_INGEST
    now = datetime.now(UTC)
    async with conn.transaction(), conn.cursor() as cur:
        await cur.execute(
            "SELECT event_id FROM events WHERE event_id = ANY(%s)",
            ([e["event_id"] for e in events],),
        )
        known = {row[0] for row in await cur.fetchall()}
        fresh = [e for e in events if e["event_id"] not in known]
        payloads = [e["payload"] for e in fresh]
        await cur.execute(
            "SELECT id FROM sales WHERE id = ANY(%s)", ([p["sale_id"] for p in payloads],)
        )
        _expect(not await cur.fetchall(), "raw: a sale arrived twice")
        await cur.execute(  # every card of the batch, locked in one order: no deadlocks
            "SELECT uid, id FROM customers WHERE uid = ANY(%s) ORDER BY id FOR UPDATE",
            (sorted({p["customer_uid"] for p in payloads}),),
        )
        cards: dict[str, int] = {uid: id_ for uid, id_ in await cur.fetchall()}
        totals: dict[int, int] = {}
        pending: dict[tuple[int, date], int] = {}
        claims, sales, ledger = [], [], []
        for event, p in zip(fresh, payloads, strict=True):
            occurred = datetime.fromisoformat(event["occurred_at"])
            activates = date.fromisoformat(p["activates_on"])
            customer = cards[p["customer_uid"]]
            digest = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
            claims.append(
                (event["event_id"], till_id, event["seq"], event["type"], occurred, now, digest)
            )
            sales.append(
                (
                    p["sale_id"],
                    till_id,
                    customer,
                    occurred,
                    p["total"],
                    p["earned"],
                    activates,
                    json.dumps(p),
                )
            )
            ledger.append((customer, till_id, p["earned"], activates, occurred))
            totals[customer] = totals.get(customer, 0) + p["earned"]
            pending[customer, activates] = pending.get((customer, activates), 0) + p["earned"]
        await cur.executemany(q["claim"], claims)
        await cur.executemany(q["sale"], sales)
        await cur.executemany(q["ledger"], ledger)
        await cur.executemany(q["balance"], [(v, k) for k, v in sorted(totals.items())])
        await cur.executemany(q["pending"], [(*k, v) for k, v in sorted(pending.items())])
        if totals:
            await cur.execute(q["counter"])
            counter = await cur.fetchone()
            assert counter is not None
            await cur.execute(q["feed"], (counter[0], sorted(totals)))
    return len(fresh)


async def _retrying(work: Callable[[], Awaitable[int]]) -> int:
    """As the server's retry.py: run again what PostgreSQL aborted to break a deadlock."""
    for attempt in range(ATTEMPTS):
        try:
            return await work()
        except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
            if attempt == ATTEMPTS - 1:
                raise
            await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))
    raise AssertionError("unreachable")


async def ingest_raw(
    conninfo: str,
    till_ids: list[int],
    batches: list[list[list[dict[str, Any]]]],
    meter: CpuMeter,
    one_batch: RawBatch = _raw_batch,
) -> Run:
    conns = [await psycopg.AsyncConnection.connect(conninfo) for _ in batches]
    applied: list[int] = []

    async def till(n: int, gate: Gate, samples: list[int]) -> None:
        await gate.wait()
        for events in batches[n]:
            started = perf_counter_ns()
            applied.append(await _retrying(partial(one_batch, conns[n], till_ids[n], events)))
            samples.append(perf_counter_ns() - started)

    cpu: dict[str, float] = {}
    try:
        with meter.measure(cpu):
            seconds, samples = await _timed_tills(len(batches), till)
    finally:
        for conn in conns:
            await conn.close()
    _expect(sum(applied) == sum(len(b) for bs in batches for b in bs), "raw: not all applied")
    return Run(sum(applied), seconds, Stats.of(samples), cpu)


# --- holds ------------------------------------------------------------------------------


def hold_bodies(settings: Settings, seeded: Seeded, rng: random.Random) -> list[list[bytes]]:
    return [
        [
            json.dumps(
                {
                    "hold_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "card": rng.choice(seeded.phones),
                    "points": HOLD_POINTS,
                }
            ).encode()
            for _ in range(settings.holds)
        ]
        for _ in range(settings.clients)
    ]


async def _think(settings: Settings, rng: random.Random) -> None:
    if settings.think_ms:
        await asyncio.sleep(rng.expovariate(1000 / settings.think_ms))


async def holds_ours(
    server: LiveServer,
    tokens: list[str],
    bodies: list[list[bytes]],
    settings: Settings,
    meter: CpuMeter,
    path: str = "/v1/holds",
) -> Run:
    """Holds (or, with path="/healthz", the bare HTTP round trip) from every client at once."""
    rng = random.Random(settings.seed)
    method, expected = ("POST", 201) if path == "/v1/holds" else ("GET", 200)

    async def client(n: int, gate: Gate, samples: list[int]) -> None:
        conn = await Connection.open(server.port)
        try:
            await gate.wait()
            await _think(settings, rng)  # paced clients start out of step
            for body in bodies[n]:
                started = perf_counter_ns()
                status, answer = await conn.request(method, path, tokens[n], body)
                samples.append(perf_counter_ns() - started)
                _expect(status == expected, f"{path} got {status}: {answer[:300]!r}")
                await _think(settings, rng)
        finally:
            await conn.close()

    cpu: dict[str, float] = {}
    with meter.measure(cpu):
        seconds, samples = await _timed_tills(len(bodies), client)
    return Run(len(samples), seconds, Stats.of(samples), cpu)


_RAW_HOLD = {
    "known": "SELECT till_id, points FROM holds WHERE id = %s",
    "by_phone": "SELECT id FROM customers WHERE phone = %s",
    "lock": "SELECT id, total FROM customers WHERE id = %s FOR UPDATE",
    "pending": (
        "SELECT COALESCE(SUM(points), 0)::bigint, MIN(active_from) FROM pending_points"
        " WHERE customer_id = %s AND active_from > %s"
    ),
    "held": (
        "SELECT COALESCE(SUM(points), 0)::bigint FROM holds"
        " WHERE customer_id = %s AND status = 'active' AND expires_at > %s"
    ),
    "hold": (
        "INSERT INTO holds (id, customer_id, till_id, points, created_at, expires_at, status,"
        " sale_id) VALUES (%s, %s, %s, %s, %s, %s, 'active', NULL)"
    ),
}


async def _raw_hold(conn: psycopg.AsyncConnection[Any], till_id: int, body: dict[str, Any]) -> None:
    q = _RAW_HOLD
    now = datetime.now(UTC)
    async with conn.transaction():
        _expect(not await (await conn.execute(q["known"], (body["hold_id"],))).fetchone(), "known")
        row = await (await conn.execute(q["by_phone"], (body["card"],))).fetchone()
        assert row is not None
        customer = await (await conn.execute(q["lock"], (row[0],))).fetchone()
        assert customer is not None
        await conn.execute(q["known"], (body["hold_id"],))
        today = DEFAULT_POLICY.store_day(now)
        pending = await (await conn.execute(q["pending"], (customer[0], today))).fetchone()
        held = await (await conn.execute(q["held"], (customer[0], now))).fetchone()
        assert pending is not None
        assert held is not None
        _expect(customer[1] - pending[0] - held[0] >= body["points"], "raw: not enough points")
        await conn.execute(
            q["hold"],
            (
                body["hold_id"],
                customer[0],
                till_id,
                body["points"],
                now,
                now + DEFAULT_POLICY.hold_ttl,
            ),
        )


async def holds_raw(
    conninfo: str,
    till_ids: list[int],
    bodies: list[list[bytes]],
    settings: Settings,
    meter: CpuMeter,
) -> Run:
    rng = random.Random(settings.seed)
    pool: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for _ in range(min(RAW_POOL, len(bodies))):
        pool.put_nowait(await psycopg.AsyncConnection.connect(conninfo))
    size = pool.qsize()

    async def client(n: int, gate: Gate, samples: list[int]) -> None:
        await gate.wait()
        await _think(settings, rng)  # paced clients start out of step
        for body in bodies[n]:
            request = json.loads(body)
            started = perf_counter_ns()
            conn = await pool.get()
            try:
                await _raw_hold(conn, till_ids[n], request)
            finally:
                pool.put_nowait(conn)
            samples.append(perf_counter_ns() - started)
            # Let the client woken by that put take the connection: without this, the
            # releasing client takes it straight back (asyncio.Queue lets it barge).
            await asyncio.sleep(0)
            await _think(settings, rng)

    cpu: dict[str, float] = {}
    try:
        with meter.measure(cpu):
            seconds, samples = await _timed_tills(len(bodies), client)
    finally:
        for _ in range(size):
            await (await pool.get()).close()
    return Run(len(samples), seconds, Stats.of(samples), cpu)


# --- the changes feed -------------------------------------------------------------------


async def feed_ours(server: LiveServer, token: str, settings: Settings, meter: CpuMeter) -> Run:
    conn = await Connection.open(server.port)
    samples: list[int] = []
    customers = 0
    cursor = ""
    cpu: dict[str, float] = {}
    started = perf_counter()
    try:
        with meter.measure(cpu):
            while True:
                path = f"/v1/changes?limit={settings.page}" + (
                    f"&cursor={cursor}" if cursor else ""
                )
                began = perf_counter_ns()
                status, answer = await conn.request("GET", path, token)
                page = json.loads(answer)
                samples.append(perf_counter_ns() - began)
                _expect(status == 200, f"/v1/changes got {status}: {answer[:300]!r}")
                customers += len(page["customers"])
                cursor = page["cursor"]
                if not page["has_more"]:
                    break
    finally:
        await conn.close()
    return Run(customers, perf_counter() - started, Stats.of(samples), cpu)


_RAW_FEED = {
    "policy": "SELECT body FROM policies ORDER BY version DESC LIMIT 1",
    "products": (
        "SELECT sku, name, price, points, promotional, barcodes, change_seq FROM products"
        " WHERE (change_seq, sku) > (%s, %s) ORDER BY change_seq, sku LIMIT %s"
    ),
    "customers": (
        "SELECT id, uid, phone, full_name, total, change_seq FROM customers"
        " WHERE (change_seq, id) > (%s, %s) ORDER BY change_seq, id LIMIT %s"
    ),
    "pending": (
        "SELECT customer_id, active_from, points FROM pending_points"
        " WHERE customer_id = ANY(%s) AND active_from > %s"
    ),
    "aliases": "SELECT customer_id, uid FROM customer_aliases WHERE customer_id = ANY(%s)",
    "plastic": "SELECT customer_id, number FROM plastic_cards WHERE customer_id = ANY(%s)",
}


async def feed_raw(conninfo: str, settings: Settings, meter: CpuMeter) -> Run:
    """The feed's queries, page by page, shaped into the same dicts and JSON-encoded."""
    q = _RAW_FEED
    samples: list[int] = []
    customers = 0
    today = DEFAULT_POLICY.store_day(datetime.now(UTC))
    position: dict[str, Any] = {"products": [0, ""], "customers": [0, 0]}
    cpu: dict[str, float] = {}
    started = perf_counter()
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        with meter.measure(cpu):
            while True:
                began = perf_counter_ns()
                await (await conn.execute(q["policy"])).fetchone()
                products = await (
                    await conn.execute(q["products"], (*position["products"], settings.page))
                ).fetchall()
                if products:
                    position["products"] = [products[-1][6], products[-1][0]]
                room = settings.page - len(products)
                rows: list[Any] = []
                if room:
                    rows = await (
                        await conn.execute(q["customers"], (*position["customers"], room))
                    ).fetchall()
                body = _raw_page(
                    products,
                    rows,
                    *[
                        await (await conn.execute(q[k], (ids, today)[:n])).fetchall()
                        for k, n, ids in (
                            ("pending", 2, [r[0] for r in rows]),
                            ("aliases", 1, [r[0] for r in rows]),
                            ("plastic", 1, [r[0] for r in rows]),
                        )
                    ],
                )
                json.dumps(body, ensure_ascii=False)
                samples.append(perf_counter_ns() - began)
                if rows:
                    position["customers"] = [rows[-1][5], rows[-1][0]]
                customers += len(rows)
                if len(products) + len(rows) < settings.page:
                    break
    return Run(customers, perf_counter() - started, Stats.of(samples), cpu)


def _raw_page(
    products: list[Any], rows: list[Any], pending: list[Any], aliases: list[Any], plastic: list[Any]
) -> dict[str, Any]:
    by: dict[str, dict[int, list[Any]]] = {"pending": {}, "aliases": {}, "plastic": {}}
    for cid, day, points in pending:
        by["pending"].setdefault(cid, []).append([day.isoformat(), points])
    for cid, uid in aliases:
        by["aliases"].setdefault(cid, []).append(uid)
    for cid, number in plastic:
        by["plastic"].setdefault(cid, []).append(number)
    return {
        "products": [
            {
                "sku": p[0],
                "name": p[1],
                "price": p[2],
                "points": p[3],
                "promotional": p[4],
                "barcodes": [b for b in p[5].split(",") if b],
            }
            for p in products
        ],
        "customers": [
            {
                "uid": r[1],
                "phone": r[2],
                "full_name": r[3],
                "total": r[4],
                "pending": sorted(by["pending"].get(r[0], [])),
                "aliases": by["aliases"].get(r[0], []),
                "plastic_cards": by["plastic"].get(r[0], []),
            }
            for r in rows
        ],
    }


# --- the run ----------------------------------------------------------------------------


@contextmanager
def fresh_database(pg_url: str) -> Iterator[str]:
    """An empty database on the server of `pg_url`, dropped afterwards."""
    with fresh_pg_database(pg_url, prefix="bonuspos_bench") as url:
        yield url


def conninfo_of(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def checkpointed(conninfo: str, work: Awaitable[Run]) -> Run:
    """`work`, after a CHECKPOINT (skipped where the user may not force one)."""
    try:
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
            await conn.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        pass
    return await work


def till_ids(db: ServerDatabase, codes: Sequence[str]) -> list[int]:
    with db.engine.connect() as conn:
        ids = {code: id_ for code, id_ in conn.execute(text("SELECT code, id FROM tills"))}
    return [ids[code] for code in codes]


def run(pg_url: str, settings: Settings, work_dir: Path) -> Report:
    with fresh_database(pg_url) as url:
        db = open_server_database(url)
        try:
            return asyncio.run(_run(db, url, settings, work_dir))
        finally:
            db.dispose()


async def _run(db: ServerDatabase, url: str, settings: Settings, work_dir: Path) -> Report:
    rng = random.Random(settings.seed)
    conninfo = conninfo_of(url)
    seeded = seed(conninfo, settings.customers, rng)
    ours_tills = [f"I{n}" for n in range(settings.tills)]
    raw_tills = [f"R{n}" for n in range(settings.tills)]
    set_tills = [f"RS{n}" for n in range(settings.tills)]
    hold_tills = [f"H{n}" for n in range(settings.clients)]
    raw_hold_tills = [f"RH{n}" for n in range(settings.clients)]
    tokens = add_tills(db, "S1", [*ours_tills, *hold_tills, "FEED"])
    add_tills(db, "S1", [*raw_tills, *set_tills, *raw_hold_tills])
    ingest_events = [till_batches(settings, seeded, rng) for _ in ours_tills]
    raw_events = [till_batches(settings, seeded, rng) for _ in raw_tills]
    set_events = [till_batches(settings, seeded, rng) for _ in set_tills]
    ingest_bodies = [
        [json.dumps(batch(b, "S1", t)).encode() for b in bs]
        for t, bs in zip(ours_tills, ingest_events, strict=True)
    ]
    holds, raw_holds = hold_bodies(settings, seeded, rng), hold_bodies(settings, seeded, rng)
    pace = replace(settings, holds=settings.paced_holds)
    paced_bodies, paced_raw = hold_bodies(pace, seeded, rng), hold_bodies(pace, seeded, rng)
    with live_server(
        url, work_dir, workers=settings.workers, access_log=settings.access_log
    ) as server:
        meter = CpuMeter(server.process.pid)
        # Each side starts from a checkpoint, so neither pays for the other's dirty pages.
        feed = await checkpointed(conninfo, feed_ours(server, tokens["FEED"], settings, meter))
        feed_base = await checkpointed(conninfo, feed_raw(conninfo, settings, meter))
        ours_tokens = [tokens[t] for t in ours_tills]
        ingest = await checkpointed(
            conninfo, ingest_ours(server, ours_tokens, ingest_bodies, meter)
        )
        ingest_base = await checkpointed(
            conninfo, ingest_raw(conninfo, till_ids(db, raw_tills), raw_events, meter)
        )
        ingest_set = await checkpointed(
            conninfo,
            ingest_raw(conninfo, till_ids(db, set_tills), set_events, meter, _raw_batch_set),
        )
        hold_tokens = [tokens[t] for t in hold_tills]
        hold = await checkpointed(conninfo, holds_ours(server, hold_tokens, holds, settings, meter))
        hold_base = await checkpointed(
            conninfo,
            holds_raw(conninfo, till_ids(db, raw_hold_tills), raw_holds, settings, meter),
        )
        bare = [[b""] * settings.holds] * settings.clients
        floor = await holds_ours(server, hold_tokens, bare, settings, meter, "/healthz")
        paced = replace(settings, think_ms=settings.paced_think_ms, holds=settings.paced_holds)
        paced_hold = await checkpointed(
            conninfo, holds_ours(server, hold_tokens, paced_bodies, paced, meter)
        )
        paced_base = await checkpointed(
            conninfo,
            holds_raw(conninfo, till_ids(db, raw_hold_tills), paced_raw, paced, meter),
        )
        rows = [
            Row(FEED, "s", feed, feed_base, "< 60 s"),
            Row(
                INGEST,
                "/s",
                ingest,
                ingest_base,
                "≥ 2,000 events/s",
                {SET_BASED: ingest_set},
            ),
            Row(HOLDS, "ms", hold, hold_base, "p99 < 25 ms", {HEALTHZ: floor}),
            Row(PACED, "ms", paced_hold, paced_base, "p99 < 25 ms"),
        ]
        server_kind = f"bonuspos-server serve --workers {settings.workers}" + (
            "" if settings.access_log else " --log-level warning"
        )
    _expect(rows[0].ours.count == settings.customers, f"the feed gave {rows[0].ours.count}")
    _expect(rows[0].raw.count == settings.customers, f"raw paging gave {rows[0].raw.count}")
    return Report(settings, rows, round(seeded.seconds, 1), server_kind)


# --- output -----------------------------------------------------------------------------


def _figure(row: Row, run: Run) -> str:
    if row.unit == "/s":
        return f"{run.rate:,.0f} events/s"
    if row.unit == "ms":
        return f"{triple(run.latency)} ms"
    return f"{run.seconds:.1f} s"


def _detail(run: Run, unit: str) -> str:
    what = {"/s": "batch", "ms": "request", "s": "page"}[unit]
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in run.cpu.items())
    return (
        f"{run.count:,} in {run.seconds:.2f} s ({run.rate:,.0f}/s); {what} median"
        f" {ms(run.latency.median)} p95 {ms(run.latency.p95)} p99 {ms(run.latency.p99)}"
        f" max {ms(run.latency.max)} ms; CPU s: {cpu}"
    )


def describe(row: Row, s: Settings) -> str:
    if row.operation == INGEST:
        return f"{INGEST}, {s.tills} tills at once, batches of {s.batch_size}"
    if row.operation == HOLDS:
        pace = f"{s.think_ms:g} ms think time" if s.think_ms else "back to back"
        return f"{HOLDS}, {s.clients} clients at once, {pace} (median / p95 / p99)"
    if row.operation == PACED:
        return (
            f"{PACED}: {s.clients} clients, each a hold every {s.paced_think_ms:g} ms"
            " on average (median / p95 / p99)"
        )
    return f"{FEED}: {s.customers:,} customers, pages of {s.page:,}"


def render_text(report: Report) -> str:
    lines = [f"Server: {report.server}; customers seeded in {report.seeding_seconds} s"]
    for row in report.rows:
        verdict = "met" if row.met else "MISSED"
        lines += [
            describe(row, report.settings),
            f"  ours  {_detail(row.ours, row.unit)}",
            f"  raw   {_detail(row.raw, row.unit)}",
            *(f"  {name}: {_detail(run, row.unit)}" for name, run in row.extra.items()),
            f"  ours {_figure(row, row.ours)} vs raw {_figure(row, row.raw)}:"
            f" ×{row.ratio:.1f} raw's cost; goal {row.goal}: {verdict}",
        ]
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    rows = [
        f"| Measure ({report.server}) | BonusPOS server | raw SQL (psycopg), same run "
        "| ratio | goal |",
        "|---|---:|---:|---:|---|",
    ]
    for row in report.rows:
        mark = "✅" if row.met else "❌"
        rows.append(
            f"| {describe(row, report.settings)} | {_figure(row, row.ours)} "
            f"| {_figure(row, row.raw)} | ×{row.ratio:.1f} | {row.goal} {mark} |"
        )
        rows += [
            f"| ↳ for comparison: {name} | | {_figure(row, run)} | ×{row.cost_over(run):.1f} | |"
            for name, run in row.extra.items()
        ]
    return "\n".join(rows)


def write_json(report: Report, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-server-{report.settings.customers}-{stamp}.json"
    body = asdict(report)
    for row, data in zip(report.rows, body["rows"], strict=True):
        data["ratio"] = round(row.ratio, 2)
        data["met"] = row.met
        for side in ("ours", "raw"):
            data[side]["rate"] = round(getattr(row, side).rate, 1)
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get("BONUSPOS_TEST_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--small", action="store_true", help="a quick run on a tiny chain")
    defaults = Settings()
    for name in (
        "customers",
        "tills",
        "batches",
        "batch_size",
        "clients",
        "holds",
        "page",
        "workers",
        "seed",
    ):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int)
    parser.add_argument("--think-ms", type=float)
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    settings = SMALL if args.small else defaults
    chosen = {
        k: v for k, v in vars(args).items() if k in Settings.__dataclass_fields__ and v is not None
    }
    settings = replace(settings, **chosen, access_log=not args.no_access_log)

    args.results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.results_dir, prefix="server-") as work:
        report = run(args.pg_url, settings, Path(work))
    report = replace(report, environment={**environment(), "postgresql": _pg_version(args.pg_url)})
    print(render_text(report))
    print()
    print(render_markdown(report))
    print()
    print(f"Results: {write_json(report, args.results_dir)}")
    return 0


def _pg_version(pg_url: str) -> str:
    with psycopg.connect(conninfo_of(normalise_url(pg_url))) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


if __name__ == "__main__":
    sys.exit(main())
