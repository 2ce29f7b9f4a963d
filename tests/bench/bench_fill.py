"""A till's first fill of every customer from the real server, beside a plain loop of the same.

    python -m tests.bench.bench_fill [--customers 1000000] [--page 5000] [--small] [--pg-url URL]

The goal: a first fill of 1,000,000 customers in under 90 s, the till under 300 MB.
The PostgreSQL server is `--pg-url`, or $BONUSPOS_TEST_PG_URL.

1. Makes a fresh database on that PostgreSQL server (dropped afterwards), migrates it and
   seeds N customers with COPY (`bench_server.seed`: balances, 20% with pending points,
   10% with a plastic card, 1% with an alias, 2,000 products), registers the tills and
   starts the real server as its own process (`bonuspos-server serve`, see
   tests/server/live.py). One page is fetched by a warm-up till before anything is timed.
2. Ours: the till's own code in a process of its own, so that its memory is its own: it
   opens a fresh data folder with `Till` (migrations included, untimed) and runs
   `pull_all(db, ServerClient, now, page_size=…)`, the pull of `sync_round` (the outbox
   is empty, so the round's push has nothing to do), which fetches the next page in a
   thread while it writes this one. Timed from the first request to the last page
   stored; a page's time is the gap between two calls of its progress callback.
3. Raw: a plain loop in a process of its own: one `httpx.Client` GETs `/v1/changes` pages
   of the same size, `response.json()` parses each, and sqlite3 `executemany` writes it
   into a till database made by the till's own migrations (made beforehand, in this
   process): the same tables and columns the Cache writes (customers with their name
   key, name tokens, card balances, pending points, plastic cards; products, barcodes),
   the same pragmas as the till (WAL, synchronous=FULL, foreign keys), one transaction
   per page with the cursor row; no lookups (the till is known to be empty), no thread.
   A page's time is its request, parse and write. Fetch only: the same loop without the
   writes, the server's floor.
4. After each side the till database must hold what the server does: as many customers
   and card balances, the same sum of balances, as many pending-points rows (and points),
   plastic cards and products, and both till sides as many name tokens; else the figures
   are refused (exit 1).

Peak RSS is each child's VmHWM (/proc/self/status), read just before it exits. Not the
`ru_maxrss` that `os.wait4` gives: on Linux exec keeps the high-water mark of the memory
it replaces, and `subprocess` spawns by vfork, so a child of this process (which holds a
million seeded customers) would report this process's peak (measured: a child with a
10 MB VmHWM had a 523 MB ru_maxrss). CPU seconds: the child's (from `os.wait4`, its
whole life), the server's and PostgreSQL's over the same time (Linux). A CHECKPOINT
precedes each side, so none pays for the seed's or another side's dirty pages.

The server, PostgreSQL and most of the till are imported inside the functions that use
them, not at the top: each child imports this module too, and a side's peak RSS must
count its own code only. MB here is 10^6 bytes.

Prints the three sides, the ratios and the goals (90 s per 1,000,000 customers; under
300 MB whatever N), a markdown table for the README, and writes JSON to bench-results/.
A benchmark, not a test: tests/bench/test_bench_fill_smoke.py only proves it still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import closing, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter_ns
from typing import TYPE_CHECKING, Any

import httpx

from bonuspos.domain.customer import RULES_VERSION, name_tokens, name_words, normalise_name
from bonuspos.ledger import custody
from tests.bench.timing import Stats, ms

if TYPE_CHECKING:
    from bonuspos_server.data.db import ServerDatabase
    from tests.bench.bench_server import CpuMeter

MODULE = "tests.bench.bench_fill"
PG_ENV = "BONUSPOS_TEST_PG_URL"
STORE = "S1"
OURS, RAW, FETCH, WARM = "FILL-OURS", "FILL-RAW", "FILL-FETCH", "FILL-WARM"
GOAL_CUSTOMERS, GOAL_SECONDS, GOAL_MB = 1_000_000, 90.0, 300.0
# The till's setting keys (bonuspos.sync.status.CURSOR, bonuspos.ledger.repositories
# .POLICY_SETTING), written here without importing the till; the smoke test checks them.
CURSOR_KEY, POLICY_KEY = "sync.cursor", "policy"
MEASURE = "First fill of a fresh till"
CHILDREN = ("ours", "raw", "fetch")


@dataclass(frozen=True, slots=True)
class Settings:
    customers: int = 1_000_000
    page: int = 5_000  # pull.PAGE, the server's largest page
    workers: int = 1
    seed: int = 7

    @property
    def goal_seconds(self) -> float:
        """90 s for 1,000,000 customers; the same rate at other sizes."""
        return GOAL_SECONDS * self.customers / GOAL_CUSTOMERS


SMALL = Settings(customers=20_000, page=1_000)


# --- the sides, each in its own process ---------------------------------------------------


def fill_ours(data_dir: Path, server: str, token: str, page: int) -> dict[str, Any]:
    """The till's own pull into a fresh data folder."""
    from bonuspos.services.till import Till
    from bonuspos.sync.client import ServerClient
    from bonuspos.sync.config import SyncConfig
    from bonuspos.sync.pull import Pulled, pull_all

    stored: list[int] = []

    def progress(_: Pulled) -> None:
        stored.append(perf_counter_ns())

    config = SyncConfig(server, STORE, OURS, token)
    with Till(data_dir) as till, ServerClient(config) as client:
        started = perf_counter_ns()
        pulled = pull_all(till.db, client, till.clock.now, page_size=page, progress=progress)
    pages = [b - a for a, b in zip([started, *stored[:-1]], stored, strict=True)]
    return {
        "customers": pulled.customers,
        "products": pulled.products,
        "seconds": (stored[-1] - started) / 1e9,
        "page_ns": pages,
    }


