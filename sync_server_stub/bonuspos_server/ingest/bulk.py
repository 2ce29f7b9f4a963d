"""Reading and writing many rows of one kind with one statement, on either database.

A batch of 100 sales writes about 500 rows. Through SQLAlchemy's executemany that is one
round of parameter processing per row, and psycopg's pipeline still sends one statement
per row: more than half of a batch's CPU in the ingest benchmark. On PostgreSQL rows go
in with COPY, and totals and pending points change with one statement over arrays
(`unnest`). SQLite runs in-process, where executemany is a C loop, so it keeps that.

Hot paths run their statements on the session's connection, not `Session.execute`: a
select of mapped columns through the session takes the ORM's execution path, which cost
more CPU than PostgreSQL spent answering (a hold: 5 ms of 8).

Membership tests (`among`) use `= ANY(array)` on PostgreSQL: one bound parameter, so
the statement compiles once, where `IN (...)` compiles anew for every list length.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, any_, bindparam, insert, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bonuspos_server.data.models import Base, Customer, PendingPoints


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, typed as one (SQLAlchemy types `__table__` as a FromClause)."""
    return cast(Table, model.__table__)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def among(column: Any, name: str, *, postgresql: bool) -> ColumnElement[bool]:
    """`column` is one of the list bound as `name` when the statement runs."""
    if postgresql:
        values = bindparam(name, type_=ARRAY(column.type))
        return cast(ColumnElement[bool], column == any_(values))
    return cast(ColumnElement[bool], column.in_(bindparam(name, expanding=True)))


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys, the table's column names."""
    if not rows:
        return
    table = table_of(model)
    if not is_postgresql(session):
        session.connection().execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in columns])


def set_totals(session: Session, totals: dict[int, int], feed_position: int) -> None:
    """Each card's new total, and its place in the changes feed, in one pass."""
    ids = sorted(totals)
    if is_postgresql(session):
        session.connection().execute(
            text(
                "UPDATE customers AS c SET total = v.total, change_seq = :position"
                " FROM unnest(CAST(:ids AS bigint[]), CAST(:totals AS bigint[])) AS v(id, total)"
                " WHERE c.id = v.id"
            ),
            {"ids": ids, "totals": [totals[i] for i in ids], "position": feed_position},
        )
        return
    customers = table_of(Customer)
    session.connection().execute(
        update(customers)
        .where(customers.c.id == bindparam("card_id"))
        .values(total=bindparam("card_total"), change_seq=feed_position),
        [{"card_id": i, "card_total": totals[i]} for i in ids],
    )


def add_pending(session: Session, points: dict[tuple[int, date], int]) -> None:
    """Add points to each (card, activation day), creating the rows that are missing."""
    if not points:
        return
    keys = sorted(points)
    if is_postgresql(session):
        session.connection().execute(
            text(
                "INSERT INTO pending_points (customer_id, active_from, points)"
                " SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:days AS date[]),"
                " CAST(:points AS bigint[]))"
                " ON CONFLICT (customer_id, active_from)"
                " DO UPDATE SET points = pending_points.points + EXCLUDED.points"
            ),
            {
                "ids": [k[0] for k in keys],
                "days": [k[1] for k in keys],
                "points": [points[k] for k in keys],
            },
        )
        return
    table = table_of(PendingPoints)
    stmt = sqlite.insert(table)
    session.connection().execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.customer_id, table.c.active_from],
            set_={"points": table.c.points + stmt.excluded.points},
        ),
        [{"customer_id": k[0], "active_from": k[1], "points": points[k]} for k in keys],
    )
