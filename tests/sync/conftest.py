"""A real `bonuspos-server` on loopback (SQLite) for the till's sync tests, one per module."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.cycle import sync_round
from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.data.models import Till as ServerTill
from tests.server.live import LiveServer, add_tills, import_demo_catalog, live_server
from tests.server.pg import NO_PG, PG_URL, fresh_pg_database
from tests.support import MINSK, RELEASED_LONG_AGO, sell

_TILLS = itertools.count(1)


@dataclass
class Central:
    server: LiveServer
    db: ServerDatabase

    def new_till(self, installed: timedelta = timedelta(0)) -> SyncConfig:
        """A till registered on the server `installed` ago, as `bonuspos-server add-till` does.

        The server refuses events dated before their till's registration: a till that
        sells in the past must have been installed before.
        """
        code = f"T{next(_TILLS)}"
        token = add_tills(self.db, "S1", [code])[code]
        if installed:
            with self.db.sessions() as session, session.begin():
                session.execute(
                    update(ServerTill)
                    .where(ServerTill.code == code)
                    .values(registered_at=datetime.now(MINSK) - installed)
                )
        return SyncConfig(self.server.base_url, "S1", code, token)


def sync(till: Till, config: SyncConfig) -> None:
    """One full round, as `bonuspos sync --once` does: push, then pull."""
    with ServerClient(config) as client:
        sync_round(till.db, client, till.clock.now)


@contextmanager
def running_central(folder: Path, kind: str) -> Iterator[Central]:
    """A real server on SQLite in `folder`, or on a fresh PostgreSQL database (dropped after)."""
    with ExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'server.sqlite3'}"
        else:
            if not PG_URL:
                pytest.skip(NO_PG)
            url = stack.enter_context(fresh_pg_database(PG_URL))
        db = open_server_database(url)
        stack.callback(db.dispose)
        import_demo_catalog(db)
        server = stack.enter_context(live_server(url, folder / "logs"))
        yield Central(server, db)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A module that sets EVERY_DATABASE = True runs its tests against the server on each
    # database a chain may run it on; the others on SQLite only, which is quicker.
    if "central" in metafunc.fixturenames and getattr(metafunc.module, "EVERY_DATABASE", False):
        metafunc.parametrize("central", ["sqlite", "postgresql"], indirect=True, scope="module")


@pytest.fixture(scope="module")
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    kind = getattr(request, "param", "sqlite")
    with running_central(tmp_path_factory.mktemp("central"), kind) as running:
        yield running


@pytest.fixture
def now_clock() -> ManualClock:
    # The server refuses events from before its till was registered: the till lives now.
    return ManualClock(datetime.now(MINSK))


@pytest.fixture
def shop(tmp_path: Path, now_clock: ManualClock) -> Iterator[Till]:
    # Some tests move its clock days back from today.
    with Till(tmp_path / "till", now_clock, released=RELEASED_LONG_AGO) as till:
        till.catalog.load_csv(paths.demo_catalog())
        yield till


def day_of_sales(shop: Till, phone: str) -> int:
    """A new card and three sales (two on it): four events; the points the card earns."""
    card = shop.registration.register(CustomerForm("Петрова Анна", phone, True, True))
    earned = sell(shop, {"TV-55Q": 1}, card=card).earned.minor
    earned += sell(shop, {"HP-BT": 2}, card=card).earned.minor
    sell(shop, {"CB-USBC": 1})
    return earned
