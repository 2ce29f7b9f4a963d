"""Applying a till's batch of events exactly once, in its sequence order.

Each event first claims its id by inserting its `events` row; a second delivery (a retry,
or the same batch from another connection) finds the row, or on PostgreSQL waits on the
unique index until the first commits, and answers "duplicate" with the stored outcome.
The effects of one event run in a savepoint, so a refused event leaves nothing behind
and the events after it still apply. The batch commits as one transaction, and only then
is any event acknowledged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bonuspos.domain.errors import DomainError
from bonuspos_server import apply, cards
from bonuspos_server.apply import Context
from bonuspos_server.auth import Caller
from bonuspos_server.db import ServerDatabase
from bonuspos_server.models import Customer, Event, FeedCounter
from bonuspos_server.problems import Problem
from bonuspos_server.retry import retrying
from bonuspos_server.schemas import EventBatch, EventIn, EventResult

# How far a till's clock may run ahead of the server's before its events are refused.
CLOCK_TOLERANCE = timedelta(minutes=5)

Applier = Callable[[Session, Caller, Any, Context], str | None]
HANDLERS: dict[str, tuple[type[BaseModel], Applier]] = {
    "customer_registered": apply.CUSTOMER_REGISTERED,
    "sale_completed": apply.SALE_COMPLETED,
    "sale_returned": apply.SALE_RETURNED,
    "balance_adjusted": apply.BALANCE_ADJUSTED,
}


def payload_hash(event: EventIn) -> str:
    canonical = json.dumps(
        [event.type, event.occurred_at.isoformat(), event.payload], sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def apply_batch(
    db: ServerDatabase, caller: Caller, batch: EventBatch, now: datetime
) -> list[EventResult]:
    events = sorted(batch.events, key=lambda e: e.seq)

    def attempt() -> list[EventResult]:
        with db.sessions() as session, session.begin():
            cards.lock_all(session, _named_cards(events))
            ctx = Context(now)
            results = [_one(session, caller, event, ctx) for event in events]
            if ctx.customers:
                bump_feed(session, Customer, Customer.id, ctx.customers)
            return results

    return retrying(attempt)


def _named_cards(events: list[EventIn]) -> set[str]:
    named = (event.payload.get("customer_uid") for event in events)
    return {uid for uid in named if isinstance(uid, str) and len(uid) <= 36}


def bump_feed(session: Session, model: Any, key: Any, keys: set[Any]) -> int:
    """Give `keys` the next feed position; the counter's row lock orders commits."""
    value = session.execute(
        update(FeedCounter)
        .where(FeedCounter.id == 1)
        .values(value=FeedCounter.value + 1)
        .returning(FeedCounter.value)
    ).scalar_one()
    session.execute(update(model).where(key.in_(keys)).values(change_seq=value))
    return int(value)


def _one(session: Session, caller: Caller, event: EventIn, ctx: Context) -> EventResult:
    digest = payload_hash(event)
    known = session.get(Event, str(event.event_id))
    if known is not None:
        return _duplicate(known, event, digest)
    claim = Event(
        event_id=str(event.event_id),
        till_id=caller.till_id,
        seq=event.seq,
        type=event.type if event.type in HANDLERS else "unknown",
        occurred_at=event.occurred_at,
        received_at=ctx.now,
        payload_hash=digest,
        status="accepted",
        problem=None,
    )
    savepoint = session.begin_nested()
    try:
        session.add(claim)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        known = session.get(Event, str(event.event_id))
        if known is not None:  # another connection committed it while we waited
            return _duplicate(known, event, digest)
        problem = Problem(
            409,
            "seq-reused",
            "Sequence number already used",
            f"This till already sent a different event with seq {event.seq}",
        )
        return EventResult(
            event_id=event.event_id, seq=event.seq, status="rejected", problem=problem.body()
        )
    try:
        flag = _effects(session, caller, event, ctx)
        claim.flag = flag
        savepoint.commit()
        return EventResult(event_id=event.event_id, seq=event.seq, status="accepted", flag=flag)
    except Problem as problem:
        savepoint.rollback()
        claim = Event(**{c: getattr(claim, c) for c in _EVENT_COLUMNS})
        claim.status = "rejected"
        claim.problem = json.dumps(problem.body(), ensure_ascii=False)
        with session.begin_nested():
            session.add(claim)
        return EventResult(
            event_id=event.event_id, seq=event.seq, status="rejected", problem=problem.body()
        )


_EVENT_COLUMNS = (
    "event_id",
    "till_id",
    "seq",
    "type",
    "occurred_at",
    "received_at",
    "payload_hash",
)


def _effects(session: Session, caller: Caller, event: EventIn, ctx: Context) -> str | None:
    now = ctx.now
    if event.occurred_at > now + CLOCK_TOLERANCE:
        raise Problem(
            422,
            "clock-ahead",
            "Event dated in the future",
            f"occurred_at {event.occurred_at.isoformat()} is ahead of the server's "
            f"clock {now.isoformat()} by more than {CLOCK_TOLERANCE}",
        )
    if event.occurred_at < caller.registered_at - CLOCK_TOLERANCE:
        raise Problem(
            422,
            "before-registration",
            "Event older than its till",
            "occurred_at is before this till was registered",
        )
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise Problem(
            422,
            "unknown-event-type",
            "Unknown event type",
            f"'{event.type}' is not one of {', '.join(HANDLERS)}",
        )
    model, applier = handler
    try:
        payload = model.model_validate(event.payload)
    except ValidationError as exc:
        raise Problem(
            422,
            "invalid-payload",
            "The event's payload is malformed",
            f"{exc.error_count()} field(s) wrong",
            errors=json.loads(exc.json(include_url=False, include_input=False)),
        ) from exc
    own_time = getattr(payload, "occurred_at", None)
    if own_time is not None and own_time != event.occurred_at:
        # Activation and the checks above use the sale's own time; they must be one time.
        raise Problem(
            422,
            "time-mismatch",
            "The event and its payload disagree on the time",
            "payload.occurred_at must equal the event's occurred_at",
        )
    try:
        return applier(session, caller, payload, ctx)
    except DomainError as exc:
        raise Problem(
            422, exc.code, "The event breaks a rule of the programme", exc.message
        ) from exc


def _duplicate(known: Event, event: EventIn, digest: str) -> EventResult:
    if known.payload_hash != digest:
        problem = Problem(
            409,
            "event-id-reused",
            "Event id already used for another event",
            "An event with this id but different content was received before",
        )
        return EventResult(
            event_id=event.event_id, seq=event.seq, status="rejected", problem=problem.body()
        )
    problem_body = json.loads(known.problem) if known.problem else None
    first: Literal["accepted", "rejected"] = (
        "accepted" if known.status == "accepted" else "rejected"
    )
    return EventResult(
        event_id=event.event_id,
        seq=known.seq,
        status="duplicate",
        problem=problem_body,
        flag=known.flag,
        first_status=first,
    )
