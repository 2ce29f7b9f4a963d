"""The server's database: SQLite by default (a data folder, no set-up), PostgreSQL in production.

The same Alembic migrations build both. Writes on SQLite open with BEGIN IMMEDIATE so
concurrent requests queue on the lock; PostgreSQL takes row locks where a use case needs
them (a card's balance, the feed counter).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
ENV_URL = "BONUSPOS_SERVER_DATABASE_URL"


def default_url() -> str:
    folder = Path(platformdirs.user_data_dir("BonusPOS-Server", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'server.sqlite3'}"


def normalise_url(url: str) -> str:
    """`postgresql://…` means psycopg 3, the driver this package installs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


# Execution option of a transaction whose loss in a power cut costs nothing (rate counts):
# SQLite commits it without waiting for the disk. In WAL mode the file stays consistent
# either way, and the next durable commit's sync covers it.
EXPENDABLE = "bonuspos_expendable"


def _sqlite_begin(connection: Connection) -> None:
    # Set at every BEGIN, so a pooled connection never carries the setting into a sale's.
    durability = "NORMAL" if connection.get_execution_options().get(EXPENDABLE) else "FULL"
    connection.exec_driver_sql(f"PRAGMA synchronous={durability}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    # A failed statement's error (logged, raised) must not quote its bound values: phones,
    # names, token hashes.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it costs a round trip per request; a dropped connection fails that one
    # request (the till retries) and the pool replaces it.
    return create_engine(
        url, pool_size=20, max_overflow=20, pool_recycle=3600, hide_parameters=True
    )


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@dataclass(frozen=True)
class ServerDatabase:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def open_server_database(url: str, *, run_migrations: bool = True) -> ServerDatabase:
    engine = make_engine(url)
    if run_migrations:
        migrate(engine)
    return ServerDatabase(engine, sessionmaker(engine, expire_on_commit=False))
