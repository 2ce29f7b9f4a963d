"""One store day of this till in figures, summed by SQLite: the till's side of the day's report.

What counts is the spec's (bonuspos.domain.day): this till's own sales of the day (never
the other tills' sales it fetched for a return), every return made here that day whatever
till sold the goods, and the corrections made here. Sales and corrections carry their
store day; returns and outbox events are found by their instant within the day's bounds,
which compare correctly as text because the ledger keeps times as UTC ISO-8601.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, func, select
from sqlalchemy.orm import Session

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.day import CorrectionLine, DayTotals, day_bounds
from bonuspos.domain.money import Money, Points
from bonuspos.ledger.models import Correction, OutboxEvent, Return, Sale, SaleTender
from bonuspos.ledger.sales import OWN

UNSENT = "unsent"  # an outbox event the server has not answered yet
# SQLite's default limit on bound parameters is far above this; a server's list of ids
# for one till's day is a few thousand at most.
_IDS_AT_ONCE = 500


@dataclass(frozen=True, slots=True)
class DayEvent:
    """One of this till's outbox events dated that day, and what the server answered."""

    event_id: str
    type: str
    outcome: str  # accepted | duplicate | rejected | unsent


@dataclass(frozen=True, slots=True)
class HourFigures:
    hour: int  # the store's local hour, 0..23
    sales: Money  # the sales' totals (goods sold, whatever paid them)
    points: Points  # points the sales earned


@dataclass(frozen=True, slots=True)
class TillDay:
    totals: DayTotals
    events: tuple[DayEvent, ...]
    by_hour: tuple[HourFigures, ...]  # always 24, midnight first


class Day:
    def __init__(self, session: Session) -> None:
        self._s = session

    def figures(self, day: date, zone: str) -> TillDay:
        start, end = day_bounds(day, zone)
        return TillDay(
            self.totals(day, start, end), self.events(start, end), self.by_hour(day, zone)
        )

    def totals(self, day: date, start: datetime, end: datetime) -> DayTotals:
        own_today = (Sale.origin == OWN, Sale.store_day == day)
        receipts, spent, earned, offline = self._s.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Sale.spent), 0),
                func.coalesce(func.sum(Sale.earned), 0),
                func.coalesce(func.sum(case((Sale.offline.is_(True), 1), else_=0)), 0),
            ).where(*own_today)
        ).one()
        revenue = {
            TenderKind(kind): Money(int(amount))
            for kind, amount in self._s.execute(
                select(SaleTender.kind, func.sum(SaleTender.amount))
                .join(Sale, Sale.id == SaleTender.sale_id)
                .where(*own_today)
                .group_by(SaleTender.kind)
            )
        }
        returns, money_back, given_back, taken_back = self._s.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Return.money_back), 0),
                func.coalesce(func.sum(Return.given_back), 0),
                func.coalesce(func.sum(Return.taken_back), 0),
            ).where(Return.occurred_at >= start, Return.occurred_at < end)
        ).one()
        corrections = tuple(
            CorrectionLine(adjustment_id, Points(points), reason)
            for adjustment_id, points, reason in self._s.execute(
                select(Correction.id, Correction.points, Correction.reason)
                .where(Correction.store_day == day)
                .order_by(Correction.occurred_at, Correction.id)
            )
        )
        return DayTotals(
            receipts=int(receipts),
            returns=int(returns),
            revenue=revenue,
            money_back=Money(int(money_back)),
            points_earned=Points(int(earned)),
            points_spent=Points(int(spent)),
            points_given_back=Points(int(given_back)),
            points_taken_back=Points(int(taken_back)),
            offline_sales=int(offline),
            # The till never lets itself exceed its own limit; only the server, seeing the
            # other tills too, can say a card went beyond it.
            offline_over_limit=Points(0),
            corrections=corrections,
        )

    def events(self, start: datetime, end: datetime) -> tuple[DayEvent, ...]:
        outbox = (OutboxEvent.event_id, OutboxEvent.type, OutboxEvent.outcome, OutboxEvent.acked_at)
        rows = self._s.execute(
            select(*outbox)
            .where(OutboxEvent.occurred_at >= start, OutboxEvent.occurred_at < end)
            .order_by(OutboxEvent.seq)
        )
        # An answer recorded before outcomes were kept (ledger 0003) was an acceptance.
        return tuple(
            DayEvent(event_id, type_, outcome or ("accepted" if acked else UNSENT))
            for event_id, type_, outcome, acked in rows
        )

    def by_hour(self, day: date, zone: str) -> tuple[HourFigures, ...]:
        """The day's own sales by the store's hour.

        Grouped by the UTC hour in SQL (the first 13 characters of the stored text), then
        each UTC hour is moved to the store's: exact for any zone whose offset is whole
        hours, as Minsk's is, and right across a daylight-saving change too.
        """
        utc_hour = func.substr(Sale.occurred_at, 1, 13, type_=String)
        rows = self._s.execute(
            select(utc_hour, func.sum(Sale.total), func.sum(Sale.earned))
            .where(Sale.origin == OWN, Sale.store_day == day)
            .group_by(utc_hour)
        )
        tz = ZoneInfo(zone)
        sales = [0] * 24
        points = [0] * 24
        for hour_text, total, earned in rows:
            at = datetime.fromisoformat(f"{hour_text}:00:00").replace(tzinfo=UTC)
            local = at.astimezone(tz).hour
            sales[local] += int(total)
            points[local] += int(earned)
        return tuple(HourFigures(h, Money(sales[h]), Points(points[h])) for h in range(24))

    def known(self, event_ids: Iterable[str]) -> set[str]:
        """Which of `event_ids` this till has an outbox row for, of any day."""
        wanted = list(dict.fromkeys(event_ids))
        found: set[str] = set()
        for i in range(0, len(wanted), _IDS_AT_ONCE):
            chunk = wanted[i : i + _IDS_AT_ONCE]
            found.update(
                self._s.execute(
                    select(OutboxEvent.event_id).where(OutboxEvent.event_id.in_(chunk))
                ).scalars()
            )
        return found
