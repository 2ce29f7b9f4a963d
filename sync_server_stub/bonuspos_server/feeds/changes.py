"""The changes feed: what tills cache (policy, catalog, customers with balances, their own
store's staff), by cursor.

The cursor is opaque to tills: base64 of the last feed position seen for each kind. Rows
are ordered by (change_seq, key), and change_seq follows commit order (see models), so a
page never skips a row that commits later.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, tuple_, update
from sqlalchemy.orm import Session

from bonuspos.domain.card import unfiled_phone
from bonuspos_server.data import policies
from bonuspos_server.data.models import (
    Customer,
    CustomerAlias,
    FeedCounter,
    PendingPoints,
    PlasticCard,
    Product,
    Staff,
    Store,
)
from bonuspos_server.ingest import catalog
from bonuspos_server.web.problems import Problem
from bonuspos_server.web.schemas import ChangesPage

MAX_LIMIT = 5_000
_START: dict[str, Any] = {
    "policy": 0,
    "products": [0, ""],
    "customers": [0, 0],
    "staff": [0, ""],
}
# Kinds a cursor written before them lacks: such a cursor starts them from the beginning.
_LATER = {"staff"}


def decode(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return dict(_START)
    problem = Problem(
        400, "invalid-cursor", "Bad cursor", "Use the cursor of an earlier page, or none to start"
    )
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise problem from exc
    if isinstance(data, dict):
        data = {**{k: _START[k] for k in _LATER}, **data}
    well_formed = (
        isinstance(data, dict)
        and set(data) == set(_START)
        and type(data["policy"]) is int
        and isinstance(data["products"], list)
        and [type(v) for v in data["products"]] == [int, str]
        and isinstance(data["customers"], list)
        and [type(v) for v in data["customers"]] == [int, int]
        and isinstance(data["staff"], list)
        and [type(v) for v in data["staff"]] == [int, str]
    )
    if not well_formed or not _in_range(data):
        raise problem
    return dict(data)


def _in_range(data: dict[str, Any]) -> bool:
    numbers = [data["policy"], data["products"][0], *data["customers"], data["staff"][0]]
    texts = [data["products"][1], data["staff"][1]]
    return all(0 <= n < 2**63 for n in numbers) and all(
        len(t) <= 36 and "\x00" not in t for t in texts
    )


def encode(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def page(
    session: Session, cursor: str | None, limit: int, now: datetime, store: str = ""
) -> ChangesPage:
    """A page of changes after `cursor`; staff only of `store`, the asking till's own."""
    position = decode(cursor)
    policy = policies.current(session)
    policy_body = policy.to_dict() if policy.version > position["policy"] else None
    position["policy"] = max(position["policy"], policy.version)

    seq, sku = position["products"]
    products = (
        session.execute(
            select(Product)
            .where(tuple_(Product.change_seq, Product.sku) > tuple_(seq, sku))
            .order_by(Product.change_seq, Product.sku)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if products:
        position["products"] = [products[-1].change_seq, products[-1].sku]
    room = limit - len(products)
    customers: list[Any] = []
    extras = _Extras()
    if room > 0:
        seq, cid = position["customers"]
        # Cards with no phone, held for review or blocked (conflicts.py), stay off the
        # tills: a till files every card under its phone, one card to a phone. An erased
        # card has none either, but goes out once more, so tills drop what named them.
        after = and_(
            tuple_(Customer.change_seq, Customer.id) > tuple_(seq, cid),
            or_(Customer.phone.is_not(None), Customer.erased_at.is_not(None)),
        )
        order = (Customer.change_seq, Customer.id)
        # Plain rows, not ORM objects: a page is thousands of customers.
        customers = list(
            session.connection().execute(
                select(*_CUSTOMER_COLUMNS).where(after).order_by(*order).limit(room)
            )
        )
        if customers:
            position["customers"] = [customers[-1].change_seq, customers[-1].id]
            # The page again as a subquery, rather than thousands of bound ids.
            ids = select(Customer.id).where(after).order_by(*order).limit(room).scalar_subquery()
            extras = _extras(session, ids, policy.store_day(now))
    room -= len(customers)
    people: list[Any] = []
    if room > 0 and store:
        seq, staff_id = position["staff"]
        people = list(
            session.connection().execute(
                select(*_STAFF_COLUMNS)
                .join(Store, Store.id == Staff.store_id)
                .where(
                    Store.code == store,
                    tuple_(Staff.change_seq, Staff.id) > tuple_(seq, staff_id),
                )
                .order_by(Staff.change_seq, Staff.id)
                .limit(room)
            )
        )
        if people:
            position["staff"] = [people[-1].change_seq, people[-1].id]
    return ChangesPage(
        cursor=encode(position),
        has_more=len(products) + len(customers) + len(people) >= limit,
        policy=policy_body,
        price_list=catalog.current_version(session.connection()),
        products=[_product(p) for p in products],
        customers=[extras.customer(row) for row in customers],
        staff=[_person(row) for row in people],
    )


# Never the key: a till checks a PIN against the verifier and cannot sign an approval.
_STAFF_COLUMNS = (
    Staff.id,
    Staff.full_name,
    Staff.role,
    Staff.active,
    Staff.kdf,
    Staff.verifier,
    Staff.locked_until,
    Staff.change_seq,
)


def _person(row: Any) -> dict[str, Any]:
    return {
        "staff_id": row.id,
        "full_name": row.full_name,
        "role": row.role,
        "active": row.active,
        "kdf": row.kdf,
        "verifier": row.verifier,
        "locked_until": row.locked_until.isoformat() if row.locked_until else None,
    }


_CUSTOMER_COLUMNS = (
    Customer.id,
    Customer.uid,
    Customer.phone,
    Customer.full_name,
    Customer.total,
    Customer.change_seq,
    Customer.erased_at,
)


def _product(p: Product) -> dict[str, Any]:
    return {
        "sku": p.sku,
        "name": p.name,
        "price": p.price,
        "points": p.points,
        "promotional": p.promotional,
        "barcodes": [b for b in p.barcodes.split(",") if b],
    }


@dataclass
class _Extras:
    """What a page of customers carries besides their own row, by customer id."""

    pending: dict[int, list[list[Any]]] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    plastic: dict[int, list[str]] = field(default_factory=dict)

    def customer(self, row: Any) -> dict[str, Any]:
        erased = row.erased_at is not None
        return {
            "uid": row.uid,
            # A till before `erased` files it as it is: unique, and no lookup finds it.
            "phone": unfiled_phone(row.uid) if erased else row.phone,
            "full_name": row.full_name,
            "total": row.total,
            "pending": sorted(self.pending.get(row.id, [])),
            "aliases": sorted(self.aliases.get(row.id, [])),
            "plastic_cards": sorted(self.plastic.get(row.id, [])),
            "erased": erased,
        }


def _extras(session: Session, ids: Any, today: Any) -> _Extras:
    extras = _Extras()
    pending = select(PendingPoints.customer_id, PendingPoints.active_from, PendingPoints.points)
    for cid, day, points in session.connection().execute(
        pending.where(PendingPoints.customer_id.in_(ids), PendingPoints.active_from > today)
    ):
        extras.pending.setdefault(cid, []).append([day.isoformat(), points])
    aliases = select(CustomerAlias.customer_id, CustomerAlias.uid)
    for cid, uid in session.connection().execute(aliases.where(CustomerAlias.customer_id.in_(ids))):
        extras.aliases.setdefault(cid, []).append(uid)
    plastic = select(PlasticCard.customer_id, PlasticCard.number)
    numbers = plastic.where(PlasticCard.customer_id.in_(ids))
    for cid, number in session.connection().execute(numbers):
        extras.plastic.setdefault(cid, []).append(number)
    return extras


def next_feed_position(session: Session) -> int:
    """The next feed position; the counter's row lock, held to commit, orders commits."""
    value = (
        session.connection()
        .execute(
            update(FeedCounter)
            .where(FeedCounter.id == 1)
            .values(value=FeedCounter.value + 1)
            .returning(FeedCounter.value)
        )
        .scalar_one()
    )
    return int(value)


def bump_feed(session: Session, model: Any, key: Any, keys: set[Any]) -> int:
    """Give `keys` the next feed position."""
    value = next_feed_position(session)
    session.execute(update(model).where(key.in_(keys)).values(change_seq=value))
    return value
