"""The cashier's screens, timed as a cashier meets them, each beside a bare-Qt floor.

    python -m tests.bench.bench_ui [--customers 1000000] [--runs 10] [--small]
                                   [--sales 4] [--scans 50] [--lookups 200]

Three figures. The cold starts run on a real X server (DISPLAY, or an Xvfb the script
starts) unless QT_QPA_PLATFORM names another platform; the in-process measures run on the
platform QT_QPA_PLATFORM names (offscreen when unset): widgets paint into an in-memory
backing store, so what is timed is the app's work and Qt's painting, not a driver.
Every measure has a baseline measured in the same run, interleaved with ours
(alternating which goes first), and the ratio of the two is the figure to watch on
these shared, noisy 2-core machines.

1. Cold start to a usable sign-in screen (goal: median under 1 s, from source). N child
   processes (`python -c`, bytecode already cached by one untimed warm-up run each) that
   import `bonuspos.ui.app`, create the QApplication, call `start()` as `bonuspos` does
   (`in_background=True`, `sync=False`) on a small till data folder (demo catalog, two
   customers, two staff; made once, untimed) and run the event loop. An
   application-wide event filter catches the first Paint event of a QLineEdit or
   QListWidget (checked to be the sign-in's roster, holding the focus); a zero-time
   timer queued from there fires once that paint and the rest of its frame are done and
   the event loop is idle again: a key pressed then would be handled. That moment is
   "usable". Also stamped: "ready", when the till loaded behind the screen is attached
   (a PIN typed is then checked at once). Baseline child: `import PySide6.QtWidgets`, a
   QApplication, a QMainWindow 1280×800 with one focused QLineEdit, shown; the same
   filter, timer and clock; its ready is its usable.

   The clock: the parent reads `time.time_ns()` right before `Popen`; the child reads
   the same system clock at its first statement, after its imports, after building the
   window and at "usable", and prints the stamps. The figure is "usable" minus the
   parent's stamp: process creation, interpreter start-up and `site` included. One
   system clock read from both ends needs no pipe in the measurement (reading the
   child's output in the parent would add its print, the pipe and the parent's wake-up
   on a busy machine) and gives per-phase figures for free; `/proc`'s start time would
   be 10 ms ticks. A clock step during a one-second run is the only risk, and rare.

   Also reported: modules loaded by first paint that the lookup screen does not need
   (from the child's `sys.modules`), and the import time of what ours loads beyond the
   baseline, from one more untimed child each under `python -X importtime`.

2. Keystroke to repaint while scanning (goal: p95 under 30 ms). In this process, on the
   real window (`start()`, `sync=False`) over a copy of the seeded till: a random card
   is typed into the lookup, Enter, Enter, and the checkout scans `--scans` items (the
   demo catalog's ten barcodes in turn) as a keyboard-wedge scanner types them:
   `QTest.keyClicks` of each digit, then `QTest.keyClick(Return)`, into the focused code
   field, so the app's ScannerFilter takes the burst as a scan. Timed for each key: from
   just before the key is sent (press and release, synchronously, through the
   application's event filters) until the affected widget's Paint event has been
   delivered and `QApplication.processEvents()` has returned, so the whole frame is
   painted and flushed: the code field for a digit, the lines table's viewport for
   Enter (the item found, the quote made, the table refilled). Baseline window, shown
   beside ours in the same process: a QLineEdit and a QTableWidget with the same
   columns and header modes, whose Enter looks the barcode up in a dict read from the
   catalog CSV and adds the product's row or bumps its quantity (so both tables show the
   same rows), no services. The same keys, timed the same way, scan by scan in turn.
   `--sales` sales of `--scans` items each, after one untimed warm-up sale of ten.

3. Lookup to displayed card (goal: p95 under 50 ms) with `--customers` customers in the
   till (the seeded database of bench_lookup, cached under bench-results/seed/, copied
   into a fresh folder). For random customers: Esc, the nine digits typed into the
   phone field, then a pause so Enter is a cashier's and not a scanner's (untimed); timed
   from Enter to the card's name label painted, the event loop idle again. Baseline: a
   QLineEdit holding the same phone in E.164 whose Enter runs the raw sqlite3 card query
   bench_lookup compares with (tests/bench/raw.py: customer by phone, balance, pending
   points) and sets a QLabel's text (cleared beforehand, as ours hides the card).
   The same phone for both, alternating which goes first; 20 untimed lookups first.

Every item scanned must be in both carts and every card shown must be the customer's, or
the run stops: the figures would be void. One exception is counted instead: keys sent one
by one cannot queue as a real scanner's do, so if this process is held up longer than the
scanner gap between two digits, the ScannerFilter rightly takes the rest for typing and the item is
not added; such split scans are reported (their keys are still timed).

PySide6 6.12.0 on CPython 3.11 drops a reference to None on each call returning nothing,
and the process aborts when None's count reaches zero: the bench measures what the
screens' own code drops per scan and per lookup, reports when a till would abort, and
keeps None alive for its own run (see NoneGuard).

Prints each measure's median, p95, p99 and max on both sides with their ratios, a
markdown table for the README, and writes JSON to bench-results/. A benchmark, not a
test: tests/bench/test_bench_ui_smoke.py only proves it still runs.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from time import perf_counter_ns, time_ns

import PySide6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bonuspos import paths
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from bonuspos.ui import app as ui_app
from bonuspos.ui.approval import ApprovalDialog
from bonuspos.ui.scanner import GAP
from tests.bench.bench_lookup import environment
from tests.bench.raw import RawTill
from tests.bench.seed import RESULTS_DIR, install, seeded_database
from tests.bench.timing import Budget, Comparison, Stats, _clean_heap, ms, triple
from tests.bench.xserver import x_display
from tests.support import CASHIER_PIN, MANAGER_PIN, MINSK, cashier, manager
from tests.ui.conftest import prepared_till

COLD = "Cold start to a usable sign-in screen, from source"
READY = "↳ the till loaded behind it: a PIN typed is checked at once"
KEYS = "Keystroke to repaint, scanning: every key"
DIGIT = "Keystroke to repaint: a digit, code field repainted"
ENTER = "Keystroke to repaint: Enter, item added, lines table repainted"
LOOKUP = "Lookup to displayed card"
BUDGETS = {
    COLD: Budget("median", 1000.0),
    READY: Budget("median", 1000.0),
    KEYS: Budget("p95", 30.0),
    DIGIT: Budget("p95", 30.0),
    ENTER: Budget("p95", 30.0),
    LOOKUP: Budget("p95", 50.0),
}
BASELINES = {
    COLD: "bare QApplication + QMainWindow + QLineEdit",
    READY: "the same bare window",
    KEYS: "QLineEdit + QTableWidget, Enter adds a row from a dict",
    DIGIT: "the same QLineEdit",
    ENTER: "the same QTableWidget, no services",
    LOOKUP: "raw sqlite3 card query + QLabel.setText",
}
# Enter this long after the last digit is a person's, not the tail of a scanner's burst.
PAUSE_MS = round(GAP * 3 * 1000) + 20
PAINT_TIMEOUT_NS = 5_000_000_000
WARMUP_LOOKUPS = 20

# What a till that has just shown the lookup screen has no use for yet (module prefix,
# why); loaded by first paint, they are start-up time the cashier waits through.
NOT_NEEDED = (
    ("httpx", "HTTP client: no server configured, sync starts after the first paint"),
    ("httpcore", "httpx's transport"),
    ("h11", "httpx's HTTP/1.1"),
    ("anyio", "httpx's async runtime"),
    ("certifi", "TLS roots for httpx"),
    ("idna", "httpx's host names"),
    ("urllib.request", "httpx's auth module (and with it http.client, email)"),
    ("http.client", "httpx's auth module, through urllib.request"),
    ("click", "httpx's command line (httpx._main), loaded whenever click is installed"),
    ("rich", "httpx's command line (httpx._main), loaded whenever rich is installed"),
    ("pygments", "httpx's command line (httpx._main), loaded whenever pygments is installed"),
    ("alembic", "migrations: a no-op once the schema is at head"),
    ("mako", "alembic's templates"),
    ("sqlalchemy.dialects.postgresql", "other databases' dialects (alembic.ddl)"),
    ("sqlalchemy.dialects.mssql", "other databases' dialects (alembic.ddl)"),
    ("sqlalchemy.dialects.mysql", "other databases' dialects (alembic.ddl)"),
    ("sqlalchemy.dialects.oracle", "other databases' dialects (alembic.ddl)"),
    ("bonuspos.sync", "the sync worker and its client"),
    ("bonuspos.services.holds", "online holds: only with a server"),
    ("bonuspos.services.returns", "returns: not on the cashier's screens"),
    ("PySide6.QtPrintSupport", "the system printer: only when printing"),
    ("PySide6.QtNetwork", "Qt networking"),
)


@dataclass(frozen=True, slots=True)
class Settings:
    customers: int = 1_000_000
    runs: int = 10  # cold starts per side
    sales: int = 4  # timed sales per side
    scans: int = 50  # items scanned per sale
    lookups: int = 200
    seed: int = 7


SMALL = Settings(customers=100_000, runs=4, sales=1, lookups=50)


@dataclass(frozen=True, slots=True)
class ColdDetail:
    """Where a cold start's time goes, and what it loads."""

    phases: dict[str, dict[str, float]]  # side → phase → median ms
    modules: dict[str, int]  # side → modules loaded at first paint
    not_needed: list[tuple[str, int, float, str]]  # prefix, modules, import ms, why
    beyond_baseline: list[tuple[str, int, float]]  # package, modules, import ms
    none_refs: int  # BonusPOS: references to None at first paint (median)


