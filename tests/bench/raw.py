"""The till's hot paths as hand-written SQL on one plain sqlite3 connection: the floor to compare.

Each method issues the same statements, in the same transaction shape, as the service it
stands beside (see the SQL the repositories emit), and reads or writes the same rows. What
it skips is everything above SQLite: parsing what the cashier typed, the unit of work and
session, SQLAlchemy's statement compilation and result processing, the domain's value types.
Inputs come ready-made (an E.164 number, normalised name words, the store day), so the ratio
of the two is what those layers cost.

A card is read here as three plain statements in one read transaction; the till reads it as
one statement with subqueries, which SQLite runs in a read transaction of its own. Both
take the same time in SQLite (about 12 µs each on the CI VM), so neither floor is easier.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bonuspos.domain.ledger import GENESIS_HASH, EntryKind, LedgerEntry, chain_hash
from bonuspos.domain.money import Points
from bonuspos.domain.policy import DEFAULT_POLICY, Policy
from bonuspos.ledger import custody
from bonuspos.ledger.db import BUSY_TIMEOUT_MS
from bonuspos.ledger.repositories import PRICE_LIST_SETTING
from bonuspos.services import events
from bonuspos.sync.state import CLOCK_SKEW, LAST_SYNC

# Phones are kept hashed and sealed (bonuspos.ledger.custody): the floor hashes the number
# it looks for and opens the one it finds, the same work the till does.
_CUSTOMER = "SELECT id, uid, phone_open(phone_sealed), full_name FROM customers"
_TOTAL = "SELECT total FROM card_balances WHERE customer_id = ?"
_PENDING = (
    "SELECT coalesce(sum(points), 0), min(active_from) FROM pending_points"
    " WHERE customer_id = ? AND active_from > ?"
)
_SETTING = "SELECT value FROM till_settings WHERE key = ?"
_BY_PLASTIC = (
    "SELECT c.id, c.uid, phone_open(c.phone_sealed), c.full_name FROM customers AS c"
    " JOIN plastic_cards AS p ON p.customer_id = c.id WHERE p.number = ?"
)

CustomerTuple = tuple[int, str, str, str]


@dataclass(frozen=True, slots=True)
class RawCard:
    customer_id: int
    uid: str
    full_name: str
    active: int
    pending: int


@dataclass(frozen=True, slots=True)
class RawLine:
    sku: str
    name: str
    unit_price: int
    quantity: int
    points_per_unit: int
    promotional: bool


@dataclass(frozen=True, slots=True)
class RawSale:
    """A cart paid in cash by a card holder, as the checkout screen would hand it over."""

    sale_id: str
    customer_uid: str
    lines: tuple[RawLine, ...]


_TOP = "\U0010ffff"


class RawTill:
    def __init__(self, path: Path, policy: Policy = DEFAULT_POLICY) -> None:
        self.policy = policy
        self.con = sqlite3.connect(path, isolation_level=None)
        # The same pragmas the till sets on every connection (ledger/db.py).
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
        ):
            self.con.execute(f"PRAGMA {pragma}")
        custody.install(self.con)
        self._keys = custody.current()
        self._search_sql: dict[int, str] = {}

    def close(self) -> None:
        self.con.close()

    def card_by_phone(self, e164: str, today: str) -> RawCard | None:
        return self._read_card(f"{_CUSTOMER} WHERE phone = ?", self._keys.phone_key(e164), today)

    def card_by_plastic(self, number: str, today: str) -> RawCard | None:
        return self._read_card(_BY_PLASTIC, number, today)

    def _read_card(self, sql: str, key: str, today: str) -> RawCard | None:
        con = self.con
        con.execute("BEGIN DEFERRED")
        try:
            row = con.execute(sql, (key,)).fetchone()
            return self._card(row, today) if row else None
        finally:
            con.execute("ROLLBACK")

    def search(self, words: Sequence[str], today: str, limit: int = 20) -> list[RawCard]:
        """Name search as the repository runs it: the longest word walks the index."""
        lead, *others = sorted(set(words), key=lambda w: -len(w))
        con = self.con
        con.execute("BEGIN DEFERRED")
        try:
            params = [lead, lead + _TOP, *(" " + w for w in others), limit + 1]
            rows = con.execute(self._search(len(others)), params).fetchall()
            rows.sort(key=lambda r: r[3])
            return [self._card(row, today) for row in rows[:limit]]
        finally:
            con.execute("ROLLBACK")

    def _search(self, others: int) -> str:
        if others not in self._search_sql:
            words = " AND instr(words, ?) > 0" * others
            self._search_sql[others] = (
                "SELECT c.id, c.uid, phone_open(c.phone_sealed), c.full_name FROM customers AS c"
                " WHERE c.id IN"
                " (SELECT DISTINCT customer_id FROM customer_name_tokens"
                f" WHERE token >= ? AND token < ?{words} LIMIT ?)"
            )
        return self._search_sql[others]

    def _card(self, row: CustomerTuple, today: str) -> RawCard:
        total = self.con.execute(_TOTAL, (row[0],)).fetchone()
        pending, _first = self.con.execute(_PENDING, (row[0], today)).fetchone()
        total = total[0] if total else 0
        return RawCard(row[0], row[1], row[3], total - pending, pending)

    def complete_sale(self, sale: RawSale) -> int:
        """Record a sale with its lines, tender, ledger entry, balance and outbox event."""
        con = self.con
        at = datetime.now(UTC)
        today = self.policy.store_day(at)
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute("SELECT 1 FROM sales WHERE id = ?", (sale.sale_id,)).fetchone():
                raise RuntimeError(f"sale {sale.sale_id} already completed")
            for key in (LAST_SYNC, CLOCK_SKEW):  # the clock guard's last contact
                con.execute(_SETTING, (key,)).fetchone()
            customer = con.execute(f"{_CUSTOMER} WHERE uid = ?", (sale.customer_uid,)).fetchone()
            self._card(customer, today.isoformat())  # the quote's balance
            con.execute(
                "SELECT coalesce(sum(spent), 0) FROM sales"
                " WHERE customer_id = ? AND store_day = ? AND offline IS 1",
                (customer[0], today.isoformat()),
            ).fetchone()
            # This till's own numbers (origin ''), on the (origin, number) index as the till
            # reads them: max(number) over every sale would walk the whole index.
            number = (
                con.execute("SELECT max(number) FROM sales WHERE origin = ''").fetchone()[0] or 0
            ) + 1
            con.execute(_SETTING, (PRICE_LIST_SETTING,)).fetchone()  # the event names it
            self._insert_sale(sale, customer, number, at)
            self._card(customer, today.isoformat())  # the receipt's balance
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return number

    def _insert_sale(
        self, sale: RawSale, customer: CustomerTuple, number: int, at: datetime
    ) -> None:
        con = self.con
        today = self.policy.store_day(at)
        activates_on = self.policy.activation_date(at)
        total = sum(line.unit_price * line.quantity for line in sale.lines)
        eligible = sum(
            line.unit_price * line.quantity for line in sale.lines if not line.promotional
        )
        earned = [
            0 if line.promotional else line.points_per_unit * line.quantity for line in sale.lines
        ]
        occurred = _iso(at)
        con.execute(
            "INSERT INTO sales (id, number, customer_id, occurred_at, store_day, policy_version,"
            " total, eligible, spent, earned, activates_on, channel, order_ref, offline)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sale.sale_id, number, customer[0], occurred, today.isoformat(), self.policy.version,
             total, eligible, 0, sum(earned), activates_on.isoformat(), "in_store", "", 1),
        )  # fmt: skip
        con.executemany(
            "INSERT INTO sale_lines (sale_id, line_no, sku, name, unit_price, quantity, discount,"
            " points_per_unit, promotional, exclusion, earned, share, returned)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (sale.sale_id, n, line.sku, line.name, line.unit_price, line.quantity, 0,
                 line.points_per_unit, line.promotional,
                 "promotional" if line.promotional else None, points, 0, 0)
                for n, (line, points) in enumerate(zip(sale.lines, earned, strict=True), 1)
            ],
        )  # fmt: skip
        con.execute(
            "INSERT INTO sale_tenders (sale_id, n, kind, amount) VALUES (?, ?, ?, ?)",
            (sale.sale_id, 1, "cash", total),
        )
        hashes = []
        if sum(earned):
            entry = LedgerEntry(EntryKind.EARNED, Points(sum(earned)), activates_on)
            prev = con.execute(
                "SELECT hash FROM ledger_entries ORDER BY id DESC LIMIT 1"
            ).fetchone()
            prev_hash = prev[0] if prev else GENESIS_HASH
            digest = chain_hash(prev_hash, customer[1], sale.sale_id, None, entry, at)
            hashes.append(digest)
            con.execute(
                "INSERT INTO ledger_entries (customer_id, sale_id, return_id, kind, points,"
                " active_from, occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (customer[0], sale.sale_id, None, entry.kind.value, entry.points.minor,
                 activates_on.isoformat(), occurred, prev_hash, digest),
            )  # fmt: skip
            con.execute(
                "UPDATE card_balances SET total = total + ? WHERE customer_id = ?",
                (entry.points.minor, customer[0]),
            )
            con.execute(
                "INSERT INTO pending_points (customer_id, active_from, points) VALUES (?, ?, ?)"
                " ON CONFLICT (customer_id, active_from)"
                " DO UPDATE SET points = pending_points.points + excluded.points",
                (customer[0], activates_on.isoformat(), entry.points.minor),
            )
        payload = _payload(sale, customer[1], number, at, activates_on, total, earned, hashes)
        con.execute(
            "INSERT INTO outbox (event_id, type, occurred_at, payload, acked_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), events.SALE_COMPLETED, occurred, payload, None),
        )


def _payload(
    sale: RawSale,
    customer_uid: str,
    number: int,
    at: datetime,
    activates_on: date,
    total: int,
    earned: list[int],
    hashes: list[str],
) -> str:
    """The sale_completed event, shaped as `events.sale_completed` shapes it."""
    body = {
        "sale_id": sale.sale_id,
        "number": number,
        "customer_uid": customer_uid,
        "occurred_at": at.isoformat(),
        "policy_version": DEFAULT_POLICY.version,
        "channel": "in_store",
        "order_ref": "",
        "offline": True,
        "total": total,
        "spent": 0,
        "earned": sum(earned),
        "activates_on": activates_on.isoformat(),
        "lines": [
            {
                "line_no": n,
                "sku": line.sku,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "discount": 0,
                "points_per_unit": line.points_per_unit,
                "promotional": line.promotional,
                "earned": points,
                "share": 0,
            }
            for n, (line, points) in enumerate(zip(sale.lines, earned, strict=True), 1)
        ],
        "tenders": [{"kind": "cash", "amount": total}],
        "ledger_hashes": hashes,
        "hold_id": None,
        "price_list": None,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")
