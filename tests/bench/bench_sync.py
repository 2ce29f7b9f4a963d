"""Draining a till's outbox to the real server on loopback, beside a plain loop of httpx posts.

    python -m tests.bench.bench_sync [--sales 10000] [--batch 500] [--small] [--pg-url URL]

The goal: 10,000 queued sales drained to a loopback server in under 5 s.

1. Starts the real server as its own process (`bonuspos-server serve`, see
   tests/server/live.py) on a fresh SQLite file in a temporary folder, or on a fresh
   PostgreSQL database on the server of `--pg-url` (dropped afterwards), and registers
   three tills on it: ours, the baseline's and a warm-up one. They are registered first
   because the server refuses events dated before their till was registered.
2. Fills a fresh till data folder (demo catalog) with a day of trade made now: a customer
   signs up every `--sales-per-customer` sales (a customer_registered event, before any of
   their sales), and N sales, each on a registered customer's card, one to four products,
   paid by bank card, all waiting in the outbox. By default the rows are written by the
   till's own domain code and repositories in large transactions (same rows and same
   events as `Checkout.complete` and `Registration.register`, minus one fsync per sale);
   `--via-checkout` rings every sale up through `Till.checkout` instead (about 20-30 ms a
   sale on a busy 2-core machine, so minutes for 10,000).
3. Ours: `push_all(db, ServerClient, now, batch)` drains the whole outbox; total seconds,
   events/s, and per batch both the HTTP post alone and the whole cycle (post, recording
   the answers in the outbox, reading the next batch).
4. Baseline: the same event payloads, in the same batches, posted by a plain loop over one
   `httpx.Client` (`client.post(..., json=body)`, answers parsed), as the baseline till.
   Event ids, sale ids, customer uids and phones are server-wide keys, so the copy gets
   fresh ones (a different till code alone would be answered "duplicate" or refused):
   every amount, line, tender and time stays the same, and the server does the same
   work (registers new customers, applies new sales), which is checked afterwards by
   comparing what the server recorded for the two tills.

Before either side is timed the warm-up till posts one batch (a copy, fresh ids), so
neither pays the server's first-request costs. Every event must come back "accepted" on
both sides or the run stops: the figures would be void. CPU seconds of the server and of
this process are recorded per side (Linux).

Prints both sides, their ratio and the goal (under 5 s for 10,000 sales, i.e. 2,000
sales/s at other sizes), a markdown table row for the README, and writes JSON to
bench-results/. A benchmark, not a test: tests/bench/test_bench_sync_smoke.py only proves
it still runs.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter, perf_counter_ns
from typing import Any

import httpx
from sqlalchemy import text

from bonuspos import paths
from bonuspos.domain.cart import Cart, Line, Tender, TenderKind
from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.ledger import EntryKind, LedgerEntry, sale_entries
from bonuspos.domain.money import Points
from bonuspos.domain.quote import quote
from bonuspos.ledger.repositories import CustomerRow, wire_payload
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services import events
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.push import Pushed, push_all
from bonuspos_server.data.db import ServerDatabase, open_server_database
from tests.bench.bench_lookup import environment
from tests.bench.bench_server import CpuMeter, fresh_database
from tests.bench.names import FEMALE_NAMES, MALE_NAMES, PATRONYMICS, SURNAMES, feminine
from tests.bench.seed import RESULTS_DIR, unique_phones
from tests.bench.timing import Stats, ms
from tests.server.live import add_tills, live_server

STORE = "S1"
OURS, RAW, WARM = "BENCH-OURS", "BENCH-RAW", "BENCH-WARM"
GOAL_SALES, GOAL_SECONDS = 10_000, 5.0  # 10,000 queued sales in under 5 s
TENDER = TenderKind.BANK_CARD
CHUNK = 1_000  # sales per transaction when seeding without the checkout
MEASURE = "Draining queued sales to a loopback server"


@dataclass(frozen=True, slots=True)
class Settings:
    sales: int = 10_000
    batch: int = 500  # push.BATCH, the server's largest batch
    sales_per_customer: int = 20  # one sign-up per this many sales
    workers: int = 1
    via_checkout: bool = False
    seed: int = 7

    @property
    def customers(self) -> int:
        return math.ceil(self.sales / self.sales_per_customer)

    @property
    def events(self) -> int:
        return self.sales + self.customers

    @property
    def goal_seconds(self) -> float:
        """5 s for 10,000 sales; the same rate at other sizes."""
        return GOAL_SECONDS * self.sales / GOAL_SALES


SMALL = Settings(sales=1_000, batch=100)


# --- the till's day ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignUp:
    form: CustomerForm


@dataclass(frozen=True, slots=True)
class Purchase:
    customer: int  # index into the sign-ups so far
    basket: tuple[tuple[str, int], ...]  # barcode, quantity


Step = SignUp | Purchase


def day_of_trade(settings: Settings, barcodes: Sequence[str]) -> list[Step]:
    """What happens at the till, in order; the same for either way of writing it."""
    rng = random.Random(settings.seed)
    phones = unique_phones(settings.customers, rng)
    steps: list[Step] = []
    signed = 0
    for n in range(settings.sales):
        if n % settings.sales_per_customer == 0:  # a sign-up before the sale that uses it
            steps.append(SignUp(CustomerForm(_full_name(rng), phones[signed], True, True)))
            signed += 1
        picks = rng.sample(list(barcodes), rng.randint(1, min(4, len(barcodes))))
        basket = tuple((code, rng.choice((1, 1, 1, 2, 3))) for code in picks)
        steps.append(Purchase(rng.randrange(signed), basket))
    return steps


def _full_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    father = rng.randrange(len(MALE_NAMES))
    if rng.random() < 0.55:
        return f"{feminine(surname)} {rng.choice(FEMALE_NAMES)} {PATRONYMICS[father][1]}"
    return f"{surname} {rng.choice(MALE_NAMES)} {PATRONYMICS[father][0]}"


def catalog_lines(till: Till) -> dict[str, Line]:
    """A one-unit cart line per barcode of the loaded catalog, as the scanner finds it."""
    with till.db.engine.connect() as conn:
        codes = [code for (code,) in conn.execute(text("SELECT code FROM barcodes ORDER BY code"))]
    return {code: till.catalog.find(code).line(1) for code in codes}


def _cart(lines: dict[str, Line], basket: tuple[tuple[str, int], ...]) -> Cart:
    cart = Cart()
    for code, quantity in basket:
        cart = cart.add(replace(lines[code], quantity=quantity))
    return cart


def ring_through_checkout(till: Till, steps: Sequence[Step], lines: dict[str, Line]) -> None:
    """Every sign-up and sale through the till's own use cases, one transaction each."""
    uids: list[str] = []
    for step in steps:
        if isinstance(step, SignUp):
            uids.append(till.registration.register(step.form).customer_uid)
            continue
        cart = _cart(lines, step.basket)
        request = SaleRequest(
            new_sale_id(), cart, (Tender(TENDER, cart.total),), customer_uid=uids[step.customer]
        )
        till.checkout.complete(request)


