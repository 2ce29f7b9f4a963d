"""A till's audit trail (`audit_recorded`): kept append-only, and a lockout shared.

Entries are stored as they come, each once by its id. A `locked_out` entry for a person
of the till's own store locks them on the server too, until the entry's time plus the
policy's lockout, and puts them in the changes feed: the store's other tills learn of it
on their next pull, so guessing a PIN cannot go on from till to till.
"""

from __future__ import annotations

from bonuspos.domain.staff import Action
from bonuspos.protocol import Flag
from bonuspos_server.ingest.apply import joined
from bonuspos_server.ingest.approvals import who
from bonuspos_server.ingest.working import Working
from bonuspos_server.web.problems import Problem
from bonuspos_server.web.schemas import AuditRecorded


def audit_recorded(work: Working, p: AuditRecorded) -> str | None:
    audit_id = str(p.audit_id)
    if audit_id in work.audit_ids:
        raise Problem(
            409,
            "audit-exists",
            "Audit entry already recorded",
            "This audit id arrived before in another event",
        )
    unknown = who(work, p.staff_id)
    if p.approved_by is not None and work.person(str(p.approved_by)) is None:
        unknown = Flag.UNKNOWN_STAFF
    work.audited(
        {
            "audit_id": audit_id,
            "staff_id": str(p.staff_id) if p.staff_id else None,
            "approved_by": str(p.approved_by) if p.approved_by else None,
            "action": p.action.value,
            "subject": p.subject,
            "detail": p.detail,
            "occurred_at": p.occurred_at,
        }
    )
    person = work.person(str(p.staff_id)) if p.staff_id is not None else None
    if p.action is Action.LOCKED_OUT and person is not None:
        # From the entry's own time, which the batch keeps within the clock tolerance of
        # now: a till cannot lock anyone for longer than the policy's lockout.
        work.lock(person, p.occurred_at + work.current_policy().pin_lockout)
    return joined(unknown)


AUDIT_RECORDED = (AuditRecorded, audit_recorded)