@dataclass(frozen=True, slots=True)
class Report:
    settings: Settings
    comparisons: list[Comparison]
    cold: ColdDetail
    none: NoneDrops
    extra_passes: int  # paints that needed more than one pass of the event loop
    split_scans: int = 0  # scans of ours not taken as scans: this process was held up
    seeding_seconds: float | None = None  # None when the database came from the cache
    environment: dict[str, object] = field(default_factory=dict)

    def comparison(self, operation: str) -> Comparison:
        return next(c for c in self.comparisons if c.operation == operation)


class Mismatch(RuntimeError):
    """A side did not do what was asked (an item, a card, a paint): void figures."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Mismatch(message)


# --- 1. cold start ----------------------------------------------------------------------

# Runs as `python -c CHILD ours|baseline DATA_DIR`; prints one JSON line, then exits at
# once (os._exit: the teardown is not part of a start, and the OS drops the till's lock).
CHILD = r"""
import sys, time
entered = time.time_ns()
ours = sys.argv[1] == "ours"
if ours:
    from pathlib import Path
    from bonuspos.ui import app as ui_app
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QMainWindow
imported = time.time_ns()
stamps = {}

class FirstPaint(QObject):
    painted = None
    def eventFilter(self, watched, event):
        if self.painted is None and event.type() == QEvent.Type.Paint and isinstance(
            watched, (QLineEdit, QListWidget)
        ):
            self.painted = watched
            QTimer.singleShot(0, usable)
        return False

