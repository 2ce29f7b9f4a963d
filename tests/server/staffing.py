"""Staff and their approvals as tests need them: hired as HQ hires them, approving as a
till does while the manager types the PIN."""

from __future__ import annotations

import argparse
import uuid
from datetime import datetime
from typing import Any

from bonuspos.domain.staff import (
    Action,
    approval_mac,
    approval_message,
    correction_details,
    return_details,
)
from bonuspos_server.admin import staff as staff_admin
from bonuspos_server.data.db import ServerDatabase
from bonuspos_server.data.models import Staff

MANAGER_PIN, CASHIER_PIN = "135790", "2468"


def hire(db: ServerDatabase, store: str, name: str, role: str, pin: str | None = None) -> str:
    """`bonuspos-server add-staff`; the new person's id."""
    pin = pin or (MANAGER_PIN if role == "manager" else CASHIER_PIN)
    args = argparse.Namespace(store=store, full_name=name, role=role, pin=pin)
    with db.sessions() as session, session.begin():
        return staff_admin.add_staff(session, args)


def key_of(db: ServerDatabase, staff_id: str) -> bytes:
    """What the till derives from the PIN as it is typed (the server keeps it)."""
    with db.sessions() as session:
        return bytes.fromhex(session.get_one(Staff, staff_id).key)


def approval(
    key: bytes,
    action: Action,
    *,
    approver_id: str,
    subject: str,
    at: datetime,
    details: tuple[str, ...],
    store: str = "S1",
    till: str = "T1",
) -> dict[str, str]:
    approved_at = at.isoformat()
    message = approval_message(
        action,
        store=store,
        till=till,
        approver_id=approver_id,
        subject=subject,
        approved_at=approved_at,
        details=details,
    )
    return {
        "approver_id": approver_id,
        "approved_at": approved_at,
        "mac": approval_mac(key, message),
    }


def correction(
    uid: str,
    points: int,
    at: datetime,
    *,
    staff_id: str,
    key: bytes,
    approver_id: str | None = None,
    reason: str = "чек №15 не дошёл",
    till: str = "T1",
    store: str = "S1",
) -> dict[str, Any]:
    """A manager's correction as the till sends it, approved under `key`."""
    adjustment_id = str(uuid.uuid4())
    return {
        "adjustment_id": adjustment_id,
        "customer_uid": uid,
        "occurred_at": at.isoformat(),
        "points": points,
        "reason": reason,
        "staff_id": staff_id,
        "approval": approval(
            key,
            Action.CORRECTION,
            approver_id=approver_id or staff_id,
            subject=adjustment_id,
            at=at,
            details=correction_details(uid, points, reason),
            store=store,
            till=till,
        ),
        "ledger_hashes": [],
    }


def return_approval(
    key: bytes, approver_id: str, return_id: str, sale_id: str, at: datetime
) -> dict[str, str]:
    return approval(
        key,
        Action.RETURN,
        approver_id=approver_id,
        subject=return_id,
        at=at,
        details=return_details(sale_id),
    )
