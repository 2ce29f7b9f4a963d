"""The server's database goes back to last night's backup: the till notices and sends again."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient, ServerUnavailable
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.push import push_all
from bonuspos_server.data.db import open_server_database
from bonuspos_server.data.models import Sale
from tests.server.live import add_tills, import_demo_catalog, live_server
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
    import_demo_catalog(db)
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


def test_a_till_restored_from_its_own_backup_still_gets_its_new_sales_to_the_server(
    tmp_path: Path, now_clock: ManualClock
) -> None:
    folder = tmp_path / "central"
    folder.mkdir()
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    db = open_server_database(url)
    token = add_tills(db, "S1", ["T1"])["T1"]
    import_demo_catalog(db)
    till_dir, backup = tmp_path / "till", tmp_path / "till-backup"
    with Till(till_dir, now_clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sell(till, {"HP-BT": 1})
    shutil.copytree(till_dir, backup)  # last night's copy of the till's folder
    with live_server(url, folder / "logs") as server:
        config = SyncConfig(server.base_url, "S1", "T1", token)
        with Till(till_dir, now_clock) as till, ServerClient(config) as client:
            sell(till, {"HP-BT": 1})
            assert push_all(till.db, client, till.clock.now).accepted == 2
        shutil.rmtree(till_dir)
        shutil.copytree(backup, till_dir)  # the till's disk died; IT restored the copy
        with Till(till_dir, now_clock) as till, ServerClient(config) as client:
            receipt = sell(till, {"TV-55Q": 1})  # numbered again from the backup's seq
            pushed = push_all(till.db, client, till.clock.now)
            left = status.read(till.db)

    assert (pushed.accepted, pushed.rejected) == (1, 0)  # the copy's first sale: duplicate
    assert pushed.duplicate == 1
    assert (left.waiting, left.dead_letters) == (0, 0)
    with db.sessions() as session:
        assert session.get(Sale, receipt.sale_id) is not None
    db.dispose()


def test_an_answer_not_in_the_protocols_shape_counts_as_the_server_unavailable(
    shop: Till,
) -> None:
    sell(shop, {"HP-BT": 1})
    proxy_page = httpx.MockTransport(lambda request: httpx.Response(200, json={"status": "ok"}))
    config = SyncConfig("http://127.0.0.1:9", "S1", "T1", "bpt_x")

    with ServerClient(config, transport=proxy_page) as client, pytest.raises(ServerUnavailable):
        push_all(shop.db, client, shop.clock.now)

    assert status.read(shop.db).waiting == 1
