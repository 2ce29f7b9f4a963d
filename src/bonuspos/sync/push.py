"""Draining the outbox: events go to the server in sequence order, in batches, until none is left.

An event counts as sent only from the server's answer to it, recorded in the same
transaction for the whole batch: a till killed between the post and the record sends the
batch again, and the server answers "duplicate" (idempotency keys are kept for good). A
refused event is kept as a dead letter with its problem, for the manager; the events
behind it go on, so one bad event never stalls the queue.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bonuspos.ledger.db import Database
from bonuspos.ledger.models import OutboxEvent
from bonuspos.ledger.repositories import wire_payload
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import WireEvent
from bonuspos.sync.client import ServerClient, ServerUnavailable
from bonuspos.sync.state import CLOCK_SKEW, LAST_SYNC

log = logging.getLogger(__name__)
__all__ = ["BATCH", "CLOCK_SKEW", "LAST_SYNC", "Pushed", "push_all", "reached"]

BATCH = 500  # the server's largest batch


@dataclass(frozen=True, slots=True)
class Pushed:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    recovered: int = 0  # answered before, but lost by the server (restored from a backup)

    def __add__(self, other: Pushed) -> Pushed:
        return Pushed(
            self.accepted + other.accepted,
            self.duplicate + other.duplicate,
            self.rejected + other.rejected,
            self.recovered + other.recovered,
        )

    @property
    def answered(self) -> int:
        return self.accepted + self.duplicate + self.rejected


def push_all(
    db: Database,
    client: ServerClient,
    now: Callable[[], datetime],
    batch: int = BATCH,
    *,
    progress: Callable[[Pushed, int], None] | None = None,
) -> Pushed:
    """Send every waiting event; ServerUnavailable/ServerRefused stop it with nothing lost.

    `progress` hears the running count and how many events still wait, before the first
    batch and after each: a manager closing the day watches the queue go down.
    """
    total = Pushed(recovered=_recover(db, client))
    while True:
        with UnitOfWork(db.reading) as uow:
            waiting = [_protocol(event) for event in uow.outbox.unsent(batch)]
            if progress is not None:
                progress(total, uow.outbox.waiting())
        if not waiting:
            break
        answers = client.post_events(waiting)
        pushed = _record(db, answers, {e["event_id"] for e in waiting}, now())
        if pushed.answered == 0:
            # The server answered none of them: sending the same batch again would loop.
            raise ServerUnavailable("сервер не ответил ни на одно событие пакета")
        total += pushed
    return total


def reached(db: Database, at: datetime, server_clock: datetime | None = None) -> None:
    """The server answered and nothing is left waiting: what "last sync" tells a manager.

    The server's clock (its Date header) is kept beside it: a till whose clock is off
    dates its sales wrongly, and `bonuspos status` says so.
    """
    with UnitOfWork(db.writing) as uow:
        uow.settings.set(LAST_SYNC, at.isoformat())
        if server_clock is not None:
            uow.settings.set(CLOCK_SKEW, str(round((at - server_clock).total_seconds())))
        uow.commit()


def _recover(db: Database, client: ServerClient) -> int:
    """Send again what the server once answered but no longer has.

    A server restored from last night's backup has forgotten the events it acknowledged
    since; its highest seq from this till says so. The events after it go again: the
    server applies them as new, and nothing it still has can be counted twice.
    """
    server_has = client.last_seq()
    # Read first: on almost every drain there is nothing to mend, and the write lock
    # would make a cashier's sale wait for nothing.
    with UnitOfWork(db.reading) as uow:
        first_unsent = uow.outbox.first_unsent_seq()
        last_answered = uow.outbox.last_answered_seq()
    if first_unsent is not None and first_unsent <= server_has:
        # The server holds seqs this till has not answered: the till was restored from
        # its own backup and numbers its new events again from there. Its unsent events
        # move above the server's, or the server would refuse them as seqs reused.
        with UnitOfWork(db.writing) as uow:
            uow.outbox.renumber_unsent_after(server_has)
            uow.commit()
        log.warning("this till's outbox was behind the server (a restored till?)")
        return 0
    if last_answered <= server_has:
        return 0
    with UnitOfWork(db.writing) as uow:
        lost = uow.outbox.send_again_after(server_has)
        uow.commit()
    log.warning("the server lost %d of this till's events (a restored backup?); resending", lost)
    return lost


def _protocol(event: OutboxEvent) -> WireEvent:
    return {
        "event_id": event.event_id,
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "type": event.type,
        "payload": wire_payload(event.payload),
    }


def _record(db: Database, answers: list[dict[str, Any]], sent: set[str], at: datetime) -> Pushed:
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    rows: list[tuple[str, str, str | None]] = []
    for answer in answers:
        event_id = str(answer.get("event_id"))
        if event_id not in sent:
            continue  # not ours to record: an answer to an event we did not send
        outcome = _outcome(answer)
        problem = answer.get("problem") if outcome == "rejected" else None
        why = json.dumps(problem, ensure_ascii=False) if problem else None
        rows.append((event_id, outcome, why))
        counts[outcome] += 1
    with UnitOfWork(db.writing) as uow:
        uow.outbox.answered(rows, at)
        uow.commit()
    return Pushed(**counts)


def _outcome(answer: dict[str, Any]) -> str:
    status = answer.get("status")
    if status == "duplicate":
        # The first answer is what counts: a duplicate of a refused event is still refused.
        return "rejected" if answer.get("first_status") == "rejected" else "duplicate"
    return "accepted" if status == "accepted" else "rejected"
