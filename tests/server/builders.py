"""Events as tills send them, built with the same domain code the till uses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bonuspos.domain.cart import Cart, Line, Tender, TenderKind
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY, Policy
from bonuspos.domain.quote import quote

TV = Line("TV-55Q", "Телевизор", Money(2499_00), 1, Points(75_00))
HEADPHONES = Line("HP-BT", "Наушники", Money(149_00), 1, Points(4_50))
PHONE = Line("PH-A15", "Смартфон", Money(899_00), 1, Points(27_00))
VACUUM = Line("VC-ROB", "Пылесос (акция)", Money(599_00), 1, Points(0), promotional=True)


@dataclass
class Sequencer:
    """A till's event numbering: each event gets the next seq."""

    seq: int = 0

    def event(self, type_: str, at: datetime, payload: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "event_id": str(uuid.uuid4()),
            "seq": self.seq,
            "occurred_at": at.isoformat(),
            "type": type_,
            "payload": payload,
        }


def registered(uid: str, phone: str, at: datetime, name: str = "Иванова Анна") -> dict[str, Any]:
    return {
        "customer_uid": uid,
        "phone": phone,
        "full_name": name,
        "email": "",
        "birth_date": "",
        "rules_version": 1,
        "consented_at": at.isoformat(),
        "plastic_card": None,
    }


def sale(
    uid: str | None,
    at: datetime,
    lines: tuple[Line, ...] = (TV,),
    *,
    spend: int = 0,
    kind: TenderKind = TenderKind.CASH,
    offline: bool = True,
    hold_id: str | None = None,
    policy: Policy = DEFAULT_POLICY,
    sale_id: str | None = None,
) -> dict[str, Any]:
    """A sale the till would complete; `spend` is not checked against the cap here."""
    cart = Cart(lines)
    quoted = quote(
        cart, tenders=[kind], balance=None, policy=policy, at=at, has_card=uid is not None
    )
    due = cart.total.minor - spend
    tenders = [Tender(kind, Money(due))] if due > 0 else []
    try:
        shares = quoted.settle(Points(spend), tenders).shares
    except Exception:  # an illegal spend, sent on purpose: share it out naively
        shares = tuple(Points(0) for _ in lines)
    return {
        "sale_id": sale_id or str(uuid.uuid4()),
        "number": 1,
        "customer_uid": uid,
        "occurred_at": at.isoformat(),
        "policy_version": policy.version,
        "channel": "in_store",
        "order_ref": "",
        "offline": offline,
        "total": cart.total.minor,
        "spent": spend,
        "earned": quoted.earns.minor,
        "activates_on": quoted.activates_on.isoformat(),
        "lines": [
            {
                "line_no": n,
                "sku": lq.line.sku,
                "unit_price": lq.line.unit_price.minor,
                "quantity": lq.line.quantity,
                "discount": lq.line.discount.minor,
                "points_per_unit": lq.line.points_per_unit.minor,
                "promotional": lq.line.promotional,
                "earned": lq.earns.minor,
                "share": share.minor,
            }
            for n, (lq, share) in enumerate(zip(quoted.lines, shares, strict=True), 1)
        ],
        "tenders": [{"kind": t.kind.value, "amount": t.amount.minor} for t in tenders],
        "ledger_hashes": [],
        "hold_id": hold_id,
    }


def batch(events: list[dict[str, Any]], store: str = "S1", till: str = "T1") -> dict[str, Any]:
    return {"store": store, "till": till, "events": events}
