"""A store day in figures as the server holds it: a till's, a store's, the chain's.

The till counts its day from its own ledger and sets it beside this (bonuspos.domain.day);
HQ reads the same figures with `bonuspos-server report`. Everything is counted by the
row's own time (the event's `occurred_at`) within the store's calendar day in the
policy's zone, and from what the server recorded and credited, which is not always
what the till claimed: a sale earns what the catalog gives, a return gives back what
the sale took.

Each kind of row is read with one statement over the tills asked for, on an index
that leads with the till and the time, so a busy day costs its own rows and never a
scan of the table's history.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.day import CorrectionLine, DayTotals, day_bounds
from bonuspos.domain.money import Money, Points
from bonuspos.protocol import Flag
from bonuspos_server.data.models import Adjustment, Event, Return, Sale, Store, Till
from bonuspos_server.ingest.batch import last_seq
from bonuspos_server.web.auth import Caller
from bonuspos_server.web.problems import Problem
from bonuspos_server.web.schemas import (
    DayAnswer,
    DayTotalsAnswer,
    FlaggedEventAnswer,
    StoreDayAnswer,
    TillDayAnswer,
)

# How far back a day may be asked for; ahead, only tomorrow (a till past midnight before
# the server's clock, or one a zone ahead of it, may already be there).
DAYS_BACK = 400
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# The flags under which a sale spent points the server could not reserve for it within
# the policy: its spending is `offline_over_limit`.
OVER_LIMIT = frozenset({Flag.OFFLINE_LIMIT.value, Flag.OVERSPENT.value})


def day_of(text: str | None, today: date) -> date:
    """The day a request asks for (today when it names none); 422 for anything else."""
    if text is None:
        return today
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise Problem(422, "invalid-date", "Malformed date", "Give the day as YYYY-MM-DD") from None
    earliest, latest = today - timedelta(days=DAYS_BACK), today + timedelta(days=1)
    if not earliest <= day <= latest:
        raise Problem(
            422,
            "date-out-of-range",
            "No such day to report",
            f"The day must be from {earliest} to {latest} (the store's calendar)",
            earliest=earliest.isoformat(),
            latest=latest.isoformat(),
        )
    return day


@dataclass(frozen=True, slots=True)
class TillRef:
    id: int
    store: str
    code: str
    revoked: bool


@dataclass(frozen=True, slots=True)
class Flagged:
    event_id: str
    till_id: int
    till: str
    type: str
    occurred_at: datetime
    flag: str
    subject: str


@dataclass(frozen=True, slots=True)
class TillDay:
    till: TillRef
    totals: DayTotals
    flagged: int  # the till's accepted events of the day that carry a flag


@dataclass(frozen=True, slots=True)
class StoreDay:
    store: str
    tills: list[TillDay]
    flagged: list[Flagged]  # from every till of the store, oldest first


@dataclass
class _Count:
    """One till's figures while its rows are read; minor units throughout."""

    receipts: int = 0
    returns: int = 0
    revenue: dict[TenderKind, int] = field(default_factory=dict)
    money_back: int = 0
    earned: int = 0
    spent: int = 0
    given_back: int = 0
    taken_back: int = 0
    offline_sales: int = 0
    over_limit: int = 0
    corrections: list[CorrectionLine] = field(default_factory=list)

    def totals(self) -> DayTotals:
        return DayTotals(
            receipts=self.receipts,
            returns=self.returns,
            revenue={kind: Money(amount) for kind, amount in self.revenue.items()},
            money_back=Money(self.money_back),
            points_earned=Points(self.earned),
            points_spent=Points(self.spent),
            points_given_back=Points(self.given_back),
            points_taken_back=Points(self.taken_back),
            offline_sales=self.offline_sales,
            offline_over_limit=Points(self.over_limit),
            corrections=tuple(self.corrections),
        )


def totals(session: Session, till_ids: Sequence[int], day: date, zone: str) -> dict[int, DayTotals]:
    """Each till's figures of one store day (DayTotals; zero for a till that did nothing)."""
    start, end = day_bounds(day, zone)
    counts = {till_id: _Count() for till_id in till_ids}
    connection = session.connection()
    sales = connection.execute(
        select(Sale.till_id, Sale.offline, Sale.spent, Sale.earned, Sale.flag, Sale.body).where(
            Sale.till_id.in_(till_ids), Sale.occurred_at >= start, Sale.occurred_at < end
        )
    )
    for till_id, offline, spent, earned, flag, body in sales:
        count = counts[till_id]
        count.receipts += 1
        # The body is the sale as the server credited it; its tenders are the till's own
        # (money that changed hands), already checked to add up to total − spent.
        for tender in json.loads(body)["tenders"]:
            kind = TenderKind(tender["kind"])
            count.revenue[kind] = count.revenue.get(kind, 0) + tender["amount"]
        count.spent += spent
        count.earned += earned
        if offline:
            count.offline_sales += 1
        if flag and OVER_LIMIT & set(flag.split(",")):
            count.over_limit += spent
    returns = connection.execute(
        select(Return.till_id, Return.body).where(
            Return.till_id.in_(till_ids), Return.occurred_at >= start, Return.occurred_at < end
        )
    )
    for at_till, body in returns:
        assert at_till is not None  # the statement asks for the tills' returns only
        count, back = counts[at_till], json.loads(body)
        count.returns += 1
        count.money_back += back["money_back"]
        count.given_back += back["given_back"]
        count.taken_back += back["taken_back"]
    corrections = connection.execute(
        select(Adjustment.till_id, Adjustment.id, Adjustment.points, Adjustment.reason)
        .where(
            Adjustment.till_id.in_(till_ids),
            Adjustment.occurred_at >= start,
            Adjustment.occurred_at < end,
        )
        .order_by(Adjustment.occurred_at, Adjustment.id)
    )
    for by_till, adjustment_id, points, reason in corrections:
        assert by_till is not None  # the statement asks for the tills' corrections only
        counts[by_till].corrections.append(
            CorrectionLine(adjustment_id, Points(points or 0), reason or "")
        )
    return {till_id: count.totals() for till_id, count in counts.items()}


