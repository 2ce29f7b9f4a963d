"""Starting the till's screens: the sign-in screen first, the till loaded behind it.

Most of a cold start is importing SQLAlchemy and the services and opening the database.
The window, its sign-in page (with the roster read by plain sqlite3) and the status bar
need none of it: they are painted first, then a thread loads the till while the cashier
picks a name, and the work screens are built on the GUI thread when it is in.

`start()` builds everything before it returns (tests and benchmarks drive the result);
`run()` is what `bonuspos` calls: the window at once, the till behind it, then Qt's
event loop until the window closes.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from bonuspos import paths
from bonuspos.domain.scanner import ScannerSettings
from bonuspos.services.clock import Clock
from bonuspos.services.roster import first_roster
from bonuspos.ui import style
from bonuspos.ui.main_window import MainWindow, SyncBridge
from bonuspos.ui.scanner import ScannerFilter
from bonuspos.ui.texts import tr

if TYPE_CHECKING:
    from bonuspos.services.online import OnlineTill, SyncConfig
    from bonuspos.ui.printing import SlipPrinter

LANGUAGES = ("ru", "en")


@dataclass
class Running:
    app: QApplication
    window: MainWindow
    scanner: ScannerFilter
    bridge: SyncBridge
    loader: TillLoader = field(repr=False)

    @property
    def online_till(self) -> OnlineTill:
        if self.loader.online_till is None:
            raise RuntimeError("the till has not loaded yet")
        return self.loader.online_till

    def close(self) -> None:
        self.app.removeEventFilter(self.scanner)
        self.window.close()
        self.loader.close()


class TillLoader(QObject):
    """Opens the till (imports, database, migrations) on a thread; `loaded` on the GUI's.

    A failure (another till running on the folder, a database newer than the program)
    comes back as `failed` with the exception, for the screen to say.
    """

    loaded = Signal(object)  # OnlineTill
    failed = Signal(object)  # Exception

    def __init__(
        self,
        data_dir: Path,
        config: SyncConfig | None,
        clock: Clock | None,
        bridge: SyncBridge,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._config = config
        self._clock = clock
        self._bridge = bridge
        self.online_till: OnlineTill | None = None
        self.printer: SlipPrinter | None = None
        self.error: Exception | None = None
        self.done = threading.Event()

    def load(self) -> None:
        try:
            # The work screens' modules too: `MainWindow.attach` then finds them imported.
            from bonuspos.services.online import OnlineTill
            from bonuspos.ui import printing
            from bonuspos.ui.main_window import import_work_screens

            import_work_screens()
            self.printer = printing.configured(self._data_dir)
            self.online_till = OnlineTill(
                self._data_dir, self._config, self._clock, on_state=self._bridge.changed.emit
            )
        except Exception as problem:  # every failure is the screen's to say
            self.error = problem
            self.done.set()
            self.failed.emit(problem)
            return
        self.done.set()
        self.loaded.emit(self.online_till)

    def load_in_background(self) -> None:
        threading.Thread(target=self.load, name="bonuspos-load", daemon=True).start()

    def close(self) -> None:
        # A window closed while the till loads: wait for it, so its database closes cleanly.
        self.done.wait(timeout=30)
        if self.online_till is not None:
            self.online_till.close()


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(["bonuspos"])


def install_language(app: QApplication, language: str) -> QTranslator | None:
    """Russian is the source language; any other comes from resources/i18n/bonuspos_<lang>.qm."""
    if language == "ru":
        return None
    translator = QTranslator(app)
    if not translator.load(str(paths.resources_dir() / "i18n" / f"bonuspos_{language}.qm")):
        return None
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(language))
    return translator


def start(
    data_dir: Path,
    config: SyncConfig | None,
    *,
    language: str = "ru",
    clock: Clock | None = None,
    printer: SlipPrinter | None = None,
    sync: bool = True,
    idle_lock: timedelta | None = None,
    fullscreen: bool = False,
    scanning: ScannerSettings | None = None,
    in_background: bool = False,
) -> Running:
    """The window, shown; the till loaded (`in_background`: on a thread, attached later).

    `idle_lock`: how long without input locks the till (tests shorten the policy's);
    `scanning`: how this till tells its scanner's keys (the defaults if None).
    """
    app = application()
    style.apply(app)
    install_language(app, language)
    place = (
        tr("магазин {0}, касса {1}").format(config.store, config.till)
        if config
        else tr("касса без сервера")
    )
    window = MainWindow(place, lambda: first_roster(data_dir))
    bridge = SyncBridge()
    scanner = ScannerFilter(app, scanning)
    app.installEventFilter(scanner)
    loader = TillLoader(data_dir, config, clock, bridge, app)

    def attach(online_till: OnlineTill) -> None:
        assert loader.printer is not None
        window.attach(
            online_till,
            printer or loader.printer,
            scanner,
            bridge,
            idle_lock,
            reports=data_dir / "reports",
        )
        if sync:
            # After the first paint: the queue must see a usable screen before the worker runs.
            QTimer.singleShot(0, online_till.start)

    loader.loaded.connect(attach)
    loader.failed.connect(lambda problem: _cannot_start(window, problem))
    # A store's monitor is often 1024×768 or 1366×768: a window larger than the screen
    # puts the buttons and the status bar out of sight where no window manager fits it.
    # The size also stays the window's own where nothing maximises it (no window manager)
    # and is what it returns to when the cashier un-maximises it.
    screen = app.primaryScreen().availableGeometry()
    window.resize(min(1280, screen.width()), min(800, screen.height()))
    # The till is the only thing the cashier works in: all of the screen, and in a kiosk
    # nothing else (no title bar, no taskbar to click away to).
    if fullscreen:
        window.showFullScreen()
    else:
        window.showMaximized()
    running = Running(app, window, scanner, bridge, loader)
    if in_background:
        # Once the sign-in screen has painted: the loading thread shares the interpreter
        # with the GUI thread and must not slow the first paint down.
        FirstPaint(window.sign_in, loader.load_in_background).watch()
    else:
        loader.load()
        if loader.error is not None:
            raise loader.error
    return running


class FirstPaint(QObject):
    """Calls `then` once, from the event loop, after `widget` or a child of it first paints.

    A fallback timer calls it anyway: a window that never paints (minimised at start, a
    platform without a screen) must still load its till.
    """

    FALLBACK_MS = 1000

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then

    def watch(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            self._then is not None
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and (watched is self._widget or self._widget.isAncestorOf(watched))
        ):
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if then is not None:
            then()


def _cannot_start(window: MainWindow, problem: Exception) -> None:
    """The till could not open its database: say why where the cashier looks, then quit."""
    import logging

    logging.getLogger(__name__).error("the till did not start: %s", problem)
    if sys.stderr is not None:
        print(f"bonuspos: {problem}", file=sys.stderr)
    app = QApplication.instance()
    if QApplication.platformName() not in ("offscreen", "minimal"):
        QMessageBox.critical(window, tr("Касса не запустилась"), str(problem))
    if app is not None:
        app.exit(2)


def run(
    data_dir: Path,
    config: SyncConfig | None,
    *,
    language: str = "ru",
    fullscreen: bool = False,
    smoke: bool = False,
    scanning: ScannerSettings | None = None,
) -> int:
    """`smoke`: quit as soon as the first screen is usable and the till has loaded
    (a build's and a benchmark's check)."""
    # A smoke run proves the screens start; it must not send a real till's queue anywhere.
    running = start(
        data_dir,
        config,
        language=language,
        fullscreen=fullscreen,
        sync=not smoke,
        scanning=scanning,
        in_background=True,
    )
    if smoke:
        probe = UsableProbe(running, data_dir)
        running.app.installEventFilter(probe)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, probe.timed_out)
    _quit_on_signals(running.app)
    try:
        return running.app.exec()
    finally:
        running.loader.close()


SMOKE_TIMEOUT_MS = 60_000


class UsableProbe(QObject):
    """Waits for the first screen to be usable and the till to load, then reports and quits.

    "Usable" is the moment a key pressed would be handled: the focused field painted and
    the event loop idle again (a zero-time timer queued from its paint fires then).
    "Ready" is the moment the loaded till is attached: a PIN typed is checked at once.
    The line printed carries both on the wall clock (`time.time_ns`), so a parent process
    that read the same clock before launching measures process creation and the bundle's
    own unpacking too: a benchmark cannot put its own timing code into a frozen build.
    A till that fails to load exits with its own status and prints nothing here.
    """

    def __init__(self, running: Running, data_dir: Path) -> None:
        super().__init__(running.app)
        self._running = running
        self._data_dir = data_dir
        self._seen: QWidget | None = None
        self._usable_ns: int | None = None
        self._ready_ns: int | None = None
        self.failed = False
        running.loader.loaded.connect(self._ready)
        if running.window.attached:
            self._ready_ns = time.time_ns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            self._seen is None
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched is self._target()
        ):
            self._seen = watched
            QTimer.singleShot(0, self._usable)
        return False

    def _target(self) -> QWidget | None:
        """The field a key would go to; a till with no staff yet has none: its first page.

        The window's own focus widget, not hasFocus(): that waits for the window manager
        to activate the window, which a kiosk's bare X server may never do.
        """
        window = self._running.window
        focused = window.focusWidget()
        if focused is not None and focused.isVisible():
            return focused
        return window.pages.currentWidget()

    def _usable(self) -> None:
        self._usable_ns = time.time_ns()
        self._report()

    def _ready(self, _: object) -> None:
        self._ready_ns = time.time_ns()
        self._report()

    def _report(self) -> None:
        if self._usable_ns is None or self._ready_ns is None:
            return
        window = self._running.window
        report = {
            "usable_ns": self._usable_ns,
            "ready_ns": self._ready_ns,
            "title": window.windowTitle(),
            "screen": type(window.pages.currentWidget()).__name__,
            "focus": type(self._seen).__name__,
            "platform": QApplication.platformName(),
            "data_dir": str(self._data_dir),
        }
        # A windowed Windows build has no stdout; the exit code still tells.
        if sys.stdout is not None:
            print(json.dumps(report, ensure_ascii=False), flush=True)
        self._running.app.quit()

    def timed_out(self) -> None:
        if self._usable_ns is None or self._ready_ns is None:
            self.failed = True
            if sys.stderr is not None:
                print("bonuspos --smoke: the first screen never became usable", file=sys.stderr)
            self._running.app.exit(1)


def _quit_on_signals(app: QApplication) -> None:
    """A PC shutting down (SIGTERM) or Ctrl+C closes the till as its window would.

    Python runs signal handlers only between bytecodes, and Qt's loop runs none: a timer
    gives the interpreter a moment four times a second.
    """
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
