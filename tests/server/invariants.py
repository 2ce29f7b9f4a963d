"""The server's books checked straight from its tables: every broken invariant, with figures.

`broken_invariants()` reads the database with plain SQL (and the sale and return bodies
it stores as JSON) and returns what DESIGN's trust model promises and the data denies:

- per sale: units returned per line ≤ units sold, money back ≤ money paid, points taken
  back ≤ points earned, points given back ≤ points spent;
- each card's `customers.total` is the sum of its ledger, and its `pending_points` rows for
  days after `today` are its ledger's entries dated on those days;
- every ledger entry names an accepted event of its own till (an office adjustment made
  without an event aside), and no event's effects are applied twice: one row per accepted
  sale, return and adjustment, one entry per event and kind, and each card's ledger adds
  up to the figures of its sales and returns;
- each till's seqs are unique;
- points come only from the catalog: a sale earns at most what the server's price list
  gives its lines, and what tills credited a card (its ledger less office adjustments)
  is at most what the price list gives for the card's sales; no till adjusts a balance.

An empty list means the books hold. Other tests may call it after anything they do.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

# The order the checks run and report in: the first broken one names a failure.
NAMES = (
    "units-returned",
    "money-back",
    "taken-back",
    "given-back",
    "card-total",
    "pending",
    "ledger-event",
    "applied-once",
    "ledger-agrees",
    "seq-unique",
    "earned-beyond-catalog",
    "adjusted-by-till",
    "points-minted",
)


@dataclass(frozen=True, slots=True)
class Broken:
    """One broken invariant: which (one of NAMES) and the figures that break it."""

    name: str
    detail: str

    def __str__(self) -> str:
        return f"{self.name}: {self.detail}"


@dataclass(frozen=True, slots=True)
class _Sale:
    id: str
    customer_id: int | None
    spent: int
    earned: int
    body: dict[str, Any]

    @property
    def paid(self) -> int:
        return sum(int(t["amount"]) for t in self.body["tenders"])


def broken_invariants(
    conn: Connection, *, today: date, office_tills: Collection[str] = ()
) -> list[Broken]:
    """Every invariant the server's tables break; `today` is the server's store day.

    `office_tills` are the codes of tills that stand for the office (head office's own
    adjustments, such as opening balances): their `adjusted` entries are not a till's.
    """
    sales = {
        row.id: _Sale(row.id, row.customer_id, row.spent, row.earned, json.loads(row.body))
        for row in conn.execute(text("SELECT id, customer_id, spent, earned, body FROM sales"))
    }
    returns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(text("SELECT sale_id, body FROM returns ORDER BY id")):
        returns[row.sale_id].append(json.loads(row.body))
    catalog = {
        row.sku: 0 if row.promotional else int(row.points)
        for row in conn.execute(text("SELECT sku, points, promotional FROM products"))
    }
    broken = [
        *_returns_within_sales(sales, returns),
        *_totals(conn),
        *_pending(conn, today),
        *_ledger_events(conn),
        *_applied_once(conn, sales, returns),
        *_seqs(conn),
        *_catalog(conn, sales, catalog, set(office_tills)),
    ]
    return sorted(broken, key=lambda b: NAMES.index(b.name))


def _returns_within_sales(
    sales: dict[str, _Sale], returns: dict[str, list[dict[str, Any]]]
) -> Iterable[Broken]:
    for sale_id, bodies in returns.items():
        sale = sales[sale_id]
        sold = {int(line["line_no"]): int(line["quantity"]) for line in sale.body["lines"]}
        back: dict[int, int] = defaultdict(int)
        for body in bodies:
            for line in body["lines"]:
                back[int(line["line_no"])] += int(line["quantity"])
        for line_no, units in sorted(back.items()):
            if units > sold.get(line_no, 0):
                yield Broken(
                    "units-returned",
                    f"sale {sale_id} line {line_no}: {units} unit(s) returned, "
                    f"{sold.get(line_no, 0)} sold",
                )
        money = sum(int(body["money_back"]) for body in bodies)
        taken = sum(int(body["taken_back"]) for body in bodies)
        given = sum(int(body["given_back"]) for body in bodies)
        if money > sale.paid:
            yield Broken("money-back", f"sale {sale_id}: {money} paid back, {sale.paid} paid")
        if taken > sale.earned:
            yield Broken("taken-back", f"sale {sale_id}: {taken} taken back, {sale.earned} earned")
        if given > sale.spent:
            yield Broken("given-back", f"sale {sale_id}: {given} given back, {sale.spent} spent")


def _totals(conn: Connection) -> Iterable[Broken]:
    rows = conn.execute(
        text(
            "SELECT c.id, c.total, COALESCE(SUM(l.points), 0) AS ledger FROM customers c"
            " LEFT JOIN ledger_entries l ON l.customer_id = c.id GROUP BY c.id, c.total"
        )
    )
    for row in rows:
        if int(row.total) != int(row.ledger):
            yield Broken(
                "card-total", f"card {row.id}: total {row.total}, its ledger sums to {row.ledger}"
            )


def _day(value: Any) -> date:
    # SQLite hands dates back as text, PostgreSQL as dates.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _pending(conn: Connection, today: date) -> Iterable[Broken]:
    ledger: dict[tuple[int, date], int] = defaultdict(int)
    rows = conn.execute(
        text(
            "SELECT customer_id, active_from, SUM(points) AS points FROM ledger_entries"
            " GROUP BY customer_id, active_from"
        )
    )
    for row in rows:
        if _day(row.active_from) > today:
            ledger[row.customer_id, _day(row.active_from)] += int(row.points)
    kept: dict[tuple[int, date], int] = {}
    for row in conn.execute(text("SELECT customer_id, active_from, points FROM pending_points")):
        if _day(row.active_from) > today:
            kept[row.customer_id, _day(row.active_from)] = int(row.points)
    for key in sorted(ledger.keys() | kept.keys()):
        if ledger.get(key, 0) != kept.get(key, 0):
            yield Broken(
                "pending",
                f"card {key[0]} on {key[1]}: pending_points {kept.get(key)}, "
                f"ledger {ledger.get(key, 0)}",
            )


def _ledger_events(conn: Connection) -> Iterable[Broken]:
    rows = conn.execute(
        text(
            "SELECT l.id, l.event_id, l.till_id, l.kind, e.status, e.till_id AS event_till"
            " FROM ledger_entries l LEFT JOIN events e ON e.event_id = l.event_id"
            " WHERE e.event_id IS NULL OR e.status <> 'accepted' OR e.till_id <> l.till_id"
        )
    )
    for row in rows:
        if row.event_id is None and row.till_id is None and row.kind == "adjusted":
            continue  # the office's own adjustment, made with no till event
        yield Broken(
            "ledger-event",
            f"entry {row.id} ({row.kind}, till {row.till_id}) names event {row.event_id}: "
            f"{row.status or 'unknown'} from till {row.event_till}",
        )


def _applied_once(
    conn: Connection, sales: dict[str, _Sale], returns: dict[str, list[dict[str, Any]]]
) -> Iterable[Broken]:
    accepted: dict[str, int] = {
        row.type: int(row.n)
        for row in conn.execute(
            text("SELECT type, COUNT(*) AS n FROM events WHERE status = 'accepted' GROUP BY type")
        )
    }
    adjustments = conn.execute(
        text("SELECT COUNT(*) FROM adjustments a JOIN events e ON e.event_id = a.event_id")
    ).scalar_one()
    rows = {
        "sale_completed": len(sales),
        "sale_returned": sum(len(bodies) for bodies in returns.values()),
        "balance_adjusted": adjustments,
    }
    for kind, count in rows.items():
        if int(count) != int(accepted.get(kind, 0)):
            yield Broken(
                "applied-once", f"{count} {kind} row(s) for {accepted.get(kind, 0)} accepted"
            )
    twice = conn.execute(
        text(
            "SELECT event_id, kind, COUNT(*) AS n FROM ledger_entries"
            " WHERE event_id IS NOT NULL GROUP BY event_id, kind HAVING COUNT(*) > 1"
        )
    )
    for row in twice:
        yield Broken("applied-once", f"event {row.event_id}: {row.n} {row.kind} entries")
    yield from _ledger_agrees(conn, sales, returns)


def _ledger_agrees(
    conn: Connection, sales: dict[str, _Sale], returns: dict[str, list[dict[str, Any]]]
) -> Iterable[Broken]:
    """Each card's earned, spent, taken and given entries are its sales' and returns' figures."""
    expected: dict[tuple[int, str], int] = defaultdict(int)
    for sale in sales.values():
        if sale.customer_id is None:
            continue
        expected[sale.customer_id, "earned"] += sale.earned
        expected[sale.customer_id, "spent"] -= sale.spent
        for body in returns.get(sale.id, []):
            expected[sale.customer_id, "taken_back"] -= int(body["taken_back"])
            expected[sale.customer_id, "given_back"] += int(body["given_back"])
    found: dict[tuple[int, str], int] = defaultdict(int)
    rows = conn.execute(
        text(
            "SELECT customer_id, kind, SUM(points) AS points FROM ledger_entries"
            " WHERE kind IN ('earned', 'spent', 'taken_back', 'given_back')"
            " GROUP BY customer_id, kind"
        )
    )
    for row in rows:
        found[row.customer_id, row.kind] = int(row.points)
    for key in sorted(expected.keys() | found.keys()):
        if expected.get(key, 0) != found.get(key, 0):
            yield Broken(
                "ledger-agrees",
                f"card {key[0]} {key[1]}: ledger {found.get(key, 0)}, "
                f"its sales and returns {expected.get(key, 0)}",
            )


