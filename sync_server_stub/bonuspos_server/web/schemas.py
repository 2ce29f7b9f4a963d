"""The protocol's bodies as strict pydantic models: unknown fields and wrong types refused.

Declared from `bonuspos.protocol`, the shapes and limits the till builds its events
with. Integers, strings and booleans are strict (no "12" for 12, no 1 for true); UUIDs,
dates and times arrive as JSON strings and are parsed. Amounts are integer minor units;
text carries no control characters.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from bonuspos import protocol
from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.staff import Action

Count = Annotated[StrictInt, Field(ge=1, le=protocol.MAX_QUANTITY)]
Minor = Annotated[StrictInt, Field(ge=0, le=protocol.MAX_AMOUNT)]
Positive = Annotated[StrictInt, Field(ge=1, le=protocol.MAX_AMOUNT)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=32, pattern=protocol.CODE_PATTERN)]

EVENT_TYPES = tuple(protocol.EventType)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _text_only(value: Any) -> Any:
    # Lax pydantic reads a number as a Unix time; the protocol sends ISO-8601 text.
    if not isinstance(value, str):
        raise ValueError("a time is an ISO-8601 string with its zone")
    return value


def _plausible(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"a time between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def _representable(value: datetime) -> datetime:
    # A till with a dead clock battery sends 1970: that event is refused on its own (a
    # dead letter), the batch goes on. Only a time UTC cannot hold spoils the batch.
    try:
        value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("a time UTC can represent") from exc
    return value


def _printable(value: str) -> str:
    if protocol.has_control_characters(value):
        raise ValueError("text without control characters")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_plausible)]
AnyMoment = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_representable)]
Day = Annotated[date, BeforeValidator(_text_only)]


Printable = Annotated[StrictStr, AfterValidator(_printable)]


def _iso_time(value: str) -> str:
    # Kept as the till wrote it: an approval's MAC signs this exact text.
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("an ISO-8601 time with its zone") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("an ISO-8601 time with its zone")
    _plausible(parsed)
    _representable(parsed)
    return value


Hash = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
IsoText = Annotated[StrictStr, Field(max_length=40), AfterValidator(_iso_time)]
SUBJECT_LENGTH = 64  # an audit entry's subject: a sale's, return's or correction's id


def _distinct_lines(lines: list[Any]) -> list[Any]:
    numbers = [line.line_no for line in lines]
    if len(set(numbers)) != len(numbers):
        raise ValueError("each line_no at most once")
    return lines


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventIn(Strict):
    event_id: UUID
    seq: Annotated[StrictInt, Field(ge=1, le=2**62)]
    # Checked per event (a dead letter of its own), not here where it would refuse the batch.
    occurred_at: AnyMoment
    # Any text: an unknown type is one refused event, not a refused batch that would stall
    # the till's queue behind it.
    type: Annotated[StrictStr, Field(max_length=200)]
    payload: dict[str, Any]


class EventBatch(Strict):
    store: Code
    till: Code
    events: list[EventIn]


class EventResult(Strict):
    event_id: UUID
    seq: int
    status: Literal["accepted", "duplicate", "rejected"]
    problem: dict[str, Any] | None = None  # why it was refused (the first time, for a duplicate)
    flag: str | None = None  # accepted, but the manager's report lists it (overspent, merged)
    first_status: Literal["accepted", "rejected"] | None = None  # for a duplicate


class BatchAnswer(Strict):
    results: list[EventResult]


class CustomerRegistered(Strict):
    customer_uid: UUID
    phone: Annotated[Printable, Field(max_length=32)]
    full_name: Annotated[Printable, Field(max_length=protocol.NAME_LENGTH)]
    email: Annotated[Printable, Field(max_length=120)] = ""
    birth_date: Annotated[Printable, Field(max_length=10)] = ""
    rules_version: Count
    consented_at: Moment
    plastic_card: Annotated[Printable, Field(max_length=13)] | None = None
    staff_id: UUID | None = None


class ApprovalIn(Strict):
    """A manager's approval (PROTOCOL.md, "Approvals"); the server checks its MAC."""

    approver_id: UUID
    approved_at: IsoText
    mac: Hash


class VerificationIn(Strict):
    """How an offline spend above the threshold was verified (PROTOCOL.md, "Spend
    verification"): the customer's plastic card, or a manager's approval."""

    method: Literal["plastic_card", "approval"]
    card_number: Annotated[str, Field(pattern=r"^[0-9]{13}$")] | None = None
    approval: ApprovalIn | None = None


class SaleLineIn(Strict):
    line_no: Count
    sku: Annotated[Printable, Field(max_length=protocol.SKU_LENGTH, min_length=1)]
    unit_price: Minor
    quantity: Count
    discount: Minor
    points_per_unit: Minor
    promotional: StrictBool
    earned: Minor
    share: Minor


class TenderIn(Strict):
    kind: TenderKind
    amount: Positive


class SaleCompleted(Strict):
    sale_id: UUID
    number: Count
    customer_uid: UUID | None
    occurred_at: Moment
    policy_version: Count
    price_list: Annotated[StrictInt, Field(ge=1, le=2**31)] | None = None
    channel: Channel
    order_ref: Annotated[Printable, Field(max_length=protocol.ORDER_REF_LENGTH)] = ""
    offline: StrictBool
    total: Minor
    spent: Minor
    earned: Minor
    activates_on: Day
    lines: Annotated[
        list[SaleLineIn],
        Field(min_length=1, max_length=protocol.MAX_LINES),
        AfterValidator(_distinct_lines),
    ]
    tenders: Annotated[list[TenderIn], Field(max_length=protocol.MAX_TENDERS)]
    ledger_hashes: Annotated[list[Hash], Field(max_length=protocol.MAX_HASHES)] = []
    hold_id: UUID | None = None
    staff_id: UUID | None = None  # who rang it up; events queued before staff carry none
    verification: VerificationIn | None = None


