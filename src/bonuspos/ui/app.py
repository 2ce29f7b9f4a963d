"""Starting the till's screens: the window first, then what the first screen does not need.

`start()` builds everything and returns it (tests and the benchmark drive the result);
`run()` is what `bonuspos` calls: start, then Qt's event loop until the window closes.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from bonuspos import paths
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
) -> Running:
    """`idle_lock`: how long without input locks the till (tests shorten the policy's)."""
    app = application()
    style.apply(app)
    install_language(app, language)
    bridge = SyncBridge()
    online_till = OnlineTill(data_dir, config, clock, on_state=bridge.changed.emit)
    scanner = ScannerFilter(app)
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
    data_dir: Path, config: SyncConfig | None, *, language: str = "ru", fullscreen: bool = False
) -> int:
    running = start(data_dir, config, language=language, fullscreen=fullscreen)
    _quit_on_signals(running.app)
    try:
        return running.app.exec()
    finally:
        running.online_till.close()


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