def usable():
    stamps["usable"] = time.time_ns()
    stamps["modules"] = sorted(sys.modules)  # what the first paint needed, not the load after
    report()

def ready(_=None):
    stamps["ready"] = time.time_ns()
    report()

def report():
    if "usable" not in stamps or "ready" not in stamps:
        return
    import json, os
    target = running.window.sign_in.people if ours else line
    # The window's own focus widget: a bare X server has no window manager to activate
    # the window, so the application's focus widget stays None there.
    focused = (running.window if ours else window).focusWidget()
    print(json.dumps({
        "entered": entered, "imported": imported, "built": built, "usable": stamps["usable"],
        "ready": stamps["ready"],
        "target_ok": watcher.painted is target, "focus_ok": focused is target,
        "none_refs": sys.getrefcount(None), "modules": stamps["modules"],
    }), flush=True)
    os._exit(0)

app = QApplication(["bonuspos"])
watcher = FirstPaint()
app.installEventFilter(watcher)
if ours:
    # As `bonuspos` starts: the sign-in screen first, the till loaded behind it.
    running = ui_app.start(Path(sys.argv[2]), None, sync=False, in_background=True)
    running.loader.loaded.connect(ready)
else:
    window = QMainWindow()
    line = QLineEdit()
    window.setCentralWidget(line)
    window.resize(1280, 800)
    window.show()
    line.setFocus()
    ready()  # nothing to load behind a bare window
built = time.time_ns()
app.exec()
"""
PHASES = ("interpreter", "imports", "build", "first paint")


@dataclass(frozen=True, slots=True)
class Start:
    launched: int
    stamps: dict[str, int]
    modules: list[str]
    none_refs: int  # references to None once the screen is usable

    @property
    def total_ns(self) -> int:
        return self.stamps["usable"] - self.launched

    @property
    def ready_ns(self) -> int:
        return self.stamps["ready"] - self.launched

    def phases_ns(self) -> dict[str, int]:
        marks = [self.launched, *(self.stamps[k] for k in ("entered", "imported", "built"))]
        ends = [*marks[1:], self.stamps["usable"]]
        return {p: end - begin for p, begin, end in zip(PHASES, marks, ends, strict=True)}


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


@contextmanager
def x_server() -> Iterator[None]:
    """Cold starts on a real X server (DISPLAY, or an Xvfb started for them) unless
    QT_QPA_PLATFORM names another platform: offscreen hides what an X server costs."""
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        yield
        return
    with x_display() as display:
        before = {k: os.environ.get(k) for k in ("DISPLAY", "QT_QPA_PLATFORM")}
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        try:
            yield
        finally:
            for key, value in before.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def cold_start(side: str, data_dir: Path) -> Start:
    """One child process, from launch to a usable screen."""
    command = [sys.executable, "-c", CHILD, side, str(data_dir)]
    launched = time_ns()
    done = subprocess.run(command, capture_output=True, text=True, env=_child_env(), timeout=120)
    lines = done.stdout.strip().splitlines()
    _expect(
        done.returncode == 0 and bool(lines),
        f"{side} child failed ({done.returncode}): {done.stderr[-2000:]}",
    )
    data = json.loads(lines[-1])
    # The till opens on sign-in: its roster is the first thing the cashier can use.
    _expect(data["target_ok"], f"{side}: the first field painted was not the first screen's")
    _expect(data["focus_ok"], f"{side}: the first screen's field did not have the focus")
    stamps = {k: int(data[k]) for k in ("entered", "imported", "built", "usable", "ready")}
    return Start(launched, stamps, list(data["modules"]), int(data["none_refs"]))


def import_times(side: str, data_dir: Path) -> dict[str, int]:
    """Each module's own import time (µs) in one more child, under -X importtime."""
    command = [sys.executable, "-X", "importtime", "-c", CHILD, side, str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, env=_child_env(), timeout=120)
    _expect(done.returncode == 0, f"{side} child under -X importtime failed: {done.stderr}")
    times: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        if own.strip().isdigit():
            times[name.strip()] = times.get(name.strip(), 0) + int(own)
    return times


