"""The screens' benchmark still runs, end to end, at a tiny size; its report reads right.

Nothing here times anything: benchmarks are never timed tests. The figures come from
`python -m tests.bench.bench_ui`, run by hand on a quiet machine. Qt runs offscreen.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from tests.bench import bench_ui
from tests.bench.bench_ui import (
    BUDGETS,
    COLD,
    DIGIT,
    ENTER,
    KEYS,
    LOOKUP,
    READY,
    ColdDetail,
    NoneDrops,
    Report,
    Settings,
)
from tests.bench.timing import Comparison, Stats

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication

TINY = ["--customers", "1000", "--runs", "2", "--sales", "1", "--scans", "5", "--lookups", "20"]


def test_the_command_times_every_measure_on_both_sides_and_saves_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # main() itself stops on an item missing from either cart, a card not shown, a
    # widget never repainted, or a first paint that was not the lookup's phone field.
    assert bench_ui.main([*TINY, "--results-dir", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "| Measure | BonusPOS median / p95 / p99, ms |" in out
    for operation in (COLD, READY, KEYS, DIGIT, ENTER, f"{LOOKUP}, 1,000 customers"):
        assert f"| {operation} (baseline: " in out
    assert "phases, median ms" in out
    assert "modules loaded at first paint: BonusPOS" in out
    (saved,) = tmp_path.glob("bench-ui-1000-*.json")
    figures = json.loads(saved.read_text(encoding="utf-8"))
    counts = {c["operation"]: (c["ours"]["n"], c["raw"]["n"]) for c in figures["comparisons"]}
    keys_per_scan = 13 + 1  # an EAN-13's digits, then Enter
    assert counts == {
        COLD: (2, 2),
        READY: (2, 2),
        KEYS: (5 * keys_per_scan,) * 2,
        DIGIT: (5 * 13,) * 2,
        ENTER: (5, 5),
        f"{LOOKUP}, 1,000 customers": (20, 20),
    }
    cold = figures["cold"]
    assert cold["modules"]["ours"] > cold["modules"]["baseline"] > 0
    assert set(cold["phases"]["ours"]) == {"interpreter", "imports", "build", "first paint"}
    assert figures["none"]["per_call"] >= 0
    assert figures["environment"]["qt_platform"] == "offscreen"
    assert not list(tmp_path.glob("ui-*")), "the benchmark's working folder was left behind"


def _comparison(operation: str, ours_ms: float, baseline_ms: float) -> Comparison:
    def stats(value: float) -> Stats:
        return Stats.of([int(value * 1e6)] * 4)

    budget = BUDGETS[operation if operation in BUDGETS else LOOKUP]
    return Comparison(operation, stats(ours_ms), stats(baseline_ms), budget)


def _report(comparisons: list[Comparison], none: NoneDrops) -> Report:
    phases = {side: dict.fromkeys(bench_ui.PHASES, 1.0) for side in ("ours", "baseline")}
    cold = ColdDetail(phases, {"ours": 500, "baseline": 150}, [], [], 30_000)
    return Report(Settings(), comparisons, cold, none, extra_passes=0)


def test_each_goal_is_judged_at_its_own_percentile_and_the_table_says_so() -> None:
    sound = NoneDrops(0.0, 0.0, 0.0, 30_000, 0)
    report = _report(
        [
            _comparison(COLD, 900.0, 150.0),
            _comparison(KEYS, 40.0, 2.0),
            _comparison(f"{LOOKUP}, 1,000,000 customers", 4.0, 1.0),
        ],
        sound,
    )

    rows = bench_ui.render_markdown(report).splitlines()
    assert rows[2].endswith("| ×6.0 at the median | median < 1000 ms ✅ |")
    assert rows[3].endswith("| ×20.0 at the median, ×20.0 at p95 | p95 < 30 ms ❌ |")
    assert "(baseline: raw sqlite3 card query + QLabel.setText)" in rows[4]
    assert rows[4].endswith("| p95 < 50 ms ✅ |")
    text = bench_ui.render_text(report)
    assert "goal p95 < 30 ms: MISSED" in text
    assert "nothing to fear there" in text


def test_a_binding_that_drops_none_is_reported_with_when_the_till_would_abort() -> None:
    leaky = NoneDrops(1.0, 14.0, 20.0, 30_000, 200_000)
    report = _report([_comparison(COLD, 900.0, 150.0)], leaky)

    text = bench_ui.render_text(report)
    assert "drops 14 per lookup (card shown, then Esc) and 20 per scan" in text
    assert "a till aborts after about 1,500 scans" in text
    assert "or 2,143 lookups" in text
    assert replace(leaky, per_scan=0.0).scans_to_abort is None
