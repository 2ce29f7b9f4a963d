"""The till's audit trail: each entry is kept on the till and queued for the server in the
same transaction as the action it records, so neither can exist without the other."""

from __future__ import annotations

import uuid
from datetime import datetime

from bonuspos.domain.staff import Action
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import AUDIT_DETAIL_LENGTH
from bonuspos.services import events


def record(
    uow: UnitOfWork,
    at: datetime,
    action: Action,
    *,
    staff_id: str | None,
    approved_by: str | None = None,
    subject: str = "",
    detail: str = "",
) -> None:
    """Append one entry; `detail` is for people and never holds a phone number."""
    audit_id = str(uuid.uuid4())
    detail = detail[:AUDIT_DETAIL_LENGTH]
    uow.audit.append(
        audit_id,
        at,
        action.value,
        staff_id=staff_id,
        approved_by=approved_by,
        subject=subject,
        detail=detail,
    )
    uow.outbox.append(
        str(uuid.uuid4()),
        events.AUDIT_RECORDED,
        at,
        events.audit_recorded(audit_id, at, action.value, staff_id, approved_by, subject, detail),
    )
