"""What keeps one noisy till from hurting the others: body limits, rate limits, request ids."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

from bonuspos_server.web.problems import Problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("bonuspos_server.access")
MAX_BUCKETS = 100_000


class BodyLimit:
    """Refuses a body over `limit` bytes with 413, whether or not it declares its length."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _send_problem(send, self._problem())
            return
        # Read the whole body first (it is small by construction), so a body that lies
        # about its length is refused before the app has answered anything.
        chunks: list[bytes] = []
        seen = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await _send_problem(send, self._problem())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _problem(self) -> Problem:
        return Problem(
            413,
            "body-too-large",
            "Request body too large",
            f"Send at most {self.limit} bytes; split the batch",
        )


class RateLimit:
    """A token bucket per bearer token: `rate` requests a second, bursts up to `burst`."""

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app = app
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            auth = dict(scope.get("headers", [])).get(b"authorization")
            client = scope.get("client") or ("?", 0)
            key = auth or f"anonymous {client[0]}".encode()
            wait = self._take(hashlib.sha256(key).hexdigest())
            if wait > 0:
                retry = str(max(1, math.ceil(wait)))
                await _send_problem(
                    send,
                    Problem(
                        429,
                        "rate-limited",
                        "Too many requests",
                        f"This till sends faster than {self.rate:g} requests a second; retry later",
                        headers={"Retry-After": retry},
                    ),
                )
                return
        await self.app(scope, receive, send)

    def _take(self, key: str) -> float:
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) > MAX_BUCKETS:  # made-up tokens must not grow it for ever
                self._buckets.clear()
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


class RequestLog:
    """One JSON line per request with a request id, echoed in `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given[:64] if given else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            path = masked_path(scope["path"])
            log.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                )
            )


_DIGIT_RUN = re.compile(r"\+?[0-9][0-9\s()+\-]{5,}[0-9]")


def masked_path(path: str) -> str:
    """A path fit for a log: any run of digits long enough to be a phone or card is masked."""
    return _DIGIT_RUN.sub("***", unquote(path))


async def _send_problem(send: Send, problem: Problem) -> None:
    body = json.dumps(problem.body()).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