def _seqs(conn: Connection) -> Iterable[Broken]:
    rows = conn.execute(
        text(
            "SELECT till_id, seq, COUNT(*) AS n FROM events GROUP BY till_id, seq"
            " HAVING COUNT(*) > 1"
        )
    )
    for row in rows:
        yield Broken("seq-unique", f"till {row.till_id} seq {row.seq}: {row.n} events")


def _catalog(
    conn: Connection, sales: dict[str, _Sale], catalog: dict[str, int], office: set[str]
) -> Iterable[Broken]:
    """Points only from the server's price list: the sums an honest till's sales can reach."""
    allowed: dict[int, int] = defaultdict(int)
    for sale in sales.values():
        gives = sum(
            catalog.get(line["sku"], 0) * int(line["quantity"]) for line in sale.body["lines"]
        )
        if sale.earned > gives:
            yield Broken(
                "earned-beyond-catalog",
                f"sale {sale.id}: earned {sale.earned}, the price list gives {gives} "
                f"for {_lines(sale.body)}",
            )
        if sale.customer_id is not None:
            allowed[sale.customer_id] += gives
    credited: dict[int, int] = defaultdict(int)
    rows = conn.execute(
        text(
            "SELECT l.customer_id, l.kind, t.code, SUM(l.points) AS points"
            " FROM ledger_entries l LEFT JOIN tills t ON t.id = l.till_id"
            " GROUP BY l.customer_id, l.kind, t.code"
        )
    )
    for row in rows:
        office_adjustment = row.kind == "adjusted" and (row.code is None or row.code in office)
        if office_adjustment:
            continue
        credited[row.customer_id] += int(row.points)
        if row.kind == "adjusted":
            yield Broken(
                "adjusted-by-till",
                f"card {row.customer_id}: till {row.code} adjusted it by {row.points}",
            )
    for card, points in sorted(credited.items()):
        if points > allowed.get(card, 0):
            yield Broken(
                "points-minted",
                f"card {card}: tills credited {points}, the price list gives "
                f"{allowed.get(card, 0)} for its sales",
            )


def _lines(body: dict[str, Any]) -> str:
    return ", ".join(
        f"{line['sku']}×{line['quantity']} at {line['points_per_unit']}" for line in body["lines"]
    )
