"""A server in memory that answers a till the way the protocol says, for closing a day.

It accepts every event, keeps its seq, serves an empty changes feed, and answers the day
with the totals a test gives it (the server's own figures) and the ids it holds from the
till dated that day. A test can make it forget events (a restored backup), hold ids the
till never sent, flag events, answer in a wrong shape, or be out of reach.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx

from bonuspos.domain.day import DayTotals, day_bounds
from bonuspos.protocol import FlaggedEvent
from bonuspos.services.clock import Clock
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig

CONFIG = SyncConfig("http://server.test", "S1", "T1", "bpt_stub")


@dataclass
class StubServer:
    totals: DayTotals = field(default_factory=DayTotals)
    held: dict[str, tuple[int, datetime]] = field(default_factory=dict)  # id: (seq, at)
    extra: list[str] = field(default_factory=list)  # ids "from this till" it never sent
    hidden: set[str] = field(default_factory=set)  # held, yet left out of the day's list
    flagged: list[FlaggedEvent] = field(default_factory=list)
    reachable: bool = True
    broken_day: bool = False  # answers the day in a shape no server of the protocol would
    batches: int = 0

    def client(self) -> ServerClient:
        return ServerClient(CONFIG, transport=httpx.MockTransport(self._handle))

    def forget_after(self, seq: int) -> int:
        """As a server restored from a backup taken at `seq`: what it lost."""
        lost = [event_id for event_id, (s, _) in self.held.items() if s > seq]
        for event_id in lost:
            del self.held[event_id]
        return len(lost)

    def day_ids(self, day: date) -> list[str]:
        start, end = day_bounds(day, "Europe/Minsk")
        return [i for i, (_, at) in self.held.items() if start <= at < end]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if not self.reachable:
            raise httpx.ConnectError("nobody listens", request=request)
        path = request.url.path
        if request.method == "POST" and path == "/v1/events":
            self.batches += 1
            results = []
            for event in json.loads(request.content)["events"]:
                status = "duplicate" if event["event_id"] in self.held else "accepted"
                at = datetime.fromisoformat(event["occurred_at"])
                self.held[event["event_id"]] = (event["seq"], at)
                results.append({"event_id": event["event_id"], "status": status})
            return httpx.Response(200, json={"results": results})
        if path == "/v1/tills/me":
            seqs = [seq for seq, _ in self.held.values()]
            return httpx.Response(200, json={"last_seq": max(seqs, default=0)})
        if path == "/v1/changes":
            page = {"cursor": "c1", "has_more": False, "customers": [], "products": []}
            return httpx.Response(200, json={**page, "policy": None})
        if path == "/v1/tills/me/day":
            day = date.fromisoformat(request.url.params["date"])
            if self.broken_day:
                return httpx.Response(200, json={**self._day(day), "totals": {"receipts": "x"}})
            return httpx.Response(200, json=self._day(day))
        return httpx.Response(404, json={"title": "Not Found", "status": 404})

    def _day(self, day: date) -> dict[str, object]:
        ids = [i for i in self.day_ids(day) if i not in self.hidden]
        return {
            "store": CONFIG.store,
            "till": CONFIG.till,
            "day": day.isoformat(),
            "totals": self.totals.to_dict(),
            "events": ids + self.extra,
            "flagged": list(self.flagged),
            "last_seq": max((seq for seq, _ in self.held.values()), default=0),
        }


def stub_till(folder: Path, clock: Clock, server: StubServer | None) -> Till:
    return Till(
        folder,
        clock,
        store=CONFIG.store,
        till=CONFIG.till,
        server=server.client if server else None,
    )
