"""Core statements compiled once for SQLite and run on the sqlite3 connection beneath.

A card lookup is one statement and a sale a dozen small ones, each a few microseconds of
SQLite's work; SQLAlchemy's execution around each (context, events, result objects) cost
15–40 µs more. The statements are still built with Core from the models, so columns and
types are checked, but compiled here once; each value is bound by its column type's own
processor (a date as ISO text, an aware time as UTC text) and each result column read back
by its type's, exactly as SQLAlchemy would, on the DBAPI connection the session holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

Values = Mapping[str, object]
_NO_VALUE = object()  # a bound parameter each call must give
_DIALECT = sqlite.dialect()  # pysqlite: qmark parameters, the till's own driver


class Prepared:
    """One statement as SQL text, with how to bind its values and read its rows."""

    def __init__(self, stmt: Executable, column_keys: Sequence[str] | None = None) -> None:
        """`column_keys`: for an INSERT, the columns each row gives (the others default)."""
        kw: dict[str, Any] = {"column_keys": list(column_keys)} if column_keys else {}
        compiled = stmt.compile(dialect=_DIALECT, **kw)  # type: ignore[attr-defined]
        self.sql = str(compiled)
        # A Python-side default is filled in by SQLAlchemy's execution, which is skipped
        # here: such a column must be given by every call instead.
        defaulted = [*compiled.insert_prefetch, *compiled.update_prefetch]
        if defaulted:
            raise ValueError(f"give {[c.key for c in defaulted]} explicitly: {self.sql}")
        # Each `?` in order: the value's name, the statement's own constant if it has one
        # (the 0 of a coalesce…), and the column type's bind processor if it needs one.
        binds = compiled.binds
        self._slots: tuple[tuple[str, object, Callable[[Any], Any] | None], ...] = tuple(
            (
                name,
                _NO_VALUE if binds[name].required else binds[name].value,
                binds[name].type.dialect_impl(_DIALECT).bind_processor(_DIALECT),
            )
            for name in compiled.positiontup or ()
        )
        columns = getattr(stmt, "selected_columns", ())
        read = [c.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None) for c in columns]
        self._read = tuple((i, r) for i, r in enumerate(read) if r is not None)

    def params(self, values: Values) -> tuple[object, ...]:
        out = []
        for name, fixed, process in self._slots:
            value = values[name] if fixed is _NO_VALUE else values.get(name, fixed)
            out.append(value if process is None or value is None else process(value))
        return tuple(out)

    def rows(self, db: sqlite3.Connection, values: Values | None = None) -> list[tuple[Any, ...]]:
        """Every row, fetched to the end (which ends an implicit read transaction)."""
        found = db.execute(self.sql, self.params(values or {})).fetchall()
        if not self._read or not found:
            return found
        return [self._row(row) for row in found]

    def _row(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(row)
        for i, read in self._read:
            if out[i] is not None:
                out[i] = read(out[i])
        return tuple(out)

    def first(self, db: sqlite3.Connection, values: Values | None = None) -> tuple[Any, ...] | None:
        found = self.rows(db, values)
        return found[0] if found else None

    def scalar(self, db: sqlite3.Connection, values: Values | None = None) -> Any:
        row = self.first(db, values)
        return row[0] if row else None

    def run(self, db: sqlite3.Connection, values: Values) -> sqlite3.Cursor:
        return db.execute(self.sql, self.params(values))

    def run_many(self, db: sqlite3.Connection, rows: Sequence[Values]) -> None:
        db.executemany(self.sql, [self.params(values) for values in rows])


def dbapi(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under the session's transaction (begun if not yet).

    What the session holds unwritten is flushed first, as autoflush would before a query:
    a statement run here sees, and comes after, every row the ORM was given before it.
    """
    session.flush()  # nothing to do, and nearly free, when nothing is pending
    return _driver(session.connection())


def _driver(connection: Connection) -> sqlite3.Connection:
    driver = connection.connection.dbapi_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver
