"""The till's clock, checked against what the till knows before it dates an event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bonuspos import RELEASED
from bonuspos.domain.clock_rule import Action, ClockImplausible, LastContact, check_clock
from bonuspos.domain.policy import Policy
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import Clock
from bonuspos.sync.state import CLOCK_SKEW, LAST_SYNC

__all__ = ["Action", "ClockGuard", "ClockImplausible", "last_contact"]


def last_contact(uow: UnitOfWork) -> LastContact | None:
    """The last sync that reached the server, as the sync recorded it; None before any."""
    stored = uow.settings.get(LAST_SYNC)
    if not stored:
        return None
    try:
        at = datetime.fromisoformat(stored)
    except ValueError:
        return None  # a damaged setting must not stop the till: the release day still holds
    if at.tzinfo is None:
        return None
    skew = uow.settings.get(CLOCK_SKEW)
    try:
        server = at - timedelta(seconds=int(skew)) if skew else None
    except ValueError:
        server = None
    return LastContact(at, server)


class ClockGuard:
    """Gives the time to date an event by, or refuses when the clock cannot be right."""

    def __init__(self, clock: Clock, policy: Policy, released: date = RELEASED) -> None:
        """`released`: the day this version was released, before which no clock can be."""
        self._clock = clock
        self._policy = policy
        self._released = released

    def now(self, uow: UnitOfWork, action: Action) -> datetime:
        """The clock's time, read inside the action's transaction; ClockImplausible if wrong."""
        at = self._clock.now()
        check_clock(
            at,
            released=self._released,
            last_contact=last_contact(uow),
            zone=self._policy.zone,
            action=action,
        )
        return at

    def problem(self, uow: UnitOfWork) -> ClockImplausible | None:
        """What a sale would be refused for right now, for the status bar and `bonuspos status`."""
        try:
            self.now(uow, Action.SALE)
        except ClockImplausible as wrong:
            return wrong
        return None
