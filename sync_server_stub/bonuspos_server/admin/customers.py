"""HQ keeps customer records right: `bonuspos-server customer …`.

A new phone for a card, a lost plastic card blocked and another issued, two cards of one
person merged, everything held about one person exported, and a person erased on
request. Each is one transaction that gives the card its next place in the changes feed,
so tills learn of it on their next pull, and leaves a `record_changes` row saying what
was done to which card (its uid), by whom and when: never the personal data itself.

An erased card stays as an anonymous uid: its ledger, sales, returns and holds are kept,
so balances, day reports and the chain's totals still add up, and nothing else on the
server names the person.
"""

from __future__ import annotations

import argparse
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bonuspos.domain.card import Phone, parse_card
from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Points
from bonuspos_server.data.models import (
    Adjustment,
    AuditEntry,
    BlockedPlasticCard,
    CodeLock,
    Customer,
    CustomerAlias,
    Hold,
    LedgerEntry,
    OneTimeCode,
    PendingPoints,
    PhoneConflict,
    PlasticCard,
    RecordChange,
    Return,
    Sale,
)
from bonuspos_server.feeds.changes import bump_feed
from bonuspos_server.ingest import bulk

CHANGE_PHONE, BLOCK_CARD, ISSUE_CARD, MERGE, EXPORT, ERASE = (
    "change-phone",
    "block-card",
    "issue-card",
    "merge",
    "export",
    "erase",
)
# What an erasure leaves in free text (a correction's reason, an audit entry) that named them.
ERASED_TEXT = "[удалено по запросу клиента]"


class RecordRefused(Exception):
    """Nothing was written; the message says why, for the person at the console."""


@dataclass(frozen=True, slots=True)
class Context:
    os_user: str
    now: datetime


# --- finding the card ------------------------------------------------------------------


def find(session: Session, text: str, *, blocked_too: bool = False) -> Customer:
    """The card a uid (its own or an alias), a phone or a plastic card names, locked.

    `blocked_too`: a blocked plastic card still names its card, for HQ's own commands.
    """
    customer_id = _customer_id(session, text.strip(), blocked_too)
    return session.execute(
        select(Customer).where(Customer.id == customer_id).with_for_update()
    ).scalar_one()


def _customer_id(session: Session, text: str, blocked_too: bool) -> int:
    try:
        uid = str(uuid.UUID(text))
    except ValueError:
        pass
    else:
        found = session.scalar(select(Customer.id).where(Customer.uid == uid))
        if found is None:
            found = session.scalar(
                select(CustomerAlias.customer_id).where(CustomerAlias.uid == uid)
            )
        if found is None:
            raise RecordRefused(f"no card with uid {uid}")
        return found
    try:
        number = parse_card(text)
    except DomainError as exc:
        refused = f"{text!r} is not a phone, plastic card or uid: {exc.message}"
        raise RecordRefused(refused) from None
    if isinstance(number, Phone):
        found = session.scalar(select(Customer.id).where(Customer.phone == number.e164))
    else:
        found = session.scalar(
            select(PlasticCard.customer_id).where(PlasticCard.number == number.number)
        )
        if found is None:
            blocked = session.get(BlockedPlasticCard, number.number)
            if blocked is not None and blocked.customer_id is not None:
                if not blocked_too:
                    raise RecordRefused(
                        f"plastic card {number.masked()} is blocked; name the card by its"
                        " phone or uid"
                    )
                found = blocked.customer_id
    if found is None:
        raise RecordRefused(f"no card {number.masked()} in the programme")
    return found


def _live(customer: Customer) -> None:
    if customer.erased_at is not None:
        raise RecordRefused(f"card {customer.uid} was erased on request; it names nobody")


def _audit(
    session: Session, ctx: Context, action: str, customer: Customer, other: str | None = None
) -> None:
    session.add(
        RecordChange(
            action=action,
            customer_uid=customer.uid,
            other_uid=other,
            os_user=ctx.os_user,
            created_at=ctx.now,
        )
    )
    session.flush()
    bump_feed(session, Customer, Customer.id, {customer.id})


