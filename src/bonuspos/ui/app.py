"""Starting the till's screens: the window first, then what the first screen does not need.

`start()` builds everything and returns it (tests and the benchmark drive the result);
`run()` is what `bonuspos` calls: start, then Qt's event loop until the window closes.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from bonuspos import paths
from bonuspos.domain.scanner import ScannerSettings
from bonuspos.services.clock import Clock
from bonuspos.services.online import OnlineTill, SyncConfig
from bonuspos.ui import style
from bonuspos.ui.main_window import MainWindow, SyncBridge
from bonuspos.ui.printing import SlipPrinter, configured
from bonuspos.ui.scanner import ScannerFilter

LANGUAGES = ("ru", "en")


@dataclass
class Running:
    app: QApplication
    window: MainWindow
    online_till: OnlineTill
    scanner: ScannerFilter
    bridge: SyncBridge

    def close(self) -> None:
        self.app.removeEventFilter(self.scanner)
        self.window.close()
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
) -> Running:
    """`idle_lock`: how long without input locks the till (tests shorten the policy's);
    `scanning`: how this till tells its scanner's keys (the defaults if None)."""
    app = application()
    style.apply(app)
    install_language(app, language)
    bridge = SyncBridge()
    online_till = OnlineTill(data_dir, config, clock, on_state=bridge.changed.emit)
    scanner = ScannerFilter(app, scanning)
    app.installEventFilter(scanner)
    window = MainWindow(
        online_till,
        printer or configured(data_dir),
        scanner,
        bridge,
        idle_lock,
        reports=data_dir / "reports",
    )
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
    if sync:
        # After the first paint: the queue must see a usable screen before the worker runs.
        QTimer.singleShot(0, online_till.start)
    return Running(app, window, online_till, scanner, bridge)


def run(
    data_dir: Path,
    config: SyncConfig | None,
    *,
    language: str = "ru",
    fullscreen: bool = False,
    smoke: bool = False,
    scanning: ScannerSettings | None = None,
) -> int:
    """`smoke`: quit as soon as the first screen is usable (a build's and a benchmark's check)."""
    # A smoke run proves the screens start; it must not send a real till's queue anywhere.
    running = start(
        data_dir,
        config,
        language=language,
        fullscreen=fullscreen,
        sync=not smoke,
        scanning=scanning,
    )
    if smoke:
        probe = UsableProbe(running, data_dir)
        running.app.installEventFilter(probe)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, probe.timed_out)
    _quit_on_signals(running.app)
    try:
        return running.app.exec()
    finally:
        running.online_till.close()


SMOKE_TIMEOUT_MS = 60_000


class UsableProbe(QObject):
    """Waits for the first screen's focused field to paint, then reports and quits.

    "Usable" is the moment a key pressed would be handled: the focused field painted and
    the event loop idle again (a zero-time timer queued from its paint fires then). The
    line printed carries the wall clock (`time.time_ns`), so a parent process that read
    the same clock before launching measures process creation and the bundle's own
    unpacking too: a benchmark cannot put its own timing code into a frozen build.
    """

    def __init__(self, running: Running, data_dir: Path) -> None:
        super().__init__(running.app)
        self._running = running
        self._data_dir = data_dir
        self._seen: QWidget | None = None
        self.failed = False

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
        usable_ns = time.time_ns()
        window = self._running.window
        report = {
            "usable_ns": usable_ns,
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
        if self._seen is None:
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
