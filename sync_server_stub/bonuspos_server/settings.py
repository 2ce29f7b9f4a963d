"""The server's tunables, from the command line or the environment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

LOG_LEVEL = "BONUSPOS_SERVER_LOG_LEVEL"  # set by `serve` for its worker processes
THREADS = "BONUSPOS_SERVER_THREADS"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    database_url: str
    max_body_bytes: int = 2 * 1024 * 1024
    max_batch: int = 500
    rate_per_second: float = 50.0
    rate_burst: int = 100
    threads: int = 4  # per worker process: requests running their SQL at once
    clock: Callable[[], datetime] = field(default=utc_now)
