"""The server benchmark still runs, end to end, on a tiny chain; and its report reads right.

Nothing here times anything: benchmarks are never timed tests. The figures come from
`python -m tests.bench.bench_server`, run by hand on a quiet machine. The end-to-end run
needs PostgreSQL (BONUSPOS_TEST_PG_URL) and skips without it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.bench import bench_server
from tests.bench.bench_server import FEED, HOLDS, INGEST, PACED, SMALL, Report, Row, Run
from tests.bench.timing import Stats
from tests.server.conftest import NO_PG, PG_URL

TINY = replace(SMALL, customers=500, tills=2, batches=2, batch_size=5, clients=3, holds=3)


def test_the_benchmark_measures_every_side_on_a_tiny_chain(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip(NO_PG)

    report = bench_server.run(PG_URL, TINY, tmp_path)

    feed, ingest, holds, paced = report.rows
    assert [row.operation for row in report.rows] == [FEED, INGEST, HOLDS, PACED]
    assert feed.ours.count == feed.raw.count == TINY.customers
    events = TINY.tills * TINY.batches * TINY.batch_size
    assert ingest.ours.count == ingest.raw.count == events
    assert [run.count for run in ingest.extra.values()] == [events]
    assert holds.ours.count == holds.raw.count == TINY.clients * TINY.holds
    assert [run.count for run in holds.extra.values()] == [TINY.clients * TINY.holds]
    assert paced.ours.count == paced.raw.count == TINY.clients * TINY.paced_holds
    assert set(holds.ours.cpu) == {"bench", "server", "postgres"}
    assert list(tmp_path.glob("server-*.log")), "the server's log was not kept"


def test_the_command_prints_a_readme_table_and_saves_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not PG_URL:
        pytest.skip(NO_PG)
    argv = ["--small", "--customers", "400", "--clients", "2", "--holds", "2", "--tills", "2"]

    assert bench_server.main([*argv, "--pg-url", PG_URL, "--results-dir", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "| Measure (bonuspos-server serve --workers 1) |" in out
    assert "| Paging every customer out of /v1/changes: 400 customers, pages of 1,000 |" in out
    (saved,) = tmp_path.glob("bench-server-400-*.json")
    figures = json.loads(saved.read_text(encoding="utf-8"))
    assert [row["operation"] for row in figures["rows"]] == [FEED, INGEST, HOLDS, PACED]
    assert {"median", "p95", "p99"} <= figures["rows"][2]["ours"]["latency"].keys()
    assert not list(tmp_path.glob("server-*")), "the server's working folder was left behind"


def _run(count: int, seconds: float, latency_ms: float) -> Run:
    stats = Stats.of([int(latency_ms * 1e6)] * 3)
    return Run(count, seconds, stats, {"bench": 0.1, "server": 1.0, "postgres": 0.5})


def test_each_goal_is_judged_on_its_own_figure() -> None:
    ingest = Row(INGEST, "/s", _run(4_000, 2.0, 50), _run(8_000, 2.0, 20), "≥ 2,000 events/s")
    holds = Row(HOLDS, "ms", _run(100, 1.0, 30), _run(100, 1.0, 10), "p99 < 25 ms")
    feed = Row(FEED, "s", _run(1_000_000, 59.0, 200), _run(1_000_000, 20.0, 80), "< 60 s")

    assert (ingest.met, ingest.ratio) == (True, 2.0)
    assert (holds.met, holds.ratio) == (False, 3.0)
    assert (feed.met, round(feed.ratio, 2)) == (True, 2.95)


def test_the_readme_table_has_a_row_per_measure_and_one_per_comparison() -> None:
    floor = {"GET /healthz": _run(100, 1.0, 5)}
    rows = [
        Row(FEED, "s", _run(500, 1.0, 10), _run(500, 0.5, 5), "< 60 s"),
        Row(INGEST, "/s", _run(100, 1.0, 50), _run(400, 1.0, 20), "≥ 2,000 events/s"),
        Row(HOLDS, "ms", _run(100, 1.0, 30), _run(100, 1.0, 10), "p99 < 25 ms", floor),
    ]
    report = Report(TINY, rows, 0.1, "bonuspos-server serve --workers 1")

    table = bench_server.render_markdown(report).splitlines()

    assert len(table) == 2 + 3 + 1
    assert table[3].startswith("| Events ingested, 2 tills at once, batches of 5 | 100 events/s |")
    assert "❌" in table[3]
    assert table[5].startswith("| ↳ for comparison: GET /healthz |")
    assert "30.0 / 30.0 / 30.0 ms" in table[4]
    assert "Hold latency" in bench_server.render_text(report)