def write_in_bulk(till: Till, steps: Sequence[Step], lines: dict[str, Line]) -> None:
    """The rows `ring_through_checkout` writes, by the same domain code and repositories.

    What it leaves out is per-sale cost that changes nothing written: a transaction and an
    fsync per sale, re-reading the card and its offline spending for a cap no sale uses
    (none spends points), and building the receipt. Balances are applied once per card
    and activation day per transaction, which sums to what per-sale upserts write.
    """
    policy = till.policy
    customers: list[CustomerRow] = []
    for first in range(0, len(steps), CHUNK):
        with UnitOfWork(till.db.writing) as uow:
            earned: dict[tuple[int, date, date], int] = defaultdict(int)
            for step in steps[first : first + CHUNK]:
                at = till.clock.now()
                if isinstance(step, SignUp):
                    new = accept(step.form)
                    row = uow.customers.add(new, uid=str(uuid.uuid4()), at=at)
                    payload = events.customer_registered(row.uid, new, at, None)
                    uow.outbox.append(str(uuid.uuid4()), events.CUSTOMER_REGISTERED, at, payload)
                    customers.append(row)
                    continue
                customer = customers[step.customer]
                cart = _cart(lines, step.basket)
                q = quote(
                    cart,
                    tenders=[TENDER],
                    balance=Points(0),  # no sale spends, so the cap it sets is never used
                    policy=policy,
                    at=at,
                    has_card=True,
                    offline_room=policy.offline_limit,
                )
                settlement = q.settle(Points(0), (Tender(TENDER, cart.total),))
                sale = uow.sales.record(new_sale_id(), customer.id, settlement, at, policy)
                entries = sale_entries(settlement, at, policy)
                hashes = uow.ledger.append(
                    customer.id, customer.uid, entries, at=at, sale_id=sale.id
                )
                for entry in entries:
                    earned[customer.id, entry.active_from, policy.store_day(at)] += (
                        entry.points.minor
                    )
                payload = events.sale_completed(sale, customer.uid, hashes)
                uow.outbox.append(str(uuid.uuid4()), events.SALE_COMPLETED, at, payload)
            for (customer_id, active_from, today), points in earned.items():
                entry = LedgerEntry(EntryKind.EARNED, Points(points), active_from)
                uow.balances.apply(customer_id, [entry], today)
            uow.commit()


