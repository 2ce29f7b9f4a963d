"""Running again a transaction PostgreSQL aborted and that a second run can get right.

Deadlocks and serialization failures are the textbook cases. A unique violation is one
too where a use case reads before it writes: the row that collided was committed by
another transaction while this one worked, and the second run reads it (an event or a
customer's phone that arrived twice at once).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

# SQLSTATEs: serialization_failure, deadlock_detected, unique_violation.
RETRYABLE = {"40001", "40P01", "23505"}
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
