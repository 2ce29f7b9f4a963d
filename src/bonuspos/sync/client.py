"""The till's side of the protocol (sync_server_stub/PROTOCOL.md): one httpx client per user.

Every failure is one of two kinds, because the caller does different things with them:
`ServerUnavailable` (no network, a timeout, the server busy or broken) means "try again
later, nothing was lost"; `ServerRefused` means the server understood and said no to
the whole request (a revoked token, a till it does not know), which retrying will not fix.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self, cast

import httpx

from bonuspos.protocol import ChangesPage, DayAnswer, EventBatch, SaleAnswer, WireEvent
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.errors import ServerRefused, ServerUnavailable

__all__ = ["ServerClient", "ServerRefused", "ServerUnavailable"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class ServerClient:
    def __init__(
        self,
        config: SyncConfig,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.server_date: datetime | None = None  # from the last answer's Date header
        self._http = httpx.Client(
            base_url=config.server,
            headers={"Authorization": f"Bearer {config.token}"},
            timeout=timeout,
            verify=str(config.ca_file) if config.ca_file else True,
            transport=transport,
        )

    def post_events(self, events: list[WireEvent]) -> list[dict[str, Any]]:
        """Each event's answer, in the server's words (accepted, duplicate, rejected).

        Plain dicts, not `EventResult`s: what came over the wire is checked field by field
        where it is read, a proxy's page is not believed to be the server's answer.
        """
        body: EventBatch = {
            "store": self.config.store,
            "till": self.config.till,
            "events": events,
        }
        answer = self._send("POST", "/v1/events", body)
        results = _field(answer, "results", list)
        return [r for r in results if isinstance(r, dict)]

    def place_hold(
        self, hold_id: str, card: str, points: int, sale_id: str, code: str | None = None
    ) -> dict[str, Any]:
        """Reserve `points` on the card; ServerRefused(409) when the card has not enough,
        ServerRefused(403/429) when a spend above the threshold lacks its right code."""
        body: dict[str, Any] = {"hold_id": hold_id, "card": card, "points": points}
        body["sale_id"] = sale_id
        if code is not None:
            body["code"] = code
        answer: dict[str, Any] = self._send("POST", "/v1/holds", body)
        return answer

    def send_spend_code(self, card: str) -> None:
        """Ask the server to send the card's phone a spend code (PROTOCOL.md)."""
        self._send("POST", "/v1/spend-codes", {"card": card})

    def release_hold(self, hold_id: str) -> None:
        self._send("DELETE", f"/v1/holds/{hold_id}")

    def changes(self, cursor: str | None, limit: int) -> ChangesPage:
        """One page of the changes feed after `cursor` (None: from the start)."""
        params = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = self._send("GET", f"/v1/changes{params}")
        shape = (("cursor", str), ("has_more", bool), ("customers", list), ("products", list))
        for key, kind in shape:
            _field(page, key, kind)
        return cast(ChangesPage, page)

    def sale(self, sale_id: str) -> SaleAnswer:
        """Any till's sale as the server holds it, for a return; ServerRefused(404) if unknown."""
        answer = self._send("GET", f"/v1/sales/{sale_id}")
        shape = (("sale_id", str), ("number", int), ("lines", list), ("tenders", list))
        for key, kind in shape:
            _field(answer, key, kind)
        return cast(SaleAnswer, answer)

    def health(self) -> str:
        """The server's own check (no token needed): the database it runs on, when it is up."""
        answer = self._send("GET", "/healthz")
        return str(_field(answer, "database", str))

    def last_seq(self) -> int:
        """The highest event seq the server holds from this till."""
        answer = self._send("GET", "/v1/tills/me")
        return int(_field(answer, "last_seq", int))

    def day(self, day: date) -> DayAnswer:
        """This till's store day as the server holds it: totals, event ids, the store's flags."""
        answer = self._send("GET", f"/v1/tills/me/day?date={day.isoformat()}")
        shape = (
            ("store", str),
            ("till", str),
            ("day", str),
            ("totals", dict),
            ("events", list),
            ("flagged", list),
            ("last_seq", int),
        )
        for key, kind in shape:
            _field(answer, key, kind)
        if answer["day"] != day.isoformat():
            raise ServerUnavailable("сервер ответил не по протоколу (итоги другого дня)")
        return cast(DayAnswer, answer)

    def _send(self, method: str, path: str, body: Mapping[str, object] | None = None) -> Any:
        try:
            response = self._http.request(
                method,
                path,
                content=json.dumps(body, ensure_ascii=False).encode() if body is not None else None,
                headers={"Content-Type": "application/json"} if body is not None else None,
            )
        except httpx.TimeoutException as exc:
            raise ServerUnavailable(f"сервер не ответил вовремя ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"нет связи с сервером ({type(exc).__name__})") from exc
        except httpx.DecodingError as exc:  # a proxy mangled the body
            raise ServerUnavailable("сервер ответил не по протоколу") from exc
        self._note_date(response)
        if response.status_code == 429 and _slug(_problem(response)) in REFUSED_WHEN_BUSY:
            # Not "busy": the card's codes are locked, or enough were sent. Retrying the
            # same request later is not what the cashier should do; the screen says why.
            problem = _problem(response)
            raise ServerRefused(429, _problem_text(response, problem), problem)
        if response.status_code == 429 or response.status_code >= 500:
            raise ServerUnavailable(
                f"сервер занят или неисправен (HTTP {response.status_code})",
                _retry_after(response),
            )
        if response.status_code >= 400:
            problem = _problem(response)
            raise ServerRefused(response.status_code, _problem_text(response, problem), problem)
        if response.status_code in (202, 204):  # accepted or done, with no body
            return None
        try:
            return response.json()
        except ValueError as exc:  # a proxy's error page, say
            raise ServerUnavailable("сервер ответил не по протоколу") from exc

    def _note_date(self, response: httpx.Response) -> None:
        stamp = response.headers.get("date")
        # A Date the till cannot read only skips the clock check.
        if stamp:
            with contextlib.suppress(TypeError, ValueError):
                self.server_date = parsedate_to_datetime(stamp)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _field(answer: Any, key: str, kind: type) -> Any:
    """`answer[key]` when the answer is the protocol's; a proxy's page is not, say."""
    value = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(value, kind):
        raise ServerUnavailable(f"сервер ответил не по протоколу (нет поля {key})")
    return value


# Refusals answered 429 that concern the customer's one-time codes, not the server's load.
REFUSED_WHEN_BUSY = ("codes-locked", "too-many-codes")


def _slug(problem: dict[str, Any] | None) -> str:
    kind = problem.get("type") if problem else None
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) else ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _problem(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _problem_text(response: httpx.Response, problem: dict[str, Any] | None) -> str:
    detail = (problem.get("detail") or problem.get("title")) if problem else None
    if response.status_code == 401:
        return "сервер не принял токен кассы (отозван или неверен): нужен новый bonuspos configure"
    return f"сервер отказал (HTTP {response.status_code}): {detail or response.reason_phrase}"
