"""One user action, one transaction: `with uow: ...; uow.commit()`; no commit, no change."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from bonuspos.ledger.cache import Cache
from bonuspos.ledger.repositories import (
    Balances,
    Catalog,
    Customers,
    Ledger,
    Outbox,
    Sales,
    Settings,
)


class UnitOfWork:
    customers: Customers
    balances: Balances
    cache: Cache
    catalog: Catalog
    sales: Sales
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

    def commit(self) -> None:
        self.session.commit()