def flagged(session: Session, store_id: int, day: date, zone: str) -> list[Flagged]:
    """The store's accepted events of the day that carry a flag, from every till, in time
    order: what the manager's report lists for review."""
    start, end = day_bounds(day, zone)
    rows = session.connection().execute(
        select(
            Event.event_id,
            Event.till_id,
            Till.code,
            Event.type,
            Event.occurred_at,
            Event.flag,
            Event.subject,
        )
        .join(Till, Till.id == Event.till_id)
        .where(
            Till.store_id == store_id,
            Event.occurred_at >= start,
            Event.occurred_at < end,
            Event.status == "accepted",
            Event.flag.is_not(None),
        )
        .order_by(Event.occurred_at, Event.till_id, Event.seq)
    )
    return [
        Flagged(event_id, till_id, till, type_, at, flag or "", subject or "")
        for event_id, till_id, till, type_, at, flag, subject in rows
    ]


def events_of(session: Session, till_id: int, day: date, zone: str) -> list[str]:
    """The ids of one till's accepted events dated that day, of every type, in seq order."""
    start, end = day_bounds(day, zone)
    rows = session.connection().execute(
        select(Event.event_id)
        .where(
            Event.till_id == till_id,
            Event.occurred_at >= start,
            Event.occurred_at < end,
            Event.status == "accepted",
        )
        .order_by(Event.seq)
    )
    return list(rows.scalars())


def store_days(session: Session, day: date, zone: str, store: str | None = None) -> list[StoreDay]:
    """Every store (or the one named) with its tills' days and its flagged events.

    A revoked till is listed only when it has something on that day: its code may have
    gone to a new till since.
    """
    query = select(Store.id, Store.code).order_by(Store.code)
    if store is not None:
        query = query.where(Store.code == store)
    stores = session.connection().execute(query).all()
    tills = session.connection().execute(
        select(Till.id, Till.store_id, Till.code, Till.revoked_at)
        .where(Till.store_id.in_([store_id for store_id, _ in stores]))
        .order_by(Till.code, Till.id)
    )
    refs: dict[int, list[TillRef]] = {store_id: [] for store_id, _ in stores}
    codes = dict(stores)
    for till_id, store_id, code, revoked_at in tills:
        refs[store_id].append(TillRef(till_id, codes[store_id], code, revoked_at is not None))
    figures = totals(session, [t.id for ts in refs.values() for t in ts], day, zone)
    days = []
    for store_id, code in stores:
        flags = flagged(session, store_id, day, zone)
        per_till: dict[int, int] = {}
        for event in flags:
            per_till[event.till_id] = per_till.get(event.till_id, 0) + 1
        listed = [
            TillDay(t, figures[t.id], per_till.get(t.id, 0))
            for t in refs[store_id]
            if not t.revoked or figures[t.id] != DayTotals() or t.id in per_till
        ]
        days.append(StoreDay(code, listed, flags))
    return days


# --- the HTTP answers ---------------------------------------------------------------------


def _totals_answer(day_totals: DayTotals) -> DayTotalsAnswer:
    return DayTotalsAnswer.model_validate(day_totals.to_dict())


def _flagged_answer(event: Flagged) -> FlaggedEventAnswer:
    return FlaggedEventAnswer(
        event_id=event.event_id,
        till=event.till,
        type=event.type,
        occurred_at=event.occurred_at.isoformat(),
        flag=event.flag,
        subject=event.subject,
    )


def _store_id(session: Session, caller: Caller) -> int:
    found = session.connection().execute(select(Till.store_id).where(Till.id == caller.till_id))
    return int(found.scalar_one())


def till_answer(session: Session, caller: Caller, day: date, zone: str) -> DayAnswer:
    """The calling till's day: its figures and events, and its store's flagged events."""
    mine = totals(session, [caller.till_id], day, zone)[caller.till_id]
    flags = flagged(session, _store_id(session, caller), day, zone)
    return DayAnswer(
        store=caller.store,
        till=caller.till,
        day=day,
        totals=_totals_answer(mine),
        events=events_of(session, caller.till_id, day, zone),
        flagged=[_flagged_answer(e) for e in flags],
        last_seq=last_seq(session, caller.till_id),
    )


def store_answer(session: Session, caller: Caller, day: date, zone: str) -> StoreDayAnswer:
    """The calling till's store on that day: each till's figures and the flagged events."""
    [found] = store_days(session, day, zone, caller.store)
    return StoreDayAnswer(
        store=found.store,
        day=day,
        tills=[
            TillDayAnswer(till=each.till.code, totals=_totals_answer(each.totals))
            for each in found.tills
        ],
        flagged=[_flagged_answer(e) for e in found.flagged],
    )
