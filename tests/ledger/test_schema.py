"""The ledger's schema comes from Alembic, matches the models, and opens durable."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bonuspos.ledger.db import open_database
from bonuspos.ledger.models import Base


def test_migrations_build_exactly_the_schema_the_models_describe(tmp_path: Path) -> None:
    db = open_database(tmp_path / "till.sqlite3")
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []


def test_opening_twice_migrates_once_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite3"
    open_database(path).dispose()
    db = open_database(path)
    assert "alembic_version" in inspect(db.engine).get_table_names()
    db.dispose()


def test_the_ledger_is_durable_wal_with_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(tmp_path / "till.sqlite3")
    with db.engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys")
        }
    db.dispose()
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
