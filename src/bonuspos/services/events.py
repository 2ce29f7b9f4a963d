"""The outbox events a till sends to the server, in the protocol's shapes (bonuspos.protocol)."""

from __future__ import annotations

from datetime import datetime

from bonuspos.domain.customer import NewCustomer
from bonuspos.ledger.models import Return, Sale
from bonuspos.protocol import (
    CustomerRegisteredPayload,
    EventType,
    SaleCompletedPayload,
    SaleReturnedPayload,
)

CUSTOMER_REGISTERED = EventType.CUSTOMER_REGISTERED
SALE_COMPLETED = EventType.SALE_COMPLETED
SALE_RETURNED = EventType.SALE_RETURNED


def customer_registered(
    uid: str, new: NewCustomer, at: datetime, plastic_card: str | None
) -> CustomerRegisteredPayload:
    return {
        "customer_uid": uid,
        "phone": new.phone.e164,
        "full_name": new.full_name,
        "email": new.email,
        "birth_date": new.birth_date,
        "rules_version": new.rules_version,
        "consented_at": at.isoformat(),
        "plastic_card": plastic_card,
    }


def sale_completed(
    sale: Sale,
    customer_uid: str | None,
    ledger_hashes: list[str],
    hold_id: str | None = None,
    price_list: int | None = None,
) -> SaleCompletedPayload:
    return {
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
        "tenders": [{"kind": t.kind, "amount": t.amount} for t in sale.tenders],
        "ledger_hashes": ledger_hashes,
        "hold_id": hold_id,
    }


def sale_returned(
    ret: Return, customer_uid: str | None, ledger_hashes: list[str]
) -> SaleReturnedPayload:
    return {
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
                "money_back": line.money_back,
                "taken_back": line.taken_back,
                "given_back": line.given_back,
            }
            for line in ret.lines
        ],
        "ledger_hashes": ledger_hashes,
    }
