"""The day-report benchmark still runs, small, and both its sides count the same day.

Nothing here times anything: the figures come from `python -m tests.bench.bench_day`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench import bench_day
from tests.bench.bench_day import OPERATION, Settings, run

TINY = Settings(sales=24, iterations=6, warmup=1)


def test_the_benchmark_times_both_sides_over_the_day_only(tmp_path: Path) -> None:
    report = run(tmp_path, TINY)

    assert report.sales == 24
    assert report.comparison.operation == OPERATION
    assert (report.comparison.ours.n, report.comparison.raw.n) == (6, 6)
    assert report.events >= 24  # each sale's event, and the returns' with their approvals


def test_the_benchmark_prints_its_figures_and_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_day.main(["--sales", "12", "--iterations", "4", "--warmup", "1"]) == 0

    out = capsys.readouterr().out
    assert "ratio ×" in out
    assert f"| {OPERATION} |" in out