def _masked(phone: str | None) -> str:
    return Phone(phone).masked() if phone else "no phone"


# --- change-phone ----------------------------------------------------------------------


def change_phone(session: Session, card: str, new_phone: str, ctx: Context) -> str:
    try:
        number = parse_card(new_phone)
    except DomainError as exc:
        raise RecordRefused(f"new phone {new_phone!r}: {exc.message}") from None
    if not isinstance(number, Phone):
        raise RecordRefused(f"{new_phone!r} is a plastic card number, not a phone")
    customer = find(session, card)
    _live(customer)
    if customer.phone == number.e164:
        return f"card {customer.uid} already has {number.masked()}; nothing changed"
    holder = session.scalar(select(Customer.uid).where(Customer.phone == number.e164))
    if holder is not None:
        raise RecordRefused(
            f"{number.masked()} belongs to another card ({holder}). If both are one person,"
            f" join them with: customer merge {customer.uid} {holder}"
        )
    waiting = session.scalar(
        select(PhoneConflict.uid).where(
            PhoneConflict.customer_id == customer.id, PhoneConflict.status == "waiting"
        )
    )
    if waiting is not None:
        raise RecordRefused(f"card {customer.uid} is held in a phone conflict: resolve-conflict it")
    old = _masked(customer.phone)
    customer.phone = number.e164
    _audit(session, ctx, CHANGE_PHONE, customer)
    return (
        f"card {customer.uid}: phone {old} -> {number.masked()}; its points and history stay,"
        " the old number finds nothing. Tills learn of it on their next sync"
    )


# --- plastic cards ---------------------------------------------------------------------


def _plastic(text: str) -> PlasticNumber:
    try:
        return PlasticNumber(text.strip())
    except DomainError as exc:
        raise RecordRefused(f"plastic card {text!r}: {exc.message}") from None


def block_card(session: Session, card: str, plastic: str, ctx: Context) -> str:
    number = _plastic(plastic)
    customer = find(session, card, blocked_too=True)
    _live(customer)
    blocked = session.get(BlockedPlasticCard, number.number)
    if blocked is not None:
        if blocked.customer_id == customer.id:
            return f"plastic card {number.masked()} was already blocked; nothing changed"
        raise RecordRefused(f"plastic card {number.masked()} is not this card's")
    issued = session.get(PlasticCard, number.number)
    if issued is None or issued.customer_id != customer.id:
        raise RecordRefused(f"plastic card {number.masked()} is not this card's")
    session.delete(issued)
    session.add(
        BlockedPlasticCard(number=number.number, customer_id=customer.id, blocked_at=ctx.now)
    )
    _audit(session, ctx, BLOCK_CARD, customer)
    return (
        f"plastic card {number.masked()} blocked: it finds nobody and verifies no spend;"
        f" card {customer.uid} keeps its points. Issue another with: customer issue-card"
    )


def issue_card(session: Session, card: str, plastic: str, ctx: Context) -> str:
    number = _plastic(plastic)
    customer = find(session, card)
    _live(customer)
    if session.get(BlockedPlasticCard, number.number) is not None:
        raise RecordRefused(f"plastic card {number.masked()} was reported lost; issue another")
    issued = session.get(PlasticCard, number.number)
    if issued is not None:
        if issued.customer_id == customer.id:
            return f"plastic card {number.masked()} is already this card's; nothing changed"
        raise RecordRefused(f"plastic card {number.masked()} already belongs to another card")
    session.add(PlasticCard(number=number.number, customer_id=customer.id))
    _audit(session, ctx, ISSUE_CARD, customer)
    return f"plastic card {number.masked()} issued to card {customer.uid}"


# --- merge -----------------------------------------------------------------------------


