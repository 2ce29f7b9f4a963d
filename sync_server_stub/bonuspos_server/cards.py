"""Cards on the server: finding a customer by any of their numbers, and what they may spend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, bindparam, cast, func, select
from sqlalchemy.orm import Session

from bonuspos.domain.card import CardNumber, parse_card
from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.errors import InvalidCardNumber
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Points
from bonuspos_server.models import Customer, CustomerAlias, Hold, PendingPoints, PlasticCard
from bonuspos_server.problems import Problem, not_found


@dataclass(frozen=True, slots=True)
class CardState:
    balance: Balance
    held: Points

    @property
    def available(self) -> Points:
        return self.balance.active - self.held


def total_of(column: Any) -> Any:
    # PostgreSQL sums BIGINT into NUMERIC; points stay integers.
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


def by_uid(session: Session, uid: str, *, lock: bool = False) -> Customer | None:
    stmt = select(Customer).where(Customer.uid == uid)
    customer = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if customer is not None:
        return customer
    alias = session.get(CustomerAlias, uid)
    if alias is None:
        return None
    return (
        lock_customer(session, alias.customer_id)
        if lock
        else session.get(Customer, alias.customer_id)
    )


def lock_customer(session: Session, customer_id: int) -> Customer:
    """The card's row, locked until commit: balance changes on one card queue up here."""
    return session.execute(
        select(Customer).where(Customer.id == customer_id).with_for_update()
    ).scalar_one()


def lock_all(session: Session, uids: set[str]) -> None:
    """Lock every card a batch names, in id order, before the batch touches any of them.

    Batches lock cards as their events come; two batches naming the same two cards in
    opposite orders would deadlock. Taking them all first, always in the same order,
    makes concurrent batches queue instead.
    """
    if not uids:
        return
    direct = select(Customer.id).where(Customer.uid.in_(uids))
    aliased = select(CustomerAlias.customer_id).where(CustomerAlias.uid.in_(uids))
    session.execute(
        select(Customer.id)
        .where(Customer.id.in_(direct.union(aliased).scalar_subquery()))
        .order_by(Customer.id)
        .with_for_update()
    ).all()


def by_number(session: Session, text: str, *, lock: bool = False) -> Customer:
    number = _parse(text)
    if isinstance(number, PlasticNumber):
        card = session.get(PlasticCard, number.number)
        customer_id = card.customer_id if card else None
    else:
        customer_id = session.execute(
            select(Customer.id).where(Customer.phone == number.e164)
        ).scalar_one_or_none()
    if customer_id is None:
        raise not_found(f"No card {number.masked()} in the programme")
    return lock_customer(session, customer_id) if lock else session.get_one(Customer, customer_id)


@dataclass(frozen=True, slots=True)
class LockedCard:
    id: int
    uid: str
    total: int


def lock_number(session: Session, text: str) -> LockedCard:
    """The card a cashier's number names, its row locked until commit, in one statement."""
    number = _parse(text)
    if isinstance(number, PlasticNumber):
        row = session.connection().execute(_LOCK_BY_PLASTIC, {"number": number.number}).first()
    else:
        row = session.connection().execute(_LOCK_BY_PHONE, {"phone": number.e164}).first()
    if row is None:
        raise not_found(f"No card {number.masked()} in the programme")
    return LockedCard(*row)


_LOCKED = select(Customer.id, Customer.uid, Customer.total).with_for_update()
_LOCK_BY_PHONE = _LOCKED.where(Customer.phone == bindparam("phone"))
_LOCK_BY_PLASTIC = _LOCKED.where(
    Customer.id
    == select(PlasticCard.customer_id)
    .where(PlasticCard.number == bindparam("number"))
    .scalar_subquery()
)


def _parse(text: str) -> CardNumber:
    try:
        return parse_card(text)
    except InvalidCardNumber as exc:
        raise Problem(422, "invalid-card-number", "Not a card number", exc.message) from exc


def state(session: Session, customer: Customer, today: date, now: datetime) -> CardState:
    pending, first = session.execute(
        select(total_of(PendingPoints.points), func.min(PendingPoints.active_from)).where(
            PendingPoints.customer_id == customer.id, PendingPoints.active_from > today
        )
    ).one()
    held = session.execute(
        select(total_of(Hold.points)).where(
            Hold.customer_id == customer.id, Hold.status == "active", Hold.expires_at > now
        )
    ).scalar_one()
    balance = Balance(Points(customer.total - pending), Points(pending), first)
    return CardState(balance, Points(held))


def add_pending(session: Session, customer_id: int, active_from: date, points: int) -> None:
    """Callers hold the card's row lock, so read-then-write cannot race on one card."""
    row = session.get(PendingPoints, (customer_id, active_from))
    if row is None:
        session.add(PendingPoints(customer_id=customer_id, active_from=active_from, points=points))
    else:
        row.points += points