def fill_raw(server: str, token: str, page: int, database: Path | None) -> dict[str, Any]:
    """GET every page with one httpx.Client; write each with sqlite3 unless `database` is None."""
    con = _open_raw(database) if database is not None else None
    at = datetime.now(UTC).isoformat(timespec="microseconds")  # as UtcDateTime stores it
    customers = products = 0
    pages: list[int] = []
    cursor: str | None = None
    with httpx.Client(
        base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60.0
    ) as client:
        started = perf_counter_ns()
        while True:
            began = perf_counter_ns()
            params: dict[str, Any] = {"limit": page, **({"cursor": cursor} if cursor else {})}
            response = client.get("/v1/changes", params=params)
            response.raise_for_status()
            body = response.json()
            if con is not None:
                _write_page(con, body, at, first_id=customers + 1)
            pages.append(perf_counter_ns() - began)
            customers += len(body["customers"])
            products += len(body["products"])
            cursor = body["cursor"]
            if not body["has_more"]:
                break
        seconds = (perf_counter_ns() - started) / 1e9
    if con is not None:
        con.close()
    return {"customers": customers, "products": products, "seconds": seconds, "page_ns": pages}


def _open_raw(database: Path) -> sqlite3.Connection:
    con = sqlite3.connect(database, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")  # the till's own (bonuspos.ledger.db)
    return con


_RAW_SQL = {
    "products": (
        "INSERT INTO products (sku, name, price, points, promotional) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price,"
        " points = excluded.points, promotional = excluded.promotional"
    ),
    "barcodes": (
        "INSERT INTO barcodes (code, sku) VALUES (?, ?)"
        " ON CONFLICT (code) DO UPDATE SET sku = excluded.sku"
    ),
    "customers": (
        "INSERT INTO customers (id, uid, phone, phone_sealed, full_name, name_key, email,"
        " birth_date, rules_version, registered_at) VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?)"
    ),
    "tokens": "INSERT INTO customer_name_tokens (token, customer_id, words) VALUES (?, ?, ?)",
    "balances": "INSERT INTO card_balances (customer_id, total) VALUES (?, ?)",
    "pending": "INSERT INTO pending_points (customer_id, active_from, points) VALUES (?, ?, ?)",
    "plastic": "INSERT INTO plastic_cards (number, customer_id) VALUES (?, ?)",
    "setting": "INSERT OR REPLACE INTO till_settings (key, value) VALUES (?, ?)",
}


def _write_page(con: sqlite3.Connection, body: dict[str, Any], at: str, first_id: int) -> None:
    """One page and the cursor after it, in one transaction; ids follow on from the last."""
    q = _RAW_SQL
    cards = list(enumerate(body["customers"], first_id))
    # The feed's phones are hashed and sealed on arrival, as the till does (custody.py).
    keys = custody.current()
    con.execute("BEGIN IMMEDIATE")
    try:
        products = body["products"]
        con.executemany(
            q["products"],
            [(p["sku"], p["name"], p["price"], p["points"], p["promotional"]) for p in products],
        )
        con.executemany(q["barcodes"], [(c, p["sku"]) for p in products for c in p["barcodes"]])
        con.executemany(
            q["customers"],
            [
                (
                    n,
                    c["uid"],
                    keys.phone_key(c["phone"]),
                    keys.seal(c["phone"]),
                    c["full_name"],
                    normalise_name(c["full_name"]),
                    RULES_VERSION,
                    at,
                )
                for n, c in cards
            ],
        )
        tokens: list[tuple[str, int, str]] = []
        for n, c in cards:
            words = name_words(c["full_name"])
            tokens.extend((token, n, words) for token in name_tokens(c["full_name"]))
        con.executemany(q["tokens"], tokens)
        con.executemany(q["balances"], [(n, c["total"]) for n, c in cards])
        con.executemany(q["pending"], [(n, d, p) for n, c in cards for d, p in c["pending"]])
        con.executemany(q["plastic"], [(num, n) for n, c in cards for num in c["plastic_cards"]])
        if body.get("policy"):
            con.execute(q["setting"], (POLICY_KEY, json.dumps(body["policy"])))
        con.execute(q["setting"], (CURSOR_KEY, body["cursor"]))
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def peak_rss_kb() -> int:
    """This process's peak resident set, in KiB: VmHWM on Linux, else ru_maxrss."""
    with suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(args: argparse.Namespace) -> int:
    """A side's own process: fills (or only fetches), then prints its figures as one line."""
    if args.child == "ours":
        figures = fill_ours(args.data_dir, args.server, args.token, args.page)
    else:
        database = args.database if args.child == "raw" else None
        figures = fill_raw(args.server, args.token, args.page, database)
    figures["peak_rss_kb"] = peak_rss_kb()
    print(json.dumps(figures))
    return 0


# --- measurements -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    """One side's fill: customers received, how long, per-page times, memory, whose CPU."""

    customers: int
    pages: int
    seconds: float
    page: Stats  # ms per page
    peak_rss_mb: float
    cpu: dict[str, float]  # the side's process ("client"), the server, PostgreSQL

    @property
    def rate(self) -> float:
        return self.customers / self.seconds


@dataclass(frozen=True, slots=True)
class Report:
    settings: Settings
    ours: Side
    raw: Side
    fetch: Side
    seeding_seconds: float
    server: str
    held: dict[str, int]  # what the server holds, which both tills were found to hold too
    environment: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How many times the baseline's time ours takes."""
        return self.ours.seconds / self.raw.seconds

    @property
    def memory_ratio(self) -> float:
        return self.ours.peak_rss_mb / self.raw.peak_rss_mb

    @property
    def fetch_ratio(self) -> float:
        return self.ours.seconds / self.fetch.seconds

    @property
    def time_met(self) -> bool:
        return self.ours.seconds < self.settings.goal_seconds

    @property
    def memory_met(self) -> bool:
        return self.ours.peak_rss_mb < GOAL_MB


class Refused(RuntimeError):
    """A side did not store what the server holds, or failed: the figures would be void."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Refused(message)


def spawn(side: str, args: Sequence[str], log: Path) -> tuple[dict[str, Any], float]:
    """Run one side's process to its end: its printed figures and CPU seconds (os.wait4)."""
    from tests.server.live import ROOT

    command = [sys.executable, "-m", MODULE, "--child", side, *args]
    with log.open("wb") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err
        )
    try:
        assert process.stdout is not None
        out = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise Refused(f"the {side} side exited with {process.returncode}:\n{tail}")
    return json.loads(out.decode().splitlines()[-1]), usage.ru_utime + usage.ru_stime


