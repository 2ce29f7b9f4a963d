"""The till's background sync: a thread that drains the outbox for as long as the till runs.

It has its own database engine and its own HTTP client, so nothing it does ever waits on
the screens' thread, or the screens on it. When the server cannot be reached it waits
longer each time (exponential backoff with jitter, so fifty tills coming back after an
outage do not all knock at once), up to a few minutes; a completed sale wakes it early.
It publishes its state (online, events waiting, last sync, last error, clock skew) for the
status bar and `bonuspos status`.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger import backup
from bonuspos.ledger.db import Database, open_database
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient, ServerRefused, ServerUnavailable
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.cycle import sync_round
from bonuspos.sync.pull import Pulled
from bonuspos.sync.state import CLOCK_WARNING, SyncState

__all__ = ["CLOCK_WARNING", "Backoff", "SyncState", "SyncWorker"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    first: float = 2.0  # seconds
    longest: float = 300.0
    idle: float = 15.0  # between drains when all is well

    def delay(self, failures: int, asked: float | None = None) -> float:
        """How long to wait after `failures` failures in a row; the server's Retry-After wins."""
        if asked is not None:
            return min(asked, self.longest)
        ceiling = min(self.longest, self.first * 2 ** max(0, failures - 1))
        return random.uniform(ceiling / 2, ceiling)  # "equal jitter"


class SyncWorker:
    def __init__(
        self,
        db_path: Path,
        config: SyncConfig,
        now: Callable[[], datetime],
        *,
        backoff: Backoff = Backoff(),
        client_factory: Callable[[SyncConfig], ServerClient] = ServerClient,
        on_state: Callable[[SyncState], None] | None = None,
    ) -> None:
        self._db_path = db_path
        self._config = config
        self._now = now
        self._backoff = backoff
        self._client_factory = client_factory
        self._on_state = on_state
        self._state = SyncState()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bonuspos-sync", daemon=True)

    @property
    def state(self) -> SyncState:
        with self._lock:
            return self._state

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Something new is waiting (a sale was completed): drain now, not at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        db = open_database(self._db_path)
        client = self._client_factory(self._config)
        failures = 0
        try:
            while not self._stop.is_set():
                wait = self._backoff.idle
                # A till left running for days still gets its copy each store day; most
                # rounds this is one check that today's file exists.
                backup.daily(self._db_path, DEFAULT_POLICY.store_day(self._now()))
                try:
                    sync_round(db, client, self._now, self._receiving)
                    failures = 0
                    self._publish(db, client, online=True, error=None)
                except ServerUnavailable as exc:
                    failures += 1
                    wait = self._backoff.delay(failures, exc.retry_after)
                    self._publish(db, client, online=False, error=exc.reason)
                except ServerRefused as exc:
                    # Reachable but refusing (a revoked token): retrying soon changes nothing.
                    failures += 1
                    wait = self._backoff.longest
                    self._publish(db, client, online=True, error=exc.reason)
                except Exception as exc:  # a bug must not kill the thread that carries the sales
                    log.exception("sync failed")
                    failures += 1
                    wait = self._backoff.delay(failures)
                    self._publish(db, client, online=None, error=f"ошибка синхронизации: {exc}")
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            client.close()
            db.dispose()

    def _receiving(self, pulled: Pulled) -> None:
        # Only a pull of many pages is worth showing; an ordinary round is one page.
        if pulled.pages > 1:
            self._set(replace(self.state, receiving=pulled.customers))

    def _set(self, state: SyncState) -> None:
        with self._lock:
            self._state = state
        if self._on_state is not None:
            self._on_state(state)

    def _publish(
        self, db: Database, client: ServerClient, *, online: bool | None, error: str | None
    ) -> None:
        seen = status.read(db)
        skew = self._now() - client.server_date if client.server_date else None
        state = self.state
        self._set(
            replace(
                state,
                online=online,
                waiting=seen.waiting,
                dead_letters=seen.dead_letters,
                last_sync=seen.last_sync,
                last_error=error,
                clock_skew=skew if skew is not None else state.clock_skew,
                receiving=None,
            )
        )
