"""Reading a card with its balance in one statement: the path a cashier waits on.

The statements are built once at import and compiled once (statements.py), and run on
the sqlite3 connection under the session: at a million customers the ORM's per-call
compilation, and even Core's execution, would cost more than SQLite's own work. Name
search finds customer ids in the token index first and only then reads those customers.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, select
from sqlalchemy.orm import Session

from bonuspos.domain.customer import normalise_name
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Points
from bonuspos.ledger.models import CardBalance, Customer, NameToken, PendingPoints, PlasticCard
from bonuspos.ledger.statements import Prepared, dbapi

_c = Customer.__table__
_b = CardBalance.__table__
_p = PendingPoints.__table__
_t = NameToken.__table__
_today = bindparam("today", type_=Date)
_later = and_(_p.c.customer_id == _c.c.id, _p.c.active_from > _today, _p.c.points > 0)
_CARD = select(
    _c.c.id,
    _c.c.uid,
    func.phone_open(_c.c.phone_sealed),
    _c.c.full_name,
    func.coalesce(_b.c.total, 0),
    select(func.coalesce(func.sum(_p.c.points), 0)).where(_later).scalar_subquery(),
    select(func.min(_p.c.active_from, type_=Date)).where(_later).scalar_subquery(),
).select_from(_c.outerjoin(_b, _b.c.customer_id == _c.c.id))

# The column holds the number's keyed hash (custody.py): SQLite hashes the key once and
# probes the index with it.
BY_PHONE = Prepared(_CARD.where(_c.c.phone == func.phone_key(bindparam("key"))))
BY_UID = Prepared(_CARD.where(_c.c.uid == bindparam("key")))
BY_ID = Prepared(_CARD.where(_c.c.id == bindparam("key")))
BY_PLASTIC = Prepared(
    _CARD.join(PlasticCard.__table__, PlasticCard.__table__.c.customer_id == _c.c.id).where(
        PlasticCard.__table__.c.number == bindparam("key")
    )
)


@dataclass(frozen=True, slots=True)
class CardRow:
    id: int
    uid: str
    phone: str
    full_name: str
    balance: Balance


def _card(row: Any) -> CardRow:
    cid, uid, phone, name, total, pending, first = row
    return CardRow(cid, uid, phone, name, Balance(Points(total - pending), Points(pending), first))


def read_card(session: Session, stmt: Prepared, key: object, today: date) -> CardRow | None:
    return read_card_on(dbapi(session), stmt, key, today)


def read_card_on(
    db: sqlite3.Connection, stmt: Prepared, key: object, today: date
) -> CardRow | None:
    row = stmt.first(db, {"key": key, "today": today})
    return _card(row) if row else None


def search_cards(db: sqlite3.Connection, query: str, today: date, limit: int) -> list[CardRow]:
    """Up to `limit` + 1 customers with a name word starting with each word of `query`.

    One more than asked tells the caller the list was cut, so the screen can ask for more
    letters instead of implying that nobody else matches. Sorted by name.

    The longest word walks its range of the token index; every other word is checked
    against the row's own copy of the name's words, so a candidate costs no second lookup.
    """
    words = sorted(set(normalise_name(query).replace("-", " ").split()), key=lambda w: -len(w))
    if not words:
        return []
    lead, *others = words
    # A range on the indexed column, not LIKE: SQLite's LIKE cannot use the index for Cyrillic.
    values: dict[str, object] = {"lo": lead, "hi": lead + _TOP, "limit": limit + 1, "today": today}
    values.update({f"w{n}": " " + word for n, word in enumerate(others)})
    rows = _search(len(others)).rows(db, values)
    return sorted((_card(r) for r in rows), key=lambda card: card.full_name)


_TOP = "\U0010ffff"


@lru_cache(maxsize=8)
def _search(others: int) -> Prepared:
    """The search for a lead word and `others` more: one statement per count of words."""
    ids = select(_t.c.customer_id).where(
        _t.c.token >= bindparam("lo"), _t.c.token < bindparam("hi")
    )
    for n in range(others):
        ids = ids.where(func.instr(_t.c.words, bindparam(f"w{n}")) > 0)
    found = ids.distinct().limit(bindparam("limit")).subquery()
    return Prepared(_CARD.where(_c.c.id.in_(select(found.c.customer_id))))
