"""The two ways a request to the server fails, apart from the HTTP client that finds out.

Kept free of httpx, so the screens can name them without loading the client at start-up.
"""

from __future__ import annotations

from typing import Any


class ServerUnavailable(Exception):
    """Not reached, or not able to answer now; `retry_after` in seconds when it said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class ServerRefused(Exception):
    """The server answered and refused the request as a whole."""

    def __init__(self, status: int, reason: str, problem: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.problem = problem or {}