def _package(module: str) -> str:
    parts = module.split(".")
    deep = parts[0] in ("bonuspos", "PySide6", "sqlalchemy")
    return ".".join(parts[:2]) if deep else parts[0]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def cold_starts(settings: Settings, data_dir: Path) -> tuple[Comparison, Comparison, ColdDetail]:
    prepared_till(data_dir, ManualClock(datetime.now(MINSK)))
    for side in ("ours", "baseline"):  # untimed: bytecode caches written, files cached
        cold_start(side, data_dir)
    starts: dict[str, list[Start]] = {"ours": [], "baseline": []}
    for i in range(settings.runs):
        for side in ("ours", "baseline") if i % 2 else ("baseline", "ours"):
            starts[side].append(cold_start(side, data_dir))
    comparison = Comparison(
        COLD,
        Stats.of([s.total_ns for s in starts["ours"]]),
        Stats.of([s.total_ns for s in starts["baseline"]]),
        BUDGETS[COLD],
    )
    ready = Comparison(
        READY,
        Stats.of([s.ready_ns for s in starts["ours"]]),
        Stats.of([s.ready_ns for s in starts["baseline"]]),
        BUDGETS[READY],
    )
    phases = {
        side: {p: Stats.of([s.phases_ns()[p] for s in runs]).median for p in PHASES}
        for side, runs in starts.items()
    }
    ours_modules = set(starts["ours"][-1].modules)
    base_modules = set(starts["baseline"][-1].modules)
    took = import_times("ours", data_dir)
    not_needed = []
    for prefix, why in NOT_NEEDED:
        loaded = [m for m in ours_modules if _under(m, prefix)]
        if loaded:
            us = sum(took.get(m, 0) for m in loaded)
            not_needed.append((prefix, len(loaded), us / 1000, why))
    packages: dict[str, list[str]] = defaultdict(list)
    for module in ours_modules - base_modules:
        packages[_package(module)].append(module)
    beyond = sorted(
        (
            (p, len(group), sum(took.get(m, 0) for m in group) / 1000)
            for p, group in packages.items()
        ),
        key=lambda row: -row[2],
    )
    detail = ColdDetail(
        phases,
        {"ours": len(ours_modules), "baseline": len(base_modules)},
        not_needed,
        beyond[:15],
        sorted(s.none_refs for s in starts["ours"])[len(starts["ours"]) // 2],
    )
    return comparison, ready, detail


# --- PySide6 dropping references to None ------------------------------------------------


def none_drop_per_call() -> float:
    """References to None one void PySide6 call loses; 0 where the binding counts right.

    PySide6 6.12.0 hands back None from a function that returns nothing without taking a
    reference to it. From CPython 3.12 None is immortal and that is harmless; on 3.11
    every such call lowers None's count by one, and at zero the process aborts with
    "Fatal Python error: none_dealloc". Needs a QApplication.
    """
    label = QLabel()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(1_000):
        label.clear()
    return (before - sys.getrefcount(None)) / 1_000


class NoneGuard:
    """Keeps None's count well above where it was, so an affected binding cannot abort us.

    Each top-up holds another STEP references in a list that is never freed (it is given
    one reference too many), so even the interpreter's shutdown, which lets go of every
    other reference to None, cannot take it to zero: what is held must exceed what was
    dropped, hence the MARGIN over the count at the start (references the run itself
    comes to hold, and lets go of at exit, are far fewer). True and False get a fixed
    reserve once: with None kept alive, the shutdown of a full run was seen to take one of
    them to zero ("bool_dealloc"); which call drops them was not found.
    """

    STEP = 100_000
    MARGIN = 200_000
    BOOLS = 50_000

    def __init__(self, active: bool) -> None:
        self.active = active
        self.floor = sys.getrefcount(None) + self.MARGIN
        self.held = 0
        if active:
            _hold_forever([True, False] * self.BOOLS)
        self.top_up()

    def top_up(self) -> None:
        while self.active and sys.getrefcount(None) < self.floor:
            _hold_forever([None] * self.STEP)
            self.held += self.STEP


def _hold_forever(items: list[object]) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(items))  # one reference too many: never freed


@dataclass(frozen=True, slots=True)
class NoneDrops:
    """What the screens' own code costs None's count, where the binding is affected."""

    per_call: float  # one void PySide6 call
    per_lookup: float  # LookupScreen.look_up and reset: a card found, then Esc
    per_scan: float  # CheckoutScreen.scanned with ten lines on the receipt
    at_start: int  # BonusPOS: None's count at first paint (cold-start children, median)
    held: int  # references this run held so that it would not abort itself

    @property
    def scans_to_abort(self) -> int | None:
        return round(self.at_start / self.per_scan) if self.per_scan >= 0.5 else None

    @property
    def lookups_to_abort(self) -> int | None:
        return round(self.at_start / self.per_lookup) if self.per_lookup >= 0.5 else None


def _drop(action: Callable[[], object], times: int) -> float:
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(times):
        action()
    gc.collect()
    return (before - sys.getrefcount(None)) / times


