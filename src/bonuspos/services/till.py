"""The till's composition root: one lock, one database, the use cases over them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from bonuspos import RELEASED
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.policy import DEFAULT_POLICY, Policy
from bonuspos.ledger.db import Database, open_database
from bonuspos.ledger.repositories import POLICY_SETTING
from bonuspos.ledger.till_lock import TillLock
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.paths import DB_NAME as DB_NAME  # the database file, as callers know it
from bonuspos.services.catalog import CatalogService
from bonuspos.services.checkout import Checkout
from bonuspos.services.clock import Clock, SystemClock
from bonuspos.services.clock_guard import ClockGuard, ClockImplausible
from bonuspos.services.corrections import Corrections
from bonuspos.services.end_of_day import EndOfDay
from bonuspos.services.holds import OnlineHolds
from bonuspos.services.lookup import Lookup
from bonuspos.services.registration import Registration
from bonuspos.services.remote_sales import ServerSales
from bonuspos.services.returns import Returns
from bonuspos.services.staff import StaffService

if TYPE_CHECKING:
    from bonuspos.sync.client import ServerClient

LOCK_NAME = "till.lock"


class Till:
    """Everything one running till needs; a second copy on the same data folder refuses to open."""

    def __init__(
        self,
        data_dir: Path,
        clock: Clock | None = None,
        holds: OnlineHolds | None = None,
        *,
        released: date = RELEASED,
        remote: ServerSales | None = None,
        store: str = "",
        till: str = "",
        server: Callable[[], ServerClient] | None = None,
    ) -> None:
        """`released`: no event is dated before this day (tests replaying the past lower it).

        `remote` fetches other tills' sales for returns; `store` and `till` are the codes
        the server knows this till by, named in every manager's approval; `server` makes
        the client that closes a day (drains, pulls and fetches the server's figures).
        """
        self.data_dir = data_dir
        self._lock = TillLock(data_dir / LOCK_NAME).acquire()
        try:
            self.db: Database = open_database(data_dir / DB_NAME)
        except BaseException:
            self._lock.release()
            raise
        try:
            self.policy = self._load_policy()
        except BaseException:
            self.close()
            raise
        self.clock = clock or SystemClock()
        self._guard = ClockGuard(self.clock, self.policy, released)
        self.lookup = Lookup(self.db, self.clock, self.policy)
        self.registration = Registration(self.db, self._guard, self.policy)
        self.checkout = Checkout(self.db, self.clock, self.policy, holds, self._guard)
        self.returns = Returns(self.db, self._guard, self.policy, self.clock, remote)
        self.catalog = CatalogService(self.db, data_dir / "reports" / "print")
        self.staff = StaffService(self.db, self.clock, self.policy, store, till)
        self.corrections = Corrections(self.db, self.clock, self._guard, self.policy, self.staff)
        self.end_of_day = EndOfDay(self.db, self.clock, self.policy, data_dir, server, store, till)

    def _load_policy(self) -> Policy:
        with UnitOfWork(self.db.reading) as uow:
            stored = uow.settings.get(POLICY_SETTING)
        if not stored:
            return DEFAULT_POLICY
        try:
            data = json.loads(stored)
        except ValueError as exc:
            raise InvalidInput(
                "Политика программы в базе кассы повреждена", "policy-damaged"
            ) from exc
        return Policy.from_dict(data)

    def clock_problem(self) -> ClockImplausible | None:
        """Why a sale would be refused for the clock right now; None while it is plausible."""
        with UnitOfWork(self.db.reading) as uow:
            return self._guard.problem(uow)

    def close(self) -> None:
        self.db.dispose()
        self._lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
