"""The till's cache of the server's cards: what the server confirmed, plus what it has not seen.

A card's balance on the till is the server's last confirmed total and pending points,
plus the till's own ledger entries whose events the server has not answered yet. The
pull writes it inside the same write transaction that reads those unanswered entries,
so a sale completed meanwhile waits on the lock and is never overwritten.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, literal, or_, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from bonuspos.domain.card import UNFILED
from bonuspos.domain.customer import name_tokens, name_words, normalise_name
from bonuspos.ledger import custody
from bonuspos.ledger.models import (
    CardBalance,
    Customer,
    LedgerRow,
    NameToken,
    OutboxEvent,
    PendingPoints,
    PlasticCard,
)
from bonuspos.ledger.repositories import upsert


@dataclass
class Unanswered:
    """The till's own points the server has not confirmed yet, for one card."""

    total: int = 0
    pending: dict[date, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True, slots=True)
class ServerCard:
    uid: str
    phone: str
    full_name: str
    total: int
    pending: dict[date, int]
    aliases: tuple[str, ...]
    plastic_cards: tuple[str, ...]  # all the card's: a number left out was blocked
    erased: bool = False  # HQ erased the person: nothing here may name them any more


class Cache:
    def __init__(self, session: Session) -> None:
        self._s = session

    def unanswered(self, today: date) -> dict[int, Unanswered]:
        """By customer id: ledger entries of sales and returns still waiting in the outbox."""
        waiting = select(OutboxEvent.type, OutboxEvent.payload).where(
            OutboxEvent.acked_at.is_(None)
        )
        sale_ids: list[str] = []
        return_ids: list[str] = []
        for kind, payload in self._s.execute(
            waiting.where(OutboxEvent.type.in_(("sale_completed", "sale_returned")))
        ):
            key = "sale_id" if kind == "sale_completed" else "return_id"
            (sale_ids if kind == "sale_completed" else return_ids).append(_field(payload, key))
        found: dict[int, Unanswered] = defaultdict(Unanswered)
        if not sale_ids and not return_ids:
            return found
        rows = self._s.execute(
            select(LedgerRow.customer_id, LedgerRow.points, LedgerRow.active_from).where(
                or_(
                    LedgerRow.sale_id.in_(sale_ids) & LedgerRow.return_id.is_(None),
                    LedgerRow.return_id.in_(return_ids),
                )
            )
        )
        for customer_id, points, active_from in rows:
            mine = found[customer_id]
            mine.total += points
            if active_from > today:
                mine.pending[active_from] += points
        return found

    def store(
        self, cards: Sequence[ServerCard], at: datetime, mine: dict[int, Unanswered]
    ) -> list[int]:
        """Insert or refresh a page of cards from the server, `mine` (by card) on top.

        A set at a time: a first fill brings a million cards, so each table is read once
        and written with one executemany per page, never a statement per card.
        """
        keys = custody.current()
        hashed = [keys.phone_key(card.phone) for card in cards]
        known = self._known(cards, hashed)
        # The write lock is held (BEGIN IMMEDIATE), so the next ids are ours to take.
        next_id = int(self._s.execute(select(func.coalesce(func.max(Customer.id), 0))).scalar_one())
        ids: list[int] = []
        new_rows: list[dict[str, Any]] = []
        renamed: list[tuple[int, ServerCard]] = []
        for card, phone_key in zip(cards, hashed, strict=True):
            customer_id = known.ids.get(card.uid)
            if customer_id is None:
                customer_id = next((known.ids[a] for a in card.aliases if a in known.ids), None)
            if customer_id is None:
                customer_id = known.by_phone.get(phone_key)
            if customer_id is None:
                next_id += 1
                customer_id = next_id
                new_rows.append(_customer_row(customer_id, card, phone_key, at))
            elif known.names.get(customer_id) != (card.full_name, phone_key) or card.erased:
                renamed.append((customer_id, card))
            ids.append(customer_id)
        # A card HQ merged into another one the till holds apart: its uid is now an alias.
        merged = {
            known.ids[uid]
            for customer_id, card in zip(ids, cards, strict=True)
            for uid in (card.uid, *card.aliases)
            if known.ids.get(uid, customer_id) != customer_id
        } - set(ids)
        # Phones move between cards (a new number, a merge): each is freed before any is
        # taken, so the till's one-card-to-a-phone rule holds at every statement.
        self._free_phones([customer_id for customer_id, _ in renamed] + sorted(merged))
        if new_rows:
            # Core, not the ORM's bulk insert: a million rows skip its per-row bookkeeping.
            self._s.execute(insert(cast(Table, Customer.__table__)), new_rows)
        for customer_id, card in renamed:
            self._s.execute(
                update(Customer)
                .where(Customer.id == customer_id)
                .values(
                    full_name=card.full_name,
                    phone=keys.phone_key(card.phone),
                    phone_sealed=keys.seal(card.phone),
                    name_key=normalise_name(card.full_name),
                )
            )
        self._names(
            [(row["id"], row["full_name"]) for row in new_rows]
            + [(customer_id, card.full_name) for customer_id, card in renamed],
            replace=[customer_id for customer_id, _ in renamed],
        )
        erased = [customer_id for customer_id, card in zip(ids, cards, strict=True) if card.erased]
        self._forget([*erased, *merged])
        # The server lists all of a card's plastic cards: one it left out was blocked.
        for chunk in _chunks([*known.names, *merged]):
            self._s.execute(delete(PlasticCard).where(PlasticCard.customer_id.in_(chunk)))
        plastic = [
            {"number": number, "customer_id": customer_id}
            for customer_id, card in zip(ids, cards, strict=True)
            for number in card.plastic_cards
        ]
        upsert(self._s, PlasticCard.number, ("customer_id",), plastic)
        self._balances(ids, cards, mine, replace=list(known.names))
        if merged:
            # Its points are the card it joined's now, in the server's total for that card.
            zero = [{"customer_id": customer_id, "total": 0} for customer_id in merged]
            upsert(self._s, CardBalance.customer_id, ("total",), zero)
        return ids

    def _free_phones(self, customer_ids: Sequence[int]) -> None:
        for chunk in _chunks(customer_ids):
            # Sealed too: the number the card had must not stay readable beside its hash.
            placeholder = literal(UNFILED) + Customer.uid
            self._s.execute(
                update(Customer)
                .where(Customer.id.in_(chunk))
                .values(phone=placeholder, phone_sealed=func.phone_seal(placeholder))
            )

    def _forget(self, customer_ids: Sequence[int]) -> None:
        """Whatever names the person on cards HQ erased or merged away: the card itself
        stays, under its uid, for the till's own sales and ledger that point at it."""
        uids: list[str] = []
        for chunk in _chunks(customer_ids):
            self._s.execute(
                update(Customer)
                .where(Customer.id.in_(chunk))
                .values(full_name="", name_key="", email="", birth_date="")
            )
            self._s.execute(delete(NameToken).where(NameToken.customer_id.in_(chunk)))
            self._s.execute(delete(PendingPoints).where(PendingPoints.customer_id.in_(chunk)))
            uids.extend(self._s.scalars(select(Customer.uid).where(Customer.id.in_(chunk))))
        if not uids:
            return
        # The sign-up the till sent: its form named them. The server has answered it (the
        # push runs before the pull), so the event is kept only as a record.
        wanted = set(uids)
        signed_up = select(OutboxEvent.seq, OutboxEvent.payload).where(
            OutboxEvent.type == "customer_registered"
        )
        found = [
            row
            for chunk in _chunks(uids, 100)  # an OR each: well below SQLite's depth limit
            for row in self._s.execute(
                signed_up.where(or_(*(OutboxEvent.payload.contains(uid) for uid in chunk)))
            )
        ]
        for seq, payload in found:
            body = json.loads(payload)
            if body.get("customer_uid") in wanted:
                body.update(phone="", full_name="", email="", birth_date="", plastic_card=None)
                self._s.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.seq == seq)
                    .values(payload=json.dumps(body, ensure_ascii=False))
                )

    def _known(self, cards: Sequence[ServerCard], hashed: list[str]) -> _Known:
        known = _Known()
        wanted = (
            (Customer.uid, [uid for card in cards for uid in (card.uid, *card.aliases)], known.ids),
            (Customer.phone, hashed, known.by_phone),
        )
        for column, values, found in wanted:
            for chunk in _chunks(values):
                rows = self._s.execute(
                    select(column, Customer.id, Customer.full_name, Customer.phone).where(
                        column.in_(chunk)
                    )
                )
                for value, customer_id, full_name, phone in rows:
                    found[value] = customer_id
                    known.names[customer_id] = (full_name, phone)
        return known

    def _names(self, named: list[tuple[int, str]], replace: list[int]) -> None:
        for chunk in _chunks(replace):
            self._s.execute(delete(NameToken).where(NameToken.customer_id.in_(chunk)))
        rows: list[dict[str, Any]] = []
        for customer_id, full_name in named:
            words = name_words(full_name)
            rows.extend(
                {"token": token, "customer_id": customer_id, "words": words}
                for token in name_tokens(full_name)
            )
        if rows:
            self._s.execute(insert(cast(Table, NameToken.__table__)), rows)

    def _balances(
        self,
        ids: list[int],
        cards: Sequence[ServerCard],
        mine: dict[int, Unanswered],
        replace: list[int],
    ) -> None:
        totals: list[dict[str, int]] = []
        pending_rows: list[dict[str, Any]] = []
        for customer_id, card in zip(ids, cards, strict=True):
            own = mine.get(customer_id) or Unanswered()
            totals.append({"customer_id": customer_id, "total": card.total + own.total})
            pending: dict[date, int] = defaultdict(int)
            for day, points in (*card.pending.items(), *own.pending.items()):
                pending[day] += points
            pending_rows.extend(
                {"customer_id": customer_id, "active_from": day, "points": points}
                for day, points in sorted(pending.items())
                if points
            )
        upsert(self._s, CardBalance.customer_id, ("total",), totals)
        for chunk in _chunks(replace):
            self._s.execute(delete(PendingPoints).where(PendingPoints.customer_id.in_(chunk)))
        if pending_rows:
            self._s.execute(insert(cast(Table, PendingPoints.__table__)), pending_rows)


@dataclass
class _Known:
    """What the till already holds of a page's cards."""

    ids: dict[str, int] = field(default_factory=dict)  # by uid, aliases included
    by_phone: dict[str, int] = field(default_factory=dict)  # by the phone's keyed hash
    names: dict[int, tuple[str, str]] = field(default_factory=dict)  # (full name, phone hash)


def _customer_row(
    customer_id: int, card: ServerCard, phone_key: str, at: datetime
) -> dict[str, Any]:
    # The feed brings the number over TLS; on disk it is only hashed and sealed.
    return {
        "id": customer_id,
        "uid": card.uid,
        "phone": phone_key,
        "phone_sealed": custody.current().seal(card.phone),
        "full_name": card.full_name,
        "name_key": normalise_name(card.full_name),
        "email": "",
        "birth_date": "",
        "rules_version": 1,
        "registered_at": at,
    }


def _chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    # Below SQLite's oldest limit on bound parameters (999).
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _field(payload: str, key: str) -> str:
    return str(json.loads(payload).get(key))