def none_drops_by_the_screens(
    running: ui_app.Running, customers: Sequence[Customer], guard: NoneGuard
) -> tuple[float, float]:
    """None references lost per lookup and per scan by the app's code alone (no QTest)."""
    window = running.window
    lookup, checkout = window.lookup, window.checkout
    barcodes = sorted(demo_catalog())
    guard.top_up()
    turns = iter(customers)

    def find_and_forget() -> None:
        lookup.look_up(next(turns).phone)
        lookup.reset()

    per_lookup = _drop(find_and_forget, len(customers) - 1)
    lookup.look_up(customers[-1].phone)
    window.sell_to(lookup.card)
    for code in barcodes:  # ten lines on the receipt
        checkout.scanned(code)
    guard.top_up()
    scans = iter(barcodes * 4)
    per_scan = _drop(lambda: checkout.scanned(next(scans)), len(barcodes) * 4)
    window.to_lookup()
    guard.top_up()
    return per_lookup, per_scan


# --- timing a key until its paint ------------------------------------------------------


class PaintWatch(QObject):
    """Times from sending an event until a given widget has been painted for it."""

    def __init__(self, widgets: Iterable[QWidget], guard: NoneGuard) -> None:
        super().__init__()
        self._guard = guard
        self._target: QObject | None = None
        self._painted = False
        self.extra_passes = 0
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._target and event.type() == QEvent.Type.Paint:
            self._painted = True
        return False

    def time(self, target: QWidget, send: Callable[[], object]) -> int:
        """Nanoseconds from `send()` to `target`'s paint, the event loop idle again."""
        self._guard.top_up()  # untimed: see NoneGuard
        self._target, self._painted = target, False
        started = perf_counter_ns()
        send()
        QApplication.processEvents()
        while not self._painted:  # a paint the first pass did not reach: keep pumping
            _expect(
                perf_counter_ns() - started < PAINT_TIMEOUT_NS,
                f"{type(target).__name__} was never repainted",
            )
            self.extra_passes += 1
            QTest.qWait(1)
        elapsed = perf_counter_ns() - started
        self._target = None
        return elapsed


def type_keys(widget: QWidget, text: str) -> None:
    QTest.keyClicks(widget, text)


def press(widget: QWidget, key: Qt.Key) -> None:
    QTest.keyClick(widget, key)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def type_number(running: ui_app.Running, digits: str) -> None:
    """A cashier types the number into a fresh lookup and stops before pressing Enter."""
    lookup = running.window.lookup
    press(lookup.phone, Qt.Key.Key_Escape)
    type_keys(lookup.phone, digits)
    QTest.qWait(PAUSE_MS)


def sign_in(running: ui_app.Running) -> None:
    """The cashier, alone on the roster, signs in by keys (untimed)."""
    screen = running.window.sign_in
    to_front(running, screen.people)
    press(screen.people, Qt.Key.Key_Return)
    QTest.keyClicks(screen.pin, CASHIER_PIN, delay=round(GAP * 3 * 1000) + 20)
    press(screen.pin, Qt.Key.Key_Return)
    _expect(running.window.shift is not None, "the cashier could not sign in")


def approved_by_the_manager() -> None:
    """On the approval dialog the policy asks for: the manager, listed first, and the PIN."""
    dialog = QApplication.activeModalWidget()
    _expect(isinstance(dialog, ApprovalDialog), "no manager's approval was asked for")
    assert isinstance(dialog, ApprovalDialog)
    press(dialog.people, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.pin, MANAGER_PIN, delay=round(GAP * 3 * 1000) + 20)
    press(dialog.pin, Qt.Key.Key_Return)


def to_front(running: ui_app.Running, field_: QWidget) -> None:
    """Ours is the active window and `field_` has the focus, as at the till."""
    running.window.activateWindow()
    QTest.qWaitForWindowActive(running.window)
    field_.setFocus()
    settle()
    _expect(QApplication.focusWidget() is field_, "the till's field did not get the focus")


# --- 2. keystroke to repaint while scanning ---------------------------------------------


class ScanFloor(QMainWindow):
    """The floor: a code field and the checkout's table, Enter adds a row from a dict."""

    def __init__(self, catalog: dict[str, tuple[str, int, str]], columns: list[str]) -> None:
        super().__init__()
        self.catalog = catalog  # barcode → name, price in kopecks, points
        self.rows: dict[str, int] = {}  # barcode → its row
        self.quantity: dict[str, int] = {}
        self.code = QLineEdit()
        self.lines = QTableWidget(0, len(columns))
        self.lines.setHorizontalHeaderLabels(columns)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.verticalHeader().hide()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.code)
        layout.addWidget(self.lines, 1)
        self.setCentralWidget(body)
        self.code.returnPressed.connect(self.add)

    def clear(self) -> None:
        self.rows.clear()
        self.quantity.clear()
        self.lines.setRowCount(0)

    def add(self) -> None:
        code = self.code.text()
        self.code.clear()
        name, price, points = self.catalog[code]
        if code not in self.rows:
            self.rows[code] = self.lines.rowCount()
            self.lines.insertRow(self.rows[code])
        row = self.rows[code]
        quantity = self.quantity[code] = self.quantity.get(code, 0) + 1
        for column, text in enumerate(
            (name, str(quantity), _money(price), _money(price * quantity), points)
        ):
            self.lines.setItem(row, column, QTableWidgetItem(text))
        self.lines.selectRow(row)


