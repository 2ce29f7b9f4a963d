"""One round of sync, the same for the background worker and `bonuspos sync --once`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bonuspos.ledger.db import Database
from bonuspos.sync.client import ServerClient
from bonuspos.sync.pull import Pulled, pull_all
from bonuspos.sync.push import Pushed, push_all, reached


def sync_round(
    db: Database,
    client: ServerClient,
    now: Callable[[], datetime],
    progress: Callable[[Pulled], None] | None = None,
) -> tuple[Pushed, Pulled]:
    """Push every waiting event, pull the changes, then note the contact and the server's clock.

    The pull always asks the server, so a round with nothing to send still tells online
    from offline. ServerUnavailable/ServerRefused stop it with nothing lost.
    """
    pushed = push_all(db, client, now)
    pulled = pull_all(db, client, now, progress=progress)
    reached(db, now(), client.server_date)
    return pushed, pulled
