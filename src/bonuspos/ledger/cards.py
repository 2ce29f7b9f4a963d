"""Reading a card with its balance in one statement: the path a cashier waits on.

The statements are built once at import and run through Core on the session's
connection: at a million customers the ORM's per-call compilation would cost more
than SQLite's own work. Name search finds customer ids in the token index first,
led by the word whose range is smallest, and only then reads those customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from bonuspos.domain.customer import normalise_name
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Points
from bonuspos.ledger.models import CardBalance, Customer, NameToken, PendingPoints, PlasticCard

# The cheapest way to learn which word is rarest: count its index range, but stop early.
# Past a few thousand rows a word is common whatever its exact count, and two common
# words share enough customers that the search fills its page long before the range ends.
RANGE_PROBE_CAP = 5_000

_c = Customer.__table__
_b = CardBalance.__table__
_p = PendingPoints.__table__
_t = NameToken.__table__
_today = bindparam("today", type_=Date)
_later = and_(_p.c.customer_id == _c.c.id, _p.c.active_from > _today, _p.c.points > 0)
_CARD = select(
    _c.c.id,
    _c.c.uid,
    _c.c.phone,
    _c.c.full_name,
    func.coalesce(_b.c.total, 0),
    select(func.coalesce(func.sum(_p.c.points), 0)).where(_later).scalar_subquery(),
    select(func.min(_p.c.active_from, type_=Date)).where(_later).scalar_subquery(),
).select_from(_c.outerjoin(_b, _b.c.customer_id == _c.c.id))

BY_PHONE = _CARD.where(_c.c.phone == bindparam("key"))
BY_UID = _CARD.where(_c.c.uid == bindparam("key"))
BY_ID = _CARD.where(_c.c.id == bindparam("key"))
BY_PLASTIC = _CARD.join(
    PlasticCard.__table__, PlasticCard.__table__.c.customer_id == _c.c.id
).where(PlasticCard.__table__.c.number == bindparam("key"))
_RANGE_SIZE = select(func.count()).select_from(
    select(_t.c.customer_id)
    .where(_t.c.token >= bindparam("lo"), _t.c.token < bindparam("hi"))
    .limit(RANGE_PROBE_CAP)
    .subquery()
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


def read_card(session: Session, stmt: Select[Any], key: object, today: date) -> CardRow | None:
    row = session.connection().execute(stmt, {"key": key, "today": today}).first()
    return _card(row) if row else None


def _bounds(word: str) -> dict[str, str]:
    # A range on the indexed column, not LIKE: SQLite's LIKE cannot use the index for Cyrillic.
    return {"lo": word, "hi": word + "\U0010ffff"}


def lead_order(word: str, size: int) -> tuple[int, int]:
    """Rarest first; among words too common to count, the longest is the most specific."""
    return size, -len(word)


def search_cards(session: Session, query: str, today: date, limit: int) -> list[CardRow]:
    """Customers with a name word starting with each word of `query`, sorted by name."""
    words = sorted(set(normalise_name(query).replace("-", " ").split()))
    if not words:
        return []
    conn = session.connection()
    sizes = {w: conn.execute(_RANGE_SIZE, _bounds(w)).scalar_one() for w in words}
    if not all(sizes.values()):
        return []
    lead_word, *others = sorted(words, key=lambda w: lead_order(w, sizes[w]))
    lead = aliased(NameToken, name="lead")
    ids = select(lead.customer_id).where(
        lead.token >= lead_word, lead.token < lead_word + "\U0010ffff"
    )
    for word in others:
        other = aliased(NameToken)
        ids = ids.where(
            select(other.customer_id)
            .where(
                other.customer_id == lead.customer_id,
                other.token >= word,
                other.token < word + "\U0010ffff",
            )
            .exists()
        )
    found = ids.distinct().limit(limit).subquery()
    rows = conn.execute(
        _CARD.where(_c.c.id.in_(select(found.c.customer_id))), {"today": today}
    ).all()
    return sorted((_card(r) for r in rows), key=lambda card: card.full_name)
