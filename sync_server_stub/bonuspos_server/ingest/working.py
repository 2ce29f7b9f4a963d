"""What one batch of events reads and writes, held in memory until the batch commits.

Applied one row at a time, a sale costs a dozen statements. Instead a batch reads every
row its events name when it starts (the cards locked, in id order, so concurrent batches
queue instead of deadlocking), each event checks the programme's rules against those rows
and records what it does, and at the end each kind of row is written with one statement.

An event that breaks a rule raises before it records anything (every handler checks
first and records last), so a refused event leaves nothing behind and the events after
it still apply.
"""

from __future__ import annotations

import contextlib
import functools
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bonuspos import protocol
from bonuspos.domain.policy import Policy
from bonuspos.protocol import EventType
from bonuspos_server.data import policies
from bonuspos_server.data.models import (
    Adjustment,
    AuditEntry,
    Customer,
    CustomerAlias,
    Event,
    Hold,
    LedgerEntry,
    PendingPoints,
    PlasticCard,
    Product,
    Return,
    Sale,
    Staff,
    Store,
    Till,
)
from bonuspos_server.feeds.changes import bump_feed, next_feed_position
from bonuspos_server.holds import cards
from bonuspos_server.ingest import bulk, catalog
from bonuspos_server.web.problems import invalid
from bonuspos_server.web.schemas import EventIn

_LONGEST_UUID = 45  # "urn:uuid:" and 36 characters: longer text is no uuid


@dataclass
class Card:
    """A customer's balance as this batch sees it: its row is locked until commit."""

    id: int
    uid: str
    total: int  # the sum of the card's ledger
    pending: dict[date, int]  # points not active yet, by the day they become active
    loaded_total: int = 0  # the total as the batch found it: the invariants start from it

    def __post_init__(self) -> None:
        self.loaded_total = self.total

    def active_on(self, today: date) -> int:
        return self.total - sum(p for day, p in self.pending.items() if day > today)


@dataclass
class KnownSale:
    """A sale a return may name: from the database, or recorded earlier in this batch."""

    id: str
    customer_id: int | None
    activates_on: date
    body: str  # the sale_completed payload as JSON, with the figures the server credited
    returned: dict[int, int] = field(default_factory=dict)  # line_no → quantity back so far
    # What every return of the sale has moved so far, as the server credited it.
    money_back: int = 0
    taken_back: int = 0
    given_back: int = 0

    def add_return(self, body: dict[str, Any]) -> None:
        for line in body["lines"]:
            line_no = line["line_no"]
            self.returned[line_no] = self.returned.get(line_no, 0) + line["quantity"]
        self.money_back += body["money_back"]
        self.taken_back += body["taken_back"]
        self.given_back += body["given_back"]


