"""Statements run on the driver's connection store and read values exactly as the ORM does."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.ledger import EntryKind, LedgerEntry
from bonuspos.domain.money import Points
from bonuspos.ledger.db import Database, open_database
from bonuspos.ledger.lookups import CardReader
from bonuspos.ledger.models import LedgerRow, Sale
from bonuspos.ledger.statements import Prepared, dbapi
from bonuspos.ledger.unit_of_work import StorageFailed, UnitOfWork

AT = datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=UTC)
ACTIVE_FROM = date(2026, 12, 9)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "till.sqlite3")


def _customer(uow: UnitOfWork) -> tuple[int, str]:
    new = accept(CustomerForm("Орлова Мария", "+375 29 555-12-01", True, True))
    row = uow.customers.add(new, uid="u-1", at=AT)
    return row.id, row.uid


def test_ledger_entries_written_on_the_driver_read_back_through_the_orm(db: Database) -> None:
    entry = LedgerEntry(EntryKind.EARNED, Points(1_25), ACTIVE_FROM)
    with UnitOfWork(db.writing) as uow:
        customer_id, uid = _customer(uow)
        uow.session.flush()
        [digest] = uow.ledger.append(customer_id, uid, [entry], at=AT, adjustment_id="a-1")
        uow.commit()

    with UnitOfWork(db.reading) as uow:
        row = uow.session.execute(select(LedgerRow)).scalar_one()
        stored = (row.kind, row.points, row.active_from, row.occurred_at, row.hash)
    db.dispose()
    assert stored == (
        "earned",
        1_25,
        ACTIVE_FROM,
        AT,  # aware, to the microsecond: the column's own UTC type bound it
        digest,
    )


def test_a_card_read_on_the_driver_has_its_pending_points_dated(db: Database) -> None:
    entry = LedgerEntry(EntryKind.EARNED, Points(3_00), ACTIVE_FROM)
    with UnitOfWork(db.writing) as uow:
        customer_id, uid = _customer(uow)
        uow.session.flush()
        uow.ledger.append(customer_id, uid, [entry], at=AT, adjustment_id="a-1")
        uow.balances.apply(customer_id, [entry], AT.date())
        uow.commit()

    card = CardReader(db.readers).by_phone("+375295551201", AT.date())
    db.dispose()
    assert card is not None
    assert (card.uid, card.balance.active, card.balance.pending) == ("u-1", Points(0), Points(3_00))
    assert card.balance.next_activation == ACTIVE_FROM


def test_an_insert_that_leaves_out_a_column_with_a_default_is_refused_when_built() -> None:
    # SQLAlchemy's execution would fill `origin` in; running on the driver it would be NULL.
    with pytest.raises(ValueError, match="origin"):
        Prepared(insert(Sale.__table__), ("id", "number", "order_ref"))


def _write_to_a_full_disk(db: Database) -> None:
    with UnitOfWork(db.writing) as uow:
        driver = dbapi(uow.session)
        pages = driver.execute("PRAGMA page_count").fetchone()[0]
        driver.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here
        uow.outbox.append("e-1", "audit_recorded", AT, {"detail": "x" * 100_000})
        uow.commit()


def test_a_full_disk_on_the_driver_is_a_storage_failure(db: Database) -> None:
    with pytest.raises(StorageFailed, match="database or disk is full"):
        _write_to_a_full_disk(db)
    db.dispose()


def test_reads_share_idle_connections_that_have_the_tills_pragmas(db: Database) -> None:
    with db.readers.connection() as first:
        with db.readers.connection() as beside:  # two reads at once: two connections
            pass
        pragmas = [
            first.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys")
        ]
    in_a_thread: list[sqlite3.Connection] = []

    def read() -> None:
        with db.readers.connection() as connection:
            in_a_thread.append(connection)

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    db.dispose()
    assert beside is not first
    assert in_a_thread[0] in (first, beside)  # an idle one, not one more
    assert pragmas == ["wal", 2, 1]


def test_reading_connections_close_with_the_database_and_open_again_after(db: Database) -> None:
    with db.readers.connection() as before:
        db.dispose()  # while it is out: it is closed when it comes back
    with db.readers.connection() as after:
        counted = after.execute("SELECT count(*) FROM customers").fetchone()
    db.dispose()

    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        before.execute("SELECT 1")
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        after.execute("SELECT 1")
    assert counted == (0,)


def test_rows_the_orm_holds_unwritten_come_before_a_statement_on_the_driver(db: Database) -> None:
    # A new customer's zero balance is an ORM row until a flush; crediting the card in the
    # same unit of work must add to it, not collide with it at the commit.
    entry = LedgerEntry(EntryKind.ADJUSTED, Points(5_00), AT.date())
    with UnitOfWork(db.writing) as uow:
        customer_id, _uid = _customer(uow)
        uow.balances.apply(customer_id, [entry], AT.date())
        uow.commit()

    card = CardReader(db.readers).by_id(customer_id, AT.date())
    db.dispose()
    assert card is not None
    assert card.balance.active == Points(5_00)
