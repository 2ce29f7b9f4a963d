"""Repositories: the ledger's tables in the domain's words. They never commit.

Hot paths (card lookup, balance, name search) select plain columns rather than whole
entities: a cashier waits on them, and the ORM's identity map buys nothing there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy import insert as plain_insert
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import InstrumentedAttribute, Session

from bonuspos.domain.customer import NewCustomer, name_tokens, name_words, normalise_name
from bonuspos.domain.ledger import GENESIS_HASH, LedgerEntry, chain_hash
from bonuspos.ledger import cards, custody
from bonuspos.ledger.cards import CardRow, read_card
from bonuspos.ledger.models import (
    Barcode,
    CardBalance,
    Customer,
    LedgerRow,
    NameToken,
    OutboxEvent,
    PendingPoints,
    PlasticCard,
    Product,
    TillSetting,
)
from bonuspos.ledger.statements import Prepared, dbapi


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: int
    uid: str
    phone: str
    full_name: str


class Customers:
    def __init__(self, session: Session) -> None:
        self._s = session

    _columns = (
        Customer.id,
        Customer.uid,
        func.phone_open(Customer.phone_sealed),
        Customer.full_name,
    )

    def _one(self, where: Any) -> CustomerRow | None:
        row = self._s.execute(select(*self._columns).where(where)).first()
        return CustomerRow(*row) if row else None

    def by_phone(self, e164: str) -> CustomerRow | None:
        return self._one(Customer.phone == custody.current().phone_key(e164))

    def by_uid(self, uid: str) -> CustomerRow | None:
        return self._one(Customer.uid == uid)

    def by_id(self, customer_id: int) -> CustomerRow | None:
        return self._one(Customer.id == customer_id)

    def by_plastic(self, number: str) -> CustomerRow | None:
        row = self._s.execute(
            select(*self._columns)
            .join(PlasticCard, PlasticCard.customer_id == Customer.id)
            .where(PlasticCard.number == number)
        ).first()
        return CustomerRow(*row) if row else None

    def add(self, new: NewCustomer, *, uid: str, at: datetime) -> CustomerRow:
        customer = Customer(
            uid=uid,
            phone=custody.current().phone_key(new.phone.e164),
            phone_sealed=custody.current().seal(new.phone.e164),
            full_name=new.full_name,
            name_key=normalise_name(new.full_name),
            email=new.email,
            birth_date=new.birth_date,
            rules_version=new.rules_version,
            registered_at=at,
        )
        self._s.add(customer)
        self._s.flush()
        words = name_words(new.full_name)
        self._s.add_all(
            NameToken(token=t, customer_id=customer.id, words=words)
            for t in name_tokens(new.full_name)
        )
        self._s.add(CardBalance(customer_id=customer.id, total=0))
        return CustomerRow(customer.id, uid, new.phone.e164, customer.full_name)

    def attach_plastic(self, number: str, customer_id: int) -> None:
        self._s.add(PlasticCard(number=number, customer_id=customer_id))

    def card_by_phone(self, e164: str, today: date) -> CardRow | None:
        return read_card(self._s, cards.BY_PHONE, e164, today)

    def card_by_plastic(self, number: str, today: date) -> CardRow | None:
        return read_card(self._s, cards.BY_PLASTIC, number, today)

    def card_by_uid(self, uid: str, today: date) -> CardRow | None:
        return read_card(self._s, cards.BY_UID, uid, today)

    def card_by_id(self, customer_id: int, today: date) -> CardRow | None:
        return read_card(self._s, cards.BY_ID, customer_id, today)

    def search_cards(self, query: str, today: date, limit: int = 20) -> list[CardRow]:
        """Customers whose name has a word starting with each word of `query`."""
        return cards.search_cards(dbapi(self._s), query, today, limit)


_balances = cast(Table, CardBalance.__table__)
_pending = cast(Table, PendingPoints.__table__)
_ledger = cast(Table, LedgerRow.__table__)
_outbox = cast(Table, OutboxEvent.__table__)
_settings = cast(Table, TillSetting.__table__)


def _add_to_total() -> Any:
    # An upsert: a card cached from the server may have no balance row yet.
    stmt = insert(_balances)
    return stmt.on_conflict_do_update(
        index_elements=[_balances.c.customer_id],
        set_={"total": _balances.c.total + stmt.excluded.total},
    )


def _add_pending() -> Any:
    stmt = insert(_pending)
    return stmt.on_conflict_do_update(
        index_elements=[_pending.c.customer_id, _pending.c.active_from],
        set_={"points": _pending.c.points + stmt.excluded.points},
    )


# Built once: each sale, return and correction runs them (see sales.py on why).
_ADD_TO_TOTAL = Prepared(_add_to_total(), ("customer_id", "total"))
_ADD_PENDING = Prepared(_add_pending(), ("customer_id", "active_from", "points"))
_LAST_HASH = Prepared(select(_ledger.c.hash).order_by(_ledger.c.id.desc()).limit(1))
_ENTRY_COLUMNS = (
    "customer_id",
    "sale_id",
    "return_id",
    "adjustment_id",
    "kind",
    "points",
    "active_from",
    "occurred_at",
    "prev_hash",
    "hash",
)
_INSERT_ENTRIES = Prepared(plain_insert(_ledger), _ENTRY_COLUMNS)
_INSERT_EVENT = Prepared(
    plain_insert(_outbox), ("event_id", "type", "occurred_at", "payload", "acked_at")
)
_SETTING = Prepared(select(_settings.c.value).where(_settings.c.key == bindparam("key")))


class Balances:
    def __init__(self, session: Session) -> None:
        self._s = session

    def apply(self, customer_id: int, entries: list[LedgerEntry], today: date) -> None:
        db = dbapi(self._s)
        delta = sum(e.points.minor for e in entries)
        _ADD_TO_TOTAL.run(db, {"customer_id": customer_id, "total": delta})
        for entry in entries:
            if entry.active_from > today:
                _ADD_PENDING.run(
                    db,
                    {
                        "customer_id": customer_id,
                        "active_from": entry.active_from,
                        "points": entry.points.minor,
                    },
                )


class Ledger:
    """The append-only points ledger, hash-chained per till."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def last_hash(self) -> str:
        last: str | None = _LAST_HASH.scalar(dbapi(self._s))
        return last or GENESIS_HASH

    def append(
        self,
        customer_id: int,
        customer_uid: str,
        entries: list[LedgerEntry],
        *,
        at: datetime,
        sale_id: str | None = None,
        return_id: str | None = None,
        adjustment_id: str | None = None,
    ) -> list[str]:
        prev = self.last_hash()
        hashes = []
        rows = []
        for entry in entries:
            # A correction's id takes the return's place in the hash: it is what the
            # entry answers to, and the server recomputes the chain the same way.
            digest = chain_hash(prev, customer_uid, sale_id, return_id or adjustment_id, entry, at)
            rows.append(
                {
                    "customer_id": customer_id,
                    "sale_id": sale_id,
                    "return_id": return_id,
                    "adjustment_id": adjustment_id,
                    "kind": entry.kind.value,
                    "points": entry.points.minor,
                    "active_from": entry.active_from,
                    "occurred_at": at,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            hashes.append(digest)
            prev = digest
        if rows:
            # In id order, as the chain runs: one executemany keeps the rows' order.
            _INSERT_ENTRIES.run_many(dbapi(self._s), rows)
        return hashes


@dataclass(frozen=True, slots=True)
class ProductRow:
    sku: str
    name: str
    price: int
    points: int
    promotional: bool


def _product(p: Product) -> ProductRow:
    return ProductRow(p.sku, p.name, p.price, p.points, p.promotional)


class Catalog:
    def __init__(self, session: Session) -> None:
        self._s = session

    def by_code(self, code: str) -> ProductRow | None:
        """A product by barcode or SKU, as a scanner or a cashier gives it."""
        product = self._s.execute(
            select(Product).join(Barcode, Barcode.sku == Product.sku).where(Barcode.code == code)
        ).scalar_one_or_none()
        product = product or self._s.get(Product, code)
        return _product(product) if product else None

    def everything(self) -> list[ProductRow]:
        """The whole catalog, by name: a store's few thousand products."""
        return [
            _product(p) for p in self._s.execute(select(Product).order_by(Product.name)).scalars()
        ]

    def barcodes(self, skus: Sequence[str] | None = None) -> dict[str, list[str]]:
        """The barcodes of these products (every product's when None), by SKU."""
        query = select(Barcode.sku, Barcode.code).order_by(Barcode.sku, Barcode.code)
        if skus is not None:
            query = query.where(Barcode.sku.in_(list(skus)))
        found: dict[str, list[str]] = {}
        for sku, code in self._s.execute(query):
            found.setdefault(sku, []).append(code)
        return found

    def store(self, products: list[dict[str, Any]], barcodes: list[dict[str, str]]) -> None:
        """Insert or update products (sku, name, price, points, promotional) and barcodes
        (code, sku), one statement each: a chain's price list has thousands of lines."""
        upsert(self._s, Product.sku, ("name", "price", "points", "promotional"), products)
        upsert(self._s, Barcode.code, ("sku",), barcodes)


def upsert(
    session: Session,
    key: InstrumentedAttribute[Any],
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
) -> None:
    """Insert `rows` in one executemany; where a row with the same `key` is there, take
    its `columns` from the new row."""
    if rows:
        stmt = insert(key.class_)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[key], set_={c: stmt.excluded[c] for c in columns}
            ),
            rows,
        )


