"""Applying a till's batch of events exactly once, in its sequence order.

The batch reads what its events name (working.py), applies each event in seq order
against those rows, and writes its effects and every event's answer in one transaction;
only after it commits is any event acknowledged. An event's id is its key in `events`:
an event already there is answered "duplicate" with its first answer. Two connections
applying the same new events at once cannot both commit: the second one's insert into
`events` waits for the first and fails, and the whole batch runs again (retry.py), now
finding them known.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bonuspos.domain.errors import DomainError
from bonuspos.protocol import EventType
from bonuspos_server.data.db import ServerDatabase
from bonuspos_server.data.models import Event
from bonuspos_server.ingest import apply, audit, corrections, invariants
from bonuspos_server.ingest.retry import retrying
from bonuspos_server.ingest.working import KnownEvent, Working
from bonuspos_server.web.auth import Caller
from bonuspos_server.web.problems import Problem
from bonuspos_server.web.schemas import EventBatch, EventIn, EventResult

CLOCK_TOLERANCE = apply.CLOCK_TOLERANCE

Applier = Callable[[Working, Any], str | None]
HANDLERS: dict[str, tuple[type[BaseModel], Applier]] = {
    EventType.CUSTOMER_REGISTERED: apply.CUSTOMER_REGISTERED,
    EventType.SALE_COMPLETED: apply.SALE_COMPLETED,
    EventType.SALE_RETURNED: apply.SALE_RETURNED,
    EventType.BALANCE_ADJUSTED: corrections.BALANCE_ADJUSTED,
    EventType.AUDIT_RECORDED: audit.AUDIT_RECORDED,
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
            work = Working.load(
                session, caller.till_id, now, events, store=caller.store, till=caller.till
            )
            results = [_one(work, caller, event) for event in events]
            invariants.check(work)
            work.write()
            return results

    return retrying(attempt)


def last_seq(session: Session, till_id: int) -> int:
    newest = session.execute(select(func.max(Event.seq)).where(Event.till_id == till_id))
    return int(newest.scalar_one() or 0)


def _one(work: Working, caller: Caller, event: EventIn) -> EventResult:
    event_id, digest = str(event.event_id), payload_hash(event)
    known = work.events.get(event_id)
    if known is not None:
        return _duplicate(known, event, digest)
    if event.seq in work.seqs:
        problem = Problem(
            409,
            "seq-reused",
            "Sequence number already used",
            f"This till already sent a different event with seq {event.seq}",
        )
        return EventResult(
            event_id=event.event_id, seq=event.seq, status="rejected", problem=problem.body()
        )
    work.event_id = event_id
    work.staff_id = None
    try:
        flag = _effects(work, caller, event)
        refusal = None
        work.new_events.add(event_id)
    except Problem as problem:
        flag, refusal = None, problem.body()
    hashes = event.payload.get("ledger_hashes")
    if isinstance(hashes, list) and hashes and all(isinstance(h, str) for h in hashes):
        # The till's chain moves on with every entry it made, refused here or not.
        work.chain_head = hashes[-1]
    work.answered(
        {
            "event_id": event_id,
            "seq": event.seq,
            "type": event.type if event.type in HANDLERS else "unknown",
            "occurred_at": event.occurred_at,
            "payload_hash": digest,
            "status": "rejected" if refusal else "accepted",
            "problem": json.dumps(refusal, ensure_ascii=False) if refusal else None,
            "flag": flag,
            "staff_id": None if refusal else work.staff_id,
            "subject": None if refusal else _subject(event),
        }
    )
    if refusal:
        return EventResult(
            event_id=event.event_id, seq=event.seq, status="rejected", problem=refusal
        )
    return EventResult(event_id=event.event_id, seq=event.seq, status="accepted", flag=flag)


# The payload field naming what each type of event concerns.
SUBJECTS: dict[str, str] = {
    EventType.CUSTOMER_REGISTERED: "customer_uid",
    EventType.SALE_COMPLETED: "sale_id",
    EventType.SALE_RETURNED: "return_id",
    EventType.BALANCE_ADJUSTED: "adjustment_id",
    EventType.AUDIT_RECORDED: "audit_id",
}


def _subject(event: EventIn) -> str:
    """What an accepted event concerns, spelt as its rows spell the id (its payload passed
    validation, so the field is there and is a UUID)."""
    return str(uuid.UUID(str(event.payload[SUBJECTS[event.type]])))


def _effects(work: Working, caller: Caller, event: EventIn) -> str | None:
    now = work.now
    if event.occurred_at > now + CLOCK_TOLERANCE:
        raise Problem(
            422,
            "clock-ahead",
            "Event dated in the future",
            f"occurred_at {event.occurred_at.isoformat()} is ahead of the server's "
            f"clock {now.isoformat()} by more than {CLOCK_TOLERANCE}",
        )
    if event.occurred_at < caller.registered_at - CLOCK_TOLERANCE:
        # Most often a till whose clock was wrong (a dead CMOS battery reads 1970): this
        # event is a dead letter of its own; the events after it still go through.
        raise Problem(
            422,
            "before-registration",
            "Event older than its till",
            f"occurred_at {event.occurred_at.isoformat()} is before this till was registered "
            f"({caller.registered_at.isoformat()}): was the till's clock wrong?",
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
        return applier(work, payload)
    except DomainError as exc:
        raise Problem(
            422, exc.code, "The event breaks a rule of the programme", exc.message
        ) from exc


def _duplicate(known: KnownEvent, event: EventIn, digest: str) -> EventResult:
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
