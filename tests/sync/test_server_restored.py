"""The server's database goes back to last night's backup: the till notices and sends again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from bonuspos.domain.customer import CustomerForm
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.push import push_all
from bonuspos_server.db import open_server_database
from tests.server.live import add_tills, live_server
from tests.support import sell

PHONE = "+375 29 555-04-01"


def _copy(source: Path, target: Path) -> None:
    # SQLite's online backup: a consistent copy even while the server writes (WAL).
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_a_server_restored_from_an_older_backup_gets_back_what_it_lost(
    tmp_path: Path, shop: Till
) -> None:
    folder = tmp_path / "central"
    folder.mkdir()
    database = folder / "server.sqlite3"
    url = f"sqlite:///{database}"
    db = open_server_database(url)
    token = add_tills(db, "S1", ["T1"])["T1"]
    db.dispose()
    anna = shop.registration.register(CustomerForm("Белова Анна", PHONE, True, True))
    earned = sell(shop, {"TV-55Q": 1}, card=anna).earned.minor

    with live_server(url, folder / "logs") as server:
        config = SyncConfig(server.base_url, "S1", "T1", token)
        with ServerClient(config) as client:
            assert push_all(shop.db, client, shop.clock.now).accepted == 2
            _copy(database, folder / "last-night.sqlite3")
            earned += sell(shop, {"HP-BT": 1}, card=anna).earned.minor
            earned += sell(shop, {"PH-A15": 1}, card=anna).earned.minor
            assert push_all(shop.db, client, shop.clock.now).accepted == 2

    _copy(folder / "last-night.sqlite3", database)  # the server comes back from the backup

    with live_server(url, folder / "logs") as server:
        config = SyncConfig(server.base_url, "S1", "T1", token)
        with ServerClient(config) as client:
            pushed = push_all(shop.db, client, shop.clock.now)
            again = push_all(shop.db, client, shop.clock.now)
        card = httpx.get(
            f"{server.base_url}/v1/customers/{PHONE}", headers={"Authorization": f"Bearer {token}"}
        ).json()

    assert (pushed.recovered, pushed.accepted, pushed.duplicate) == (2, 2, 0)
    assert again.answered == 0
    assert card["pending"] == earned
