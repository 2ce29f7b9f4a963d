"""Opening the till's SQLite database: durable pragmas, migrations to head, session makers.

Reads run in deferred transactions; writes open with BEGIN IMMEDIATE so two writers
(the checkout and, later, the sync worker) queue on the lock instead of failing halfway.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from bonuspos.domain.errors import InvalidInput
from bonuspos.ledger import custody

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5_000
HEAD = "0008"  # the newest migration's revision; tests/ledger/test_schema.py checks it


class DatabaseTooNew(InvalidInput):
    """The database was written by a newer BonusPOS: this one must not touch it."""

    def __init__(self, path: Path, revision: str) -> None:
        super().__init__(
            f"База кассы {path} создана более новой версией BonusPOS (схема {revision},"
            f" эта версия знает схемы до {HEAD}). Установите новую версию программы"
            " или восстановите базу из резервной копии (bonuspos restore)."
        )
        self.revision = revision


def known(revision: str | None) -> bool:
    """Whether this program's migrations include `revision` (None: an empty database).

    Revisions are numbered 0001, 0002, … in order, so anything above HEAD is a newer
    program's; checked before Alembic, whose own error would be a stack trace about a
    revision it cannot locate.
    """
    return revision is None or (revision.isdigit() and int(revision) <= int(HEAD))


class Readers:
    """Plain sqlite3 connections for the one-statement reads a cashier waits on
    (ledger/lookups.py): the same file and pragmas as the engine's, without its pool.

    Borrowing from the engine's pool and giving back (its events, the reset on return)
    cost as much as the lookup's own statement. Idle connections wait on a stack that any
    thread takes one from, so there are never more than readers at once; a connection holds
    no transaction between reads, so it blocks neither the writer nor a checkpoint. All
    close with the database.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._idle: list[sqlite3.Connection] = []  # append and pop are atomic: no lock
        self._generation = 0  # moves on at each close: a connection out then is not kept

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """An idle connection, or a new one, for this read only."""
        generation = self._generation
        try:
            connection = self._idle.pop()
        except IndexError:
            # Used by one thread at a time, but not always the thread that opened it.
            connection = sqlite3.connect(self._path, check_same_thread=False)
            _on_connect(connection, None)
        try:
            yield connection
        finally:
            if generation == self._generation:
                self._idle.append(connection)
            else:
                connection.close()

    def close(self) -> None:
        self._generation += 1
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


@dataclass(frozen=True)
class Database:
    path: Path
    engine: Engine
    reading: sessionmaker[Session]
    writing: sessionmaker[Session]
    readers: Readers = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "readers", Readers(self.path))

    def dispose(self) -> None:
        self.readers.close()
        self.engine.dispose()


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # The pysqlite driver's own transaction handling defers BEGIN until the first write,
    # too late to take the lock up front; we issue BEGIN ourselves in _on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # What is deleted or rewritten is zeroed, not left in free space: a phone sealed by
    # an upgrade, or a customer erased, must not stay readable in the file's slack.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
    # Customers' phones are kept hashed and sealed (custody.py); SQL finds and opens them.
    custody.install(dbapi_connection)


def _on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def migrate(engine: Engine, to: str = "head") -> None:
    """Bring the schema to the newest revision (`to`: an older one, for upgrade tests);
    a no-op when it is already there. A newer program's database is refused untouched.

    Alembic (a tenth of a second to import, as much again to find nothing to do) is only
    loaded when the database is not at HEAD: a till's every start must be quick.
    """
    current = _revision(engine)
    if current == HEAD:
        return
    if not known(current):
        raise DatabaseTooNew(Path(engine.url.database or ""), str(current))
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        # SQLite's own procedure for rebuilding a table others refer to: foreign keys off
        # (the pragma is a no-op inside a transaction, hence before BEGIN), the rebuild,
        # then a check that every reference still holds before the new schema commits.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, to)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise RuntimeError(f"a migration broke a reference: {tuple(broken)}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
        # The old pages of rows a migration rewrote go from the file now, not at some
        # later checkpoint.
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _same_key(engine: Engine) -> None:
    """A database whose phones another key sealed (restored on another PC, or under
    another user) finds no card by phone: the feed is asked again from its start, and
    each card it brings is hashed and sealed under this key."""
    check = custody.current().check()
    settings = text("SELECT value FROM till_settings WHERE key = :key")
    with engine.connect() as connection:
        stored = connection.execute(settings, {"key": custody.CHECK_SETTING}).scalar()
    if stored == check:
        return
    with engine.begin() as connection:
        if stored is not None:
            log.warning("customers' phones were sealed by another key: fetching them again")
            connection.execute(
                text("DELETE FROM till_settings WHERE key = :key"), {"key": custody.FEED_CURSOR}
            )
        connection.execute(
            text("INSERT OR REPLACE INTO till_settings (key, value) VALUES (:key, :value)"),
            {"key": custody.CHECK_SETTING, "value": check},
        )


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at; None for a database never migrated."""
    return _revision(engine)


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        known = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first()
        if known is None:
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def open_database(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    try:
        migrate(engine)
        _same_key(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(
        path=path,
        engine=engine,
        reading=sessionmaker(engine, expire_on_commit=False),
        writing=sessionmaker(
            engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        ),
    )