def measure(side: str, args: Sequence[str], meter: CpuMeter, log: Path) -> Side:
    cpu: dict[str, float] = {}
    with meter.measure(cpu):
        figures, client_cpu = spawn(side, args, log)
    return Side(
        customers=figures["customers"],
        pages=len(figures["page_ns"]),
        seconds=round(figures["seconds"], 3),
        page=Stats.of(figures["page_ns"]),
        peak_rss_mb=round(figures["peak_rss_kb"] * 1024 / 1e6, 1),
        cpu={"client": round(client_cpu, 2), "server": cpu["server"], "postgres": cpu["postgres"]},
    )


# What a till holds after a fill, and what the server holds that it must match.
_HELD = {
    "customers": ("SELECT count(*) FROM customers", "SELECT count(*) FROM customers"),
    "card_balances": ("SELECT count(*) FROM card_balances", "SELECT count(*) FROM customers"),
    "balance_total": (
        "SELECT coalesce(sum(total), 0) FROM card_balances",
        "SELECT coalesce(sum(total), 0) FROM customers",
    ),
    # The feed sends the points still pending after the store's day, as the seed makes them.
    "pending_rows": (
        "SELECT count(*) FROM pending_points",
        "SELECT count(*) FROM pending_points WHERE active_from > :today",
    ),
    "pending_points": (
        "SELECT coalesce(sum(points), 0) FROM pending_points",
        "SELECT coalesce(sum(points), 0) FROM pending_points WHERE active_from > :today",
    ),
    "plastic_cards": ("SELECT count(*) FROM plastic_cards", "SELECT count(*) FROM plastic_cards"),
    "products": ("SELECT count(*) FROM products", "SELECT count(*) FROM products"),
}
NAME_TOKENS = "SELECT count(*) FROM customer_name_tokens"


