"""The ledger's tables as typed SQLAlchemy models. Money and points are INTEGER minor units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bonuspos.ledger.types import UtcDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime}


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    # A keyed hash of the number and the number sealed (custody.py), never the number.
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    phone_sealed: Mapped[str | None] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[str] = mapped_column(String(10), default="")
    rules_version: Mapped[int]
    registered_at: Mapped[datetime]


class PlasticCard(Base):
    __tablename__ = "plastic_cards"

    number: Mapped[str] = mapped_column(String(13), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)


class NameToken(Base):
    """One word of a customer's name; prefix searches run on its primary key."""

    __tablename__ = "customer_name_tokens"
    __table_args__ = (
        Index("ix_customer_name_tokens_customer", "customer_id"),
        {"sqlite_with_rowid": False},
    )

    token: Mapped[str] = mapped_column(String(60), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    # All the name's words again, so the other words of a query are checked in the same
    # index row instead of by a second lookup per candidate.
    words: Mapped[str] = mapped_column(String(200))


class CardBalance(Base):
    """Running total of a card's ledger, kept with each entry so lookups never sum history."""

    __tablename__ = "card_balances"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)


class PendingPoints(Base):
    """Points by the day they become active; rows in the past are simply active."""

    __tablename__ = "pending_points"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    active_from: Mapped[date] = mapped_column(primary_key=True)
    points: Mapped[int] = mapped_column(Integer)


class Product(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    promotional: Mapped[bool] = mapped_column(default=False)


class Barcode(Base):
    __tablename__ = "barcodes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), index=True)


class Sale(Base):
    """A sale of this till (`origin` ""), or another till's fetched from the server for a
    return (`origin` "STORE/TILL", `number` that till's)."""

    __tablename__ = "sales"
    __table_args__ = (
        Index("ix_sales_customer_day", "customer_id", "store_day"),
        Index("ix_sales_origin_day", "origin", "store_day"),
        UniqueConstraint("origin", "number", name="uq_sales_origin_number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int]
    origin: Mapped[str] = mapped_column(String(80), default="")
    staff_id: Mapped[str | None] = mapped_column(String(36))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    occurred_at: Mapped[datetime]
    store_day: Mapped[date]
    policy_version: Mapped[int]
    total: Mapped[int]
    eligible: Mapped[int]
    spent: Mapped[int]
    earned: Mapped[int]
    activates_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(16))
    order_ref: Mapped[str] = mapped_column(String(64), default="")
    offline: Mapped[bool]
    # How a spend above the policy's threshold was verified, as the event sends it (JSON):
    # the customer's plastic card or a manager's approval. NULL: no proof needed or online.
    verification: Mapped[str | None] = mapped_column(Text)

    lines: Mapped[list[SaleLine]] = relationship(order_by="SaleLine.line_no")
    tenders: Mapped[list[SaleTender]] = relationship(order_by="SaleTender.n")


class SaleLine(Base):
    __tablename__ = "sale_lines"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[int]
    quantity: Mapped[int]
    discount: Mapped[int]
    points_per_unit: Mapped[int]
    promotional: Mapped[bool]
    exclusion: Mapped[str | None] = mapped_column(String(16))
    earned: Mapped[int]
    share: Mapped[int]
    returned: Mapped[int] = mapped_column(default=0)


class SaleTender(Base):
    __tablename__ = "sale_tenders"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), primary_key=True)
    n: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int]


class Return(Base):
    __tablename__ = "returns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    money_back: Mapped[int]
    taken_back: Mapped[int]
    given_back: Mapped[int]
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))

    lines: Mapped[list[ReturnLine]] = relationship(order_by="ReturnLine.line_no")


class ReturnLine(Base):
    __tablename__ = "return_lines"

    return_id: Mapped[str] = mapped_column(ForeignKey("returns.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(primary_key=True)
    quantity: Mapped[int]
    money_back: Mapped[int]
    taken_back: Mapped[int]
    given_back: Mapped[int]


class LedgerRow(Base):
    """Append-only: each row carries the hash of the one before, so edits show."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), index=True)
    return_id: Mapped[str | None] = mapped_column(ForeignKey("returns.id"))
    adjustment_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int]
    active_from: Mapped[date]
    occurred_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class OutboxEvent(Base):
    """An event for the server; `seq` is the till's own gap-free sequence number."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unacked", "acked_at", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    payload: Mapped[str] = mapped_column(Text)
    acked_at: Mapped[datetime | None]
    # The server's answer: accepted, duplicate or rejected (a dead letter, with its problem).
    outcome: Mapped[str | None] = mapped_column(String(16))
    problem: Mapped[str | None] = mapped_column(Text)


class StaffMember(Base):
    """A person who may sign in at this till: from the server's feed, or added on the till."""

    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool]
    kdf: Mapped[str] = mapped_column(String(200))
    verifier: Mapped[str] = mapped_column(String(64))
    # The later of this till's own lockout and the one the server reports.
    locked_until: Mapped[datetime | None]
    failed_pins: Mapped[int] = mapped_column(default=0)  # wrong PINs in a row, on this till
    origin: Mapped[str] = mapped_column(String(8))  # server | till


class AuditEntry(Base):
    """Append-only, like the ledger: SQLite refuses to edit or delete an entry."""

    __tablename__ = "audit_log"
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(String(36), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(32))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class Correction(Base):
    """A manager's correction of a card's balance, made at this till."""

    __tablename__ = "corrections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    points: Mapped[int]  # signed
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(String(36))
    approved_by: Mapped[str] = mapped_column(String(36))
    occurred_at: Mapped[datetime]
    store_day: Mapped[date] = mapped_column(index=True)


class TillSetting(Base):
    __tablename__ = "till_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


__all__ = [
    "AuditEntry",
    "Barcode",
    "Base",
    "CardBalance",
    "Correction",
    "Customer",
    "LedgerRow",
    "NameToken",
    "OutboxEvent",
    "PendingPoints",
    "PlasticCard",
    "Product",
    "Return",
    "ReturnLine",
    "Sale",
    "SaleLine",
    "SaleTender",
    "StaffMember",
    "TillSetting",
]