@dataclass
class Person:
    """A staff member of the batch's store, as approvals and lockouts need them."""

    id: str
    full_name: str
    role: str
    active: bool
    key: str  # hex
    locked_until: datetime | None

    def locked_at(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until


@dataclass(frozen=True, slots=True)
class KnownEvent:
    event_id: str
    seq: int
    status: str
    problem: str | None
    flag: str | None
    payload_hash: str


class Working:
    """The rows one batch works on, and the rows it will write."""

    def __init__(
        self, session: Session, till_id: int, now: datetime, store: str = "", till: str = ""
    ) -> None:
        self.session = session
        self.till_id = till_id
        self.now = now
        # The batch's store and till codes, as an approval's message names them.
        self.store_code = store
        self.till_code = till
        self.store_id = 0
        self.staff_id: str | None = None  # who the event being applied names; kept on its row
        self._people: dict[str, Person] | None = None
        self.audit_ids: set[str] = set()  # known already, or recorded in this batch
        self.adjustment_ids: set[str] = set()
        self._corrected: dict[date, int] = {}  # the store's |points| corrected, by store day
        self.audit_rows: list[dict[str, Any]] = []
        self.adjustment_rows: list[dict[str, Any]] = []
        self.locks: dict[str, datetime] = {}  # staff id → locked until, to write
        self.event_id: str | None = None  # the event being applied; its ledger rows name it
        self.events: dict[str, KnownEvent] = {}
        self.seqs: dict[int, str] = {}  # this till's seqs already used, and by which event
        self.cards: dict[str, Card] = {}  # by uid, aliases included
        self.cards_by_id: dict[int, Card] = {}
        self.sales: dict[str, KnownSale] = {}
        self.return_ids: set[str] = set()
        self.holds: dict[str, Hold] = {}
        self._offline_before: dict[tuple[int, date], int] = {}
        self._offline_here: dict[tuple[int, date], int] = defaultdict(int)
        self._current: Policy | None = None
        self.reads = _reads(bulk.is_postgresql(session))
        self._policies: dict[int, Policy] = {}
        self.touched: set[int] = set()
        self.prices = catalog.PriceLists([], {})
        # Products a till sold at tags other than the catalog's: they go out in the changes
        # feed again, so the till's cache is put right by its next pull.
        self.mistagged: set[str] = set()
        self.new_events: set[str] = set()  # accepted in this batch: the only ones that post
        self.new_sales: set[str] = set()
        self.returned_sales: set[str] = set()  # sales a return of this batch named
        # The till's ledger chain: the hash its next entry must chain on (None: no entry yet).
        self.chain_head: str | None = None
        self._chain_head: str | None = None
        self.sale_rows: list[dict[str, Any]] = []
        self.return_rows: list[dict[str, Any]] = []
        self.ledger_rows: list[dict[str, Any]] = []
        self._pending: dict[tuple[int, date], int] = defaultdict(int)
        self.event_rows: list[dict[str, Any]] = []

    # --- reading ------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        session: Session,
        till_id: int,
        now: datetime,
        events: list[EventIn],
        *,
        store: str = "",
        till: str = "",
    ) -> Working:
        work = cls(session, till_id, now, store, till)
        head, work.store_id = (
            session.connection().execute(work.reads.till, {"till_id": till_id}).one()
        )
        work.chain_head = work._chain_head = head
        payloads = [event.payload for event in events]
        types = {event.type for event in events}
        if EventType.BALANCE_ADJUSTED in types:
            # Taken after the till and before any card, as every batch of the store does:
            # corrections of one store day are counted against its limit one batch at a time.
            session.connection().execute(
                select(Store.id).where(Store.id == work.store_id).with_for_update()
            )
            work._load_ids(Adjustment.id, _named(payloads, "adjustment_id"), work.adjustment_ids)
        if EventType.AUDIT_RECORDED in types:
            work._load_ids(AuditEntry.audit_id, _named(payloads, "audit_id"), work.audit_ids)
        work._load_events(events)
        work._load_sales(_named(payloads, "sale_id"))
        returned_sales = _named(
            [p for e, p in zip(events, payloads, strict=True) if e.type == EventType.SALE_RETURNED],
            "sale_id",
        )
        owners = {s.customer_id for s in work.sales.values() if s.customer_id is not None}
        work._lock_cards(_named(payloads, "customer_uid"), owners)
        if returned_sales:
            work._load_returns(returned_sales, _named(payloads, "return_id"))
        skus = _skus(events)
        if skus:
            work.prices = catalog.load(session.connection(), skus)
        hold_ids = _named(payloads, "hold_id")
        if hold_ids:
            found = session.execute(work.reads.holds, {"ids": list(hold_ids)}).scalars()
            work.holds = {hold.id: hold for hold in found}
        return work

    def _load_ids(self, column: Any, ids: set[str], into: set[str]) -> None:
        if ids:
            found = self.session.connection().execute(select(column).where(column.in_(ids)))
            into.update(found.scalars())

    def _load_events(self, events: list[EventIn]) -> None:
        ids = [str(e.event_id) for e in events]
        rows = self.session.connection().execute(
            self.reads.events,
            {"ids": ids, "till_id": self.till_id, "seqs": [e.seq for e in events]},
        )
        for row in rows:
            if row.event_id in ids:
                self.events[row.event_id] = KnownEvent(*row[:6])
            if row.till_id == self.till_id:
                self.seqs[row.seq] = row.event_id

    def _load_sales(self, sale_ids: set[str]) -> None:
        if sale_ids:
            rows = self.session.connection().execute(self.reads.sales, {"ids": list(sale_ids)})
            self.sales = {row.id: KnownSale(*row) for row in rows}

    def _lock_cards(self, uids: set[str], owners: set[int]) -> None:
        """Every card the batch names, locked in id order before any is changed."""
        if not uids and not owners:
            return
        named = {"uids": list(uids), "owners": list(owners)}
        rows = self.session.connection().execute(self.reads.lock, named)
        for row in rows:
            self._keep(Card(row.id, row.uid, row.total, {}))
        missing = uids - self.cards.keys()
        if missing:
            for uid, customer_id in self.session.connection().execute(
                self.reads.aliases, {"uids": list(missing)}
            ):
                self.cards[uid] = self.cards_by_id[customer_id]
        self._load_pending(list(self.cards_by_id))

    def _load_pending(self, customer_ids: list[int]) -> None:
        # Two days back covers any store day a policy's zone can give for `now`.
        since = self.now.date() - timedelta(days=2)
        for customer_id, day, points in self.session.connection().execute(
            self.reads.pending, {"ids": customer_ids, "since": since}
        ):
            self.cards_by_id[customer_id].pending[day] = points

    def _load_returns(self, sale_ids: set[str], return_ids: set[str]) -> None:
        rows = self.session.connection().execute(
            self.reads.returns, {"sale_ids": list(sale_ids), "ids": list(return_ids)}
        )
        for return_id, sale_id, body in rows:
            self.return_ids.add(return_id)
            sale = self.sales.get(sale_id)
            if sale is not None:
                sale.add_return(json.loads(body))

    def _keep(self, card: Card) -> None:
        self.cards[card.uid] = card
        self.cards_by_id[card.id] = card

    def policy(self, number: int) -> Policy:
        if number not in self._policies:
            policy = policies.version(self.session, number)
            if policy is None:
                raise invalid(f"Unknown policy version {number}")
            self._policies[number] = policy
        return self._policies[number]

    def current_policy(self) -> Policy:
        if self._current is None:
            self._current = policies.current(self.session)
        return self._current

    def card(self, uid: str) -> Card | None:
        return self.cards.get(uid)

    def person(self, staff_id: str) -> Person | None:
        """A staff member of this till's store, or None: another store's people are nobody."""
        if self._people is None:
            rows = self.session.connection().execute(
                select(
                    Staff.id,
                    Staff.full_name,
                    Staff.role,
                    Staff.active,
                    Staff.key,
                    Staff.locked_until,
                ).where(Staff.store_id == self.store_id)
            )
            self._people = {row.id: Person(*row) for row in rows}
        return self._people.get(staff_id)

    def corrected_on(self, day: date, policy: Policy) -> int:
        """The |points| this store's tills corrected on one store day, this batch's included."""
        if day not in self._corrected:
            start = datetime.combine(day, time(0), policy.zone)
            self._corrected[day] = int(
                self.session.execute(
                    select(func.coalesce(func.sum(func.abs(Adjustment.points)), 0))
                    .join(Till, Till.id == Adjustment.till_id)
                    .where(
                        Till.store_id == self.store_id,
                        Adjustment.occurred_at >= start,
                        Adjustment.occurred_at < start + timedelta(days=1),
                    )
                ).scalar_one()
            )
        return self._corrected[day]

    def card_by_phone(self, phone: str) -> Card | None:
        """The card registered under this phone, locked; it may not be one the batch named."""
        customer_id = self.session.execute(
            select(Customer.id).where(Customer.phone == phone)
        ).scalar_one_or_none()
        if customer_id is None:
            return None
        return self.card_by_id(customer_id)

    def card_by_id(self, customer_id: int) -> Card:
        """A card by its row id, locked; it may not be one the batch named."""
        if customer_id not in self.cards_by_id:
            row = cards.lock_customer(self.session, customer_id)
            self._keep(Card(row.id, row.uid, row.total, {}))
            self._load_pending([row.id])
        return self.cards_by_id[customer_id]

    def plastic_holder(self, number: str) -> int | None:
        return self.session.execute(
            select(PlasticCard.customer_id).where(PlasticCard.number == number)
        ).scalar_one_or_none()

    def offline_spent(self, card: Card, day: date, policy: Policy) -> int:
        """Points this till already spent offline on this card during one store day."""
        key = (card.id, day)
        if key not in self._offline_before:
            start = datetime.combine(day, time(0), policy.zone)
            self._offline_before[key] = int(
                self.session.execute(
                    select(func.coalesce(func.sum(Sale.spent), 0)).where(
                        Sale.customer_id == card.id,
                        Sale.till_id == self.till_id,
                        Sale.offline.is_(True),
                        Sale.occurred_at >= start,
                        Sale.occurred_at < start + timedelta(days=1),
                    )
                ).scalar_one()
            )
        return self._offline_before[key] + self._offline_here[key]

    # --- recording ----------------------------------------------------------------------

    def register(self, row: dict[str, Any]) -> Card:
        """A new customer is written at once: the events after it need its id."""
        table = bulk.table_of(Customer)
        customer_id = self.session.execute(
            insert(table).values(**row, total=0, change_seq=0).returning(table.c.id)
        ).scalar_one()
        card = Card(customer_id, row["uid"], 0, {})
        self._keep(card)
        self.touched.add(card.id)
        return card

    def alias(self, uid: str, card: Card) -> None:
        aliases = bulk.table_of(CustomerAlias)
        self.session.execute(insert(aliases).values(uid=uid, customer_id=card.id))
        self.cards[uid] = card
        self.touched.add(card.id)

    def issue_plastic(self, number: str, card: Card) -> None:
        plastic = bulk.table_of(PlasticCard)
        self.session.execute(insert(plastic).values(number=number, customer_id=card.id))

    def sale(self, row: dict[str, Any], day: date) -> None:
        self.sale_rows.append(row)
        self.new_sales.add(row["id"])
        self.sales[row["id"]] = KnownSale(
            row["id"], row["customer_id"], row["activates_on"], row["body"]
        )
        if row["offline"] and row["customer_id"] is not None:
            self._offline_here[row["customer_id"], day] += row["spent"]

    def returned(self, sale: KnownSale, row: dict[str, Any], credited: BaseModel) -> None:
        self.return_rows.append(row)
        self.return_ids.add(row["id"])
        self.returned_sales.add(sale.id)
        sale.add_return(credited.model_dump())

    def post(
        self, card: Card, kind: str, points: int, active_from: date, at: datetime, today: date
    ) -> None:
        self.ledger_rows.append(
            {
                "customer_id": card.id,
                "till_id": self.till_id,
                "event_id": self.event_id,
                "kind": kind,
                "points": points,
                "active_from": active_from,
                "occurred_at": at,
            }
        )
        card.total += points
        if active_from > today:
            card.pending[active_from] = card.pending.get(active_from, 0) + points
            self._pending[card.id, active_from] += points
        self.touched.add(card.id)

    def adjusted(self, row: dict[str, Any], day: date) -> None:
        self.adjustment_rows.append(row)
        self.adjustment_ids.add(row["id"])
        self._corrected[day] = self._corrected.get(day, 0) + abs(row["points"])

    def audited(self, row: dict[str, Any]) -> None:
        self.audit_rows.append(
            {**row, "store_id": self.store_id, "till_id": self.till_id, "received_at": self.now}
        )
        self.audit_ids.add(row["audit_id"])

    def lock(self, person: Person, until: datetime) -> None:
        """Locked until then, unless already locked longer; the store's tills learn it."""
        if person.locked_until is None or person.locked_until < until:
            person.locked_until = until
            self.locks[person.id] = until

    def answered(self, row: dict[str, Any]) -> None:
        self.event_rows.append({**row, "till_id": self.till_id, "received_at": self.now})
        self.events[row["event_id"]] = KnownEvent(
            row["event_id"],
            row["seq"],
            row["status"],
            row["problem"],
            row["flag"],
            row["payload_hash"],
        )
        self.seqs[row["seq"]] = row["event_id"]

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        """Every recorded row, one statement per kind; the caller commits."""
        session = self.session
        bulk.insert_rows(session, Sale, self.sale_rows)
        bulk.insert_rows(session, Return, self.return_rows)
        bulk.insert_rows(session, LedgerEntry, self.ledger_rows)
        bulk.insert_rows(session, Event, self.event_rows)
        bulk.insert_rows(session, Adjustment, self.adjustment_rows)
        bulk.insert_rows(session, AuditEntry, self.audit_rows)
        if self.locks:
            position = next_feed_position(session)
            # Never shortens a lock another batch set meanwhile.
            session.connection().execute(
                update(Staff)
                .where(
                    Staff.id == bindparam("staff_id"),
                    or_(Staff.locked_until.is_(None), Staff.locked_until < bindparam("until")),
                )
                .values(locked_until=bindparam("until"), change_seq=position),
                [{"staff_id": k, "until": v} for k, v in sorted(self.locks.items())],
            )
        if self.touched:
            totals = {i: self.cards_by_id[i].total for i in self.touched}
            bulk.set_totals(session, totals, next_feed_position(session))
        bulk.add_pending(session, self._pending)
        if self.mistagged:
            bump_feed(session, Product, Product.sku, self.mistagged)
        if self.chain_head != self._chain_head:
            session.connection().execute(
                update(Till).where(Till.id == self.till_id).values(chain_head=self.chain_head)
            )
        session.flush()  # the holds this batch captured


