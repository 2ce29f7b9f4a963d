"""Retrying a transaction PostgreSQL aborted to break a deadlock or a serialization conflict."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

# SQLSTATEs that mean "nothing was done, run it again": serialization_failure, deadlock_detected.
RETRYABLE = {"40001", "40P01"}
ATTEMPTS = 8


def retrying(work: Callable[[], T]) -> T:
    for attempt in range(ATTEMPTS):
        try:
            return work()
        except DBAPIError as exc:
            code = getattr(exc.orig, "sqlstate", None)
            if code not in RETRYABLE or attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.01 * 2**attempt))
    raise AssertionError("unreachable")
