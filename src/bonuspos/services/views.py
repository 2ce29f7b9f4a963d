"""What use cases answer with: read-only views for screens, slips and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bonuspos.domain.card import Phone
from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Money, Points
from bonuspos.domain.quote import Quote


@dataclass(frozen=True, slots=True)
class CardView:
    """A found card: who holds it and what they may spend today."""

    customer_uid: str
    full_name: str
    phone: Phone
    balance: Balance


@dataclass(frozen=True, slots=True)
class NameMatches:
    """Customers found by name; `more` means others match too and the query needs letters."""

    cards: tuple[CardView, ...]
    more: bool


@dataclass(frozen=True, slots=True)
class CheckoutQuote:
    """A quote with the context the cashier needs to offer points."""

    quote: Quote
    card: CardView | None
    offline: bool
    offline_room: Points | None


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    line_no: int
    name: str
    quantity: int
    unit_price: Money
    amount: Money
    earned: Points
    exclusion: str | None


@dataclass(frozen=True, slots=True)
class Receipt:
    sale_id: str
    number: int
    occurred_at: datetime
    lines: tuple[ReceiptLine, ...]
    total: Money
    spent: Points
    due: Money
    tenders: tuple[tuple[TenderKind, Money], ...]
    earned: Points
    activates_on: date
    channel: Channel
    order_ref: str
    offline: bool
    card: CardView | None  # the balance when this receipt was made (a reprint: today's)


@dataclass(frozen=True, slots=True)
class ReturnReceipt:
    return_id: str
    sale_number: int
    money_back: Money
    points_taken_back: Points
    points_given_back: Points
    card: CardView | None
