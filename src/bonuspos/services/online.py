"""The till's link to the server, as the screens see it: online holds and the sync worker.

The screens never touch HTTP or the worker's thread: they get a `Till` whose checkout asks
for holds with a short timeout, and a `SyncState` callback. No configuration (a till
never connected, or the terminal demo) means a till that is always offline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bonuspos.services import backups
from bonuspos.services.clock import Clock, SystemClock
from bonuspos.services.holds import OnlineHolds
from bonuspos.services.remote_sales import ServerSales
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.state import SyncState

if TYPE_CHECKING:
    from bonuspos.sync.client import ServerClient
    from bonuspos.sync.worker import SyncWorker

# How long a checkout waits for the server's hold before it applies the offline rule: a
# cashier with a queue can wait this long, no longer. In seconds: httpx is loaded later.
HOLD_TIMEOUT = 2.0
# Closing the day drains the whole queue in batches of hundreds: each may take a while.
DAY_TIMEOUT = 30.0

__all__ = ["HOLD_TIMEOUT", "OnlineTill", "SyncConfig", "SyncState"]


class OnlineTill:
    """A `Till` and, when configured, the worker that syncs it; start() once the screen is up."""

    def __init__(
        self,
        data_dir: Path,
        config: SyncConfig | None,
        clock: Clock | None = None,
        on_state: Callable[[SyncState], None] | None = None,
        hold_timeout: float = HOLD_TIMEOUT,
    ) -> None:
        self.config = config
        self._clock = clock or SystemClock()
        self._on_state = on_state
        holds = remote = None
        if config is not None:
            holds = OnlineHolds(lambda: _client(config, hold_timeout))
            remote = ServerSales(lambda: _client(config, hold_timeout))
        self.till = Till(
            data_dir,
            self._clock,
            holds,
            remote=remote,
            store=config.store if config else "",
            till=config.till if config else "",
            server=(lambda: _client(config, DAY_TIMEOUT, 5.0)) if config is not None else None,
        )
        self._db_path = data_dir / DB_NAME
        self.worker: SyncWorker | None = None
        self._backup: threading.Thread | None = None

    def start(self) -> None:
        """Start syncing; called once the first screen is up, so it never delays it.

        A till without a server still gets its daily copy, in a thread of its own: a big
        database takes seconds to copy, and the cashier's first sale must not wait.
        """
        if self.config is None:
            if self._backup is None:
                self._backup = threading.Thread(
                    target=backups.daily,
                    args=(self._db_path.parent, self._clock.now()),
                    name="bonuspos-backup",
                    daemon=True,
                )
                self._backup.start()
            return
        if self.worker is not None:
            return
        from bonuspos.sync.worker import SyncWorker

        self.worker = SyncWorker(
            self._db_path, self.config, self._clock.now, on_state=self._on_state
        )
        self.worker.start()

    def wake(self) -> None:
        """A sale was completed: send it now rather than at the next tick."""
        if self.worker is not None:
            self.worker.wake()

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self._backup is not None:
            self._backup.join()
        self.till.close()


def _client(config: SyncConfig, timeout: float, connect: float = 1.0) -> ServerClient:
    import httpx

    from bonuspos.sync.client import ServerClient

    return ServerClient(config, timeout=httpx.Timeout(timeout, connect=min(timeout, connect)))