def _money(kopecks: int) -> str:
    return f"{kopecks // 100},{kopecks % 100:02d}"


def demo_catalog() -> dict[str, tuple[str, int, str]]:
    with paths.demo_catalog().open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source, delimiter=";"))
    return {r["barcode"]: (r["name"], int(r["price"].replace(",", "")), r["points"]) for r in rows}


@dataclass(frozen=True, slots=True)
class Customer:
    phone: str  # E.164
    full_name: str

    @property
    def digits(self) -> str:
        return self.phone.removeprefix("+375")


def sample_customers(raw: RawTill, count: int, rng: random.Random) -> list[Customer]:
    con = raw.con
    last = con.execute("SELECT max(id) FROM customers").fetchone()[0]
    sql = "SELECT phone_open(phone_sealed), full_name FROM customers WHERE id = ?"
    return [Customer(*con.execute(sql, (rng.randint(1, last),)).fetchone()) for _ in range(count)]


class _Scanning:
    """Ours and the floor, scan by scan in turn; each key timed to its repaint."""

    def __init__(self, running: ui_app.Running, watch: PaintWatch, floor: ScanFloor) -> None:
        self.running = running
        self.watch = watch
        self.floor = floor
        self.barcodes = sorted(floor.catalog)
        self.samples: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.split = 0  # scans of ours the scanner filter took for typing (see _scan)

    def sale(self, card: Customer, scans: int, timed: bool) -> None:
        checkout = self.running.window.checkout
        type_number(self.running, card.digits)
        press(self.running.window.lookup.phone, Qt.Key.Key_Return)
        press(self.running.window.lookup.phone, Qt.Key.Key_Return)
        _expect(checkout.card is not None, f"no card for {card.phone}")
        to_front(self.running, checkout.code)
        self.floor.clear()
        settle()
        sides = [
            ("ours", checkout.code, checkout.lines, self._ours_items),
            ("baseline", self.floor.code, self.floor.lines, self._floor_items),
        ]
        for i in range(scans):
            code = self.barcodes[i % len(self.barcodes)]
            for side in sides if i % 2 else reversed(sides):
                self._scan(*side, code=code, timed=timed)
        press(checkout, Qt.Key.Key_Escape)  # the sale cancelled: back to the lookup
        press(checkout, Qt.Key.Key_Return)  # yes, cancel it
        approved_by_the_manager()
        _expect(self.running.window.stack.currentWidget() is self.running.window.lookup, "Esc")

    def _ours_items(self) -> int:
        return sum(line.quantity for line in self.running.window.checkout.cart.lines)

    def _floor_items(self) -> int:
        return sum(self.floor.quantity.values())

    def _scan(
        self,
        side: str,
        code_field: QLineEdit,
        table: QTableWidget,
        items: Callable[[], int],
        *,
        code: str,
        timed: bool,
    ) -> None:
        time = self.watch.time
        before = items()
        digits = [time(code_field, partial(type_keys, code_field, ch)) for ch in code]
        enter = time(table.viewport(), partial(press, code_field, Qt.Key.Key_Return))
        if side == "ours" and items() != before + 1:
            # This process was held up past the scanner gap between two digits (sending them one by
            # one, it cannot queue them as a real scanner's would), so the filter saw the
            # end of a burst as typing. Counted, cleared; the item was not added.
            self.split += 1
            code_field.clear()
            settle()
        _expect(not code_field.text(), f"{side}: the scan was left in the code field")
        _expect(side == "ours" or items() == before + 1, f"{side}: {code} was not added")
        if timed:
            self.samples[side, DIGIT] += digits
            self.samples[side, ENTER].append(enter)
            self.samples[side, KEYS] += [*digits, enter]


def keystrokes(
    running: ui_app.Running,
    raw: RawTill,
    settings: Settings,
    rng: random.Random,
    guard: NoneGuard,
) -> tuple[list[Comparison], int, int]:
    checkout = running.window.checkout
    model = checkout.lines.model()
    columns = [
        str(model.headerData(i, Qt.Orientation.Horizontal)) for i in range(model.columnCount())
    ]
    floor = ScanFloor(demo_catalog(), columns)
    floor.resize(1280, 800)
    floor.show()
    watched = (checkout.code, checkout.lines.viewport(), floor.code, floor.lines.viewport())
    watch = PaintWatch(watched, guard)
    scanning = _Scanning(running, watch, floor)
    try:
        cards = sample_customers(raw, settings.sales + 1, rng)
        to_front(running, running.window.lookup.phone)
        scanning.sale(cards[0], len(scanning.barcodes), timed=False)
        with _clean_heap():
            for card in cards[1:]:
                scanning.sale(card, settings.scans, timed=True)
    finally:
        floor.close()
    comparisons = [
        Comparison(
            what,
            Stats.of(scanning.samples["ours", what]),
            Stats.of(scanning.samples["baseline", what]),
            BUDGETS[what],
        )
        for what in (KEYS, DIGIT, ENTER)
    ]
    return comparisons, watch.extra_passes, scanning.split


# --- 3. lookup to displayed card --------------------------------------------------------


