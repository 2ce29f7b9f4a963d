"""The demo on screen: a local demo server, a till connected to it, the cashier's screens."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bonuspos import paths
from bonuspos.demo import server as demo_server
from bonuspos.services.till import Till


def run(data_dir: Path | None = None, language: str = "ru", fullscreen: bool = False) -> int:
    folder = data_dir or Path(tempfile.mkdtemp(prefix="bonuspos-demo-"))
    central = demo_server.start(folder / "server")
    try:
        till_dir = folder / "till"
        # The catalog also arrives from the server; loaded here, the first sale needs no wait.
        with Till(till_dir) as till:
            till.catalog.load_csv(paths.demo_catalog())
        from bonuspos.ui import app

        return app.run(
            till_dir,
            central.config,
            cashier="Демо-кассир",
            language=language,
            fullscreen=fullscreen,
        )
    finally:
        central.stop()