def server_holds(db: ServerDatabase) -> dict[str, int]:
    from sqlalchemy import text

    from bonuspos.domain.policy import DEFAULT_POLICY

    today = DEFAULT_POLICY.store_day(datetime.now(UTC))
    with db.engine.connect() as conn:
        return {
            name: int(conn.execute(text(sql), {"today": today}).scalar_one())
            for name, (_, sql) in _HELD.items()
        }


def till_holds(database: Path) -> dict[str, int]:
    with closing(sqlite3.connect(database)) as con:
        held = {name: int(con.execute(sql).fetchone()[0]) for name, (sql, _) in _HELD.items()}
        held["name_tokens"] = int(con.execute(NAME_TOKENS).fetchone()[0])
    return held


def verify(side: str, till: dict[str, int], server: dict[str, int]) -> None:
    wrong = {
        name: (till.get(name), held) for name, held in server.items() if till.get(name) != held
    }
    _expect(
        not wrong,
        f"{side}: the till does not hold what the server does (till, server): {wrong}",
    )


def checkpoint(db: ServerDatabase) -> None:
    """A CHECKPOINT, skipped where the user may not force one."""
    import psycopg
    from sqlalchemy import exc, text

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:
            conn.execute(text("CHECKPOINT"))
        except exc.ProgrammingError as failed:
            if not isinstance(failed.orig, psycopg.errors.InsufficientPrivilege):
                raise


def run(pg_url: str, settings: Settings, work_dir: Path) -> Report:
    """Seed, serve, and fill each side in turn; `work_dir` keeps the tills and the logs."""
    from bonuspos_server.data.db import open_server_database
    from tests.bench.bench_server import conninfo_of, fresh_database

    with fresh_database(pg_url) as url:
        db = open_server_database(url)
        try:
            return _run(db, url, conninfo_of(url), settings, work_dir)
        finally:
            db.dispose()