def merge(session: Session, keep_text: str, other_text: str, ctx: Context) -> str:
    keep_id = _customer_id(session, keep_text.strip(), True)
    other_id = _customer_id(session, other_text.strip(), True)
    if keep_id == other_id:
        uid = session.get_one(Customer, keep_id).uid
        return f"{other_text} already names card {uid}; nothing changed"
    # In id order, as batches lock cards, so the two never wait on each other in a circle.
    locked = session.execute(
        select(Customer)
        .where(Customer.id.in_((keep_id, other_id)))
        .order_by(Customer.id)
        .with_for_update()
    ).scalars()
    cards = {c.id: c for c in locked}
    keep, other = cards[keep_id], cards[other_id]
    _live(keep)
    _live(other)
    for c in (keep, other):
        waiting = session.scalar(
            select(PhoneConflict.id).where(
                or_(PhoneConflict.customer_id == c.id, PhoneConflict.holder_id == c.id),
                PhoneConflict.status == "waiting",
            )
        )
        if waiting is not None:
            raise RecordRefused(
                f"card {c.uid} is in a phone conflict HQ has not decided: resolve-conflict first"
            )
    points_before = keep.total, other.total
    for model in (LedgerEntry, Sale, Hold, PlasticCard, CustomerAlias, Adjustment):
        session.execute(
            update(model).where(model.customer_id == other.id).values(customer_id=keep.id)
        )
    session.execute(
        update(BlockedPlasticCard)
        .where(BlockedPlasticCard.customer_id == other.id)
        .values(customer_id=keep.id)
    )
    session.execute(
        update(PhoneConflict).where(PhoneConflict.holder_id == other.id).values(holder_id=keep.id)
    )
    session.execute(
        update(PhoneConflict)
        .where(PhoneConflict.customer_id == other.id)
        .values(customer_id=keep.id)
    )
    pending = session.execute(
        select(PendingPoints.active_from, PendingPoints.points).where(
            PendingPoints.customer_id == other.id
        )
    )
    bulk.add_pending(session, {(keep.id, day): points for day, points in pending})
    session.execute(delete(PendingPoints).where(PendingPoints.customer_id == other.id))
    _forget_codes(session, other.id)  # minutes-long and sent to the other card's phone
    keep.total += other.total
    other_uid, other_phone = other.uid, other.phone
    session.flush()  # nothing points at the other card any more
    session.delete(other)
    session.flush()
    if keep.phone is None and other_phone is not None:
        keep.phone = other_phone
    session.add(CustomerAlias(uid=other_uid, customer_id=keep.id))
    _audit(session, ctx, MERGE, keep, other_uid)
    both = Points(sum(points_before)).number()
    return (
        f"merged card {other_uid} into {keep.uid} ({_masked(keep.phone)}): its ledger, sales,"
        f" pending points, plastic cards and aliases moved; the card has {both} points."
        f" uid {other_uid} now names it. Tills learn of it on their next sync"
    )


# --- export ----------------------------------------------------------------------------


