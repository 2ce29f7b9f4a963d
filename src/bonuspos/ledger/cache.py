"""The till's cache of the server's cards: what the server confirmed, plus what it has not seen.

A card's balance on the till is the server's last confirmed total and pending points,
plus the till's own ledger entries whose events the server has not answered yet. The
pull writes it inside the same write transaction that reads those unanswered entries,
so a sale completed meanwhile waits on the lock and is never overwritten.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from bonuspos.domain.customer import name_tokens, name_words, normalise_name
from bonuspos.ledger.models import (
    CardBalance,
    Customer,
    LedgerRow,
    NameToken,
    OutboxEvent,
    PendingPoints,
    PlasticCard,
)


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
    plastic_cards: tuple[str, ...]


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

    def store(self, card: ServerCard, at: datetime, mine: dict[int, Unanswered]) -> int:
        """Insert or refresh one card from the server, `mine` (by card) on top; its local id."""
        customer_id = self._find(card)
        if customer_id is None:
            customer_id = self._s.execute(
                insert(Customer)
                .values(
                    uid=card.uid,
                    phone=card.phone,
                    full_name=card.full_name,
                    name_key=normalise_name(card.full_name),
                    email="",
                    birth_date="",
                    rules_version=1,
                    registered_at=at,
                )
                .returning(Customer.id)
            ).scalar_one()
            self._name(customer_id, card.full_name)
        else:
            current = self._s.execute(
                select(Customer.full_name, Customer.phone).where(Customer.id == customer_id)
            ).one()
            if tuple(current) != (card.full_name, card.phone):
                self._s.execute(
                    update(Customer)
                    .where(Customer.id == customer_id)
                    .values(
                        full_name=card.full_name,
                        phone=card.phone,
                        name_key=normalise_name(card.full_name),
                    )
                )
                self._s.execute(delete(NameToken).where(NameToken.customer_id == customer_id))
                self._name(customer_id, card.full_name)
        for number in card.plastic_cards:
            stmt = insert(PlasticCard).values(number=number, customer_id=customer_id)
            self._s.execute(
                stmt.on_conflict_do_update(
                    index_elements=[PlasticCard.number], set_={"customer_id": customer_id}
                )
            )
        self._balance(customer_id, card, mine.get(customer_id) or Unanswered())
        return customer_id

    def _find(self, card: ServerCard) -> int | None:
        by_uid = self._s.execute(
            select(Customer.id).where(Customer.uid.in_((card.uid, *card.aliases)))
        ).scalar()
        if by_uid is not None:
            return int(by_uid)
        by_phone = self._s.execute(select(Customer.id).where(Customer.phone == card.phone)).scalar()
        return int(by_phone) if by_phone is not None else None

    def _name(self, customer_id: int, full_name: str) -> None:
        words = name_words(full_name)
        self._s.add_all(
            NameToken(token=t, customer_id=customer_id, words=words) for t in name_tokens(full_name)
        )
        self._s.flush()

    def _balance(self, customer_id: int, card: ServerCard, mine: Unanswered) -> None:
        total = card.total + mine.total
        stmt = insert(CardBalance).values(customer_id=customer_id, total=total)
        self._s.execute(
            stmt.on_conflict_do_update(
                index_elements=[CardBalance.customer_id], set_={"total": total}
            )
        )
        self._s.execute(delete(PendingPoints).where(PendingPoints.customer_id == customer_id))
        pending: dict[date, int] = defaultdict(int)
        for day, points in (*card.pending.items(), *mine.pending.items()):
            pending[day] += points
        rows = [
            {"customer_id": customer_id, "active_from": day, "points": points}
            for day, points in sorted(pending.items())
            if points
        ]
        if rows:
            self._s.execute(insert(PendingPoints), rows)


def _field(payload: str, key: str) -> str:
    return str(json.loads(payload).get(key))
