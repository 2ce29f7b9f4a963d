"""Whether the till's clock may date an event: never before what the till already knows.

An event's time decides its store day, when its points activate and whether the server
accepts it. A PC whose CMOS battery died boots at 01.01.1970 (or the BIOS's build day)
and would date every sale there; the till then knows better from two facts: this
program did not exist before its release day, and the server was reached at a later
moment. A clock earlier than either is wrong, and nothing is written until it is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bonuspos.domain.errors import RuleViolation
from bonuspos.domain.policy import require_aware

# A clock stepped back a little (NTP correcting a few seconds, a PC a minute fast at the
# last sync) is no reason to stop the queue; the server itself allows 5 minutes.
TOLERANCE = timedelta(minutes=5)


class ClockBound(StrEnum):
    """What the clock's reading was found to be earlier than."""

    LAST_SYNC = "last-sync"
    RELEASE = "release"


class Action(StrEnum):
    """What the cashier tried to do: the refusal says which cannot be done."""

    SALE = "sale"
    RETURN = "return"
    REGISTRATION = "registration"


_CANNOT = {
    Action.SALE: "Продажа невозможна",
    Action.RETURN: "Возврат невозможен",
    Action.REGISTRATION: "Оформление карты невозможно",
}


@dataclass(frozen=True, slots=True)
class LastContact:
    """The last successful sync, by the till's clock, and the server's clock then if known."""

    till_clock: datetime
    server_clock: datetime | None = None

    @property
    def earliest(self) -> datetime:
        # Either clock may have been the wrong one at that moment: the earlier reading is
        # the one a correct clock can never be before.
        if self.server_clock is None:
            return self.till_clock
        return min(self.till_clock, self.server_clock)


class ClockImplausible(RuleViolation):
    """The till's clock reads earlier than it can possibly be; its figures for the screen."""

    code = "clock-implausible"

    def __init__(self, now: datetime, bound: ClockBound, floor: datetime, action: Action) -> None:
        self.now = now
        self.bound = bound
        self.floor = floor  # the moment the clock cannot be before (the release: its midnight)
        self.action = action
        super().__init__(
            self.describe(),
            self.code,
            {"now": now, "bound": bound, "floor": floor, "action": action},
        )

    def describe(self) -> str:
        """The Russian message; the times are in the store's zone, as `check_clock` gives them."""
        shown = self.now.strftime("%d.%m.%Y %H:%M")
        if self.bound is ClockBound.LAST_SYNC:
            than = f"раньше последней связи с сервером ({self.floor.strftime('%d.%m.%Y %H:%M')})"
        else:
            than = f"раньше выпуска этой версии программы ({self.floor.strftime('%d.%m.%Y')})"
        return (
            f"Часы кассы показывают {shown} — {than}. {_CANNOT[self.action]}:"
            " исправьте дату и время компьютера и повторите"
        )


def check_clock(
    now: datetime,
    *,
    released: date,
    last_contact: LastContact | None,
    zone: ZoneInfo,
    action: Action,
) -> None:
    """Raise ClockImplausible when `now` is before the release day or the last sync."""
    require_aware(now)
    local = now.astimezone(zone)
    candidates: list[tuple[datetime, ClockBound]] = []
    if last_contact is not None:
        floor = last_contact.earliest.astimezone(zone)
        if local < floor - TOLERANCE:
            candidates.append((floor, ClockBound.LAST_SYNC))
    release = datetime.combine(released, time(0), zone)
    if local < release:
        candidates.append((release, ClockBound.RELEASE))
    if candidates:
        # The later of the two is what the till knows best: name that one.
        floor, bound = max(candidates, key=lambda c: c[0])
        raise ClockImplausible(local, bound, floor, action)
