"""Holds: reserving active points for a sale, like a card authorisation.

A hold is granted only if the card's available points (active minus live holds) cover
it, decided under the card's row lock, so no interleaving of requests lets two holds
spend the same points. Holds are idempotent by id, released on void, and lapse on their
own after the policy's hold time (an expired hold no longer reserves anything).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from bonuspos_server import cards, policies
from bonuspos_server.auth import Caller
from bonuspos_server.models import Customer, Hold
from bonuspos_server.problems import Problem, not_found
from bonuspos_server.schemas import HoldAnswer, HoldRequest


def answer(hold: Hold, customer: Customer, now: datetime) -> HoldAnswer:
    lapsed = hold.status == "active" and hold.expires_at <= now
    return HoldAnswer.model_validate(
        {
            "hold_id": hold.id,
            "customer_uid": customer.uid,
            "points": hold.points,
            "status": "expired" if lapsed else hold.status,
            "expires_at": hold.expires_at,
        }
    )


def place(
    session: Session, caller: Caller, request: HoldRequest, now: datetime
) -> tuple[HoldAnswer, bool]:
    """The hold, and whether this request made it (False: the same hold asked again)."""
    hold_id = str(request.hold_id)
    known = session.get(Hold, hold_id)
    if known is not None:
        return _again(session, caller, known, request, now), False
    customer = cards.by_number(session, request.card, lock=True)
    known = session.get(Hold, hold_id)  # the same hold may have won the card's lock first
    if known is not None:
        return _again(session, caller, known, request, now), False
    policy = policies.current(session)
    state = cards.state(session, customer, policy.store_day(now), now)
    if request.points > state.available.minor:
        raise Problem(
            409,
            "insufficient-points",
            "Not enough points",
            f"The card has {state.available.minor} available, {request.points} asked",
            available=state.available.minor,
        )
    hold = Hold(
        id=hold_id,
        customer_id=customer.id,
        till_id=caller.till_id,
        points=request.points,
        created_at=now,
        expires_at=now + policy.hold_ttl,
        status="active",
        sale_id=str(request.sale_id) if request.sale_id else None,
    )
    session.add(hold)
    session.flush()
    return answer(hold, customer, now), True


def _again(
    session: Session, caller: Caller, known: Hold, request: HoldRequest, now: datetime
) -> HoldAnswer:
    if known.till_id != caller.till_id:
        raise Problem(403, "forbidden", "Not this till's hold", "Another till made this hold")
    if known.points != request.points:
        raise Problem(
            409,
            "hold-id-reused",
            "Hold id already used",
            "This hold id was used for a different amount",
        )
    return answer(known, session.get_one(Customer, known.customer_id), now)


def release(session: Session, caller: Caller, hold_id: str) -> None:
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
    hold.status = "released"
