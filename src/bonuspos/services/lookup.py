"""Finding a card by phone, plastic card or scanned barcode, and customers by name."""

from __future__ import annotations

from datetime import date

from bonuspos.domain.card import UNFILED, Phone, PlasticCard, parse_card
from bonuspos.domain.policy import Policy
from bonuspos.ledger.cards import CardRow
from bonuspos.ledger.db import Database
from bonuspos.ledger.lookups import CardReader
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import Clock
from bonuspos.services.views import CardView, NameMatches


def card_view(row: CardRow) -> CardView:
    return CardView(row.uid, row.full_name, Phone(row.phone), row.balance)


def card_of(uow: UnitOfWork, customer_id: int, today: date) -> CardView | None:
    """The card, None if the till has none or keeps it only for its own sales' sake."""
    row = uow.customers.card_by_id(customer_id, today)
    return card_view(row) if row and _filed(row) else None


def _filed(row: CardRow) -> bool:
    """False for a card HQ erased or merged away: it names nobody and nothing finds it."""
    return not row.phone.startswith(UNFILED)


def find_card(uow: UnitOfWork, text: str, today: date) -> CardRow | None:
    """The card a typed phone or a scanned card names; raises on malformed input."""
    number = parse_card(text)
    if isinstance(number, PlasticCard):
        return uow.customers.card_by_plastic(number.number, today)
    return uow.customers.card_by_phone(number.e164, today)


class Lookup:
    def __init__(self, db: Database, clock: Clock, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._policy = policy
        # A lookup is one read the cashier waits on: no unit of work around it.
        self._cards = CardReader(db.readers)

    @property
    def policy(self) -> Policy:
        """The rules the till works under, for the screen that states them."""
        return self._policy

    def find(self, text: str) -> CardView | None:
        """The card for what the cashier typed or scanned, None if nobody holds it."""
        number = parse_card(text)
        today = self._today()
        if isinstance(number, PlasticCard):
            row = self._cards.by_plastic(number.number, today)
        else:
            row = self._cards.by_phone(number.e164, today)
        return card_view(row) if row else None

    def by_uid(self, uid: str) -> CardView | None:
        row = self._cards.by_uid(uid, self._today())
        return card_view(row) if row and _filed(row) else None

    def search(self, name: str, limit: int = 20) -> NameMatches:
        """Customers by words of their name, for phone orders; each word matches a prefix."""
        rows = self._cards.search(name, self._today(), limit)
        cards = [card_view(row) for row in rows]
        if len(cards) <= limit:
            return NameMatches(tuple(cards), more=False)
        # Which `limit` to show is arbitrary once the list is cut; keep them alphabetical.
        return NameMatches(tuple(cards[:limit]), more=True)

    def _today(self) -> date:
        return self._policy.store_day(self._clock.now())
