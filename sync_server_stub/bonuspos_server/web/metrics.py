"""Prometheus metrics: what the tills' events and holds came to, and how long requests took.

Every label value comes from a closed set the code knows (an event type, a flag, a
problem's slug, a route's template, an HTTP method): never a path as sent, a phone, a
uuid or a token. A value outside the set is counted as `other`, so a till sending
made-up types cannot grow the number of series either.

`serve --workers N` runs N processes, each with its own counters. With
`PROMETHEUS_MULTIPROC_DIR` set (the systemd unit sets it; `serve` makes a private one
when it starts several workers without it) each process writes its counters to files
there and /metrics adds them all up, whichever process answers. That variable must be
set before this module is imported, and the folder emptied at each start.

Only loopback and the addresses `BONUSPOS_SERVER_METRICS_ALLOW` names may read /metrics
(an address check rather than a token: see `allowed`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any, Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.routing import BaseRoute, Match

from bonuspos.protocol import EventType, Flag
from bonuspos_server.settings import MULTIPROC_DIR, Network
from bonuspos_server.web.hardening import ASGIApp, Message, Receive, Scope, Send
from bonuspos_server.web.problems import PROBLEM_TYPE_BASE
from bonuspos_server.web.schemas import EventBatch, EventResult

OTHER: Final = "other"
UNMATCHED: Final = "unmatched"

EVENTS = Counter(
    "bonuspos_events",
    "Events the tills sent, by what the server answered: accepted, duplicate (an event it"
    " had, sent again) or rejected (a dead letter; why: bonuspos_events_rejected_total)",
    ["outcome", "type"],
)
REJECTED = Counter(
    "bonuspos_events_rejected",
    "Events refused (dead letters), by the problem's type: its slug, as in PROTOCOL.md",
    ["problem"],
)
FLAGS = Counter(
    "bonuspos_event_flags",
    "Accepted events the manager's report lists, by flag (an event with two flags counts"
    " under each)",
    ["flag"],
)
HOLDS = Counter(
    "bonuspos_holds",
    "Holds by what happened to them: placed (POST /v1/holds made it), released (a till"
    " voided its sale), captured (a sale used it while it was live), expired (a sale came"
    " for it after it had lapsed, so it reserved nothing: flag hold-lapsed)",
    ["outcome"],
)
LATENCY = Histogram(
    "bonuspos_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template",
    ["method", "route"],
    # A hold must answer within the till's short timeout; a batch of 500 takes longer.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "bonuspos_http_requests",
    "Requests answered, by route template and status code",
    ["method", "route", "status"],
)

_EVENT_TYPES = frozenset(EventType)
_FLAGS = frozenset(Flag)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A problem slug as the server writes them (the domain's rule codes, its own refusals):
# words and hyphens. No digits, so no id or phone can pass for one.
_SLUG = re.compile(r"[a-z]+(-[a-z]+)*")


def _known(value: object, known: frozenset[str]) -> str:
    return value if isinstance(value, str) and value in known else OTHER


def problem_label(problem: dict[str, Any] | None) -> str:
    kind = (problem or {}).get("type")
    if not isinstance(kind, str) or not kind.startswith(PROBLEM_TYPE_BASE):
        return OTHER
    slug = kind.removeprefix(PROBLEM_TYPE_BASE)
    return slug if len(slug) <= 48 and _SLUG.fullmatch(slug) else OTHER


def batch_answered(batch: EventBatch, results: Sequence[EventResult]) -> None:
    """Counts a batch's answers: each event's outcome, problem and flags, and the holds its
    online sales captured."""
    sent = {event.event_id: event for event in batch.events}
    for result in results:
        event = sent.get(result.event_id)
        kind = _known(event.type if event else None, _EVENT_TYPES)
        EVENTS.labels(result.status, kind).inc()
        if result.status == "rejected":
            REJECTED.labels(problem_label(result.problem)).inc()
        if result.status != "accepted":
            continue  # a duplicate's flags and holds were counted when it was accepted
        flags = [f for f in (result.flag or "").split(",") if f]
        for flag in flags:
            FLAGS.labels(_known(flag, _FLAGS)).inc()
        if event is not None and kind == EventType.SALE_COMPLETED:
            _sale_holds(event.payload, flags)


def _sale_holds(payload: dict[str, Any], flags: Iterable[str]) -> None:
    if not payload.get("hold_id") or payload.get("offline") or not payload.get("spent"):
        return  # this sale used no hold (the server ignores a hold on an offline sale)
    if Flag.HOLD_MISMATCH in flags:
        return  # the hold was left as it was
    HOLDS.labels("expired" if Flag.HOLD_LAPSED in flags else "captured").inc()


def hold_placed() -> None:
    HOLDS.labels("placed").inc()


def hold_released() -> None:
    HOLDS.labels("released").inc()


def exposition() -> tuple[bytes, str]:
    """The text /metrics answers: every worker's counters together in multiprocess mode."""
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def allowed(scope: Scope, networks: Sequence[Network]) -> bool:
    """Whether this request may read /metrics: from an allowed address, and not relayed by
    a proxy.

    An address list rather than a bearer token: Prometheus scrapes from a known machine
    (this one, usually), so a list needs no secret to hand out, store in Prometheus'
    config and rotate; and the tills' tokens cannot read it whatever they are, since no
    till sits at an allowed address. A request carrying X-Forwarded-For came through the
    public proxy, whose own address is loopback: it is refused whatever address the
    proxy names, so a proxy that forgot to block /metrics still does not expose it.
    """
    headers = dict(scope.get("headers") or [])
    if b"x-forwarded-for" in headers or b"forwarded" in headers:
        return False
    client = scope.get("client")
    if not client:
        return False
    try:
        address = ipaddress.ip_address(str(client[0]))
    except ValueError:
        return False  # a unix socket or a test client: no address to vouch for it
    return any(address in network for network in networks)


def route_template(routes: Iterable[BaseRoute], scope: Scope) -> str:
    """The template of the route this path is for (`/v1/customers/{card}`), never the path:
    found by matching, so a request refused before routing (413, 429) is labelled too."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        template = getattr(route, "path", None)
        if not isinstance(template, str):
            continue
        if match is Match.FULL:
            return template
        if match is Match.PARTIAL and partial is None:
            partial = template  # the path is right, the method is not: a 405
    return partial or UNMATCHED


class RequestMetrics:
    """Times every request and counts its status, labelled by route template."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            method = _known(scope.get("method"), _METHODS)
            route = route_template(self.routes, scope)
            LATENCY.labels(method, route).observe(time.perf_counter() - started)
            REQUESTS.labels(method, route, str(status)).inc()
