"""What use cases answer with: read-only views for screens, slips and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bonuspos.domain.card import Phone
from bonuspos.domain.cart import Cart, Channel, Tender, TenderKind
from bonuspos.domain.errors import InvalidInput, SpendRefused
from bonuspos.domain.ledger import Balance
from bonuspos.domain.money import Money, Points
from bonuspos.domain.quote import CapReason, Quote
from bonuspos.domain.receipt_code import receipt_code
from bonuspos.domain.staff import Action, Role


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
class Offer:
    """One answer for a spend of points: what is left to pay, and whether the rules allow it.

    A spend over the cap leaves the whole total to pay (nothing is spent until it is
    allowed) and carries the rules' refusal (`refused`: its reason and figures, for the
    screen to word). Its `tenders` still carry the spend as asked: a sale sent with them
    is refused where the rules are enforced.
    """

    cart: Cart
    customer_uid: str | None
    spend: Points
    total: Money
    due: Money  # the money to collect
    cap: Points
    why: CapReason  # what set the cap
    refused: SpendRefused | None  # None when within the cap
    tenders: tuple[Tender, ...]  # what to send with the sale
    earns: Points
    activates_on: date

    @property
    def within_cap(self) -> bool:
        return self.refused is None


@dataclass(frozen=True, slots=True)
class CheckoutQuote:
    """A quote with the context the cashier needs to offer points."""

    quote: Quote
    card: CardView | None
    offline: bool
    offline_room: Points | None

    def offer(self, spend: Points) -> Offer:
        """Spend `spend` points and pay the rest in the quote's one tender."""
        q = self.quote
        if len(q.tender_kinds) != 1:
            raise InvalidInput("Сумму к оплате считаем для одного способа оплаты")
        (kind,) = q.tender_kinds
        rest = q.total - spend.as_money()
        tenders = (Tender(kind, rest),) if rest.minor > 0 else ()
        refused: SpendRefused | None = None
        try:
            q.settle(spend, tenders)  # the rules' own check, the one a completed sale passes
        except SpendRefused as refusal:
            refused = refusal
        return Offer(
            cart=Cart(tuple(lq.line for lq in q.lines)),
            customer_uid=self.card.customer_uid if self.card else None,
            spend=spend,
            total=q.total,
            due=q.total if refused else rest,
            cap=q.cap,
            why=q.cap_reason,
            refused=refused,
            tenders=tenders,
            earns=q.earns,
            activates_on=q.activates_on,
        )


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
    staff_name: str = ""  # who rang it up; "" for a sale made before staff signed in
    # What limited the points spent, as the sale was quoted, and the card's balance then.
    # Known only to the receipt made at the sale: a reprint says what its lines and
    # tenders say (credit, nothing payable by points) and no more: not the sale's facts,
    # so a reprint still equals the receipt first printed.
    cap: Points | None = field(default=None, compare=False)
    cap_reason: CapReason | None = field(default=None, compare=False)
    before: Balance | None = field(default=None, compare=False)

    @property
    def code(self) -> str:
        """What the receipt's barcode carries: the sale id, for a return."""
        return receipt_code(self.sale_id)


@dataclass(frozen=True, slots=True)
class StaffView:
    staff_id: str
    full_name: str
    role: Role
    locked_until: datetime | None = None

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


@dataclass(frozen=True, slots=True)
class Shift:
    """Who is signed in at the till, since when."""

    staff: StaffView
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Approval:
    """A manager's PIN typed for one action; `mac` lets the server check it."""

    approver: StaffView
    action: Action
    subject: str
    approved_at: datetime
    mac: str


@dataclass(frozen=True, slots=True)
class SpendProof:
    """Offline, what lets a sale spend above the policy's threshold: the customer's own
    plastic card scanned at the till, or a manager's approval of this spend."""

    plastic_card: str | None = None
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class ReturnableLine:
    line_no: int
    sku: str
    name: str
    quantity: int
    returned: int
    unit_price: Money
    amount: Money  # after discount, for the whole line
    earned: Points
    share: Points  # spent points that paid for the line

    @property
    def returnable(self) -> int:
        return self.quantity - self.returned


@dataclass(frozen=True, slots=True)
class SaleForReturn:
    """A completed sale as a return sees it, from this till's ledger or from the server."""

    sale_id: str
    number: int
    store: str
    till: str
    occurred_at: datetime
    card: CardView | None
    lines: tuple[ReturnableLine, ...]
    tenders: tuple[tuple[TenderKind, Money], ...]
    spent: Points
    earned: Points
    activates_on: date
    local: bool  # False: another till's sale, fetched from the server
    refunded: Money = Money(0)  # money given back by earlier returns


@dataclass(frozen=True, slots=True)
class ReturnPreviewLine:
    line_no: int
    name: str
    quantity: int
    money_back: Money
    taken_back: Points
    given_back: Points
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReturnPreview:
    """What a return would do, shown before anything is written."""

    sale: SaleForReturn
    lines: tuple[ReturnPreviewLine, ...]
    money_back: Money
    by_tender: tuple[tuple[TenderKind, Money], ...]
    taken_back: Points
    given_back: Points
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReturnReceipt:
    return_id: str
    sale_number: int
    money_back: Money
    points_taken_back: Points
    points_given_back: Points
    card: CardView | None
    occurred_at: datetime | None = None
    lines: tuple[ReturnPreviewLine, ...] = ()
    by_tender: tuple[tuple[TenderKind, Money], ...] = ()
    staff_name: str = ""
    approved_by: str | None = None
    store: str = ""
    till: str = ""


@dataclass(frozen=True, slots=True)
class CorrectionDone:
    adjustment_id: str
    card: CardView
    points: Points  # signed
    reason: str
    approved_by: str
