"""The protocol's bodies as strict pydantic models: unknown fields and wrong types refused.

Integers, strings and booleans are strict (no "12" for 12, no 1 for true); UUIDs, dates
and times arrive as JSON strings and are parsed. Amounts are integer minor units.
"""

from __future__ import annotations

from datetime import date, datetime
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

from bonuspos.domain.cart import Channel, TenderKind

Count = Annotated[StrictInt, Field(ge=1, le=1_000_000)]
Minor = Annotated[StrictInt, Field(ge=0, le=10**12)]
Positive = Annotated[StrictInt, Field(ge=1, le=10**12)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")]

EVENT_TYPES = ("customer_registered", "sale_completed", "sale_returned", "balance_adjusted")
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


Moment = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_plausible)]
Day = Annotated[date, BeforeValidator(_text_only)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventIn(Strict):
    event_id: UUID
    seq: Annotated[StrictInt, Field(ge=1, le=2**62)]
    occurred_at: Moment
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
    phone: Annotated[StrictStr, Field(max_length=32)]
    full_name: Annotated[StrictStr, Field(max_length=120)]
    email: Annotated[StrictStr, Field(max_length=120)] = ""
    birth_date: Annotated[StrictStr, Field(max_length=10)] = ""
    rules_version: Count
    consented_at: Moment
    plastic_card: Annotated[StrictStr, Field(max_length=13)] | None = None


class SaleLineIn(Strict):
    line_no: Count
    sku: Annotated[StrictStr, Field(min_length=1, max_length=32)]
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
    channel: Channel
    order_ref: Annotated[StrictStr, Field(max_length=64)] = ""
    offline: StrictBool
    total: Minor
    spent: Minor
    earned: Minor
    activates_on: Day
    lines: Annotated[list[SaleLineIn], Field(min_length=1, max_length=500)]
    tenders: Annotated[list[TenderIn], Field(max_length=10)]
    ledger_hashes: Annotated[list[StrictStr], Field(max_length=10)] = []
    hold_id: UUID | None = None


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
    lines: Annotated[list[ReturnedLineIn], Field(min_length=1, max_length=500)]
    ledger_hashes: Annotated[list[StrictStr], Field(max_length=10)] = []


class BalanceAdjusted(Strict):
    adjustment_id: UUID
    customer_uid: UUID
    occurred_at: Moment
    points: Annotated[StrictInt, Field(ge=-(10**9), le=10**9)]
    reason: Annotated[StrictStr, Field(min_length=3, max_length=200)]


class HoldRequest(Strict):
    hold_id: UUID
    card: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    points: Positive
    sale_id: UUID | None = None


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
    products: list[dict[str, Any]]
    customers: list[dict[str, Any]]