def fill_till(data_dir: Path, settings: Settings) -> float:
    """A fresh till folder with the day's sign-ups and sales unsent; seconds it took."""
    started = perf_counter()
    with Till(data_dir) as till:
        till.catalog.load_csv(paths.demo_catalog())
        lines = catalog_lines(till)
        steps = day_of_trade(settings, sorted(lines))
        write = ring_through_checkout if settings.via_checkout else write_in_bulk
        write(till, steps, lines)
    return perf_counter() - started


def outbox_events(data_dir: Path) -> list[dict[str, Any]]:
    """The till's waiting events as push_all sends them, in seq order."""
    with Till(data_dir) as till, UnitOfWork(till.db.reading) as uow:
        waiting = uow.outbox.unsent(2**31)
        return [
            {
                "event_id": e.event_id,
                "seq": e.seq,
                "occurred_at": e.occurred_at.isoformat(),
                "type": e.type,
                "payload": wire_payload(e.payload),
            }
            for e in waiting
        ]


def fresh_identities(
    batch: Sequence[dict[str, Any]], phones: Iterator[str]
) -> list[dict[str, Any]]:
    """The same events under new event ids, sale ids, customer uids and phones.

    Those are keys across the whole server, not per till: re-sent as they are from another
    till, the events would be answered "duplicate", the sales refused as known and the
    sign-ups merged into the existing customers. Everything else is left as it was.
    """
    uids: dict[str, str] = {}
    copied = []
    for event in batch:
        payload = dict(event["payload"])
        if payload.get("customer_uid"):
            payload["customer_uid"] = uids.setdefault(payload["customer_uid"], str(uuid.uuid4()))
        if event["type"] == events.SALE_COMPLETED:
            payload["sale_id"] = str(uuid.uuid4())
        if event["type"] == events.CUSTOMER_REGISTERED:
            payload["phone"] = next(phones)
        copied.append({**event, "event_id": str(uuid.uuid4()), "payload": payload})
    return copied


def other_phones(events_: Sequence[dict[str, Any]], seed: int) -> Iterator[str]:
    """Valid mobile numbers none of `events_` signed up with, each given out once."""
    ours = {e["payload"]["phone"] for e in events_ if e["type"] == events.CUSTOMER_REGISTERED}
    # Twice as many as ours are needed (the baseline and the warm-up); ours may be drawn.
    return (p for p in unique_phones(3 * len(ours) + 10, random.Random(seed)) if p not in ours)


# --- measurements -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    """One side's drain: every event it sent, how long, per-batch latency, whose CPU."""

    count: int
    seconds: float
    post: Stats  # each HTTP post and its answer, ms
    cycle: Stats | None  # ours: post + recording the answers + reading the next batch
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds


@dataclass(frozen=True, slots=True)
class Report:
    settings: Settings
    ours: Side
    raw: Side
    seeding_seconds: float
    server: str
    environment: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How many times the baseline's time ours takes."""
        return self.ours.seconds / self.raw.seconds

    @property
    def met(self) -> bool:
        return self.ours.seconds < self.settings.goal_seconds


class Mismatch(RuntimeError):
    """A side did not do what was asked, or the two did different work: void figures."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Mismatch(message)


class TimedClient(ServerClient):
    """push_all's client, noting when each post started and how long it took."""

    def __init__(self, config: SyncConfig) -> None:
        super().__init__(config)
        self.starts: list[int] = []
        self.posts: list[int] = []

    def post_events(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        started = perf_counter_ns()
        try:
            return super().post_events(events)
        finally:
            self.starts.append(started)
            self.posts.append(perf_counter_ns() - started)


def drain_ours(data_dir: Path, config: SyncConfig, settings: Settings, meter: CpuMeter) -> Side:
    cpu: dict[str, float] = {}
    with Till(data_dir) as till, TimedClient(config) as client:
        with meter.measure(cpu):
            # All of push_all is timed, including whatever it asks the server before the
            # first batch (what it holds from this till) and the till's own reads and writes.
            started = perf_counter_ns()
            pushed: Pushed = push_all(till.db, client, till.clock.now, settings.batch)
            ended = perf_counter_ns()
        _expect(
            (pushed.accepted, pushed.answered) == (settings.events, settings.events),
            f"push_all: {pushed} of {settings.events} events",
        )
    cycles = [b - a for a, b in zip(client.starts, [*client.starts[1:], ended], strict=True)]
    return Side(
        pushed.answered, (ended - started) / 1e9, Stats.of(client.posts), Stats.of(cycles), cpu
    )


def post_raw(
    base_url: str, token: str, till: str, batches: Sequence[list[dict[str, Any]]]
) -> tuple[int, list[int], float]:
    """A plain loop of posts; events accepted, each post's nanoseconds, total seconds."""
    accepted = 0
    samples: list[int] = []
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0
    ) as client:
        started = perf_counter_ns()
        for events_ in batches:
            began = perf_counter_ns()
            response = client.post(
                "/v1/events", json={"store": STORE, "till": till, "events": events_}
            )
            response.raise_for_status()
            results = response.json()["results"]
            samples.append(perf_counter_ns() - began)
            accepted += sum(r["status"] == "accepted" for r in results)
        seconds = (perf_counter_ns() - started) / 1e9
    return accepted, samples, seconds


