"""Who an event names, and whether a manager's approval it carries holds.

A till knows its staff only by their verifiers; the server keeps each PIN's scrypt key.
An approval is an HMAC under the manager's key of what was approved
(`bonuspos.domain.staff.approval_message`), so the server can check it and a till token
alone cannot make one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from bonuspos.domain.staff import Action, Role, approval_holds, approval_message
from bonuspos.protocol import Flag
from bonuspos_server.ingest.working import Person, Working
from bonuspos_server.web.schemas import ApprovalIn

# How far an approval's time may be from the event it approves: a till queues the event
# as the manager approves, so after it only by clock skew, and never a day before it.
AFTER_EVENT = timedelta(minutes=5)
BEFORE_EVENT = timedelta(hours=24)


class NotApproved(Exception):
    """The approval does not hold; the message says why, for the problem's detail."""


def who(work: Working, staff_id: UUID | None) -> Flag | None:
    """Keeps the event's staff id for its rows; `unknown-staff` when it names nobody of the
    till's store. The event stands either way: a sale is never lost over who rang it up."""
    if staff_id is None:
        return None
    work.staff_id = str(staff_id)
    return Flag.UNKNOWN_STAFF if work.person(work.staff_id) is None else None


def verify(
    work: Working,
    action: Action,
    approval: ApprovalIn | None,
    *,
    subject: str,
    details: Sequence[str],
    occurred_at: datetime,
) -> Person:
    """The manager who approved, when `approval` holds for this till, subject and details."""
    if approval is None:
        raise NotApproved("no manager's approval")
    approver = work.person(str(approval.approver_id))
    if approver is None:
        raise NotApproved("the approver is nobody of this store")
    if not approver.active or approver.role != Role.MANAGER:
        raise NotApproved("the approver is not an active manager")
    approved_at = datetime.fromisoformat(approval.approved_at)
    if not occurred_at - BEFORE_EVENT <= approved_at <= occurred_at + AFTER_EVENT:
        raise NotApproved("approved_at is too far from the event's time")
    if approver.locked_at(approved_at):
        raise NotApproved("the approver was locked out at approved_at")
    message = approval_message(
        action,
        store=work.store_code,
        till=work.till_code,
        approver_id=approver.id,
        subject=subject,
        approved_at=approval.approved_at,
        details=details,
    )
    if not approval_holds(bytes.fromhex(approver.key), message, approval.mac):
        raise NotApproved("the approval's MAC does not hold")
    return approver
