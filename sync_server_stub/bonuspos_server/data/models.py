"""The server's tables. Money and points are integer minor units; times are aware UTC.

`change_seq` on customers and products is the changes feed's order: every transaction
that changes what tills cache takes the next value of `feed_counter` under its row lock,
so sequence order is commit order and a till's cursor never skips a late commit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bonuspos_server.data.types import UtcDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime}


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class Till(Base):
    __tablename__ = "tills"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    code: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    registered_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # The hash of the last ledger entry this till reported: its next entry chains on it.
    chain_head: Mapped[str | None] = mapped_column(String(64))


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_feed", "change_seq", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    # NULL only on a card no number finds: held for review or blocked (see PhoneConflict).
    # Typed as text because every path that reads a phone first finds the card by a number.
    phone: Mapped[str] = mapped_column(String(16), unique=True, nullable=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[str] = mapped_column(String(10), default="")
    rules_version: Mapped[int]
    registered_at: Mapped[datetime]
    total: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of the card's ledger
    change_seq: Mapped[int] = mapped_column(BigInteger)
    # Set when HQ erased the person on request: the card stays as an anonymous uid, its
    # ledger and sales with it, and the changes feed tells tills to drop what named them.
    erased_at: Mapped[datetime | None]


class CustomerAlias(Base):
    """Another uid for the same person: two stores signed them up offline."""

    __tablename__ = "customer_aliases"

    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)


class PhoneConflict(Base):
    """A sign-up on a phone already held by someone else, waiting for HQ's decision.

    Phone numbers pass to new people, so a sign-up under another name is not merged: it
    gets a held card of its own (no phone, so no lookup or hold finds it and no till
    caches it) until HQ attaches it to the holder or makes its person the new holder.
    """

    __tablename__ = "phone_conflicts"
    __table_args__ = (Index("ix_phone_conflicts_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # the sign-up's customer uid
    phone: Mapped[str] = mapped_column(String(16), index=True)  # E.164, as signed up
    full_name: Mapped[str] = mapped_column(String(120))
    # The held card; NULL once attached, when its rows have moved to the holder's card.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))  # at sign-up
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    event_id: Mapped[str] = mapped_column(String(36))
    signed_up_at: Mapped[datetime]
    plastic_card: Mapped[str | None] = mapped_column(String(13))  # issued on resolution
    status: Mapped[str] = mapped_column(String(16))  # waiting | attached | new-holder
    resolved_at: Mapped[datetime | None]
    # The blocked card's plastic cards, taken off it so that nothing finds it; for HQ.
    blocked_plastic: Mapped[str] = mapped_column(Text, default="")


class PlasticCard(Base):
    __tablename__ = "plastic_cards"

    number: Mapped[str] = mapped_column(String(13), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)


class BlockedPlasticCard(Base):
    """A plastic card reported lost: it finds nobody, pays for nothing, is never reissued."""

    __tablename__ = "blocked_plastic_cards"

    number: Mapped[str] = mapped_column(String(13), primary_key=True)
    # NULL once the card's holder was erased: the number alone names nobody.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    blocked_at: Mapped[datetime]


class RecordChange(Base):
    """HQ's change to a customer record: what, on which card (uid), who and when; never the
    personal data itself, so that it survives an erasure without naming anyone."""

    __tablename__ = "record_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    customer_uid: Mapped[str] = mapped_column(String(36), index=True)
    other_uid: Mapped[str | None] = mapped_column(String(36))  # merge: the card merged in
    os_user: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class PendingPoints(Base):
    __tablename__ = "pending_points"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    active_from: Mapped[date] = mapped_column(primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (Index("ix_products_feed", "change_seq", "sku"),)

    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(BigInteger)
    promotional: Mapped[bool]
    barcodes: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    change_seq: Mapped[int] = mapped_column(BigInteger)


class PriceList(Base):
    """One import of the catalog: sales name the version they were rung from."""

    __tablename__ = "price_lists"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    imported_at: Mapped[datetime]
    superseded_at: Mapped[datetime | None]


class ProductPrice(Base):
    """A product's price tag as one price-list version gave it; kept for good."""

    __tablename__ = "product_prices"

    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    price: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(BigInteger)
    promotional: Mapped[bool]


class PolicyVersion(Base):
    __tablename__ = "policies"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(Text)  # Policy.to_dict() as JSON
    created_at: Mapped[datetime]


