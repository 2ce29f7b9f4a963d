"""The till's side of a day's report, beside raw sqlite3 summing the same rows.

    python -m tests.bench.bench_day [--sales 2000] [--iterations 300] [--warmup 30]

Rings up N sales on one store day (and as many the day before, so the day is found, not
the whole table summed), with a return every 20th sale, on a fresh till. Then times,
interleaved: the ledger's `Day.figures` (totals, the day's outbox events, sales by hour)
plus `compare` against the server's figures, as closing the day does; and a plain sqlite3
connection running the same sums. Prints median, p95 and p99 of both and their ratio.
A benchmark, not a test: tests/bench/test_bench_day_smoke.py only proves it still runs.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path

from bonuspos import paths
from bonuspos.domain.day import compare, day_bounds
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from tests.bench.timing import Budget, Comparison, interleaved, render_markdown, render_text
from tests.support import RELEASED_LONG_AGO, give_back, minsk, sell

OPERATION = "Till's side of a day's report"
# A manager waits on the screen while the day closes; the till's share must not show.
BUDGET = Budget("p95", 50.0)
DAY = date(2026, 11, 25)
BASKETS = ({"TV-55Q": 1}, {"HP-BT": 2}, {"CB-USBC": 3, "HP-BT": 1}, {"PH-A15": 1})


@dataclass(frozen=True, slots=True)
class Settings:
    sales: int = 2_000
    iterations: int = 300
    warmup: int = 30


def seed(folder: Path, sales: int) -> Path:
    """A till with `sales` sales on DAY and as many the day before; its database file."""
    clock = ManualClock(minsk(2026, 11, 24, 8, 0))
    with Till(folder, clock, released=RELEASED_LONG_AGO) as till:
        till.catalog.load_csv(paths.demo_catalog())
        for day in (DAY - timedelta(days=1), DAY):
            start = minsk(day.year, day.month, day.day, 8, 0)
            step = timedelta(hours=14) / sales  # a shop's opening hours
            for n in range(sales):
                clock.set(start + step * n)
                receipt = sell(till, BASKETS[n % len(BASKETS)])
                if n % 20 == 19:
                    give_back(till, receipt.sale_id, {1: 1})
    return folder / DB_NAME


def raw_day(db: sqlite3.Connection, day: date, zone: str) -> RawDay:
    """The same figures, by hand: what the repository's SQL should cost at most."""
    # The ledger's own text for an instant: UTC, microseconds, so it compares as text.
    start_utc, end_utc = (
        t.astimezone(UTC).isoformat(timespec="microseconds") for t in day_bounds(day, zone)
    )
    iso = day.isoformat()
    sales = db.execute(
        "SELECT count(*), coalesce(sum(spent), 0), coalesce(sum(earned), 0),"
        " coalesce(sum(offline), 0) FROM sales WHERE origin = '' AND store_day = ?",
        (iso,),
    ).fetchone()
    tenders = db.execute(
        "SELECT t.kind, sum(t.amount) FROM sale_tenders t JOIN sales s ON s.id = t.sale_id"
        " WHERE s.origin = '' AND s.store_day = ? GROUP BY t.kind",
        (iso,),
    ).fetchall()
    returns = db.execute(
        "SELECT count(*), coalesce(sum(money_back), 0), coalesce(sum(given_back), 0),"
        " coalesce(sum(taken_back), 0) FROM returns WHERE occurred_at >= ? AND occurred_at < ?",
        (start_utc, end_utc),
    ).fetchone()
    corrections = db.execute(
        "SELECT id, points, reason FROM corrections WHERE store_day = ? ORDER BY occurred_at, id",
        (iso,),
    ).fetchall()
    events = db.execute(
        "SELECT event_id, type, outcome, acked_at FROM outbox"
        " WHERE occurred_at >= ? AND occurred_at < ? ORDER BY seq",
        (start_utc, end_utc),
    ).fetchall()
    hours = db.execute(
        "SELECT substr(occurred_at, 1, 13), sum(total), sum(earned) FROM sales"
        " WHERE origin = '' AND store_day = ? GROUP BY 1",
        (iso,),
    ).fetchall()
    return RawDay(sales, tenders, returns, corrections, events, hours)


@dataclass(frozen=True, slots=True)
class RawDay:
    sales: tuple[int, int, int, int]
    tenders: list[tuple[str, int]]
    returns: tuple[int, int, int, int]
    corrections: list[tuple[str, int, str]]
    events: list[tuple[str, str, str | None, str | None]]
    hours: list[tuple[str, int, int]]


@dataclass(frozen=True, slots=True)
class Report:
    sales: int
    comparison: Comparison
    events: int


def run(work_dir: Path, settings: Settings) -> Report:
    db_file = seed(work_dir / "till", settings.sales)
    zone = DEFAULT_POLICY.timezone
    with (
        Till(work_dir / "till", ManualClock(minsk(2026, 11, 25, 22, 0))) as till,
        closing(sqlite3.connect(db_file)) as raw,
    ):
        with UnitOfWork(till.db.reading) as uow:
            server = uow.day.figures(DAY, zone).totals  # the server's figures, agreeing
        ours_figures = None

        def ours(_: int) -> Callable[[], object]:
            def call() -> object:
                nonlocal ours_figures
                with UnitOfWork(till.db.reading) as uow:
                    ours_figures = uow.day.figures(DAY, zone)
                return compare(ours_figures.totals, server)

            return call

        def by_hand(_: int) -> Callable[[], object]:
            return lambda: raw_day(raw, DAY, zone)

        ours_stats, raw_stats = interleaved(ours, by_hand, settings.iterations, settings.warmup)
        figures = raw_day(raw, DAY, zone)
        assert ours_figures is not None
        _expect(ours_figures.totals.receipts == settings.sales, "ours counted other days")
        _expect(figures.sales[0] == settings.sales, "raw counted other days")
        _expect(len(ours_figures.events) == len(figures.events), "the two sides' events differ")
        _expect(ours_figures.totals.returns == figures.returns[0], "the two sides' returns differ")
    return Report(
        settings.sales,
        Comparison(OPERATION, ours_stats, raw_stats, BUDGET),
        len(ours_figures.events),
    )


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"bench_day: {message}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    defaults = Settings()
    parser.add_argument("--sales", type=int, default=defaults.sales)
    parser.add_argument("--iterations", type=int, default=defaults.iterations)
    parser.add_argument("--warmup", type=int, default=defaults.warmup)
    args = parser.parse_args(argv)
    settings = Settings(args.sales, args.iterations, args.warmup)
    with tempfile.TemporaryDirectory(prefix="bench-day-") as folder:
        report = run(Path(folder), settings)
    print(
        f"{report.sales:,} sales on the day, as many the day before,"
        f" {report.events:,} outbox events on the day"
    )
    print(render_text([report.comparison]))
    print()
    print(render_markdown([report.comparison], report.sales).replace("customers", "sales"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
