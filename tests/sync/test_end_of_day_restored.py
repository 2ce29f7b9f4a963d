"""Closing a day against a server of its own: one restored from a backup, one in another zone.

Each test starts its own `bonuspos-server` on SQLite, so it can copy the server's file
back (a restore) or give the server's process a time zone of its own. Both need the
server's GET /v1/tills/me/day.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync import config as sync_config
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos_server.data.db import open_server_database
from bonuspos_server.data.models import Till as ServerTill
from tests.server.live import add_tills, import_demo_catalog, live_server
from tests.support import MINSK, RELEASED_LONG_AGO, minsk, sell
from tests.sync.conftest import sync


def _copy(source: Path, target: Path) -> None:
    # SQLite's online backup: a consistent copy even while the server writes (WAL).
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _new_server(folder: Path, installed: datetime | None = None) -> tuple[str, str]:
    """A server database with store S1 and till T1 (registered at `installed`); URL, token."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    db = open_server_database(url)
    token = add_tills(db, "S1", ["T1"])["T1"]
    if installed is not None:
        with db.sessions() as session, session.begin():
            session.execute(update(ServerTill).values(registered_at=installed))
    import_demo_catalog(db)
    db.dispose()
    return url, token


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(folder))
    return folder


def test_a_server_that_lost_the_last_hour_gets_it_again_and_the_second_close_agrees(
    tmp_path: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    central = tmp_path / "central"
    url, token = _new_server(central)
    database = central / "server.sqlite3"
    folder = tmp_path / "till"
    now = datetime.now(MINSK)
    with live_server(url, central / "logs") as server:
        config = SyncConfig(server.base_url, "S1", "T1", token)
        with Till(folder, ManualClock(now)) as till:
            sync(till, config)
            anna = till.registration.register(
                CustomerForm("Утренняя Анна", "+375 29 555-32-01", True, True)
            )
            sell(till, {"TV-55Q": 1}, card=anna)
            sync(till, config)
            _copy(database, central / "backup.sqlite3")  # the hourly backup
            sell(till, {"HP-BT": 2}, card=anna)  # the last hour
            sell(till, {"CB-USBC": 1})
            sync(till, config)
    _copy(central / "backup.sqlite3", database)  # the server's disk died; IT restored it

    with live_server(url, central / "logs") as server:
        sync_config.save(SyncConfig(server.base_url, "S1", "T1", token), config_dir)
        argv = ["end-of-day", "--date", now.date().isoformat(), "--data-dir", str(folder)]
        first = main(argv)
        said = capsys.readouterr().out
        second = main(argv)

    assert first == 3, said
    assert "Отправлено повторно: 2" in said
    assert "сервер потерял 2 событий".lower() in said.lower()
    assert second == 0, capsys.readouterr().out


@pytest.fixture
def pc_in_another_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process, and the server started after it, in Los Angeles: 11 hours behind Minsk."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_minute_either_side_of_minsk_midnight_is_two_days_on_till_and_server(
    pc_in_another_zone: None, tmp_path: Path
) -> None:
    today = datetime.now(MINSK).date()
    yesterday = today - timedelta(days=1)
    url, token = _new_server(tmp_path / "central", installed=minsk(2000, 1, 1))
    clock = ManualClock(datetime.now(MINSK) - timedelta(days=3))
    with live_server(url, tmp_path / "central" / "logs") as server:
        config = SyncConfig(server.base_url, "S1", "T1", token)

        def client() -> ServerClient:
            return ServerClient(config)

        with Till(
            tmp_path / "till", clock, released=RELEASED_LONG_AGO, store="S1", till="T1",
            server=client,
        ) as till:  # fmt: skip
            till.catalog.load_csv(paths.demo_catalog())
            clock.set(minsk(yesterday.year, yesterday.month, yesterday.day, 23, 59))
            late = sell(till, {"HP-BT": 1})
            clock.set(minsk(today.year, today.month, today.day, 0, 1))
            early = sell(till, {"CB-USBC": 1})
            before = till.end_of_day.close_day(yesterday)
            after = till.end_of_day.close_day(today)

    assert time.strftime("%Z") in ("PST", "PDT")
    for report, sale in ((before, late), (after, early)):
        assert report.server_totals is not None, report.problems
        assert report.till_totals.receipts == report.server_totals.receipts == 1
        assert report.till_totals.revenue == report.server_totals.revenue
        assert sum(m.minor for m in report.till_totals.revenue.values()) == sale.due.minor
        assert report.agrees, report.problems
    assert before.by_hour[23].sales == late.total
    assert after.by_hour[0].sales == early.total
