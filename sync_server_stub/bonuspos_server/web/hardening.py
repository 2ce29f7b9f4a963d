"""What keeps one noisy client from hurting the others: body and stranger limits, request ids."""

from __future__ import annotations

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

from bonuspos.domain.privacy import personal_data_masked
from bonuspos_server.web.auth import bearer_token, token_hash
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


class Doorkeeper:
    """What one server process knows about who is at the door, kept in memory.

    `known` holds the hashes of the tokens that worked here, each with the time (the
    settings' clock, in seconds) until which its till is refused for going over its limit
    (0: not refused). Every other request is a stranger's. Each client address has a token
    bucket, `rate` a second, bursts up to `burst`, paid from by requests without a token
    and by tokens that fail; an address whose bucket is empty is refused before any
    database work. So a flood of made-up tokens costs few lookups, and a working till is
    never refused for a stranger at its address (tills of one store share its address).
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.known: dict[str, float] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def welcome(self, digest: str, refused_until: float = 0.0) -> None:
        if len(self.known) > MAX_BUCKETS:  # only real tokens get here; still, bound it
            self.known.clear()
        self.known[digest] = refused_until

    def forget(self, digest: str) -> None:
        self.known.pop(digest, None)

    def wait(self, address: str, *, pay: bool = True) -> float:
        """Seconds until this address may send a stranger's request (0: now); paid for
        when `pay` and there is something to pay with."""
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) > MAX_BUCKETS:  # made-up addresses must not grow it for ever
                self._buckets.clear()
            tokens, last = self._buckets.get(address, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[address] = (tokens - 1 if pay else tokens, now)
                return 0.0
            self._buckets[address] = (tokens, now)
            return (1 - tokens) / self.rate

    def refusal(self, wait: float) -> Problem:
        return Problem(
            429,
            "rate-limited",
            "Too many requests",
            f"More than {self.rate:g} requests a second from this address without a working"
            " till's token; retry later",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
            limit="address",
            per_second=self.rate,
            burst=self.burst,
        )


class StrangerLimit:
    """Refuses with 429, before its body is read, a stranger's request from an address
    with an empty bucket (see `Doorkeeper`). A request without a token pays here; one with
    a token this process does not know yet pays only if the token fails (`Gate.admit`)."""

    def __init__(self, app: ASGIApp, door: Doorkeeper) -> None:
        self.app = app
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = dict(scope.get("headers", [])).get(b"authorization")
            token = bearer_token(header.decode("latin-1")) if header else None
            if token is None or token_hash(token) not in self.door.known:
                wait = self.door.wait(client_address(scope), pay=token is None)
                if wait > 0:
                    await _send_problem(send, self.door.refusal(wait))
                    return
        await self.app(scope, receive, send)


def client_address(scope: Scope) -> str:
    """The client's address; behind a reverse proxy on this machine, the one the proxy names
    in X-Forwarded-For (uvicorn trusts it from 127.0.0.1)."""
    return str((scope.get("client") or ("?", 0))[0])


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


# PostgreSQL quotes the row or key a constraint refused in its DETAIL line: a phone, a
# name. Bound parameters are hidden by the engine; this is the database's own text.
_DETAIL = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)


def private_data_masked(text: str) -> str:
    """The till's masking (phones as screens show them, names dropped), then any digit run."""
    text = personal_data_masked(_DETAIL.sub(r"\1 (hidden: it may hold personal data)", text))
    return _DIGIT_RUN.sub("***", text)


class PrivateData(logging.Filter):
    """Keeps phones, card numbers and a database error's row out of every log line.

    Set on the log's handlers, so it also sees what other libraries log: an unhandled
    error reaches uvicorn's own log with its traceback and the database's message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = private_data_masked(trace), None
        elif record.exc_text:
            record.exc_text = private_data_masked(record.exc_text)
        record.msg, record.args = private_data_masked(record.getMessage()), None
        return True


async def _send_problem(send: Send, problem: Problem) -> None:
    body = json.dumps(problem.body()).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
