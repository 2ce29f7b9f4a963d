"""The till's past for the benchmark seed: sales with their lines and sale_completed events."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bonuspos.domain.policy import DEFAULT_POLICY

Product = tuple[str, str, int, int, bool]  # sku, name, price, points, promotional


@dataclass(frozen=True, slots=True)
class Spread:
    """`count` moments evenly spaced after `start`, the last one at `end`."""

    start: datetime
    end: datetime
    count: int

    def at(self, n: int) -> datetime:
        return (self.start + (self.end - self.start) * n / max(self.count, 1)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class HistorySale:
    id: str
    customer_id: int | None
    at: datetime
    total: int
    earned: int
    activates_on: date
    row: tuple[object, ...]
    lines: Sequence[tuple[object, ...]]

    def payload(self, uids: list[str], hashes: list[str]) -> str:
        """The sale_completed event as `events.sale_completed` shapes it."""
        body = {
            "sale_id": self.id,
            "number": self.row[1],
            "customer_uid": uids[self.customer_id - 1] if self.customer_id else None,
            "occurred_at": self.at.isoformat(),
            "policy_version": DEFAULT_POLICY.version,
            "channel": "in_store",
            "order_ref": "",
            "offline": True,
            "total": self.total,
            "spent": 0,
            "earned": self.earned,
            "activates_on": self.activates_on.isoformat(),
            "lines": [
                {
                    "line_no": line[1],
                    "sku": line[2],
                    "unit_price": line[4],
                    "quantity": line[5],
                    "discount": 0,
                    "points_per_unit": line[7],
                    "promotional": line[8],
                    "earned": line[10],
                    "share": 0,
                }
                for line in self.lines
            ],
            "tenders": [{"kind": "cash", "amount": self.total}],
            "ledger_hashes": hashes,
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True)


def history_sale(
    rng: random.Random, number: int, at: datetime, customers: int, products: Sequence[Product]
) -> HistorySale:
    """Sale `number` at `at`: one to four products, paid in cash, seven in ten with a card."""
    customer_id = rng.randrange(1, customers + 1) if rng.random() < 0.7 else None
    sale_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    day = DEFAULT_POLICY.store_day(at)
    lines = []
    total = eligible = earned = 0
    for line_no, (sku, name, price, points, promo) in enumerate(
        rng.sample(products, rng.randint(1, 4)), 1
    ):
        qty = rng.choice((1, 1, 1, 2, 3))
        exclusion = "promotional" if promo else ("no_card" if customer_id is None else None)
        line_earned = points * qty if exclusion is None else 0
        total += price * qty
        eligible += 0 if promo else price * qty
        earned += line_earned
        lines.append(
            (sale_id, line_no, sku, name, price, qty, 0, points, promo, exclusion,
             line_earned, 0, 0)
        )  # fmt: skip
    activates_on = DEFAULT_POLICY.activation_date(at)
    row = (
        sale_id, number, customer_id, iso(at), day.isoformat(), DEFAULT_POLICY.version,
        total, eligible, 0, earned, activates_on.isoformat(), "in_store", "", True,
    )  # fmt: skip
    return HistorySale(sale_id, customer_id, at, total, earned, activates_on, row, lines)


def iso(at: datetime) -> str:
    """A time as UtcDateTime stores it."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")
