"""Ledger entries and balances: every movement of points, and what is usable on a given day.

Each entry is a signed amount with the day from which it counts as active. Earned points
count from their activation day; spending, giving back and adjustments count at once;
taking back earned points counts from the day those points would have activated, so a
return before activation takes from the pending balance and one after takes from the
active balance (which may go below zero, to be repaid by later earnings). Points never
expire: nothing here looks at how old an entry is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from bonuspos.domain.money import Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.quote import Settlement
from bonuspos.domain.returns import ReturnedLine


class EntryKind(StrEnum):
    EARNED = "earned"
    SPENT = "spent"
    TAKEN_BACK = "taken_back"
    GIVEN_BACK = "given_back"
    ADJUSTED = "adjusted"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    kind: EntryKind
    points: Points  # signed: what the entry adds to the balance
    active_from: date


@dataclass(frozen=True, slots=True)
class Balance:
    active: Points
    pending: Points
    next_activation: date | None = None  # the earliest day pending points become active

    @property
    def total(self) -> Points:
        return self.active + self.pending


def balance_on(entries: Iterable[LedgerEntry], today: date) -> Balance:
    active = 0
    by_day: dict[date, int] = {}
    for entry in entries:
        if entry.active_from <= today:
            active += entry.points.minor
        else:
            by_day[entry.active_from] = by_day.get(entry.active_from, 0) + entry.points.minor
    # Like the ledger's pending_points table: a day whose points were all taken back is
    # no day on which anything becomes active.
    days = [day for day, points in by_day.items() if points > 0]
    pending = sum(points for points in by_day.values() if points > 0)
    return Balance(Points(active), Points(pending), min(days, default=None))


def sale_entries(settlement: Settlement, at: datetime, policy: Policy) -> list[LedgerEntry]:
    today = policy.store_day(at)
    entries = []
    if settlement.spend:
        entries.append(LedgerEntry(EntryKind.SPENT, -settlement.spend, today))
    if settlement.earns:
        entries.append(
            LedgerEntry(EntryKind.EARNED, settlement.earns, settlement.quote.activates_on)
        )
    return entries


def return_entries(
    lines: Iterable[ReturnedLine], *, earned_active_from: date, at: datetime, policy: Policy
) -> list[LedgerEntry]:
    """Entries for a return; `earned_active_from` is when the sale's earnings activate."""
    lines = list(lines)
    taken = sum(line.points_taken_back.minor for line in lines if line.points_taken_back)
    given = sum(line.points_given_back.minor for line in lines if line.points_given_back)
    entries = []
    if taken:
        entries.append(LedgerEntry(EntryKind.TAKEN_BACK, Points(-taken), earned_active_from))
    if given:
        entries.append(LedgerEntry(EntryKind.GIVEN_BACK, Points(given), policy.store_day(at)))
    return entries


# Each till's ledger entries are chained, each carrying the hash of the one before, so the
# server can tell a gap, a duplicate or an edited history (DESIGN). Both sides compute it here.
GENESIS_HASH = "0" * 64


def chain_hash(
    prev: str,
    customer_uid: str,
    sale_id: str | None,
    return_id: str | None,
    entry: LedgerEntry,
    at: datetime,
) -> str:
    body = "|".join(
        [
            prev,
            customer_uid,
            sale_id or "",
            return_id or "",
            entry.kind.value,
            str(entry.points.minor),
            entry.active_from.isoformat(),
            # The text the ledger stores, so the chain can be re-checked from the rows alone.
            at.astimezone(UTC).isoformat(timespec="microseconds"),
        ]
    )
    return hashlib.sha256(body.encode()).hexdigest()
