"""The outbox-drain benchmark still runs, end to end, on a tiny till; its report reads right.

Nothing here times anything: benchmarks are never timed tests. The figures come from
`python -m tests.bench.bench_sync`, run by hand on a quiet machine. The server here is
the real one on a SQLite file, as the benchmark runs it by default.
"""

from __future__ import annotations

import json
import math
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync import status
from tests.bench import bench_sync
from tests.bench.bench_sync import MEASURE, Report, Settings, Side
from tests.bench.test_bench_smoke import ledger_problems
from tests.bench.timing import Stats

TINY = Settings(sales=30, batch=10, sales_per_customer=8)


def test_both_sides_send_every_event_and_the_server_does_the_same_work(tmp_path: Path) -> None:
    # run() itself refuses a side that was not answered "accepted" for every event, and
    # a server that recorded different sales, points or sign-ups for the two tills.
    report = bench_sync.run(TINY, tmp_path)

    assert TINY.events == 30 + 4
    assert report.ours.count == report.raw.count == TINY.events
    batches = math.ceil(TINY.events / TINY.batch)
    assert report.ours.post.n == report.raw.post.n == batches
    assert report.ours.cycle is not None
    assert report.ours.cycle.n == batches
    assert report.raw.cycle is None
    assert {"bench", "server"} <= report.ours.cpu.keys()
    with Till(tmp_path / "till") as till:
        drained = status.read(till.db)
    assert (drained.waiting, drained.dead_letters) == (0, 0)
    assert ledger_problems(tmp_path / "till" / DB_NAME) == []
    assert list(tmp_path.glob("server-*.log")), "the server's log was not kept"


def test_writing_in_bulk_leaves_the_rows_and_events_the_checkout_does(tmp_path: Path) -> None:
    bench_sync.fill_till(tmp_path / "bulk", TINY)
    bench_sync.fill_till(tmp_path / "checkout", replace(TINY, via_checkout=True))

    bulk, checkout = _contents(tmp_path / "bulk"), _contents(tmp_path / "checkout")

    assert bulk == checkout
    assert len(bulk["outbox"]) == TINY.events
    assert ledger_problems(tmp_path / "bulk" / DB_NAME) == []


def _contents(data_dir: Path) -> dict[str, Any]:
    """Every row and event payload, minus what is new each time: ids, uids, times, hashes."""
    fresh = {"sale_id", "customer_uid", "occurred_at", "consented_at", "ledger_hashes"}
    outbox = [
        (e["seq"], e["type"], {k: v for k, v in e["payload"].items() if k not in fresh})
        for e in bench_sync.outbox_events(data_dir)
    ]
    with closing(sqlite3.connect(data_dir / DB_NAME)) as con:
        tables = {
            "sales": "SELECT number, customer_id, policy_version, total, eligible, spent, earned,"
            " channel, order_ref, offline FROM sales ORDER BY number",
            "lines": "SELECT s.number, l.line_no, l.sku, l.name, l.unit_price, l.quantity,"
            " l.discount, l.points_per_unit, l.promotional, l.exclusion, l.earned, l.share,"
            " l.returned FROM sale_lines AS l JOIN sales AS s ON s.id = l.sale_id"
            " ORDER BY s.number, l.line_no",
            "tenders": "SELECT s.number, t.n, t.kind, t.amount FROM sale_tenders AS t"
            " JOIN sales AS s ON s.id = t.sale_id ORDER BY s.number, t.n",
            "ledger": "SELECT customer_id, kind, points FROM ledger_entries ORDER BY id",
            "balances": "SELECT customer_id, total FROM card_balances ORDER BY customer_id",
            "pending": "SELECT customer_id, points FROM pending_points ORDER BY customer_id",
            "customers": "SELECT id, phone, full_name, name_key FROM customers ORDER BY id",
        }
        rows = {name: con.execute(sql).fetchall() for name, sql in tables.items()}
    return {"outbox": outbox, **rows}


def test_the_command_prints_a_readme_row_and_saves_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--sales", "30", "--batch", "10", "--sales-per-customer", "8"]

    assert bench_sync.main([*argv, "--results-dir", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "| Measure (bonuspos-server serve --workers 1, SQLite) |" in out
    assert f"| {MEASURE}: 30 sales + 4 sign-ups (34 events), batches of 10 |" in out
    assert "ours  push_all: 34 events in" in out
    assert "raw   httpx.Client loop: 34 events in" in out
    (saved,) = tmp_path.glob("bench-sync-30-*.json")
    figures = json.loads(saved.read_text(encoding="utf-8"))
    assert figures["ours"]["count"] == figures["raw"]["count"] == 34
    assert {"median", "p95", "p99"} <= figures["ours"]["post"].keys()
    assert figures["settings"]["events"] == 34
    assert not list(tmp_path.glob("sync-*")), "the benchmark's working folder was left behind"


def _side(seconds: float, latency_ms: float, cycle: bool = True) -> Side:
    stats = Stats.of([int(latency_ms * 1e6)] * 3)
    return Side(10_500, seconds, stats, stats if cycle else None, {"bench": 1.0, "server": 2.0})


def test_the_goal_is_judged_on_our_total_time_and_scales_with_the_sales() -> None:
    full = Settings()
    met = Report(full, _side(4.0, 150), _side(2.0, 80, cycle=False), 30.0, "server")
    missed = replace(met, ours=_side(6.0, 250))
    half = replace(met, settings=replace(full, sales=5_000), ours=_side(3.0, 150))

    assert (met.met, met.ratio) == (True, 2.0)
    assert not missed.met
    assert not half.met  # 2.5 s is the goal for 5,000 sales
    assert bench_sync.goal(full) == "< 5 s"
    row = bench_sync.render_markdown(met).splitlines()[-1]
    assert row.startswith(f"| {MEASURE}: 10,000 sales + 500 sign-ups (10,500 events)")
    assert "| 4.00 s (2,625 events/s; batch median 150.0 ms) |" in row
    assert row.endswith("| ×2.00 | < 5 s ✅ |")
    assert "MISSED" in bench_sync.render_text(missed)
