"""The demo on screen: a local demo server, a till connected to it, the cashier's screens."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bonuspos import paths
from bonuspos.demo import server as demo_server
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.cycle import sync_round


def run(data_dir: Path | None = None, language: str = "ru", fullscreen: bool = False) -> int:
    folder = data_dir or Path(tempfile.mkdtemp(prefix="bonuspos-demo-"))
    central = demo_server.start(folder / "server")
    try:
        till_dir = folder / "till"
        # The catalog also arrives from the server; loaded here, the first sale needs no wait.
        with Till(till_dir) as till:
            till.catalog.load_csv(paths.demo_catalog())
            # One round before the screens open: the sign-in screen lists the store's
            # staff, who come from the server like a real store's.
            with ServerClient(central.config) as client:
                sync_round(till.db, client, till.clock.now)
        for name, _role, pin in demo_server.DEMO_STAFF:
            print(f"{name}: PIN {pin}")
        # The demo server sends no SMS: the code a spend above the threshold asks for is
        # in its log, as the customer would read it on their phone.
        print(f"SMS с кодами для списания баллов: {central.log.name}")
        from bonuspos.ui import app

        return app.run(
            till_dir,
            central.config,
            language=language,
            fullscreen=fullscreen,
        )
    finally:
        central.stop()