SEALED = "sealed:"


def wire_payload(stored: str) -> Any:
    """An outbox event's payload as the server is sent it: a sealed phone opened."""
    payload = json.loads(stored)
    phone = payload.get("phone")
    if isinstance(phone, str) and phone.startswith(SEALED):
        payload["phone"] = custody.current().open(phone.removeprefix(SEALED)) or ""
    return payload


class Outbox:
    def __init__(self, session: Session) -> None:
        self._s = session

    def append(self, event_id: str, type_: str, at: datetime, payload: Mapping[str, object]) -> int:
        phone = payload.get("phone")
        if isinstance(phone, str):
            # A registration waits here for the server: its number sealed, like the card's.
            payload = {**payload, "phone": SEALED + custody.current().seal(phone)}
        written = _INSERT_EVENT.run(
            dbapi(self._s),
            {
                "event_id": event_id,
                "type": type_,
                "occurred_at": at,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "acked_at": None,
            },
        )
        return int(written.lastrowid or 0)

    def waiting(self) -> int:
        return self._s.execute(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.acked_at.is_(None))
        ).scalar_one()

    def unsent(self, limit: int) -> list[OutboxEvent]:
        """The oldest events the server has not answered, in the till's sequence order."""
        return list(
            self._s.execute(
                select(OutboxEvent)
                .where(OutboxEvent.acked_at.is_(None))
                .order_by(OutboxEvent.seq)
                .limit(limit)
            ).scalars()
        )

    def answered(self, answers: list[tuple[str, str, str | None]], at: datetime) -> None:
        """Record the server's answers, (event_id, outcome, problem), one statement for all."""
        if not answers:
            return
        outbox = cast(Table, OutboxEvent.__table__)
        self._s.connection().execute(
            update(outbox)
            .where(outbox.c.event_id == bindparam("answered_id"), outbox.c.acked_at.is_(None))
            .values(acked_at=at, outcome=bindparam("answered_as"), problem=bindparam("why")),
            [{"answered_id": e, "answered_as": o, "why": p} for e, o, p in answers],
        )

    def last_answered_seq(self) -> int:
        return int(
            self._s.execute(
                select(func.max(OutboxEvent.seq)).where(OutboxEvent.acked_at.is_not(None))
            ).scalar_one()
            or 0
        )

    def send_again_after(self, seq: int) -> int:
        """Mark every answered event after `seq` as waiting again; how many."""
        done = self._s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.seq > seq, OutboxEvent.acked_at.is_not(None))
            .values(acked_at=None, outcome=None, problem=None)
        )
        return int(cast(CursorResult[Any], done).rowcount)

    def first_unsent_seq(self) -> int | None:
        return self._s.execute(
            select(func.min(OutboxEvent.seq)).where(OutboxEvent.acked_at.is_(None))
        ).scalar_one()

    def renumber_unsent_after(self, seq: int) -> None:
        """Move every unsent event above `seq`, in the same order; new events follow them."""
        # Through negative numbers: a row moved onto one not yet moved would collide.
        self._s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.acked_at.is_(None))
            .values(seq=-(OutboxEvent.seq + seq))
        )
        self._s.execute(update(OutboxEvent).where(OutboxEvent.seq < 0).values(seq=-OutboxEvent.seq))

    def oldest_unsent(self) -> datetime | None:
        return self._s.execute(
            select(func.min(OutboxEvent.occurred_at)).where(OutboxEvent.acked_at.is_(None))
        ).scalar_one()

    def dead_letters(self) -> list[OutboxEvent]:
        """Events the server refused for good: the manager's list, oldest first."""
        return list(
            self._s.execute(
                select(OutboxEvent)
                .where(OutboxEvent.outcome == "rejected")
                .order_by(OutboxEvent.seq)
            ).scalars()
        )


# The programme's policy as the till last received it (JSON of Policy.to_dict()): the pull
# writes it, the Till reads it when it starts.
POLICY_SETTING = "policy"
# The server's price-list version the catalog was last pulled from: a sale names it, so
# the server credits the tags the till really showed (PROTOCOL.md).
PRICE_LIST_SETTING = "catalog.price_list"


class Settings:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, key: str) -> str | None:
        # A setting `set` in this unit of work is flushed first (merge is lazy): see dbapi.
        value: str | None = _SETTING.scalar(dbapi(self._s), {"key": key})
        return value

    def set(self, key: str, value: str) -> None:
        self._s.merge(TillSetting(key=key, value=value))
