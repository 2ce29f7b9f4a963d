"""The outbox events a till sends to the server, in the protocol's shapes (bonuspos.protocol)."""

from __future__ import annotations

import json
from datetime import datetime

from bonuspos.domain.customer import NewCustomer
from bonuspos.ledger.sales import ReturnRecord, SaleRecord
from bonuspos.protocol import (
    ApprovalPayload,
    AuditRecordedPayload,
    BalanceAdjustedPayload,
    CustomerRegisteredPayload,
    EventType,
    SaleCompletedPayload,
    SaleReturnedPayload,
    VerificationPayload,
)
from bonuspos.services.views import Approval, SpendProof

CUSTOMER_REGISTERED = EventType.CUSTOMER_REGISTERED
SALE_COMPLETED = EventType.SALE_COMPLETED
SALE_RETURNED = EventType.SALE_RETURNED
BALANCE_ADJUSTED = EventType.BALANCE_ADJUSTED
AUDIT_RECORDED = EventType.AUDIT_RECORDED


def approval(given: Approval) -> ApprovalPayload:
    return {
        "approver_id": given.approver.staff_id,
        "approved_at": moment(given.approved_at),
        "mac": given.mac,
    }


def verification(proof: SpendProof) -> VerificationPayload:
    if proof.approval is not None:
        return {"method": "approval", "approval": approval(proof.approval)}
    assert proof.plastic_card is not None, "a proof names a plastic card or an approval"
    return {"method": "plastic_card", "card_number": proof.plastic_card}


def moment(at: datetime) -> str:
    """A time as approvals sign it: the text on the wire must be the text signed."""
    return at.isoformat()


def customer_registered(
    uid: str,
    new: NewCustomer,
    at: datetime,
    plastic_card: str | None,
    staff_id: str | None = None,
) -> CustomerRegisteredPayload:
    payload: CustomerRegisteredPayload = {
        "customer_uid": uid,
        "phone": new.phone.e164,
        "full_name": new.full_name,
        "email": new.email,
        "birth_date": new.birth_date,
        "rules_version": new.rules_version,
        "consented_at": at.isoformat(),
        "plastic_card": plastic_card,
    }
    if staff_id is not None:
        payload["staff_id"] = staff_id
    return payload


def sale_completed(
    sale: SaleRecord,
    customer_uid: str | None,
    ledger_hashes: list[str],
    hold_id: str | None = None,
    price_list: int | None = None,
) -> SaleCompletedPayload:
    payload: SaleCompletedPayload = {
        "sale_id": sale.id,
        "number": sale.number,
        "customer_uid": customer_uid,
        "occurred_at": sale.occurred_at.isoformat(),
        "policy_version": sale.policy_version,
        "price_list": price_list,
        "channel": sale.channel,
        "order_ref": sale.order_ref,
        "offline": sale.offline,
        "total": sale.total,
        "spent": sale.spent,
        "earned": sale.earned,
        "activates_on": sale.activates_on.isoformat(),
        "lines": [
            {
                "line_no": line.line_no,
                "sku": line.sku,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "discount": line.discount,
                "points_per_unit": line.points_per_unit,
                "promotional": line.promotional,
                "earned": line.earned,
                "share": line.share,
            }
            for line in sale.lines
        ],
        "tenders": [{"kind": kind, "amount": amount} for kind, amount in sale.tenders],
        "ledger_hashes": ledger_hashes,
        "hold_id": hold_id,
    }
    if sale.staff_id is not None:
        payload["staff_id"] = sale.staff_id
    if sale.verification is not None:
        payload["verification"] = json.loads(sale.verification)
    return payload


def sale_returned(
    ret: ReturnRecord,
    customer_uid: str | None,
    ledger_hashes: list[str],
    approved: Approval | None = None,
) -> SaleReturnedPayload:
    payload: SaleReturnedPayload = {
        "return_id": ret.id,
        "sale_id": ret.sale_id,
        "customer_uid": customer_uid,
        "occurred_at": ret.occurred_at.isoformat(),
        "money_back": ret.money_back,
        "taken_back": ret.taken_back,
        "given_back": ret.given_back,
        "lines": [
            {
                "line_no": line.line_no,
                "quantity": line.quantity,
                "money_back": line.money_back.minor,
                "taken_back": line.points_taken_back.minor,
                "given_back": line.points_given_back.minor,
            }
            for line in ret.lines
        ],
        "ledger_hashes": ledger_hashes,
    }
    # Left out rather than null when nobody signed in or approved: a server of the
    # previous protocol refuses fields it does not know, and loses nothing without them.
    if ret.staff_id is not None:
        payload["staff_id"] = ret.staff_id
    if approved is not None:
        payload["approval"] = approval(approved)
    return payload


def balance_adjusted(
    adjustment_id: str,
    customer_uid: str,
    at: datetime,
    points: int,
    reason: str,
    staff_id: str,
    approved: Approval,
    ledger_hashes: list[str],
) -> BalanceAdjustedPayload:
    return {
        "adjustment_id": adjustment_id,
        "customer_uid": customer_uid,
        "occurred_at": at.isoformat(),
        "points": points,
        "reason": reason,
        "staff_id": staff_id,
        "approval": approval(approved),
        "ledger_hashes": ledger_hashes,
    }


def audit_recorded(
    audit_id: str,
    at: datetime,
    action: str,
    staff_id: str | None,
    approved_by: str | None,
    subject: str,
    detail: str,
) -> AuditRecordedPayload:
    return {
        "audit_id": audit_id,
        "occurred_at": at.isoformat(),
        "action": action,
        "staff_id": staff_id,
        "approved_by": approved_by,
        "subject": subject,
        "detail": detail,
    }
