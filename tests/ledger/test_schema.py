"""The ledger's schema comes from Alembic, matches the models, and opens durable."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bonuspos.ledger.db import HEAD, MIGRATIONS, open_database
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


def test_ledger_entries_cannot_be_edited_or_deleted(tmp_path: Path) -> None:
    db = open_database(tmp_path / "till.sqlite3")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO customers (id, uid, phone, full_name, name_key, email, birth_date,"
                " rules_version, registered_at) VALUES (1, 'u', '+375291234567', 'А Б', 'а б',"
                " '', '', 1, '2026-11-25T09:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ledger_entries (customer_id, kind, points, active_from, occurred_at,"
                " prev_hash, hash) VALUES (1, 'earned', 100, '2026-11-26',"
                " '2026-11-25T09:00:00+00:00', '0', 'h1')"
            )
        )
    for statement in ("UPDATE ledger_entries SET points = 1000", "DELETE FROM ledger_entries"):
        with pytest.raises(IntegrityError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT points FROM ledger_entries")).scalar_one() == 100
    db.dispose()


def test_the_head_a_till_skips_alembic_at_is_the_newest_migration(tmp_path: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    db = open_database(tmp_path / "till.sqlite3")
    try:
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert stored.scalar() == HEAD
    finally:
        db.dispose()
