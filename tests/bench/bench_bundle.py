"""The store PCs' bundle: its size, and the built till's cold start beside a bare window.

    python -m tests.bench.bench_bundle [--runs 15] [--rebuild] [--dist dist]

1. Size (goals: the folder under 130 MB, the tarball under 60 MB), of `dist/bonuspos/`
   and `dist/bonuspos-<version>-linux-x86_64.tar.gz` as packaging/build.py wrote them;
   built first when missing (or with --rebuild). MB are 10^6 bytes.

2. Cold start of the BUILT till to a usable sign-in screen on a real X server (goal:
   median under 1 s and under ×3 the bare window). When DISPLAY is unset the script
   starts `Xvfb :NN` itself (1366×768, a till monitor's size) and stops it at the end.
   Each sample is a fresh process: the parent reads `time.time_ns()` right before
   `Popen`, the child prints the same clock once its first screen's focused field has
   painted and the event loop is idle again (`bonuspos --smoke`, see
   bonuspos.ui.app.UsableProbe), so process creation, the bootloader, the interpreter
   and every import are in the figure. The till paints its sign-in screen before it
   loads SQLAlchemy and the database (bonuspos.ui.app); the child also prints when that
   load is attached ("ready": a PIN typed is checked at once), shown beside the goal.
   The till runs on a prepared data folder (the demo catalog, two customers, a cashier
   and a manager, so the sign-in list has the focus), made once, untimed.

   Baseline, same run, interleaved (which side goes first alternates): a bare PySide6
   window (QApplication, a QMainWindow with one focused QLineEdit, shown maximised)
   frozen the same way (tests/bench/bare_window.spec: one folder, the same Qt trimming,
   stripped; cached under bench-results/), timed the same way. Also, for comparison, the
   till from source (`python -m bonuspos.cli --smoke` in this virtual environment).
   One untimed start of each first, so every side starts with a warm page cache: a
   till's first start of the day reads from disk, which no run here can repeat fairly.

Prints medians, p95 and p99 with the ratios, a markdown table for the README, and
writes JSON to bench-results/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import PySide6

from bonuspos import __version__
from bonuspos.services.clock import ManualClock
from tests.bench.bench_lookup import environment
from tests.bench.seed import RESULTS_DIR
from tests.bench.timing import Stats, ms, triple
from tests.bench.xserver import x_display
from tests.support import MINSK
from tests.ui.conftest import prepared_till

ROOT = Path(__file__).resolve().parents[2]
FOLDER_GOAL_MB = 130.0
TARBALL_GOAL_MB = 60.0
START_GOAL_MS = 1000.0
START_GOAL_RATIO = 3.0
BUNDLE = "Cold start of the built till to a usable sign-in screen, X server"
BARE = "bare PySide6 window, frozen the same way"
SOURCE = "the till from source (python -m bonuspos.cli)"
READY = "the built till loaded behind it: a PIN typed is checked at once"


@dataclass(frozen=True, slots=True)
class Sizes:
    folder_bytes: int
    tarball_bytes: int | None

    @property
    def folder_mb(self) -> float:
        return self.folder_bytes / 1e6

    @property
    def tarball_mb(self) -> float | None:
        return None if self.tarball_bytes is None else self.tarball_bytes / 1e6


@dataclass(frozen=True, slots=True)
class Report:
    runs: int
    sizes: Sizes
    bundle: Stats
    bare: Stats
    source: Stats
    bundle_ready: Stats
    display: str
    environment: dict[str, object]

    @property
    def ratio(self) -> float:
        return self.bundle.median / self.bare.median

    @property
    def start_met(self) -> bool:
        return self.bundle.median < START_GOAL_MS and self.ratio < START_GOAL_RATIO


# --- building ---------------------------------------------------------------------------


def built_bundle(dist: Path, rebuild: bool) -> Path:
    exe = dist / "bonuspos" / "bonuspos"
    if rebuild or not exe.is_file():
        command = [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist)]
        subprocess.run(command, check=True)
    return exe


def bare_window(results: Path) -> Path:
    """The frozen bare window, built once per PySide6 version."""
    dist = results / f"bare-window-{PySide6.__version__}"
    exe = dist / "bare_window" / "bare_window"
    if not exe.is_file():
        with tempfile.TemporaryDirectory(prefix="bare-build-") as work:
            command = [
                sys.executable,
                "-m",
                "PyInstaller",
                str(ROOT / "tests" / "bench" / "bare_window.spec"),
                "--noconfirm",
                "--log-level",
                "WARN",
                "--distpath",
                str(dist),
                "--workpath",
                work,
            ]
            subprocess.run(command, check=True, cwd=ROOT)
    return exe


def sizes(dist: Path) -> Sizes:
    folder = dist / "bonuspos"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    tarballs = sorted(dist.glob(f"bonuspos-{__version__}-*.tar.gz"))
    return Sizes(total, tarballs[0].stat().st_size if tarballs else None)


# --- timing -----------------------------------------------------------------------------


def start_once(command: Sequence[str], env: dict[str, str]) -> tuple[int, int]:
    """Launch to usable and to ready, in ns, by the one wall clock both processes read.

    A bare window has nothing to load behind it: its ready is its usable.
    """
    launched = time.time_ns()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(lines[-1])
    usable = int(report["usable_ns"])
    return usable - launched, int(report.get("ready_ns", usable)) - launched


def cold_starts(
    sides: dict[str, list[str]], runs: int, display: str
) -> dict[str, list[tuple[int, int]]]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    for name in ("PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    names = list(sides)
    for name in names:  # warm-up: the page cache, as on a till's every start after the first
        start_once(sides[name], env)
    samples: dict[str, list[tuple[int, int]]] = {name: [] for name in names}
    for i in range(runs):
        for name in names if i % 2 else reversed(names):
            samples[name].append(start_once(sides[name], env))
    return samples


# --- output ---------------------------------------------------------------------------


def _mark(met: bool) -> str:
    return "✅" if met else "❌"


def render_text(report: Report) -> str:
    s = report.sizes
    lines = [
        f"Folder dist/bonuspos/: {s.folder_mb:.1f} MB (goal < {FOLDER_GOAL_MB:g} MB):"
        f" {'met' if s.folder_mb < FOLDER_GOAL_MB else 'MISSED'}",
    ]
    if s.tarball_mb is not None:
        lines.append(
            f"Tarball: {s.tarball_mb:.1f} MB (goal < {TARBALL_GOAL_MB:g} MB):"
            f" {'met' if s.tarball_mb < TARBALL_GOAL_MB else 'MISSED'}"
        )
    sides = (
        (BUNDLE, report.bundle),
        (READY, report.bundle_ready),
        (BARE, report.bare),
        (SOURCE, report.source),
    )
    for label, stats in sides:
        lines.append(
            f"{label}: median {ms(stats.median)}  p95 {ms(stats.p95)}  p99 {ms(stats.p99)}"
            f"  max {ms(stats.max)} ms  (n={stats.n})"
        )
    lines.append(
        f"ratio built till / bare window at the median ×{report.ratio:.2f};"
        f" goal median < {START_GOAL_MS:g} ms and < ×{START_GOAL_RATIO:g}:"
        f" {'met' if report.start_met else 'MISSED'}"
    )
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    s = report.sizes
    tarball = "—" if s.tarball_mb is None else f"{s.tarball_mb:.1f} MB"
    tar_met = s.tarball_mb is not None and s.tarball_mb < TARBALL_GOAL_MB
    rows = [
        "| Measure | built till | baseline, same run | ratio | goal |",
        "|---|---:|---:|---:|---|",
        f"| Bundle folder `dist/bonuspos/` | {s.folder_mb:.1f} MB | | |"
        f" < {FOLDER_GOAL_MB:g} MB {_mark(s.folder_mb < FOLDER_GOAL_MB)} |",
        f"| Tarball (gzip -9) | {tarball} | | | < {TARBALL_GOAL_MB:g} MB {_mark(tar_met)} |",
        f"| Cold start to a usable sign-in screen, Xvfb, median / p95 / p99 ms"
        f" (baseline: {BARE}) | {triple(report.bundle)} | {triple(report.bare)}"
        f" | ×{report.ratio:.1f} at the median"
        f" | median < {START_GOAL_MS:g} ms, < ×{START_GOAL_RATIO:g} {_mark(report.start_met)} |",
        f"| ↳ {READY} | {triple(report.bundle_ready)} | {triple(report.bare)}"
        f" | ×{report.bundle_ready.median / report.bare.median:.1f} | |",
        f"| ↳ for comparison: {SOURCE} | | {triple(report.source)}"
        f" | ×{report.source.median / report.bare.median:.1f} | |",
    ]
    return "\n".join(rows)


def write_json(report: Report, results: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"bench-bundle-{stamp}.json"
    body = asdict(report) | {"ratio": round(report.ratio, 2), "start_met": report.start_met}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed starts per side")
    parser.add_argument("--rebuild", action="store_true", help="build dist/ again first")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    exe = built_bundle(args.dist.resolve(), args.rebuild)
    bare = bare_window(args.results_dir.resolve())
    with tempfile.TemporaryDirectory(prefix="bundle-till-") as work, x_display() as display:
        till = Path(work) / "till"
        prepared_till(till, ManualClock(datetime.now(MINSK)))
        smoke = ["--smoke", "--data-dir", str(till)]
        sides = {
            "bundle": [str(exe), *smoke],
            "bare": [str(bare)],
            "source": [sys.executable, "-m", "bonuspos.cli", *smoke],
        }
        samples = cold_starts(sides, args.runs, display)
    report = Report(
        args.runs,
        sizes(args.dist.resolve()),
        Stats.of([usable for usable, _ in samples["bundle"]]),
        Stats.of([usable for usable, _ in samples["bare"]]),
        Stats.of([usable for usable, _ in samples["source"]]),
        Stats.of([ready for _, ready in samples["bundle"]]),
        display,
        {**environment(), "pyside6": PySide6.__version__, "bonuspos": __version__},
    )
    print(f"{args.runs} cold starts a side on X display {display}; bonuspos {__version__}")
    print()
    print(render_text(report))
    print()
    print(render_markdown(report))
    print()
    print(f"Results: {write_json(report, args.results_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