def drain_raw(
    base_url: str,
    token: str,
    batches: Sequence[list[dict[str, Any]]],
    settings: Settings,
    meter: CpuMeter,
) -> Side:
    cpu: dict[str, float] = {}
    with meter.measure(cpu):
        accepted, samples, seconds = post_raw(base_url, token, RAW, batches)
    _expect(accepted == settings.events, f"raw httpx: {accepted} of {settings.events} accepted")
    return Side(accepted, seconds, Stats.of(samples), None, cpu)


def in_batches(events_: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [events_[i : i + size] for i in range(0, len(events_), size)]


ServerWork = dict[str, int]

_SERVER_WORK = {
    "sales": "SELECT count(*) FROM sales WHERE till_id = :till",
    "sales_total": "SELECT coalesce(sum(total), 0) FROM sales WHERE till_id = :till",
    "points_earned": "SELECT coalesce(sum(earned), 0) FROM sales WHERE till_id = :till",
    "ledger_points": "SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE till_id = :till",
    # A sign-up that matched an existing phone is merged (flagged), not a new customer.
    "new_customers": (
        "SELECT count(*) FROM events WHERE till_id = :till AND type = 'customer_registered'"
        " AND status = 'accepted' AND flag IS NULL"
    ),
}


def server_work(db: ServerDatabase, till: str) -> ServerWork:
    """What the server recorded from one till's events."""
    with db.engine.connect() as conn:
        till_id = conn.execute(
            text("SELECT id FROM tills WHERE code = :code"), {"code": till}
        ).scalar_one()
        return {
            name: int(conn.execute(text(sql), {"till": till_id}).scalar_one())
            for name, sql in _SERVER_WORK.items()
        }


@contextmanager
def server_database(pg_url: str | None, work_dir: Path) -> Iterator[str]:
    if pg_url:
        with fresh_database(pg_url) as url:
            yield url
    else:
        yield f"sqlite:///{work_dir / 'server.sqlite3'}"


def run(settings: Settings, work_dir: Path, pg_url: str | None = None) -> Report:
    """Both sides on one server, in one run; `work_dir` keeps the till and the server's log."""
    with server_database(pg_url, work_dir) as url:
        db = open_server_database(url)
        try:
            return _run(db, url, settings, work_dir, "PostgreSQL" if pg_url else "SQLite")
        finally:
            db.dispose()


def _run(db: ServerDatabase, url: str, settings: Settings, work_dir: Path, kind: str) -> Report:
    # Registered before the first sale is made: the server refuses older events.
    tokens = add_tills(db, STORE, [OURS, RAW, WARM])
    till_dir = work_dir / "till"
    seeding = fill_till(till_dir, settings)
    ours_events = outbox_events(till_dir)
    _expect(len(ours_events) == settings.events, f"{len(ours_events)} events in the outbox")
    phones = other_phones(ours_events, settings.seed + 1)
    raw_batches = in_batches(fresh_identities(ours_events, phones), settings.batch)
    warm_batch = fresh_identities(ours_events[: settings.batch], phones)
    with live_server(url, work_dir, workers=settings.workers) as server:
        meter = CpuMeter(server.process.pid)
        warmed, _, _ = post_raw(server.base_url, tokens[WARM], WARM, [warm_batch])
        _expect(warmed == len(warm_batch), f"warm-up: {warmed} of {len(warm_batch)} accepted")
        config = SyncConfig(server.base_url, STORE, OURS, tokens[OURS])
        ours = drain_ours(till_dir, config, settings, meter)
        raw = drain_raw(server.base_url, tokens[RAW], raw_batches, settings, meter)
    ours_work, raw_work = server_work(db, OURS), server_work(db, RAW)
    _expect(ours_work == raw_work, f"different work on the server: {ours_work} vs {raw_work}")
    expected = (settings.sales, settings.customers)
    got = (ours_work["sales"], ours_work["new_customers"])
    _expect(got == expected, f"the server holds {got} (sales, sign-ups), not {expected}")
    for side in (ours, raw):
        if kind == "SQLite":
            side.cpu.pop("postgres", None)  # other people's PostgreSQL, not ours
    server_kind = f"bonuspos-server serve --workers {settings.workers}, {kind}"
    return Report(settings, ours, raw, round(seeding, 1), server_kind)


# --- output -----------------------------------------------------------------------------


def describe(s: Settings) -> str:
    return (
        f"{MEASURE}: {s.sales:,} sales + {s.customers:,} sign-ups ({s.events:,} events),"
        f" batches of {s.batch}"
    )


def goal(s: Settings) -> str:
    if s.sales == GOAL_SALES:
        return f"< {GOAL_SECONDS:g} s"
    return f"< {s.goal_seconds:.3g} s (5 s per 10,000 sales)"


def _latency(stats: Stats) -> str:
    return (
        f"median {ms(stats.median)} p95 {ms(stats.p95)} p99 {ms(stats.p99)}"
        f" max {ms(stats.max)} ms (n={stats.n})"
    )


def _side(side: Side) -> list[str]:
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in side.cpu.items())
    lines = [
        f"{side.count:,} events in {side.seconds:.2f} s ({side.rate:,.0f} events/s); CPU s: {cpu}",
        f"        per post (HTTP round trip): {_latency(side.post)}",
    ]
    if side.cycle is not None:
        lines.append(f"        per batch (post + record + next read): {_latency(side.cycle)}")
    return lines


