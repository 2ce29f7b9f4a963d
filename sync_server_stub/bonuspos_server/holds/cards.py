"""Cards on the server: finding a customer by any of their numbers, and what they may spend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, BindParameter, bindparam, cast, func, select
from sqlalchemy.orm import Session

from bonuspos.domain.card import CardNumber, parse_card
from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.errors import InvalidCardNumber
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Points
from bonuspos_server.data.models import Customer, Hold, PendingPoints, PlasticCard
from bonuspos_server.web.problems import Problem, not_found


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


def lock_customer(session: Session, customer_id: int) -> Customer:
    """The card's row, locked until commit: balance changes on one card queue up here."""
    return session.execute(
        select(Customer).where(Customer.id == customer_id).with_for_update()
    ).scalar_one()


def by_number(session: Session, text: str) -> Customer:
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
    return session.get_one(Customer, customer_id)


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


def _sums() -> Any:
    """A card's pending points (with the first day they activate) and live holds, as one row.

    Bound at run time: `card`, `today` (the store day) and `now`.
    """
    card: BindParameter[int] = bindparam("card")
    pending = select(total_of(PendingPoints.points)).where(
        PendingPoints.customer_id == card, PendingPoints.active_from > bindparam("today")
    )
    first = select(func.min(PendingPoints.active_from)).where(
        PendingPoints.customer_id == card, PendingPoints.active_from > bindparam("today")
    )
    held = select(total_of(Hold.points)).where(
        Hold.customer_id == card, Hold.status == "active", Hold.expires_at > bindparam("now")
    )
    return select(
        pending.scalar_subquery().label("pending"),
        first.scalar_subquery().label("first"),
        held.scalar_subquery().label("held"),
    )


# Built once: building a statement costs more CPU here than PostgreSQL spends running it.
SUMS = _sums()


def state(session: Session, customer: Customer, today: date, now: datetime) -> CardState:
    row = (
        session.connection().execute(SUMS, {"card": customer.id, "today": today, "now": now}).one()
    )
    balance = Balance(Points(customer.total - row.pending), Points(row.pending), row.first)
    return CardState(balance, Points(row.held))
