"""A till whose disk is full or whose database another program holds says so, and writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bonuspos.ledger.db import open_database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.errors import StorageProblem, storage_problems


@pytest.mark.parametrize(
    ("sqlite_says", "cashier_reads"),
    [
        ("database or disk is full", "На диске кассы нет места: ничего не записано"),
        ("database is locked", "База кассы занята другой программой: ничего не записано"),
        ("disk I/O error", "Не удалось записать в базу кассы (disk I/O error)"),
    ],
)
def test_sqlites_failures_reach_the_cashier_in_russian(
    sqlite_says: str, cashier_reads: str, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "till.sqlite3")
    failure = OperationalError("COMMIT", {}, sqlite3.OperationalError(sqlite_says))
    # Raised inside a unit of work, as a failed write or commit is: the ledger says it in
    # its own terms, the use case in the cashier's.
    with pytest.raises(StorageProblem) as refused, storage_problems(), UnitOfWork(db.writing):
        raise failure
    db.dispose()
    assert refused.value.message.startswith(cashier_reads)
    assert refused.value.__cause__ is not None
    assert refused.value.__cause__.__cause__ is failure
