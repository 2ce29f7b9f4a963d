"""The changes feed: what tills cache (policy, catalog, customers with balances), by cursor.

The cursor is opaque to tills: base64 of the last feed position seen for each kind. Rows
are ordered by (change_seq, key), and change_seq follows commit order (see models), so a
page never skips a row that commits later.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from bonuspos_server import policies
from bonuspos_server.models import Customer, CustomerAlias, PendingPoints, PlasticCard, Product
from bonuspos_server.problems import Problem
from bonuspos_server.schemas import ChangesPage

MAX_LIMIT = 5_000
_START: dict[str, Any] = {"policy": 0, "products": [0, ""], "customers": [0, 0]}


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
    well_formed = (
        isinstance(data, dict)
        and set(data) == set(_START)
        and type(data["policy"]) is int
        and isinstance(data["products"], list)
        and [type(v) for v in data["products"]] == [int, str]
        and isinstance(data["customers"], list)
        and [type(v) for v in data["customers"]] == [int, int]
    )
    if not well_formed or not _in_range(data):
        raise problem
    return dict(data)


def _in_range(data: dict[str, Any]) -> bool:
    numbers = [data["policy"], data["products"][0], *data["customers"]]
    sku = data["products"][1]
    return all(0 <= n < 2**63 for n in numbers) and len(sku) <= 32 and "\x00" not in sku


def encode(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def page(session: Session, cursor: str | None, limit: int, now: datetime) -> ChangesPage:
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
    customers: list[Customer] = []
    if room > 0:
        seq, cid = position["customers"]
        customers = list(
            session.execute(
                select(Customer)
                .where(tuple_(Customer.change_seq, Customer.id) > tuple_(seq, cid))
                .order_by(Customer.change_seq, Customer.id)
                .limit(room)
            ).scalars()
        )
        if customers:
            position["customers"] = [customers[-1].change_seq, customers[-1].id]
    return ChangesPage(
        cursor=encode(position),
        has_more=len(products) + len(customers) >= limit,
        policy=policy_body,
        products=[_product(p) for p in products],
        customers=_customers(session, customers, policy.store_day(now)),
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


def _customers(session: Session, customers: list[Customer], today: Any) -> list[dict[str, Any]]:
    if not customers:
        return []
    ids = [c.id for c in customers]
    pending: dict[int, list[list[Any]]] = {}
    for row in session.execute(
        select(PendingPoints).where(
            PendingPoints.customer_id.in_(ids), PendingPoints.active_from > today
        )
    ).scalars():
        pending.setdefault(row.customer_id, []).append([row.active_from.isoformat(), row.points])
    aliases: dict[int, list[str]] = {}
    for alias in session.execute(
        select(CustomerAlias).where(CustomerAlias.customer_id.in_(ids))
    ).scalars():
        aliases.setdefault(alias.customer_id, []).append(alias.uid)
    plastic: dict[int, list[str]] = {}
    for card in session.execute(
        select(PlasticCard).where(PlasticCard.customer_id.in_(ids))
    ).scalars():
        plastic.setdefault(card.customer_id, []).append(card.number)
    return [
        {
            "uid": c.uid,
            "phone": c.phone,
            "full_name": c.full_name,
            "total": c.total,
            "pending": sorted(pending.get(c.id, [])),
            "aliases": aliases.get(c.id, []),
            "plastic_cards": plastic.get(c.id, []),
        }
        for c in customers
    ]
