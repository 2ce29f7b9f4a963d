"""The sync protocol's shapes and limits, shared by the till and the server (PROTOCOL.md).

The till builds its events and reads the server's answers with these types; the
server's validating models (its pydantic schemas) are declared
from the same names and limits, so a field added or a limit moved here moves on both
sides. Plain standard library: the till imports it at start-up, and pydantic is the
server's business.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal, NotRequired, TypedDict

VERSION = 1


class EventType(StrEnum):
    CUSTOMER_REGISTERED = "customer_registered"
    SALE_COMPLETED = "sale_completed"
    SALE_RETURNED = "sale_returned"
    # A manager's correction: accepted only with an approval the server can verify.
    BALANCE_ADJUSTED = "balance_adjusted"
    # One entry of the till's append-only audit trail: who did what, approved by whom.
    AUDIT_RECORDED = "audit_recorded"


# --- limits -------------------------------------------------------------------------------
# Far beyond any real receipt, far inside 64-bit integers: a figure outside them is a
# broken or hostile till, refused before any arithmetic is done with it.
MAX_AMOUNT = 10**12  # kopecks or point-kopecks in one figure
MAX_QUANTITY = 1_000_000
MAX_LINES = 500
MAX_TENDERS = 10
MAX_HASHES = 10
MAX_EVENTS = 500  # in one batch
MAX_ADJUSTMENT = 10**9
SKU_LENGTH = 32
NAME_LENGTH = 120
ORDER_REF_LENGTH = 64
CODE_PATTERN = r"^[A-Za-z0-9_.\-]{1,32}$"  # store and till codes
REASON_LENGTH = 200  # a correction's reason
AUDIT_DETAIL_LENGTH = 500

# Text fields carry no control characters: a NUL or an escape code in a SKU or a name
# ends up in a CSV, a log line or a receipt printer's command stream.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


# --- events -------------------------------------------------------------------------------


class ApprovalPayload(TypedDict):
    """A manager's PIN approval: HMAC-SHA256 under the manager's key of
    `bonuspos.domain.staff.approval_message(...)` (PROTOCOL.md, "Approvals")."""

    approver_id: str
    approved_at: str
    mac: str


class CustomerRegisteredPayload(TypedDict):
    customer_uid: str
    phone: str
    full_name: str
    email: str
    birth_date: str
    rules_version: int
    consented_at: str
    plastic_card: str | None
    staff_id: NotRequired[str | None]


class SaleLinePayload(TypedDict):
    line_no: int
    sku: str
    unit_price: int
    quantity: int
    discount: int
    points_per_unit: int
    promotional: bool
    earned: int
    share: int


class TenderPayload(TypedDict):
    kind: str
    amount: int


class VerificationPayload(TypedDict):
    """How an offline spend above the policy's threshold was verified (PROTOCOL.md,
    "Spend verification"): `plastic_card` with `card_number`, or `approval`."""

    method: str
    card_number: NotRequired[str]
    approval: NotRequired[ApprovalPayload]


class SaleCompletedPayload(TypedDict):
    sale_id: str
    number: int
    customer_uid: str | None
    occurred_at: str
    policy_version: int
    # The server's price list the till sold from (the changes feed's `price_list`); None
    # when the till has not received one yet.
    price_list: NotRequired[int | None]
    channel: str
    order_ref: str
    offline: bool
    total: int
    spent: int
    earned: int
    activates_on: str
    lines: list[SaleLinePayload]
    tenders: list[TenderPayload]
    ledger_hashes: list[str]
    hold_id: str | None
    staff_id: NotRequired[str | None]  # who rang it up; events queued before staff had none
    verification: NotRequired[VerificationPayload]  # an offline spend above the threshold


class ReturnedLinePayload(TypedDict):
    line_no: int
    quantity: int
    money_back: int
    taken_back: int
    given_back: int


class SaleReturnedPayload(TypedDict):
    return_id: str
    sale_id: str
    customer_uid: str | None
    occurred_at: str
    money_back: int
    taken_back: int
    given_back: int
    lines: list[ReturnedLinePayload]
    ledger_hashes: list[str]
    staff_id: NotRequired[str | None]
    approval: NotRequired[ApprovalPayload | None]


class BalanceAdjustedPayload(TypedDict):
    """A manager's correction made at a till; `points` signed, within the policy's limits."""

    adjustment_id: str
    customer_uid: str
    occurred_at: str
    points: int
    reason: str
    staff_id: str
    approval: ApprovalPayload
    ledger_hashes: list[str]


class AuditRecordedPayload(TypedDict):
    audit_id: str
    occurred_at: str
    action: str  # bonuspos.domain.staff.Action
    staff_id: str | None  # who acted (None: a PIN typed for nobody known)
    approved_by: str | None
    subject: str  # the sale, return, correction or cart it concerns; "" for none
    detail: str  # human-readable, no phone numbers


Payload = (
    CustomerRegisteredPayload
    | SaleCompletedPayload
    | SaleReturnedPayload
    | BalanceAdjustedPayload
    | AuditRecordedPayload
)


class WireEvent(TypedDict):
    event_id: str
    seq: int
    occurred_at: str
    type: str
    payload: Payload


class EventBatch(TypedDict):
    store: str
    till: str
    events: list[WireEvent]


Status = Literal["accepted", "duplicate", "rejected"]


class EventResult(TypedDict):
    event_id: str
    seq: int
    status: Status
    problem: NotRequired[dict[str, object] | None]
    flag: NotRequired[str | None]
    first_status: NotRequired[Literal["accepted", "rejected"] | None]


# --- the changes feed ---------------------------------------------------------------------


class ProductChange(TypedDict):
    sku: str
    name: str
    price: int
    points: int
    promotional: bool
    barcodes: list[str]


class CustomerChange(TypedDict):
    uid: str
    phone: str
    full_name: str
    total: int
    pending: list[tuple[str, int]]
    aliases: list[str]
    plastic_cards: list[str]
    # HQ erased the person: the card is an anonymous uid, and the till drops what named
    # them. Absent from servers before it, so read as false.
    erased: NotRequired[bool]


class StaffChange(TypedDict):
    """A person of the till's own store, as tills keep them: never the key, only the
    verifier (bonuspos.domain.staff)."""

    staff_id: str
    full_name: str
    role: str  # cashier | manager
    active: bool
    kdf: str
    verifier: str
    locked_until: str | None


class ChangesPage(TypedDict):
    cursor: str
    has_more: bool
    policy: dict[str, int | str] | None
    price_list: NotRequired[int]
    products: list[ProductChange]
    customers: list[CustomerChange]
    staff: NotRequired[list[StaffChange]]


# --- a sale looked up for a return (GET /v1/sales/{sale_id}) ------------------------------


class SoldLineAnswer(TypedDict):
    line_no: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    earned: int
    share: int
    returned: int  # units already returned, by every till


class SaleAnswer(TypedDict):
    sale_id: str
    number: int
    store: str
    till: str
    occurred_at: str
    customer_uid: str | None
    activates_on: str
    total: int
    spent: int
    earned: int
    lines: list[SoldLineAnswer]
    tenders: list[TenderPayload]
    refunded: int  # money already given back by earlier returns


# --- flags: accepted, and listed on the manager's report -----------------------------------


class Flag(StrEnum):
    MERGED = "merged"
    PHONE_CONFLICT = "phone-conflict"
    OVERSPENT = "overspent"
    OFFLINE_LIMIT = "offline-limit-exceeded"
    CHAIN_BROKEN = "ledger-chain-broken"
    PRICE_MISMATCH = "price-mismatch"
    HOLD_LAPSED = "hold-lapsed"
    HOLD_MISMATCH = "hold-mismatch"
    UNKNOWN_STAFF = "unknown-staff"  # names nobody of the till's store
    UNAPPROVED = "approval-missing"  # the policy wants a manager's approval it lacks


# --- a till's day, as the server holds it (GET /v1/tills/me/day?date=YYYY-MM-DD) ----------


class FlaggedEvent(TypedDict):
    """An accepted event the manager's report lists (its `flag`), from any till of the store."""

    event_id: str
    till: str
    type: str
    occurred_at: str
    flag: str  # comma-joined Flag values
    subject: str  # the sale, return, card or correction it concerns


class DayAnswer(TypedDict):
    store: str
    till: str
    day: str  # the store's calendar day, Europe/Minsk
    totals: dict[str, object]  # bonuspos.domain.day.DayTotals.to_dict()
    events: list[str]  # ids of this till's accepted events dated that day
    flagged: list[FlaggedEvent]  # the store's flagged events of that day
    last_seq: int  # the highest seq the server holds from this till
