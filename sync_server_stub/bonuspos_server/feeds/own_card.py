"""What a customer sees of their own card: points now, points to come and recent purchases.

Read from the server's ledger as the tills' lookups read it (`holds.cards`): active points
are the card's total less what is still pending, pending points are grouped by the store
day they become active. A purchase shows the points it earned and spent as the server
credited them, and what its returns took back and gave back. Nothing here names a
cashier, a till's number or a line's goods: the page shows no more than the holder needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos.domain.card import Phone
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos_server.data import policies
from bonuspos_server.data.models import Customer, PendingPoints, Return, Sale, Store, Till
from bonuspos_server.holds import cards

RECENT = 20  # purchases shown: about a year of a regular customer's visits to an electronics chain


@dataclass(frozen=True, slots=True)
class Pending:
    points: Points
    active_from: date  # the store day they may be spent from


@dataclass(frozen=True, slots=True)
class Purchase:
    day: date  # the store day of the sale
    store: str
    total: Money
    earned: Points
    spent: Points
    activates_on: date  # when the earned points become active
    taken_back: Points  # earned points its returns took back
    given_back: Points  # spent points its returns gave back


@dataclass(frozen=True, slots=True)
class OwnCard:
    phone: Phone
    active: Points
    pending: tuple[Pending, ...]
    purchases: tuple[Purchase, ...]


def card_of(session: Session, phone: Phone) -> Customer | None:
    """The card this phone finds, if any."""
    found = select(Customer).where(Customer.phone == phone.e164)
    return session.execute(found).scalar_one_or_none()


def own_card(session: Session, uid: str, phone: Phone, now: datetime) -> OwnCard | None:
    """The card `uid` while `phone` still finds it; None once it does not (the number was
    changed or the customer erased): a page signed in by that phone shows nothing more."""
    customer = session.execute(
        select(Customer).where(Customer.uid == uid, Customer.phone == phone.e164)
    ).scalar_one_or_none()
    if customer is None:
        return None
    policy = policies.current(session)
    today = policy.store_day(now)
    state = cards.state(session, customer, today, now)
    pending = tuple(
        Pending(Points(points), day)
        for day, points in session.execute(
            select(PendingPoints.active_from, PendingPoints.points)
            .where(PendingPoints.customer_id == customer.id, PendingPoints.active_from > today)
            .order_by(PendingPoints.active_from)
        )
        if points
    )
    return OwnCard(phone, state.balance.active, pending, _purchases(session, customer.id, policy))


def _purchases(session: Session, customer_id: int, policy: Policy) -> tuple[Purchase, ...]:
    rows = session.execute(
        select(
            Sale.id,
            Sale.occurred_at,
            Sale.total,
            Sale.earned,
            Sale.spent,
            Sale.activates_on,
            Store.name,
            Store.code,
        )
        .join(Till, Till.id == Sale.till_id)
        .join(Store, Store.id == Till.store_id)
        .where(Sale.customer_id == customer_id)
        .order_by(Sale.occurred_at.desc(), Sale.id)
        .limit(RECENT)
    ).all()
    back: dict[str, tuple[int, int]] = {}
    returned = select(Return.sale_id, Return.body).where(Return.sale_id.in_([r.id for r in rows]))
    for sale_id, body in session.execute(returned):
        taken, given = back.get(sale_id, (0, 0))
        lines: list[dict[str, Any]] = json.loads(body)["lines"]
        taken += sum(line["taken_back"] for line in lines)
        given += sum(line["given_back"] for line in lines)
        back[sale_id] = (taken, given)
    return tuple(
        Purchase(
            day=policy.store_day(row.occurred_at),
            store=row.name or row.code,
            total=Money(row.total),
            earned=Points(row.earned),
            spent=Points(row.spent),
            activates_on=row.activates_on,
            taken_back=Points(back.get(row.id, (0, 0))[0]),
            given_back=Points(back.get(row.id, (0, 0))[1]),
        )
        for row in rows
    )
