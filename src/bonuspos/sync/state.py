"""What the sync worker publishes for the screens: online or not, the queue, the last sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Settings the sync writes after a round that reached the server. The checkout reads them
# too (a clock earlier than the last contact is wrong), so they live here, not beside HTTP.
LAST_SYNC = "sync.last_success"
CLOCK_SKEW = "sync.clock_skew_seconds"  # the till's clock minus the server's, last seen

# A till whose clock is further than this from the server's shows a warning: its sales'
# dates decide when points activate, and the server refuses events from the future.
CLOCK_WARNING = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class SyncState:
    online: bool | None = None  # None until the first attempt
    waiting: int = 0
    dead_letters: int = 0
    last_sync: datetime | None = None
    last_error: str | None = None
    clock_skew: timedelta | None = None  # the till's clock minus the server's
    receiving: int | None = None  # cards received so far by a long pull (a first fill)

    @property
    def clock_wrong(self) -> bool:
        return clock_wrong(self.clock_skew)


def clock_wrong(skew: timedelta | None) -> bool:
    """Whether the till's clock is far enough from the server's to warn about."""
    return skew is not None and abs(skew) > CLOCK_WARNING