def _run(db: ServerDatabase, url: str, conninfo: str, s: Settings, work_dir: Path) -> Report:
    from sqlalchemy import text

    from bonuspos.services.till import DB_NAME, Till
    from tests.bench.bench_server import CpuMeter, seed
    from tests.server.live import add_tills, live_server

    seeded = seed(conninfo, s.customers, random.Random(s.seed))
    tokens = add_tills(db, STORE, [OURS, RAW, FETCH, WARM])
    held = server_holds(db)
    _expect(held["customers"] == s.customers, f"the server holds {held['customers']} customers")
    with db.engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
    ours_dir, raw_dir = work_dir / "ours", work_dir / "raw"
    with Till(raw_dir):  # the till's own schema, for the raw side to write into
        pass
    page = ["--page", str(s.page)]
    with live_server(url, work_dir, workers=s.workers) as server:
        warm = httpx.get(
            f"{server.base_url}/v1/changes?limit={s.page}",
            headers={"Authorization": f"Bearer {tokens[WARM]}"},
            timeout=60.0,
        )
        warm.raise_for_status()
        meter = CpuMeter(server.process.pid)
        sides: dict[str, Side] = {}
        for side, till, where in (
            ("ours", OURS, ["--data-dir", str(ours_dir)]),
            ("raw", RAW, ["--database", str(raw_dir / DB_NAME)]),
            ("fetch", FETCH, []),
        ):
            checkpoint(db)
            common = ["--server", server.base_url, "--token", tokens[till], *page]
            sides[side] = measure(side, [*common, *where], meter, work_dir / f"{side}.log")
    for name, received in sides.items():
        _expect(
            received.customers == s.customers, f"{name} received {received.customers} customers"
        )
    ours_held, raw_held = till_holds(ours_dir / DB_NAME), till_holds(raw_dir / DB_NAME)
    verify("ours", ours_held, held)
    verify("raw", raw_held, held)
    tokens_held = (ours_held["name_tokens"], raw_held["name_tokens"])
    _expect(tokens_held[0] == tokens_held[1], f"name tokens (ours, raw): {tokens_held}")
    return Report(
        s,
        sides["ours"],
        sides["raw"],
        sides["fetch"],
        round(seeded.seconds, 1),
        f"bonuspos-server serve --workers {s.workers}, PostgreSQL {version.split()[0]}",
        {**held, "name_tokens": tokens_held[0]},
    )


# --- output -------------------------------------------------------------------------------


def describe(s: Settings) -> str:
    return f"{MEASURE}: {s.customers:,} customers, pages of {s.page:,}"


def goal(s: Settings) -> str:
    if s.customers == GOAL_CUSTOMERS:
        return f"< {GOAL_SECONDS:g} s"
    return f"< {s.goal_seconds:.3g} s (90 s per 1,000,000)"


def _side(side: Side) -> str:
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in side.cpu.items())
    return (
        f"{side.customers:,} customers in {side.seconds:.2f} s ({side.rate:,.0f}/s),"
        f" {side.pages} pages; per page median {ms(side.page.median)} p95 {ms(side.page.p95)}"
        f" max {ms(side.page.max)} ms; peak RSS {side.peak_rss_mb:.1f} MB; CPU s: {cpu}"
    )


def render_text(report: Report) -> str:
    ours, raw, fetch = report.ours, report.raw, report.fetch
    time_verdict = "met" if report.time_met else "MISSED"
    memory_verdict = "met" if report.memory_met else "MISSED"
    return "\n".join(
        [
            f"Server: {report.server}; customers seeded in {report.seeding_seconds} s",
            describe(report.settings),
            f"  ours  pull_all (till process): {_side(ours)}",
            f"  raw   httpx.Client + sqlite3 executemany: {_side(raw)}",
            f"  fetch httpx.Client only, no writes (the server's floor): {_side(fetch)}",
            f"  time: ours {ours.seconds:.2f} s vs raw {raw.seconds:.2f} s: ×{report.ratio:.2f}"
            f" raw's time (×{report.fetch_ratio:.2f} fetch-only's);"
            f" goal {goal(report.settings)}: {time_verdict}",
            f"  till memory: ours {ours.peak_rss_mb:.1f} MB vs raw {raw.peak_rss_mb:.1f} MB:"
            f" ×{report.memory_ratio:.2f}; goal < {GOAL_MB:g} MB: {memory_verdict}",
        ]
    )


