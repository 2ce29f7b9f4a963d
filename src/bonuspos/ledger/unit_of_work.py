"""One user action, one transaction: `with uow: ...; uow.commit()`; no commit, no change."""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Self

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bonuspos.ledger.cache import Cache
from bonuspos.ledger.day import Day
from bonuspos.ledger.repositories import (
    Balances,
    Catalog,
    Customers,
    Ledger,
    Outbox,
    Settings,
)
from bonuspos.ledger.sales import Returns, Sales
from bonuspos.ledger.staff import AuditLog, Corrections, Staff


class StorageFailed(Exception):
    """The database could not do what was asked (busy, disk full…); nothing was written."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnitOfWork:
    customers: Customers
    balances: Balances
    cache: Cache
    catalog: Catalog
    sales: Sales
    returns: Returns
    staff: Staff
    audit: AuditLog
    corrections: Corrections
    day: Day
    ledger: Ledger
    outbox: Outbox
    settings: Settings
    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.customers = Customers(self.session)
        self.balances = Balances(self.session)
        self.cache = Cache(self.session)
        self.catalog = Catalog(self.session)
        self.sales = Sales(self.session)
        self.returns = Returns(self.session)
        self.staff = Staff(self.session)
        self.audit = AuditLog(self.session)
        self.corrections = Corrections(self.session)
        self.day = Day(self.session)
        self.ledger = Ledger(self.session)
        self.outbox = Outbox(self.session)
        self.settings = Settings(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, OperationalError):
            # Said in the ledger's own terms, so the use cases above need no SQL to explain it.
            raise StorageFailed(str(exc.orig)) from exc
        if isinstance(exc, sqlite3.OperationalError):
            # The same, from a statement run on the driver's connection (statements.py).
            raise StorageFailed(str(exc)) from exc

    def commit(self) -> None:
        self.session.commit()
