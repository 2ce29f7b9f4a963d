"""A card with its balance, read on a plain sqlite3 connection: the cashier's lookup.

A lookup is one statement of a few index probes, some 10–20 µs in SQLite; a session, its
transaction events and Core's result processing around it took ten times that, and even
borrowing a connection from the pool cost as much as the statement. So the statements
cards.py prepares run on a plain connection to the same file with the same pragmas
(db.Readers), with no session at all.

One SELECT reads the customer and the balance together, and SQLite runs a statement in
one read transaction of its own, so no BEGIN is needed for a consistent card. Rows are
fetched to the end, which ends that transaction at once.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from bonuspos.ledger import cards
from bonuspos.ledger.cards import CardRow, read_card_on
from bonuspos.ledger.db import Readers
from bonuspos.ledger.statements import Prepared
from bonuspos.ledger.unit_of_work import StorageFailed


class CardReader:
    """Reads one card by phone, plastic card, uid or id (None when nobody holds it), or
    the cards whose holders' names match a search."""

    def __init__(self, readers: Readers) -> None:
        self._readers = readers

    def by_phone(self, e164: str, today: date) -> CardRow | None:
        return self._read(cards.BY_PHONE, e164, today)

    def by_plastic(self, number: str, today: date) -> CardRow | None:
        return self._read(cards.BY_PLASTIC, number, today)

    def by_uid(self, uid: str, today: date) -> CardRow | None:
        return self._read(cards.BY_UID, uid, today)

    def by_id(self, customer_id: int, today: date) -> CardRow | None:
        return self._read(cards.BY_ID, customer_id, today)

    def search(self, query: str, today: date, limit: int) -> list[CardRow]:
        """Up to `limit` + 1 cards by words of the holder's name (cards.search_cards)."""
        try:
            with self._readers.connection() as db:
                return cards.search_cards(db, query, today, limit)
        except sqlite3.OperationalError as exc:
            raise StorageFailed(str(exc)) from exc

    def _read(self, stmt: Prepared, key: object, today: date) -> CardRow | None:
        try:
            with self._readers.connection() as db:
                return read_card_on(db, stmt, key, today)
        except sqlite3.OperationalError as exc:
            # In the ledger's own terms, as a unit of work says it.
            raise StorageFailed(str(exc)) from exc
