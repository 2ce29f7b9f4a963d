"""Request limits every server process shares: counters in the database, one upsert a request.

Each limit counts requests in fixed windows of its own length, aligned on the clock so
that every process agrees on them (table `rate_counters`): every request per till;
lookups per till; holds and lookups per card, counted across all tills. The till is known
only once its token is checked, so `Gate.admit` checks it and then counts the request
against all its limits with one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on the same
connection, and commits. Closed windows are deleted by `sweep`, about once a minute per
process.

A card is counted by its customer (the statement finds the customer by phone or by plastic
card), so a phone and a plastic card of one person share one limit. A number that is no
customer's is counted under a hash of the number, so the table holds no phone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import Connection, TextClause, delete, text

from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.card import parse_card
from bonuspos.domain.errors import InvalidCardNumber
from bonuspos_server.data.db import EXPENDABLE, ServerDatabase
from bonuspos_server.data.models import RateCounter
from bonuspos_server.settings import Limit, Settings
from bonuspos_server.web import auth
from bonuspos_server.web.auth import Caller
from bonuspos_server.web.hardening import Doorkeeper
from bonuspos_server.web.problems import Problem, unauthorized

log = logging.getLogger("bonuspos_server.web.limits")

TILL = "till"
TILL_LOOKUPS = "till-lookups"
CARD_HOLDS = "card-holds"
CARD_LOOKUPS = "card-lookups"

_DETAILS = {
    TILL: "This till sent more than {count} requests in {seconds} s",
    TILL_LOOKUPS: "This till looked up more than {count} cards in {seconds} s",
    CARD_HOLDS: "Holds on this card were asked more than {count} times in {seconds} s"
    ", from all tills",
    CARD_LOOKUPS: "This card was looked up more than {count} times in {seconds} s, from all tills",
}


class Asks(Enum):
    """What a request asks for, as far as the limits are concerned."""

    OTHER = "other"
    HOLD = "hold"
    LOOKUP = "lookup"


@dataclass(frozen=True, slots=True)
class Counted:
    """One limit's count for this request's window, this request included."""

    kind: str
    key: str
    count: int
    limit: Limit
    window_end: int

    @property
    def over(self) -> bool:
        return self.count > self.limit.count


class Gate:
    """Lets a request in: checks its till's token and counts it against its limits."""

    def __init__(self, db: ServerDatabase, settings: Settings, door: Doorkeeper) -> None:
        self.db = db
        self.settings = settings
        self.door = door

    def admit(
        self,
        authorization: str | None,
        address: str,
        asks: Asks = Asks.OTHER,
        card: str | None = None,
    ) -> Caller:
        """The calling till; 401 for a bad token, 429 naming the limit it went over."""
        token = auth.bearer_token(authorization)
        if token is None:  # paid for at the door (StrangerLimit)
            raise unauthorized("Send the till's token as 'Authorization: Bearer <token>'")
        digest = auth.token_hash(token)
        now = self.settings.clock().timestamp()
        refused_until = self.door.known.get(digest, 0.0)
        if refused_until > now:  # this process already saw the till over its limit
            raise refusal(TILL, self.settings.till_limit, refused_until - now)
        with self.db.engine.connect().execution_options(**{EXPENDABLE: True}) as connection:
            try:
                caller = auth.identify_hash(connection, digest)
            except Problem:
                self.door.forget(digest)
                self.door.wait(address)  # a failed token is paid for by its address
                raise
            counted = count(connection, caller.till_id, now, self.settings, asks, card_key(card))
            connection.commit()
        till = next(c for c in counted if c.kind == TILL)
        self.door.welcome(digest, till.window_end if till.over else 0.0)
        over = [c for c in counted if c.over]
        if not over:
            return caller
        for counter in over:
            if counter.count == counter.limit.count + 1:  # once a window, not once a request
                log.warning(
                    json.dumps(
                        {
                            "limit": counter.kind,
                            "key": counter.key,
                            "till": f"{caller.store}/{caller.till}",
                            "allowed": counter.limit.count,
                            "window_seconds": counter.limit.seconds,
                        }
                    )
                )
        last = max(over, key=lambda c: c.window_end)  # the till must wait for every one
        raise refusal(last.kind, last.limit, last.window_end - now)


