"""A card with its balance straight from the pool's sqlite3 connection: the cashier's lookup.

A lookup is one statement of a few index probes, some 20 µs in SQLite; a session, its
transaction events and Core's result processing around it took ten times that. So the
statements cards.py builds are compiled once, here, and run on a connection borrowed
from the engine's own pool (same pragmas, same file), with no session at all.

One SELECT reads the customer and the balance together, and SQLite runs a statement in
one read transaction of its own, so no BEGIN is needed for a consistent card. Rows are
fetched to the end, which ends that transaction before the connection goes back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.dialects import sqlite

from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Points
from bonuspos.ledger import cards
from bonuspos.ledger.cards import CardRow
from bonuspos.ledger.unit_of_work import StorageFailed


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bound parameters, in the order of the SQL's `?`
    fixed: dict[str, object]  # the statement's own constants (the 0s of coalesce…)

    def params(self, key: object, today: date) -> tuple[object, ...]:
        # The values as SQLAlchemy's SQLite types would bind them: a date as ISO text.
        given = {"key": key, "today": today.isoformat()}
        return tuple(given[n] if n in given else self.fixed[n] for n in self.names)


def _compiled(stmt: Select[Any]) -> _Compiled:
    compiled = stmt.compile(dialect=sqlite.dialect())
    return _Compiled(str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params))


_BY_PHONE = _compiled(cards.BY_PHONE)
_BY_PLASTIC = _compiled(cards.BY_PLASTIC)
_BY_UID = _compiled(cards.BY_UID)
_BY_ID = _compiled(cards.BY_ID)


class CardReader:
    """Reads one card by phone, plastic card, uid or id; None when nobody holds it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def by_phone(self, e164: str, today: date) -> CardRow | None:
        return self._read(_BY_PHONE, e164, today)

    def by_plastic(self, number: str, today: date) -> CardRow | None:
        return self._read(_BY_PLASTIC, number, today)

    def by_uid(self, uid: str, today: date) -> CardRow | None:
        return self._read(_BY_UID, uid, today)

    def by_id(self, customer_id: int, today: date) -> CardRow | None:
        return self._read(_BY_ID, customer_id, today)

    def _read(self, stmt: _Compiled, key: object, today: date) -> CardRow | None:
        params = stmt.params(key, today)
        connection = self._engine.raw_connection()
        try:
            rows = connection.cursor().execute(stmt.sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            # In the ledger's own terms, as a unit of work says it.
            raise StorageFailed(str(exc)) from exc
        finally:
            connection.close()  # back to the pool
        return _card(rows[0]) if rows else None


def _card(row: tuple[Any, ...]) -> CardRow:
    cid, uid, phone, name, total, pending, first = row
    balance = Balance(
        Points(total - pending),
        Points(pending),
        date.fromisoformat(first) if first is not None else None,
    )
    return CardRow(cid, uid, phone, name, balance)
