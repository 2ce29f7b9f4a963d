"""The demo on screen: a local demo server, a till connected to it, the cashier's screens."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bonuspos import paths
from bonuspos.demo import server as demo_server
from bonuspos.domain.staff import Role
from bonuspos.services.till import Till

# Who signs in on the demo till, and with what PIN: printed at the start for whoever tries it.
DEMO_STAFF = (
    ("Демо Кассир", Role.CASHIER, "2580"),
    ("Демо Менеджер", Role.MANAGER, "135790"),
)


def run(data_dir: Path | None = None, language: str = "ru", fullscreen: bool = False) -> int:
    folder = data_dir or Path(tempfile.mkdtemp(prefix="bonuspos-demo-"))
    central = demo_server.start(folder / "server")
    try:
        till_dir = folder / "till"
        # The catalog also arrives from the server; loaded here, the first sale needs no wait.
        with Till(till_dir) as till:
            till.catalog.load_csv(paths.demo_catalog())
            if not till.staff.roster():
                for name, role, pin in DEMO_STAFF:
                    till.staff.add_local(name, role, pin)
        for name, _role, pin in DEMO_STAFF:
            print(f"{name}: PIN {pin}")
        from bonuspos.ui import app

        return app.run(
            till_dir,
            central.config,
            language=language,
            fullscreen=fullscreen,
        )
    finally:
        central.stop()
