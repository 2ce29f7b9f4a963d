"""What a manager or IT asks first: is everything on the server, and if not, since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bonuspos.ledger.db import Database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.sync.push import CLOCK_SKEW, LAST_SYNC
from bonuspos.sync.state import clock_wrong

CURSOR = "sync.cursor"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    waiting: int  # events the server has not answered yet
    oldest_unsent: datetime | None
    dead_letters: int  # events the server refused for good
    last_sync: datetime | None  # the last time everything waiting was answered
    cursor: str | None  # where the next pull of changes starts
    clock_skew: timedelta | None = None  # the till's clock minus the server's, last seen

    @property
    def clock_wrong(self) -> bool:
        return clock_wrong(self.clock_skew)


def read(db: Database) -> SyncStatus:
    with UnitOfWork(db.reading) as uow:
        last = uow.settings.get(LAST_SYNC)
        skew = uow.settings.get(CLOCK_SKEW)
        return SyncStatus(
            waiting=uow.outbox.waiting(),
            oldest_unsent=uow.outbox.oldest_unsent(),
            dead_letters=len(uow.outbox.dead_letters()),
            last_sync=datetime.fromisoformat(last) if last else None,
            cursor=uow.settings.get(CURSOR),
            clock_skew=timedelta(seconds=int(skew)) if skew else None,
        )