def refusal(kind: str, limit: Limit, wait: float) -> Problem:
    retry = max(1, math.ceil(wait))
    return Problem(
        429,
        "rate-limited",
        "Too many requests",
        _DETAILS[kind].format(count=limit.count, seconds=limit.seconds) + f"; retry in {retry} s",
        headers={"Retry-After": str(retry)},
        limit=kind,
        allowed=limit.count,
        window_seconds=limit.seconds,
    )


@dataclass(frozen=True, slots=True)
class CardKey:
    """How the counting statement finds a card: by phone or by plastic card number."""

    phone: str | None
    plastic: str | None
    unknown: str  # the key's tail when the number is no customer's


def card_key(text: str | None) -> CardKey | None:
    """None when `text` is not a card number: the request is refused anyway."""
    if text is None:
        return None
    try:
        number = parse_card(text)
    except InvalidCardNumber:
        return None
    if isinstance(number, PlasticNumber):
        plain, phone, plastic = number.number, None, number.number
    else:
        plain, phone, plastic = number.e164, number.e164, None
    return CardKey(phone, plastic, "?" + hashlib.sha256(plain.encode()).hexdigest()[:32])


def count(
    connection: Connection,
    till_id: int,
    now: float,
    settings: Settings,
    asks: Asks = Asks.OTHER,
    card: CardKey | None = None,
) -> list[Counted]:
    """Counts one request against its limits, in one statement; the counts, this one in."""
    plain = [TILL, TILL_LOOKUPS] if asks is Asks.LOOKUP else [TILL]
    on_card = None
    if card is not None and asks is not Asks.OTHER:
        on_card = CARD_LOOKUPS if asks is Asks.LOOKUP else CARD_HOLDS
    limits = {kind: _limit(settings, kind) for kind in [*plain, *filter(None, [on_card])]}
    ends = {
        kind: (math.floor(now) // limit.seconds + 1) * limit.seconds
        for kind, limit in limits.items()
    }
    params: dict[str, Any] = {}
    for n, kind in enumerate(plain):
        params[f"key{n}"] = f"{kind}:{till_id}"
        params[f"end{n}"] = ends[kind]
    if on_card is not None and card is not None:
        params.update(
            card_end=ends[on_card], phone=card.phone, plastic=card.plastic, unknown=card.unknown
        )
    statement = _statement(len(plain), on_card)
    counted = []
    for key, number in connection.execute(statement, params):
        kind = key.partition(":")[0]
        counted.append(Counted(kind, key, number, limits[kind], ends[kind]))
    return counted


def sweep(db: ServerDatabase, now: float) -> int:
    """Deletes the counters of closed windows; how many."""
    with db.engine.begin() as connection:
        gone = connection.execute(delete(RateCounter).where(RateCounter.window_end <= int(now)))
        return int(gone.rowcount)


def _limit(settings: Settings, kind: str) -> Limit:
    if kind == TILL:
        return settings.till_limit
    limit: Limit = getattr(settings, kind.replace("-", "_"))
    return limit


@cache
def _statement(plain: int, on_card: str | None) -> TextClause:
    """The counting upsert for `plain` till counters (`key0`, `end0`, …) and maybe one card
    counter, the same SQL on both back ends. Written out rather than built with `insert()`:
    SQLAlchemy compiles a multi-row INSERT anew on every run, which cost more CPU than the
    database spends running it."""
    rows = [f"(:end{n}, :key{n}, 1)" for n in range(plain)]
    if on_card is not None:
        # The customer a card number names, by phone or by plastic card (the other NULL).
        customer = (
            "COALESCE((SELECT id FROM customers WHERE phone = :phone),"
            " (SELECT customer_id FROM plastic_cards WHERE number = :plastic))"
        )
        rows.append(
            f"(:card_end, '{on_card}:' || COALESCE(CAST({customer} AS VARCHAR), :unknown), 1)"
        )
    return text(
        "INSERT INTO rate_counters (window_end, key, count) VALUES "
        + ", ".join(rows)
        + " ON CONFLICT (window_end, key) DO UPDATE SET count = rate_counters.count + 1"
        " RETURNING key, count"
    )
