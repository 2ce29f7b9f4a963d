"""The window takes the whole screen: maximised, or full screen on a kiosk till."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bonuspos.cli import main
from bonuspos.services.clock import ManualClock
from bonuspos.ui import app as ui_app
from bonuspos.ui.printing import SlipPrinter


def test_the_window_opens_maximised_and_its_minimum_fits_a_1024x768_screen(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    running = ui_app.start(tmp_path / "till", None, clock=clock, printer=printer, sync=False)
    qtbot.addWidget(running.window)
    try:
        assert running.window.isMaximized()
        minimum = running.window.minimumSize()
        # 1024×768 less a taskbar (40) and a title bar (30, a large one).
        assert minimum.width() <= 1024
        assert minimum.height() <= 768 - 40 - 30
    finally:
        running.close()


def test_a_kiosk_till_opens_full_screen(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> None:
    running = ui_app.start(
        tmp_path / "till", None, clock=clock, printer=printer, sync=False, fullscreen=True
    )
    qtbot.addWidget(running.window)
    try:
        assert running.window.isFullScreen()
    finally:
        running.close()


@pytest.mark.parametrize(
    ("argv", "fullscreen"),
    [
        ([], False),
        (["--fullscreen"], True),
        (["demo"], False),
        (["demo", "--fullscreen"], True),
        (["--fullscreen", "demo"], True),
    ],
)
def test_the_command_passes_fullscreen_to_the_screens(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str], fullscreen: bool
) -> None:
    from bonuspos.demo import gui

    asked: dict[str, Any] = {}

    def screens(*args: object, **kwargs: Any) -> int:
        asked.update(kwargs)
        return 0

    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(tmp_path / "config"))  # not configured
    monkeypatch.setattr(ui_app, "run", screens)
    monkeypatch.setattr(gui, "run", screens)
    assert main(["--data-dir", str(tmp_path), *argv]) == 0
    assert asked["fullscreen"] is fullscreen