def render_text(report: Report) -> str:
    s = report.settings
    how = "Till.checkout" if s.via_checkout else "domain code and repositories in bulk"
    ours, raw = _side(report.ours), _side(report.raw)
    verdict = "met" if report.met else "MISSED"
    return "\n".join(
        [
            f"Server: {report.server}; till filled in {report.seeding_seconds} s ({how})",
            describe(s),
            f"  ours  push_all: {ours[0]}",
            *ours[1:],
            f"  raw   httpx.Client loop: {raw[0]}",
            *raw[1:],
            f"  ours {report.ours.seconds:.2f} s vs raw {report.raw.seconds:.2f} s:"
            f" ×{report.ratio:.2f} raw's time; goal {goal(s)}: {verdict}",
        ]
    )


def render_markdown(report: Report) -> str:
    mark = "✅" if report.met else "❌"
    ours, raw = report.ours, report.raw
    return "\n".join(
        [
            f"| Measure ({report.server}) | BonusPOS push_all | raw httpx posts, same run "
            "| ratio | goal |",
            "|---|---:|---:|---:|---|",
            f"| {describe(report.settings)} | {ours.seconds:.2f} s ({ours.rate:,.0f} events/s;"
            f" batch median {ms(ours.cycle.median if ours.cycle else ours.post.median)} ms)"
            f" | {raw.seconds:.2f} s ({raw.rate:,.0f} events/s; post median"
            f" {ms(raw.post.median)} ms) | ×{report.ratio:.2f} | {goal(report.settings)} {mark} |",
        ]
    )


def write_json(report: Report, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-sync-{report.settings.sales}-{stamp}.json"
    body = asdict(report)
    body.update(ratio=round(report.ratio, 3), met=report.met)
    body["settings"].update(
        customers=report.settings.customers,
        events=report.settings.events,
        goal_seconds=report.settings.goal_seconds,
    )
    for side in ("ours", "raw"):
        body[side]["rate"] = round(getattr(report, side).rate, 1)
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run: 1,000 sales")
    for name in ("sales", "batch", "sales_per_customer", "workers", "seed"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int)
    parser.add_argument(
        "--via-checkout", action="store_true", help="ring every sale up through Till.checkout"
    )
    parser.add_argument(
        "--pg-url",
        default=None,
        help="serve a fresh database on this PostgreSQL server instead of a SQLite file",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    settings = SMALL if args.small else Settings()
    chosen = {
        k: v for k, v in vars(args).items() if k in Settings.__dataclass_fields__ and v is not None
    }
    settings = replace(settings, **chosen)

    args.results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.results_dir, prefix="sync-") as work:
        report = run(settings, Path(work), args.pg_url)
    report = replace(report, environment=environment())
    print(render_text(report))
    print("")
    print(render_markdown(report))
    print("")
    print(f"Results: {write_json(report, args.results_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