class LookupFloor(QMainWindow):
    """The floor: Enter in a field runs the raw card query and shows the name."""

    def __init__(self, raw: RawTill, today: str) -> None:
        super().__init__()
        self.raw = raw
        self.today = today
        self.phone = QLineEdit()
        self.name = QLabel()
        self.name.setObjectName("big")  # the style sheet's size, as the till's name label
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.phone)
        layout.addWidget(self.name)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.phone.returnPressed.connect(self.look_up)

    def look_up(self) -> None:
        card = self.raw.card_by_phone(self.phone.text(), self.today)
        self.name.setText(card.full_name if card else "")


def lookups(
    running: ui_app.Running,
    raw: RawTill,
    settings: Settings,
    rng: random.Random,
    guard: NoneGuard,
) -> tuple[Comparison, int]:
    till = running.online_till.till
    floor = LookupFloor(raw, till.policy.store_day(till.clock.now()).isoformat())
    floor.resize(1280, 800)
    floor.show()
    lookup = running.window.lookup
    watch = PaintWatch([lookup.name, floor.name], guard)
    samples: dict[str, list[int]] = {"ours": [], "baseline": []}
    customers = sample_customers(raw, WARMUP_LOOKUPS + settings.lookups, rng)
    to_front(running, lookup.phone)
    try:
        with _clean_heap():
            for i, customer in enumerate(customers):
                floor.name.clear()
                floor.phone.setText(customer.phone)
                type_number(running, customer.digits)  # untimed, with the pause before Enter
                sides = [
                    ("ours", lookup.name, partial(press, lookup.phone, Qt.Key.Key_Return)),
                    ("baseline", floor.name, partial(press, floor.phone, Qt.Key.Key_Return)),
                ]
                for side, label, enter in sides if i % 2 else reversed(sides):
                    elapsed = watch.time(label, enter)
                    _expect(
                        label.text() == customer.full_name,
                        f"{side}: {label.text()!r} shown for {customer.full_name!r}",
                    )
                    if i >= WARMUP_LOOKUPS:
                        samples[side].append(elapsed)
    finally:
        floor.close()
    comparison = Comparison(
        f"{LOOKUP}, {settings.customers:,} customers",
        Stats.of(samples["ours"]),
        Stats.of(samples["baseline"]),
        BUDGETS[LOOKUP],
    )
    return comparison, watch.extra_passes


# --- the run --------------------------------------------------------------------------


def run(settings: Settings, work_dir: Path, seed_dir: Path) -> tuple[Report, bool]:
    """All three measures; `work_dir` is left with the till copies. Also: seeded anew?"""
    with x_server():
        cold, ready, detail = cold_starts(settings, work_dir / "start-till")
    seeded = seeded_database(settings.customers, seed_dir)
    till_dir = work_dir / "till"
    install(seeded.path, till_dir)
    rng = random.Random(settings.seed)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication
    ui_app.application()
    per_call = none_drop_per_call()
    guard = NoneGuard(active=per_call >= 0.5)
    with Till(till_dir) as till:
        cashier(till)
        manager(till)  # cancelling a cart with goods needs a manager's PIN
    running = ui_app.start(till_dir, None, sync=False)
    raw = RawTill(till_dir / DB_NAME, running.online_till.till.policy)
    try:
        QTest.qWaitForWindowExposed(running.window)
        sign_in(running)
        keys, key_passes, split = keystrokes(running, raw, settings, rng, guard)
        found, lookup_passes = lookups(running, raw, settings, rng, guard)
        probe = sample_customers(raw, 21, rng)
        per_lookup, per_scan = none_drops_by_the_screens(running, probe, guard)
    finally:
        raw.close()
        running.close()
        guard.top_up()
    none = NoneDrops(per_call, per_lookup, per_scan, detail.none_refs, guard.held)
    report = Report(
        settings,
        [cold, ready, *keys, found],
        detail,
        none,
        extra_passes=key_passes + lookup_passes,
        split_scans=split,
        seeding_seconds=None if seeded.cached else round(seeded.seconds, 1),
    )
    return report, not seeded.cached


# --- output ---------------------------------------------------------------------------


def _goal(c: Comparison) -> str:
    return f"{c.budget.percentile} < {c.budget.limit_ms:g} ms"


def _ratios(c: Comparison) -> str:
    if c.budget.percentile == "median":
        return f"×{c.median_ratio:.1f} at the median"
    return f"×{c.median_ratio:.1f} at the median, ×{c.ratio:.1f} at {c.budget.percentile}"


def _baseline(c: Comparison) -> str:
    return next(b for key, b in BASELINES.items() if c.operation.startswith(key))


def render_text(report: Report) -> str:
    lines = []
    for c in report.comparisons:
        verdict = "met" if c.within_budget else "MISSED"
        lines += [
            c.operation,
            f"  BonusPOS  median {ms(c.ours.median)}  p95 {ms(c.ours.p95)}  p99 {ms(c.ours.p99)}"
            f"  max {ms(c.ours.max)} ms  (n={c.ours.n})",
            f"  baseline  median {ms(c.raw.median)}  p95 {ms(c.raw.p95)}  p99 {ms(c.raw.p99)}"
            f"  max {ms(c.raw.max)} ms  (n={c.raw.n}; {_baseline(c)})",
            f"  ratio {_ratios(c)}; goal {_goal(c)}: {verdict}",
        ]
        if c.operation == COLD:
            lines += _cold_text(report.cold)
    lines.append(f"Paints that took more than one pass of the event loop: {report.extra_passes}")
    lines.append(f"Scans of ours split by a hold-up past the scanner gap: {report.split_scans}")
    lines += _none_text(report.none)
    return "\n".join(lines)


