"""The first-fill benchmark still runs, end to end, on a tiny chain; its report reads right.

Nothing here times anything: benchmarks are never timed tests. The figures come from
`python -m tests.bench.bench_fill`, run by hand on a quiet machine. The end-to-end run
needs PostgreSQL (BONUSPOS_TEST_PG_URL) and skips without it.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from bonuspos.ledger.repositories import POLICY_SETTING
from bonuspos.services.till import DB_NAME
from bonuspos.sync import status
from tests.bench import bench_fill
from tests.bench.bench_fill import MEASURE, Refused, Report, Settings, Side
from tests.bench.timing import Stats
from tests.server.pg import NO_PG, PG_URL

TINY = Settings(customers=300, page=50)


def test_every_side_stores_every_customer_and_the_report_renders(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip(NO_PG)

    # run() itself refuses a till that does not hold what the server does.
    report = bench_fill.run(PG_URL, TINY, tmp_path)

    assert report.ours.customers == report.raw.customers == report.fetch.customers == 300
    # 2,000 products, then 300 customers, 50 a page; a full last page asks once more.
    assert report.ours.pages == report.raw.pages == report.fetch.pages == 2_000 // 50 + 6 + 1
    assert report.held["customers"] == report.held["card_balances"] == 300
    assert report.held["products"] == 2_000
    for side in ("ours", "raw"):
        database = tmp_path / side / DB_NAME
        with closing(sqlite3.connect(database)) as con:
            assert con.execute("SELECT count(*) FROM customers").fetchone() == (300,)
            settings = dict(con.execute("SELECT key, value FROM till_settings"))
        assert settings.keys() >= {status.CURSOR, POLICY_SETTING}
        assert bench_fill.till_holds(database) == report.held
    assert {"client", "server", "postgres"} == report.ours.cpu.keys()
    assert 0 < report.raw.peak_rss_mb < report.ours.peak_rss_mb
    assert list(tmp_path.glob("server-*.log")), "the server's log was not kept"

    text = bench_fill.render_text(report)
    assert f"{MEASURE}: 300 customers, pages of 50" in text
    assert "ours  pull_all (till process): 300 customers in" in text
    assert "fetch httpx.Client only, no writes" in text
    table = bench_fill.render_markdown(report).splitlines()
    assert table[0].startswith("| Measure (bonuspos-server serve --workers 1, PostgreSQL ")
    assert table[2].startswith(f"| {MEASURE}: 300 customers, pages of 50 |")
    saved = json.loads(bench_fill.write_json(report, tmp_path).read_text(encoding="utf-8"))
    assert saved["ours"]["customers"] == saved["raw"]["customers"] == 300
    assert {"median", "p95", "p99"} <= saved["raw"]["page"].keys()
    assert saved["settings"]["goal_seconds"] == 90 * 300 / 1_000_000


def test_the_raw_side_writes_the_settings_the_till_reads() -> None:
    assert (bench_fill.CURSOR_KEY, bench_fill.POLICY_KEY) == (status.CURSOR, POLICY_SETTING)


def test_a_till_that_differs_from_the_server_voids_the_figures() -> None:
    server = {"customers": 300, "balance_total": 12_345}

    bench_fill.verify("ours", dict(server), server)
    with pytest.raises(Refused, match="balance_total"):
        bench_fill.verify("ours", {**server, "balance_total": 12_000}, server)


def test_without_postgresql_the_command_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(bench_fill.PG_ENV, raising=False)

    assert bench_fill.main(["--customers", "10"]) == 2
    assert "--pg-url" in capsys.readouterr().err


def _side(seconds: float, rss_mb: float) -> Side:
    stats = Stats.of([int(seconds / 200 * 1e9)] * 3)
    return Side(1_000_000, 200, seconds, stats, rss_mb, {"client": 1.0, "server": 2.0})


def test_the_goals_are_judged_on_our_time_and_memory_and_the_time_scales() -> None:
    full = Settings()
    met = Report(full, _side(80.0, 250), _side(40.0, 50), _side(20.0, 40), 30.0, "server", {})
    slow = replace(met, ours=_side(95.0, 250))
    heavy = replace(met, ours=_side(80.0, 310))
    half = replace(met, settings=replace(full, customers=500_000))

    assert (met.time_met, met.memory_met, met.ratio, met.memory_ratio) == (True, True, 2.0, 5.0)
    assert (slow.time_met, slow.memory_met) == (False, True)
    assert (heavy.time_met, heavy.memory_met) == (True, False)
    assert not half.time_met  # 45 s is the goal for 500,000 customers
    assert bench_fill.goal(full) == "< 90 s"
    table = bench_fill.render_markdown(met).splitlines()
    assert table[2].endswith("| ×2.00 | < 90 s ✅ |")
    assert table[3] == "| ↳ till memory, peak RSS | 250 MB | 50 MB | ×5.00 | < 300 MB ✅ |"
    assert "| 20.0 s (page median 100.0 ms) | ×4.00 |" in table[4]
    assert "MISSED" in bench_fill.render_text(slow)
    assert "MISSED" in bench_fill.render_text(heavy)
