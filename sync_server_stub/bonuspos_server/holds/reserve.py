"""Holds: reserving active points for a sale, like a card authorisation.

A hold is granted only if the card's available points (active minus live holds) cover
it, decided under the card's row lock, so no interleaving of requests lets two holds
spend the same points. Holds are idempotent by id, released on void, and lapse on their
own after the policy's hold time (an expired hold no longer reserves anything).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from bonuspos.domain.money import Points
from bonuspos_server.codes.onetime import SPEND, Codes
from bonuspos_server.data import policies
from bonuspos_server.data.models import Customer, Hold
from bonuspos_server.holds import cards
from bonuspos_server.web.auth import Caller
from bonuspos_server.web.problems import Problem, not_found
from bonuspos_server.web.schemas import HoldAnswer, HoldRequest


def _answer(hold: Any, customer_uid: str, now: datetime) -> HoldAnswer:
    lapsed = hold.status == "active" and hold.expires_at <= now
    return HoldAnswer(
        hold_id=uuid.UUID(hold.id),
        customer_uid=uuid.UUID(customer_uid),
        points=hold.points,
        status="expired" if lapsed else hold.status,
        expires_at=hold.expires_at,
    )


def place(
    session: Session, caller: Caller, request: HoldRequest, now: datetime, codes: Codes
) -> tuple[HoldAnswer, bool]:
    """The hold, and whether this request made it (False: the same hold asked again).

    Few statements, built once, because a till waits on this with a short timeout: lock
    the card; read the same hold id (asked again?) with what the card has pending and on
    hold; write.
    """
    hold_id = str(request.hold_id)
    policy = policies.current(session)
    card = cards.lock_number(session, request.card)
    row = (
        session.connection()
        .execute(
            _CARD_AND_HOLD,
            {"card": card.id, "today": policy.store_day(now), "now": now, "hold_id": hold_id},
        )
        .one()
    )
    if row.id is not None:  # asked again: a retry, or the same hold won the card's lock first
        same_card = card.uid if row.customer_id == card.id else None
        return _again(caller, row, request, same_card, now), False
    available = card.total - row.pending - row.held
    if request.points > available:
        raise Problem(
            409,
            "insufficient-points",
            "Not enough points",
            f"The card has {available} available, {request.points} asked",
            available=available,
        )
    verified = _verified(session, codes, caller, card.id, request, now)
    if not verified and policy.needs_verification(Points(request.points)):
        raise Problem(
            403,
            "verification-required",
            "The customer's code is needed",
            f"Spending more than {policy.verify_spend_above.minor} needs the code sent to"
            " the card's phone (POST /v1/spend-codes)",
            verify_spend_above=policy.verify_spend_above.minor,
        )
    hold = NewHold(hold_id, request.points, "active", now + policy.hold_ttl)
    session.connection().execute(
        _INSERT,
        {
            "id": hold_id,
            "customer_id": card.id,
            "till_id": caller.till_id,
            "points": request.points,
            "created_at": now,
            "expires_at": hold.expires_at,
            "status": "active",
            "sale_id": str(request.sale_id) if request.sale_id else None,
            "verified": verified,
        },
    )
    return _answer(hold, card.uid, now), True


def _verified(
    session: Session,
    codes: Codes,
    caller: Caller,
    card_id: int,
    request: HoldRequest,
    now: datetime,
) -> bool:
    """Whether the request carries the card's live spend code (which it then uses up)."""
    if request.code is None:
        return False
    customer = session.get(Customer, card_id)
    assert customer is not None, "the card is locked, so it exists"
    codes.check(session, customer, SPEND, request.code, f"till:{caller.till_id}", now)
    return True


def _card_and_hold() -> Any:
    """What the card has pending and on hold, beside the hold asked for if it exists."""
    sums = cards.SUMS.subquery()
    return select(
        sums.c.pending,
        sums.c.held,
        Hold.id,
        Hold.customer_id,
        Hold.till_id,
        Hold.points,
        Hold.status,
        Hold.expires_at,
    ).select_from(sums.outerjoin(Hold, Hold.id == bindparam("hold_id")))


# Built once: building a statement costs more CPU here than PostgreSQL spends running it.
_CARD_AND_HOLD = _card_and_hold()
_INSERT = insert(Hold)


@dataclass(frozen=True, slots=True)
class NewHold:
    id: str
    points: int
    status: str
    expires_at: datetime


def _again(
    caller: Caller, known: Any, request: HoldRequest, customer_uid: str | None, now: datetime
) -> HoldAnswer:
    if known.till_id != caller.till_id:
        raise Problem(403, "forbidden", "Not this till's hold", "Another till made this hold")
    if known.points != request.points or customer_uid is None:
        raise Problem(
            409,
            "hold-id-reused",
            "Hold id already used",
            "This hold id was used for a different amount or card",
        )
    return _answer(known, customer_uid, now)


def release(session: Session, caller: Caller, hold_id: str) -> bool:
    """Releases the hold; whether it was still active (False: released before, asked
    again), so a till's retry is not counted as a second release."""
    try:
        hold_id = str(uuid.UUID(hold_id))
    except ValueError:
        raise not_found("No such hold") from None
    hold = session.get(Hold, hold_id, with_for_update=True)
    if hold is None:
        raise not_found("No such hold")
    if hold.till_id != caller.till_id:
        raise Problem(403, "forbidden", "Not this till's hold", "Another till made this hold")
    if hold.status == "captured":
        raise Problem(409, "hold-captured", "Hold already used", "A sale captured this hold")
    was_active = hold.status == "active"
    hold.status = "released"
    return was_active