@dataclass(frozen=True)
class _Reads:
    """The statements a batch reads with, built once per kind of database."""

    events: Any
    sales: Any
    lock: Any
    aliases: Any
    pending: Any
    returns: Any
    holds: Any
    till: Any


@functools.cache
def _reads(postgresql: bool) -> _Reads:
    def among(column: Any, name: str) -> ColumnElement[bool]:
        return bulk.among(column, name, postgresql=postgresql)

    named = (
        select(Customer.id)
        .where(among(Customer.uid, "uids"))
        .union(
            select(CustomerAlias.customer_id).where(among(CustomerAlias.uid, "uids")),
            select(Customer.id).where(among(Customer.id, "owners")),
        )
    )
    return _Reads(
        events=select(
            Event.event_id,
            Event.seq,
            Event.status,
            Event.problem,
            Event.flag,
            Event.payload_hash,
            Event.till_id,
        ).where(
            or_(
                among(Event.event_id, "ids"),
                and_(Event.till_id == bindparam("till_id"), among(Event.seq, "seqs")),
            )
        ),
        sales=select(Sale.id, Sale.customer_id, Sale.activates_on, Sale.body).where(
            among(Sale.id, "ids")
        ),
        lock=select(Customer.id, Customer.uid, Customer.total)
        .where(Customer.id.in_(named.scalar_subquery()))
        .order_by(Customer.id)
        .with_for_update(),
        aliases=select(CustomerAlias.uid, CustomerAlias.customer_id).where(
            among(CustomerAlias.uid, "uids")
        ),
        pending=select(PendingPoints.customer_id, PendingPoints.active_from, PendingPoints.points)
        .where(among(PendingPoints.customer_id, "ids"))
        .where(PendingPoints.active_from > bindparam("since")),
        returns=select(Return.id, Return.sale_id, Return.body).where(
            or_(among(Return.sale_id, "sale_ids"), among(Return.id, "ids"))
        ),
        holds=select(Hold).where(among(Hold.id, "ids")).with_for_update(),
        # Taken first, before any card: a till's batches queue on it, in the order they
        # came, and the chain head they read is the one the batch before them left.
        till=select(Till.chain_head, Till.store_id)
        .where(Till.id == bindparam("till_id"))
        .with_for_update(),
    )


def _skus(events: list[EventIn]) -> set[str]:
    """The SKUs the batch's sales name, to read their price tags in one statement."""
    skus: set[str] = set()
    for event in events:
        lines = event.payload.get("lines") if event.type == EventType.SALE_COMPLETED else None
        for line in lines if isinstance(lines, list) else ():
            sku = line.get("sku") if isinstance(line, dict) else None
            if (
                isinstance(sku, str)
                and len(sku) <= protocol.SKU_LENGTH
                and not protocol.has_control_characters(sku)  # PostgreSQL refuses a NUL
            ):
                skus.add(sku)
    return skus


def _named(payloads: list[dict[str, Any]], key: str) -> set[str]:
    """The ids the payloads name under `key`, spelt as validation will spell them."""
    named: set[str] = set()
    for payload in payloads:
        value = payload.get(key)
        if isinstance(value, str) and len(value) <= _LONGEST_UUID:
            with contextlib.suppress(ValueError):  # the event's own validation refuses it
                named.add(str(uuid.UUID(value)))
    return named