class FeedCounter(Base):
    __tablename__ = "feed_counter"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class Event(Base):
    """Every event ever answered, kept for good: a retry a year later gets the same answer."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("till_id", "seq"),
        # A till's day: its events, and the store's flagged ones till by till.
        Index("ix_events_till_day", "till_id", "occurred_at"),
    )

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # accepted | rejected
    problem: Mapped[str | None] = mapped_column(Text)  # RFC 9457 body, JSON
    flag: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[str | None] = mapped_column(String(36))  # who, as the event says
    # What an accepted event concerns, from its payload: the sale, return, card (uid),
    # correction or audit entry; the manager's report names it beside the flag.
    subject: Mapped[str | None] = mapped_column(String(36))


class Sale(Base):
    __tablename__ = "sales"
    __table_args__ = (Index("ix_sales_till_day", "till_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    occurred_at: Mapped[datetime]
    total: Mapped[int] = mapped_column(BigInteger)
    spent: Mapped[int] = mapped_column(BigInteger)
    earned: Mapped[int] = mapped_column(BigInteger)
    activates_on: Mapped[date]
    offline: Mapped[bool]
    hold_id: Mapped[str | None] = mapped_column(String(36))
    flag: Mapped[str | None] = mapped_column(String(200))  # why the manager's report lists it
    body: Mapped[str] = mapped_column(Text)  # the event payload, for returns and exports
    staff_id: Mapped[str | None] = mapped_column(String(36))  # who rang it up


class Return(Base):
    __tablename__ = "returns"
    __table_args__ = (Index("ix_returns_till_day", "till_id", "occurred_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    # The till the goods came back at, which may not be the one that sold them. NULL only
    # on a return recorded before tills were kept on returns whose till could not be told.
    till_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"))
    occurred_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))  # a verified manager approval


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_customer", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    till_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"))
    event_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(BigInteger)
    active_from: Mapped[date]
    occurred_at: Mapped[datetime]


class Adjustment(Base):
    """A balance correction, applied once by its id: what, on which card, why, who and when.

    HQ's (`bonuspos-server adjust`) carry no event and no till. A till's carries its
    `balance_adjusted` event, the till, the staff member who made it and the manager who
    approved it (the same person when a manager corrects alone).
    """

    __tablename__ = "adjustments"
    __table_args__ = (
        Index("ix_adjustments_created_at", "created_at"),
        Index("ix_adjustments_till_day", "till_id", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str | None] = mapped_column(String(36))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("ledger_entries.id")
    )
    points: Mapped[int | None] = mapped_column(BigInteger)  # signed point-kopecks
    reason: Mapped[str | None] = mapped_column(Text)
    os_user: Mapped[str | None] = mapped_column(String(64))  # the account that ran the command
    by_name: Mapped[str | None] = mapped_column(String(120))  # the person, when --by names one
    created_at: Mapped[datetime | None]
    till_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"))
    occurred_at: Mapped[datetime | None]  # at the till: the store day its daily limit counts
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))


class Hold(Base):
    __tablename__ = "holds"
    __table_args__ = (Index("ix_holds_customer_status", "customer_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # active | captured | released
    sale_id: Mapped[str | None] = mapped_column(String(36))
    # The customer's one-time code was given for it: it may carry a spend above the
    # policy's verification threshold (codes/).
    verified: Mapped[bool] = mapped_column(default=False)


class Staff(Base):
    """A person at a store's tills. The server keeps the PIN's scrypt key (to check a
    manager's approvals); tills get only the kdf parameters and the verifier."""

    __tablename__ = "staff"
    __table_args__ = (Index("ix_staff_feed", "store_id", "change_seq", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))  # cashier | manager
    active: Mapped[bool]
    kdf: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(64))  # hex; never leaves the server
    verifier: Mapped[str] = mapped_column(String(64))
    locked_until: Mapped[datetime | None]
    change_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """One entry of a till's audit trail: who did what, approved by whom. Never changed."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_store_time", "store_id", "occurred_at"),)

    audit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]


class RateCounter(Base):
    """Requests counted against one limit in one window, shared by every server process.

    `key` names the limit and whom it counts (`till:7`, `card-holds:1234`); `window_end` is
    when the window closes, in whole seconds since the epoch, and leads the key so that
    closed windows are deleted by a range scan. On PostgreSQL the table is UNLOGGED: a
    request's count then costs no WAL flush, and a crash merely resets the counts.
    """

    __tablename__ = "rate_counters"

    window_end: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int]


class OneTimeCode(Base):
    """A code sent to a card's phone, kept only as a keyed hash; one live code per card and
    purpose (a new one replaces it), used at most once."""

    __tablename__ = "one_time_codes"
    __table_args__ = (Index("ix_one_time_codes_card", "customer_id", "purpose", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # spend | web
    digest: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 of card, purpose and code
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class CodeLock(Base):
    """Wrong codes tried on a card since its last right one; at the limit, the card's
    codes are refused until `locked_until`."""

    __tablename__ = "code_locks"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    wrong: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
