"""Finding a card by phone, plastic card or scanned barcode, and customers by name."""

from __future__ import annotations

from bonuspos.domain.card import Phone, PlasticCard, parse_card
from bonuspos.domain.policy import Policy
from bonuspos.ledger.db import Database
from bonuspos.ledger.repositories import CustomerRow
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import Clock
from bonuspos.services.views import CardView


def card_view(uow: UnitOfWork, customer: CustomerRow, policy: Policy, clock: Clock) -> CardView:
    balance = uow.balances.on(customer.id, policy.store_day(clock.now()))
    return CardView(customer.uid, customer.full_name, Phone(customer.phone), balance)


def find_row(uow: UnitOfWork, text: str) -> CustomerRow | None:
    """The customer a typed phone or a scanned card names; raises on malformed input."""
    number = parse_card(text)
    if isinstance(number, PlasticCard):
        return uow.customers.by_plastic(number.number)
    return uow.customers.by_phone(number.e164)


class Lookup:
    def __init__(self, db: Database, clock: Clock, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._policy = policy

    def find(self, text: str) -> CardView | None:
        """The card for what the cashier typed or scanned, None if nobody holds it."""
        with UnitOfWork(self._db.reading) as uow:
            row = find_row(uow, text)
            return card_view(uow, row, self._policy, self._clock) if row else None

    def by_uid(self, uid: str) -> CardView | None:
        with UnitOfWork(self._db.reading) as uow:
            row = uow.customers.by_uid(uid)
            return card_view(uow, row, self._policy, self._clock) if row else None

    def search(self, name: str, limit: int = 20) -> list[CardView]:
        """Customers by words of their name, for phone orders; each word matches a prefix."""
        with UnitOfWork(self._db.reading) as uow:
            rows = uow.customers.search_name(name, limit)
            return [card_view(uow, row, self._policy, self._clock) for row in rows]