def _none_text(none: NoneDrops) -> list[str]:
    if none.per_call < 0.5:
        return ["PySide6 counts its references to None right: nothing to fear there."]
    lines = [
        f"WARNING: PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} drops"
        f" {none.per_call:g} reference to None on every call that returns nothing;",
        "  at zero the process aborts (Fatal Python error: none_dealloc). The screens' code"
        f" drops {none.per_lookup:.0f} per lookup (card shown, then Esc) and"
        f" {none.per_scan:.0f} per scan with ten lines on the receipt;",
        f"  BonusPOS holds about {none.at_start:,} at first paint,",
    ]
    if none.scans_to_abort is not None:
        lines.append(f"  so a till aborts after about {none.scans_to_abort:,} scans")
    if none.lookups_to_abort is not None:
        lines.append(f"  or {none.lookups_to_abort:,} lookups, less whatever else it did.")
    lines.append(f"  This run held {none.held:,} extra references to None to finish at all.")
    return lines


def _cold_text(detail: ColdDetail) -> list[str]:
    head = "".join(f"{p:>13}" for p in PHASES)
    lines = [f"  phases, median ms {head}"]
    for side, phases in detail.phases.items():
        lines.append(f"    {side:<15}" + "".join(f"{ms(v):>13}" for v in phases.values()))
    lines.append(
        f"  modules loaded at first paint: BonusPOS {detail.modules['ours']},"
        f" baseline {detail.modules['baseline']}"
    )
    lines.append("  loaded by first paint, not needed by the lookup screen (own import ms):")
    for prefix, count, took, why in detail.not_needed:
        lines.append(f"    {prefix:<32} {count:>4} modules {took:>7.1f} ms  {why}")
    lines.append("  what BonusPOS imports beyond the baseline, by package (own import ms):")
    for package, count, took in detail.beyond_baseline:
        lines.append(f"    {package:<32} {count:>4} modules {took:>7.1f} ms")
    return lines


def render_markdown(report: Report) -> str:
    rows = [
        "| Measure | BonusPOS median / p95 / p99, ms | baseline, same run: median / p95 / p99, ms"
        " | ratio, BonusPOS / baseline | goal |",
        "|---|---:|---:|---:|---|",
    ]
    for c in report.comparisons:
        mark = "✅" if c.within_budget else "❌"
        rows.append(
            f"| {c.operation} (baseline: {_baseline(c)}) | {triple(c.ours)} | {triple(c.raw)}"
            f" | {_ratios(c)} | {_goal(c)} {mark} |"
        )
    return "\n".join(rows)


def as_json(report: Report) -> dict[str, object]:
    """The report with each comparison's baseline, ratios and verdict spelled out."""
    derived = [
        {
            "baseline": _baseline(c),
            "ratio": round(c.ratio, 2),
            "median_ratio": round(c.median_ratio, 2),
            "within_budget": c.within_budget,
        }
        for c in report.comparisons
    ]
    body = asdict(report)
    body["comparisons"] = [
        {**data, **extra} for data, extra in zip(body["comparisons"], derived, strict=True)
    ]
    body["none"].update(
        scans_to_abort=report.none.scans_to_abort, lookups_to_abort=report.none.lookups_to_abort
    )
    return body


def write_json(report: Report, results_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-ui-{report.settings.customers}-{stamp}.json"
    text = json.dumps(as_json(report), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def qt_environment() -> dict[str, object]:
    return {
        **environment(),
        "pyside6": PySide6.__version__,
        "qt_platform": QGuiApplication.platformName(),
        "source": source_state(),
    }


def source_state() -> str:
    """The commit measured, and whether src/ had changes not committed yet."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "src").splitlines()
    return f"{head} + {len(changed)} uncommitted file(s) under src/" if changed else head


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run: 100,000 customers")
    for name in ("customers", "runs", "sales", "scans", "lookups", "seed"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    given = {name: getattr(args, name) for name in Settings.__dataclass_fields__}
    settings = replace(
        SMALL if args.small else Settings(), **{k: v for k, v in given.items() if v is not None}
    )
    args.results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.results_dir, prefix="ui-") as work:
        report, seeded_now = run(settings, Path(work), args.results_dir / "seed")
    report = replace(report, environment=qt_environment())
    s = settings
    how = f"seeded in {report.seeding_seconds} s" if seeded_now else "taken from the cache"
    print(
        f"{s.customers:,} customers ({how}); {s.runs} cold starts a side;"
        f" {s.sales} sales of {s.scans} scans a side; {s.lookups} lookups a side;"
        f" source {report.environment['source']}; Qt platform {report.environment['qt_platform']}"
    )
    print()
    print(render_text(report))
    print()
    print(render_markdown(report))
    print()
    print(f"Results: {write_json(report, args.results_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