def export(session: Session, card: str, ctx: Context) -> dict[str, Any]:
    """Everything held about one customer, for a subject-access request."""
    customer = find(session, card, blocked_too=True)
    cid = customer.id
    aliases = sorted(
        session.scalars(select(CustomerAlias.uid).where(CustomerAlias.customer_id == cid))
    )
    uids = [customer.uid, *aliases]
    sales = list(session.scalars(select(Sale).where(Sale.customer_id == cid).order_by(Sale.id)))
    sale_ids = [s.id for s in sales]
    returns = list(
        session.scalars(select(Return).where(Return.sale_id.in_(sale_ids)).order_by(Return.id))
    )
    audit = session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.subject.in_(uids), AuditEntry.subject.in_(sale_ids)))
        .order_by(AuditEntry.occurred_at)
    )
    conflicts = session.scalars(
        select(PhoneConflict).where(
            or_(PhoneConflict.customer_id == cid, PhoneConflict.holder_id == cid)
        )
    )
    _audit(session, ctx, EXPORT, customer)
    return {
        "exported_at": ctx.now.isoformat(),
        "customer": {
            "uid": customer.uid,
            "phone": customer.phone,
            "full_name": customer.full_name,
            "email": customer.email,
            "birth_date": customer.birth_date,
            "rules_version": customer.rules_version,
            "registered_at": customer.registered_at.isoformat(),
            "erased_at": customer.erased_at.isoformat() if customer.erased_at else None,
            "total_points": customer.total,
        },
        "aliases": aliases,
        "plastic_cards": sorted(
            session.scalars(select(PlasticCard.number).where(PlasticCard.customer_id == cid))
        ),
        "blocked_plastic_cards": [
            {"number": b.number, "blocked_at": b.blocked_at.isoformat()}
            for b in session.scalars(
                select(BlockedPlasticCard).where(BlockedPlasticCard.customer_id == cid)
            )
        ],
        "pending_points": [
            {"active_from": p.active_from.isoformat(), "points": p.points}
            for p in session.scalars(
                select(PendingPoints)
                .where(PendingPoints.customer_id == cid)
                .order_by(PendingPoints.active_from)
            )
        ],
        "ledger": [
            {
                "kind": e.kind,
                "points": e.points,
                "active_from": e.active_from.isoformat(),
                "occurred_at": e.occurred_at.isoformat(),
                "event_id": e.event_id,
            }
            for e in session.scalars(
                select(LedgerEntry).where(LedgerEntry.customer_id == cid).order_by(LedgerEntry.id)
            )
        ],
        "sales": [json.loads(s.body) for s in sales],
        "returns": [json.loads(r.body) for r in returns],
        "holds": [
            {
                "hold_id": h.id,
                "points": h.points,
                "status": h.status,
                "created_at": h.created_at.isoformat(),
                "sale_id": h.sale_id,
            }
            for h in session.scalars(
                select(Hold).where(Hold.customer_id == cid).order_by(Hold.created_at)
            )
        ],
        "adjustments": [
            {
                "points": a.points,
                "reason": a.reason,
                "created_at": (a.created_at or a.occurred_at or ctx.now).isoformat(),
            }
            for a in session.scalars(select(Adjustment).where(Adjustment.customer_id == cid))
        ],
        "phone_conflicts": [
            {"uid": c.uid, "status": c.status, "signed_up_at": c.signed_up_at.isoformat()}
            for c in conflicts
        ],
        "audit_mentions": [
            {
                "action": a.action,
                "subject": a.subject,
                "detail": a.detail,
                "occurred_at": a.occurred_at.isoformat(),
            }
            for a in audit
        ],
        "record_changes": [
            {"action": r.action, "by": r.os_user, "at": r.created_at.isoformat()}
            for r in session.scalars(
                select(RecordChange)
                .where(or_(RecordChange.customer_uid.in_(uids), RecordChange.other_uid.in_(uids)))
                .order_by(RecordChange.id)
            )
        ],
    }


# --- erase -----------------------------------------------------------------------------


def erase(session: Session, card: str, ctx: Context) -> str:
    customer = find(session, card, blocked_too=True)
    if customer.erased_at is not None:
        return f"card {customer.uid} was already erased; nothing changed"
    cid = customer.id
    waiting = session.scalar(
        select(PhoneConflict.uid).where(
            or_(PhoneConflict.customer_id == cid, PhoneConflict.holder_id == cid),
            PhoneConflict.status == "waiting",
        )
    )
    if waiting is not None:
        raise RecordRefused(
            f"card {customer.uid} is in a phone conflict HQ has not decided ({waiting}):"
            " resolve-conflict first"
        )
    named = _naming(customer)
    customer.phone = None  # type: ignore[assignment]  # an erased card has none
    customer.full_name = customer.email = customer.birth_date = ""
    customer.erased_at = ctx.now
    session.execute(delete(PlasticCard).where(PlasticCard.customer_id == cid))
    session.execute(delete(BlockedPlasticCard).where(BlockedPlasticCard.customer_id == cid))
    _forget_codes(session, cid)
    session.execute(
        update(PhoneConflict)
        .where(or_(PhoneConflict.customer_id == cid, PhoneConflict.holder_id == cid))
        .values(phone="", full_name="", plastic_card=None, blocked_plastic="")
    )
    for row in session.scalars(select(Adjustment).where(Adjustment.customer_id == cid)):
        row.by_name = None
        if row.reason and named.search(row.reason):
            row.reason = ERASED_TEXT
    uids = [
        customer.uid,
        *session.scalars(select(CustomerAlias.uid).where(CustomerAlias.customer_id == cid)),
    ]
    sale_ids = select(Sale.id).where(Sale.customer_id == cid)
    mentions = or_(AuditEntry.subject.in_(uids), AuditEntry.subject.in_(sale_ids))
    for entry in session.scalars(select(AuditEntry).where(mentions)):
        if named.search(entry.detail):
            entry.detail = ERASED_TEXT
    _audit(session, ctx, ERASE, customer)
    return (
        f"card {customer.uid} erased: name, phone, e-mail, birth date and plastic cards"
        " removed; its ledger and sales stay under the anonymous uid. Tills drop it on"
        " their next sync"
    )


