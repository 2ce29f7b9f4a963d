"""HQ's balance corrections: the only way points appear or vanish outside a sale or a return.

A correction is one transaction: the ledger entry (kind `adjusted`, active at once, no
till), the card's total, an `adjustments` row saying why, who and when, and the card's
next place in the changes feed, so every till learns the new balance on its next pull.
A reason is required and the amount is bounded per correction: a typo of 15000 for
150,00 must not go through unnoticed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos.domain.card import Phone
from bonuspos.domain.errors import DomainError
from bonuspos.domain.ledger import Balance, EntryKind
from bonuspos.domain.money import Points
from bonuspos_server.data import policies
from bonuspos_server.data.models import Adjustment, Customer, LedgerEntry
from bonuspos_server.feeds.changes import bump_feed
from bonuspos_server.holds import cards
from bonuspos_server.web.problems import Problem

ENV_LIMIT = "BONUSPOS_SERVER_ADJUST_LIMIT"
DEFAULT_LIMIT = Points(1_000_00)
MAX_REASON = 500
MAX_NAME = 120


class CorrectionRefused(Exception):
    """Nothing was written; the message says why, for the person at the console."""


@dataclass(frozen=True, slots=True)
class Correction:
    id: str
    phone: str  # masked
    full_name: str
    points: Points
    reason: str
    os_user: str
    by_name: str | None
    at: datetime
    balance: Balance | None = None  # the card's, once corrected; not kept for a listing


def limit_of(option: str | None, environ: Mapping[str, str] = os.environ) -> Points:
    """The largest correction allowed: the option, else the environment's, else 1 000,00."""
    text = option if option is not None else environ.get(ENV_LIMIT)
    if text is None or not text.strip():
        return DEFAULT_LIMIT
    try:
        limit = Points.parse(text)
    except DomainError as exc:
        raise CorrectionRefused(f"limit {text!r}: {exc.message}") from None
    if not limit.minor > 0:
        raise CorrectionRefused(f"limit {text!r}: must be above zero")
    return limit


def adjust(
    session: Session,
    card: str,
    points: Points,
    reason: str,
    *,
    os_user: str,
    by_name: str | None,
    limit: Points,
    now: datetime,
) -> Correction:
    """Correct the balance of the card a phone or plastic card names; the caller commits."""
    reason = " ".join(reason.split())
    if not reason:
        raise CorrectionRefused('a reason is required: --reason "what happened"')
    if len(reason) > MAX_REASON:
        raise CorrectionRefused(f"the reason is {len(reason)} characters; at most {MAX_REASON}")
    by_name = " ".join(by_name.split()) if by_name else None
    if by_name is not None and len(by_name) > MAX_NAME:
        raise CorrectionRefused(f"--by is at most {MAX_NAME} characters")
    if not points:
        raise CorrectionRefused("a correction of 0 points changes nothing")
    if abs(points.minor) > limit.minor:
        raise CorrectionRefused(
            f"{_signed(points)} points is more than the limit of {limit.number()} per correction;"
            f" if it is really meant, raise it with --limit or ${ENV_LIMIT}"
        )
    try:
        found = cards.lock_number(session, card)
    except Problem as exc:
        raise CorrectionRefused(exc.detail or exc.title) from None
    policy = policies.current(session)
    today = policy.store_day(now)
    entry = LedgerEntry(
        customer_id=found.id,
        till_id=None,
        event_id=None,
        kind=EntryKind.ADJUSTED.value,
        points=points.minor,
        active_from=today,  # a correction counts at once, whichever way it goes
        occurred_at=now,
    )
    session.add(entry)
    customer = session.get_one(Customer, found.id)
    customer.total = found.total + points.minor
    session.flush()
    row = Adjustment(
        id=str(uuid.uuid4()),
        event_id=None,
        customer_id=found.id,
        entry_id=entry.id,
        points=points.minor,
        reason=reason,
        os_user=os_user,
        by_name=by_name,
        created_at=now,
    )
    session.add(row)
    session.flush()
    bump_feed(session, Customer, Customer.id, {found.id})
    balance = cards.state(session, customer, today, now).balance
    return Correction(
        id=row.id,
        phone=Phone(customer.phone).masked(),
        full_name=customer.full_name,
        points=points,
        reason=reason,
        os_user=os_user,
        by_name=by_name,
        at=now,
        balance=balance,
    )


def since(session: Session, day: date | None, zone: ZoneInfo) -> list[Correction]:
    """HQ's corrections from the start of `day` in `zone` (all when None), oldest first."""
    query = (
        select(Adjustment, Customer.phone, Customer.full_name)
        .join(Customer, Customer.id == Adjustment.customer_id)
        .where(Adjustment.created_at.is_not(None), Adjustment.till_id.is_(None))
        .order_by(Adjustment.created_at, Adjustment.id)
    )
    if day is not None:
        query = query.where(Adjustment.created_at >= datetime.combine(day, time(0), zone))
    found = []
    for row, phone, full_name in session.execute(query):
        # Only HQ's rows are read here, and HQ writes every column.
        assert row.points is not None
        assert row.created_at is not None
        found.append(
            Correction(
                id=row.id,
                phone=Phone(phone).masked(),
                full_name=full_name,
                points=Points(row.points),
                reason=row.reason or "",
                os_user=row.os_user or "",
                by_name=row.by_name,
                at=row.created_at,
            )
        )
    return found


def _signed(points: Points) -> str:
    return f"+{points.number()}" if points.minor > 0 else points.number()


def _who(done: Correction) -> str:
    return f"{done.os_user} for {done.by_name}" if done.by_name else done.os_user


def describe(done: Correction) -> str:
    """What `adjust` prints once committed: the card masked, its new balance."""
    assert done.balance is not None
    return (
        f"{_signed(done.points)} points on {done.phone} ({done.full_name}) by {_who(done)}:"
        f" balance {done.balance.active.number()} active,"
        f" {done.balance.pending.number()} pending (adjustment {done.id})"
    )


def line(done: Correction, zone: ZoneInfo) -> str:
    """One correction in the `adjustments` listing, its time in `zone`; the phone masked."""
    when = done.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return f"{when}  {_signed(done.points):>12}  {done.phone}  {_who(done)}  «{done.reason}»"
