"""The till's link to the server, as the screens see it: online holds and the sync worker.

The screens never touch HTTP or the worker's thread: they get a `Till` whose checkout asks
for holds with a short timeout, and a `SyncState` callback. No configuration (a till
never connected, or the terminal demo) means a till that is always offline.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from bonuspos.services.clock import Clock, SystemClock
from bonuspos.services.holds import OnlineHolds
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.worker import SyncState, SyncWorker

# How long a checkout waits for the server's hold before it applies the offline rule: a
# cashier with a queue can wait this long, no longer.
HOLD_TIMEOUT = httpx.Timeout(2.0, connect=1.0)

__all__ = ["HOLD_TIMEOUT", "OnlineTill", "SyncState"]


class OnlineTill:
    """A `Till` and, when configured, the worker that syncs it; start() once the screen is up."""

    def __init__(
        self,
        data_dir: Path,
        config: SyncConfig | None,
        clock: Clock | None = None,
        on_state: Callable[[SyncState], None] | None = None,
        hold_timeout: httpx.Timeout = HOLD_TIMEOUT,
    ) -> None:
        self.config = config
        clock = clock or SystemClock()
        holds = None
        if config is not None:
            holds = OnlineHolds(lambda: ServerClient(config, timeout=hold_timeout))
        self.till = Till(data_dir, clock, holds)
        self._started = False
        self.worker = (
            SyncWorker(data_dir / DB_NAME, config, clock.now, on_state=on_state)
            if config is not None
            else None
        )

    def start(self) -> None:
        if self.worker is not None and not self._started:
            self.worker.start()
            self._started = True

    def wake(self) -> None:
        """A sale was completed: send it now rather than at the next tick."""
        if self.worker is not None:
            self.worker.wake()

    def close(self) -> None:
        if self.worker is not None and self._started:
            self.worker.stop()
        self.till.close()