def render_markdown(report: Report) -> str:
    ours, raw, fetch = report.ours, report.raw, report.fetch
    time_mark = "✅" if report.time_met else "❌"
    memory_mark = "✅" if report.memory_met else "❌"
    return "\n".join(
        [
            f"| Measure ({report.server}) | BonusPOS pull_all | raw httpx + sqlite3, same run "
            "| ratio | goal |",
            "|---|---:|---:|---:|---|",
            f"| {describe(report.settings)} | {ours.seconds:.1f} s (page median"
            f" {ms(ours.page.median)}, p95 {ms(ours.page.p95)} ms) | {raw.seconds:.1f} s"
            f" (page median {ms(raw.page.median)}, p95 {ms(raw.page.p95)} ms)"
            f" | ×{report.ratio:.2f} | {goal(report.settings)} {time_mark} |",
            f"| ↳ till memory, peak RSS | {ours.peak_rss_mb:.0f} MB | {raw.peak_rss_mb:.0f} MB"
            f" | ×{report.memory_ratio:.2f} | < {GOAL_MB:g} MB {memory_mark} |",
            f"| ↳ for comparison: fetch only, httpx, no writes | | {fetch.seconds:.1f} s"
            f" (page median {ms(fetch.page.median)} ms) | ×{report.fetch_ratio:.2f} | |",
        ]
    )


def write_json(report: Report, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-fill-{report.settings.customers}-{stamp}.json"
    body = asdict(report)
    body.update(
        ratio=round(report.ratio, 3),
        memory_ratio=round(report.memory_ratio, 3),
        fetch_ratio=round(report.fetch_ratio, 3),
        time_met=report.time_met,
        memory_met=report.memory_met,
    )
    body["settings"].update(goal_seconds=report.settings.goal_seconds, goal_mb=GOAL_MB)
    for side in ("ours", "raw", "fetch"):
        body[side]["rate"] = round(getattr(report, side).rate, 1)
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run: 20,000 customers")
    for name in ("customers", "page", "workers", "seed"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument(
        "--pg-url", default=os.environ.get(PG_ENV), help=f"the PostgreSQL server (${PG_ENV})"
    )
    parser.add_argument("--results-dir", type=Path, help="where the JSON goes (bench-results/)")
    # One side's own process (see spawn), not for people.
    parser.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    for name in ("server", "token"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    for name in ("data-dir", "database"):
        parser.add_argument(f"--{name}", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    if not args.pg_url:
        print(
            f"bench_fill needs a PostgreSQL server: pass --pg-url URL or set {PG_ENV}"
            " (e.g. postgresql://postgres@127.0.0.1:5432/test)",
            file=sys.stderr,
        )
        return 2
    from tests.bench.bench_lookup import environment
    from tests.bench.seed import RESULTS_DIR

    settings = SMALL if args.small else Settings()
    chosen = {
        k: v for k, v in vars(args).items() if k in Settings.__dataclass_fields__ and v is not None
    }
    settings = replace(settings, **chosen)
    results_dir: Path = args.results_dir or RESULTS_DIR
    results_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=results_dir, prefix="fill-") as work:
            report = run(args.pg_url, settings, Path(work))
    except Refused as refused:
        print(f"bench_fill: the figures are void: {refused}", file=sys.stderr)
        return 1
    report = replace(report, environment=environment())
    print(render_text(report))
    print("")
    print(render_markdown(report))
    print("")
    print(f"Results: {write_json(report, results_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
