"""Who may sign in, what they did (the audit log), and the corrections managers made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bonuspos.domain.staff import PinRecord, Role
from bonuspos.ledger.models import AuditEntry, Correction, StaffMember


@dataclass(frozen=True, slots=True)
class StaffRecord:
    id: str
    full_name: str
    role: Role
    active: bool
    pin: PinRecord
    locked_until: datetime | None
    failed_pins: int
    origin: str


def _staff(row: StaffMember) -> StaffRecord:
    return StaffRecord(
        id=row.id,
        full_name=row.full_name,
        role=Role(row.role),
        active=row.active,
        pin=PinRecord(row.kdf, row.verifier),
        locked_until=row.locked_until,
        failed_pins=row.failed_pins,
        origin=row.origin,
    )


class Staff:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, staff_id: str) -> StaffRecord | None:
        row = self._s.get(StaffMember, staff_id)
        return _staff(row) if row else None

    def roster(self) -> list[StaffRecord]:
        rows = self._s.execute(
            select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.full_name)
        ).scalars()
        return [_staff(row) for row in rows]

    def names(self, ids: Sequence[str]) -> dict[str, str]:
        rows = self._s.execute(
            select(StaffMember.id, StaffMember.full_name).where(StaffMember.id.in_(list(ids)))
        )
        return {staff_id: name for staff_id, name in rows}

    def add(self, staff_id: str, full_name: str, role: Role, pin: PinRecord, origin: str) -> None:
        self._s.add(
            StaffMember(
                id=staff_id,
                full_name=full_name,
                role=role.value,
                active=True,
                kdf=pin.kdf,
                verifier=pin.verifier,
                locked_until=None,
                failed_pins=0,
                origin=origin,
            )
        )
        self._s.flush()

    def store_from_server(
        self,
        staff_id: str,
        full_name: str,
        role: Role,
        active: bool,
        pin: PinRecord,
        locked_until: datetime | None,
    ) -> None:
        """The server's word on a person; a lock this till set itself is kept if later."""
        row = self._s.get(StaffMember, staff_id)
        if row is None:
            row = StaffMember(id=staff_id, failed_pins=0, origin="server", locked_until=None)
            self._s.add(row)
        if row.kdf != pin.kdf or row.verifier != pin.verifier:
            row.failed_pins = 0  # a new PIN starts a new count
            row.locked_until = None
        row.full_name = full_name
        row.role = role.value
        row.active = active
        row.kdf = pin.kdf
        row.verifier = pin.verifier
        if locked_until is not None and (
            row.locked_until is None or locked_until > row.locked_until
        ):
            row.locked_until = locked_until
        self._s.flush()

    def failed(self, staff_id: str, locked_until: datetime | None) -> int:
        """Count a wrong PIN; lock when `locked_until` is given. The count so far."""
        values: dict[str, object] = {"failed_pins": StaffMember.failed_pins + 1}
        if locked_until is not None:
            values["locked_until"] = locked_until
        self._s.execute(update(StaffMember).where(StaffMember.id == staff_id).values(**values))
        return int(
            self._s.execute(
                select(StaffMember.failed_pins).where(StaffMember.id == staff_id)
            ).scalar_one()
        )

    def succeeded(self, staff_id: str) -> None:
        self._s.execute(
            update(StaffMember)
            .where(StaffMember.id == staff_id)
            .values(failed_pins=0, locked_until=None)
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    audit_id: str
    occurred_at: datetime
    action: str
    staff_id: str | None
    approved_by: str | None
    subject: str
    detail: str


class AuditLog:
    """Append and read: there is deliberately no way here to change or remove an entry."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def append(
        self,
        audit_id: str,
        at: datetime,
        action: str,
        *,
        staff_id: str | None,
        approved_by: str | None = None,
        subject: str = "",
        detail: str = "",
    ) -> None:
        self._s.add(
            AuditEntry(
                audit_id=audit_id,
                occurred_at=at,
                action=action,
                staff_id=staff_id,
                approved_by=approved_by,
                subject=subject,
                detail=detail,
            )
        )
        self._s.flush()

    def since(self, at: datetime) -> list[AuditRecord]:
        rows = self._s.execute(
            select(AuditEntry).where(AuditEntry.occurred_at >= at).order_by(AuditEntry.seq)
        ).scalars()
        return [
            AuditRecord(
                r.seq,
                r.audit_id,
                r.occurred_at,
                r.action,
                r.staff_id,
                r.approved_by,
                r.subject,
                r.detail,
            )
            for r in rows
        ]


class Corrections:
    def __init__(self, session: Session) -> None:
        self._s = session

    def exists(self, correction_id: str) -> bool:
        return self._s.get(Correction, correction_id) is not None

    def moved_on(self, day: date) -> int:
        """Points moved by this till's corrections on the store day, either way."""
        return int(
            self._s.execute(
                select(func.coalesce(func.sum(func.abs(Correction.points)), 0)).where(
                    Correction.store_day == day
                )
            ).scalar_one()
        )

    def record(
        self,
        correction_id: str,
        customer_id: int,
        points: int,
        reason: str,
        *,
        staff_id: str,
        approved_by: str,
        at: datetime,
        day: date,
    ) -> None:
        self._s.add(
            Correction(
                id=correction_id,
                customer_id=customer_id,
                points=points,
                reason=reason,
                staff_id=staff_id,
                approved_by=approved_by,
                occurred_at=at,
                store_day=day,
            )
        )
        self._s.flush()