class ReturnedLineIn(Strict):
    line_no: Count
    quantity: Count
    money_back: Minor
    taken_back: Minor
    given_back: Minor


class SaleReturned(Strict):
    return_id: UUID
    sale_id: UUID
    customer_uid: UUID | None
    occurred_at: Moment
    money_back: Minor
    taken_back: Minor
    given_back: Minor
    lines: Annotated[
        list[ReturnedLineIn],
        Field(min_length=1, max_length=protocol.MAX_LINES),
        AfterValidator(_distinct_lines),
    ]
    ledger_hashes: Annotated[list[Hash], Field(max_length=protocol.MAX_HASHES)] = []
    staff_id: UUID | None = None
    approval: ApprovalIn | None = None


class BalanceAdjusted(Strict):
    adjustment_id: UUID
    customer_uid: UUID
    occurred_at: Moment
    points: Annotated[StrictInt, Field(ge=-protocol.MAX_ADJUSTMENT, le=protocol.MAX_ADJUSTMENT)]
    reason: Annotated[Printable, Field(max_length=protocol.REASON_LENGTH, min_length=3)]
    # Optional here so that a correction without them is refused as not allowed (403), the
    # answer a till token alone gets, rather than as a malformed payload.
    staff_id: UUID | None = None
    approval: ApprovalIn | None = None
    ledger_hashes: Annotated[list[Hash], Field(max_length=protocol.MAX_HASHES)] = []


class AuditRecorded(Strict):
    audit_id: UUID
    occurred_at: Moment
    action: Action
    staff_id: UUID | None
    approved_by: UUID | None
    subject: Annotated[Printable, Field(max_length=SUBJECT_LENGTH)]
    detail: Annotated[Printable, Field(max_length=protocol.AUDIT_DETAIL_LENGTH)]


class HoldRequest(Strict):
    hold_id: UUID
    card: Annotated[Printable, Field(max_length=32, min_length=1)]
    points: Positive
    sale_id: UUID | None = None
    # The one-time code sent to the card's phone: needed above the verification threshold.
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None


class SpendCodeRequest(Strict):
    card: Annotated[Printable, Field(max_length=32, min_length=1)]


class HoldAnswer(Strict):
    hold_id: UUID
    customer_uid: UUID
    points: int
    status: Literal["active", "captured", "released", "expired"]
    expires_at: AwareDatetime


class TillAnswer(Strict):
    store: str
    till: str
    # The highest seq the server holds from this till: lower than what the till knows it
    # sent means the server's database went back to a backup, and the till sends the rest.
    last_seq: int


class CardAnswer(Strict):
    customer_uid: UUID
    phone: str  # masked: +375 29 ***-**-67
    full_name: str
    active: int
    pending: int
    next_activation: date | None
    held: int
    available: int


class ChangesPage(Strict):
    cursor: str
    has_more: bool
    policy: dict[str, Any] | None
    price_list: int  # the catalog version in force: a sale names the one it sold from
    products: list[dict[str, Any]]
    customers: list[dict[str, Any]]
    staff: list[dict[str, Any]] = []  # the till's own store's people (protocol.StaffChange)


class SoldLineAnswer(Strict):
    line_no: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    earned: int
    share: int
    returned: int


class TenderAnswer(Strict):
    kind: str
    amount: int


class SaleAnswer(Strict):
    """A sale of any till of the chain, for a return (protocol.SaleAnswer)."""

    sale_id: UUID
    number: int
    store: str
    till: str
    occurred_at: AwareDatetime
    customer_uid: UUID | None
    activates_on: date
    total: int
    spent: int
    earned: int
    lines: list[SoldLineAnswer]
    tenders: list[TenderAnswer]
    refunded: int


class CorrectionAnswer(Strict):
    adjustment_id: str
    points: int  # signed
    reason: str


class DayTotalsAnswer(Strict):
    """bonuspos.domain.day.DayTotals.to_dict(): one till's day as the server counts it."""

    receipts: int
    returns: int
    revenue: dict[TenderKind, int]  # kopecks by tender kind; kinds not taken are absent
    money_back: int
    points_earned: int
    points_spent: int
    points_given_back: int
    points_taken_back: int
    offline_sales: int
    offline_over_limit: int
    corrections: list[CorrectionAnswer]


class FlaggedEventAnswer(Strict):
    """An accepted event the manager's report lists (protocol.FlaggedEvent)."""

    event_id: str
    till: str
    type: str
    occurred_at: str  # ISO 8601, UTC
    flag: str  # comma-joined protocol.Flag values
    subject: str  # the sale, return, card uid, correction or audit entry; "" if not known


class DayAnswer(Strict):
    """The calling till's store day as the server holds it (protocol.DayAnswer)."""

    store: str
    till: str
    day: date
    totals: DayTotalsAnswer
    events: list[str]
    flagged: list[FlaggedEventAnswer]
    last_seq: int


class TillDayAnswer(Strict):
    till: str
    totals: DayTotalsAnswer


class StoreDayAnswer(Strict):
    """Every till of the caller's store, and the store's flagged events, on one day."""

    store: str
    day: date
    tills: list[TillDayAnswer]
    flagged: list[FlaggedEventAnswer]