def _forget_codes(session: Session, customer_id: int) -> None:
    """One-time codes and their lockout: a card merged away or erased is sent none."""
    session.execute(delete(OneTimeCode).where(OneTimeCode.customer_id == customer_id))
    session.execute(delete(CodeLock).where(CodeLock.customer_id == customer_id))


def _stem(word: str) -> str:
    return word[:-2] if len(word) >= 6 else word[:-1] if len(word) >= 4 else word


def _naming(customer: Customer) -> re.Pattern[str]:
    """What in free text would name the person: a word of their name, their number."""
    # Russian names decline (Иванова, Ивановой, Ивановою): a word's stem is matched.
    words = [re.escape(_stem(w)) for w in re.split(r"\W+", customer.full_name) if len(w) >= 3]
    if customer.phone:
        digits = customer.phone[-9:]
        # The national number however it was typed: 291234567, 29 123-45-67, …
        words.append(r"[\s\-()]*".join(digits))
    if customer.email:
        words.append(re.escape(customer.email))
    if not words:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{w})" for w in words), re.IGNORECASE)


# --- the CLI's side ---------------------------------------------------------------------


def add_commands(commands: Any) -> None:
    """`customer …` under the top-level parser's subcommands."""
    parser = commands.add_parser(
        "customer", help="customer records: phone, plastic cards, merge, export, erase"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    card_help = "the card: phone in any form, plastic card number or uid"
    phone = actions.add_parser("change-phone", help="give a card a new phone; history stays")
    phone.add_argument("card", help=card_help)
    phone.add_argument("new_phone")
    for name, what in ((BLOCK_CARD, "block a lost plastic card"), (ISSUE_CARD, "issue one")):
        plastic = actions.add_parser(name, help=what)
        plastic.add_argument("card", help=card_help)
        plastic.add_argument("plastic", help="13 digits, valid EAN-13 check digit")
    joined = actions.add_parser("merge", help="two cards of one person: OTHER joins KEEP")
    joined.add_argument("keep", help=card_help)
    joined.add_argument("other", help=card_help)
    out = actions.add_parser("export", help="everything held about one customer, as JSON")
    out.add_argument("card", help=card_help)
    out.add_argument("--out", type=Path, help="write it to this file (default: stdout)")
    gone = actions.add_parser("erase", help="erase a customer's personal data on request")
    gone.add_argument("card", help=card_help)


def run(session: Session, args: argparse.Namespace, ctx: Context) -> str:
    if args.action == CHANGE_PHONE:
        return change_phone(session, args.card, args.new_phone, ctx)
    if args.action == BLOCK_CARD:
        return block_card(session, args.card, args.plastic, ctx)
    if args.action == ISSUE_CARD:
        return issue_card(session, args.card, args.plastic, ctx)
    if args.action == MERGE:
        return merge(session, args.keep, args.other, ctx)
    if args.action == ERASE:
        return erase(session, args.card, ctx)
    body = json.dumps(export(session, args.card, ctx), ensure_ascii=False, indent=2)
    if args.out is None:
        return body
    try:
        args.out.write_text(body + "\n", encoding="utf-8")
    except OSError as exc:
        raise RecordRefused(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    return f"everything held about the card written to {args.out}"
