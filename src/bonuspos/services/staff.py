"""Signing in and out, locking an idle till, and a manager's approval typed on the spot.

A PIN is checked against the verifier the till keeps (bonuspos.domain.staff), outside any
write transaction: the slow hash takes tens of milliseconds and must not hold the
database's lock. Every wrong PIN is counted and written down before the cashier hears
"wrong", so pulling the plug after a guess does not reset the count.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money
from bonuspos.domain.policy import Policy
from bonuspos.domain.staff import (
    Action,
    Role,
    approval_mac,
    approval_message,
    check_name,
    key_if_right,
    new_pin,
)
from bonuspos.ledger.db import Database
from bonuspos.ledger.staff import StaffRecord
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services import audit
from bonuspos.services.clock import Clock
from bonuspos.services.errors import (
    ApprovalRequired,
    NotAManager,
    NotFound,
    StaffLocked,
    WrongPin,
    storage_problems,
)
from bonuspos.services.events import moment
from bonuspos.services.views import Approval, Shift, StaffView


def view_of(person: StaffRecord, now: datetime | None = None) -> StaffView:
    locked = person.locked_until
    if locked is not None and now is not None and locked <= now:
        locked = None
    return StaffView(person.id, person.full_name, person.role, locked)


class StaffService:
    def __init__(
        self, db: Database, clock: Clock, policy: Policy, store: str = "", till: str = ""
    ) -> None:
        self._db = db
        self._clock = clock
        self._policy = policy
        # Named in every approval, so one signed at another till does not verify here.
        self._store = store
        self._till = till

    def roster(self) -> tuple[StaffView, ...]:
        now = self._clock.now()
        with storage_problems(), UnitOfWork(self._db.reading) as uow:
            return tuple(view_of(p, now) for p in uow.staff.roster())

    def names(self, ids: Sequence[str]) -> dict[str, str]:
        with UnitOfWork(self._db.reading) as uow:
            return uow.staff.names(ids)

    def needs_approval(self, action: Action) -> bool:
        return self._policy.needs_approval(action.value)

    # --- signing in and out ------------------------------------------------------------

    def sign_in(self, staff_id: str, pin: str) -> Shift:
        person, _key = self._verify(staff_id, pin, acting=None)
        at = self._clock.now()
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            audit.record(uow, at, Action.SIGNED_IN, staff_id=person.id)
            uow.commit()
        return Shift(view_of(person, at), at)

    def sign_out(self, shift: Shift) -> None:
        at = self._clock.now()
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            audit.record(
                uow,
                at,
                Action.SIGNED_OUT,
                staff_id=shift.staff.staff_id,
                detail=_shift_text(shift, at),
            )
            uow.commit()

    def lock(self, shift: Shift) -> None:
        """The till locked itself after the policy's idle time; the shift goes on."""
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            audit.record(uow, self._clock.now(), Action.TILL_LOCKED, staff_id=shift.staff.staff_id)
            uow.commit()

    def unlock(self, shift: Shift, staff_id: str, pin: str) -> Shift:
        """The person signed in, or a manager, who then takes the till over."""
        if staff_id == shift.staff.staff_id:
            self._verify(staff_id, pin, acting=staff_id)
            return shift
        person, _key = self._verify(staff_id, pin, acting=staff_id)
        at = self._clock.now()
        if person.role is not Role.MANAGER:
            raise NotAManager()
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            audit.record(
                uow,
                at,
                Action.SIGNED_OUT,
                staff_id=shift.staff.staff_id,
                approved_by=person.id,
                detail="смену закрыл менеджер на заблокированной кассе",
            )
            audit.record(uow, at, Action.SIGNED_IN, staff_id=person.id)
            uow.commit()
        return Shift(view_of(person, at), at)

    # --- a manager's approval ----------------------------------------------------------

    def approve(
        self,
        by: Shift | None,
        approver_id: str,
        pin: str,
        action: Action,
        subject: str,
        details: Sequence[str] = (),
    ) -> Approval:
        acting = by.staff.staff_id if by else None
        person, key = self._verify(approver_id, pin, acting=acting)
        at = self._clock.now()
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            if person.role is not Role.MANAGER:
                audit.record(
                    uow,
                    at,
                    Action.APPROVAL_REFUSED,
                    staff_id=acting,
                    subject=subject,
                    detail=f"{_ACTION_NAMES.get(action, action.value)}: PIN сотрудника "
                    f"{person.full_name}, не менеджера",
                )
                uow.commit()
                raise NotAManager()
            mac = approval_mac(
                key,
                approval_message(
                    action,
                    store=self._store,
                    till=self._till,
                    approver_id=person.id,
                    subject=subject,
                    approved_at=moment(at),
                    details=details,
                ),
            )
            audit.record(
                uow,
                at,
                Action.APPROVAL,
                staff_id=acting,
                approved_by=person.id,
                subject=subject,
                detail=_ACTION_NAMES.get(action, action.value),
            )
            uow.commit()
        return Approval(view_of(person, at), action, subject, at, mac)

    def cancel_cart(
        self, shift: Shift, sale_id: str, lines: int, total: Money, approval: Approval | None
    ) -> None:
        """Record a cart with lines given up; the policy may want a manager for it."""
        if lines and self.needs_approval(Action.CART_CANCELLED):
            require_approval(approval, Action.CART_CANCELLED, sale_id, "Отмена чека с товарами")
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            audit.record(
                uow,
                self._clock.now(),
                Action.CART_CANCELLED,
                staff_id=shift.staff.staff_id,
                approved_by=approval.approver.staff_id if approval else None,
                subject=sale_id,
                detail=f"строк: {lines}, на сумму {total}",
            )
            uow.commit()

    # --- IT's first manager ---------------------------------------------------------------

    def add_local(self, full_name: str, role: Role, pin: str) -> StaffView:
        """A person for a till with no server yet (`bonuspos add-staff`)."""
        name = check_name(full_name)
        record, _key = new_pin(pin, role)
        staff_id = str(uuid.uuid4())
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            uow.staff.add(staff_id, name, role, record, origin="till")
            uow.commit()
        return StaffView(staff_id, name, role)

    # --- the PIN itself -------------------------------------------------------------------

    def _verify(self, staff_id: str, pin: str, *, acting: str | None) -> tuple[StaffRecord, bytes]:
        with UnitOfWork(self._db.reading) as uow:
            person = uow.staff.get(staff_id)
        if person is None or not person.active:
            raise NotFound("Сотрудник не найден или отключён", "staff-not-found")
        now = self._clock.now()
        if person.locked_until is not None and person.locked_until > now:
            raise StaffLocked(person.full_name, self._local(person.locked_until))
        if not pin:
            raise InvalidInput("Введите PIN", "pin-empty")
        key = key_if_right(pin, person.pin)
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            if key is not None:
                if person.failed_pins:
                    uow.staff.succeeded(person.id)
                    uow.commit()
                return person, key
            failures = person.failed_pins + 1
            locked = None
            if failures >= self._policy.pin_attempts:
                locked = now + self._policy.pin_lockout
            uow.staff.failed(person.id, locked)
            audit.record(
                uow,
                now,
                Action.PIN_FAILED,
                staff_id=person.id,
                subject=acting or "",
                detail=f"неверный PIN, подряд: {failures}",
            )
            if locked is not None:
                audit.record(
                    uow,
                    now,
                    Action.LOCKED_OUT,
                    staff_id=person.id,
                    detail=f"заблокирован до {locked.isoformat()}",
                )
            uow.commit()
        if locked is not None:
            raise StaffLocked(person.full_name, self._local(locked))
        raise WrongPin(self._policy.pin_attempts - failures)

    def _local(self, at: datetime) -> str:
        return at.astimezone(ZoneInfo(self._policy.timezone)).strftime("%H:%M")


_ACTION_NAMES = {
    Action.RETURN: "возврат",
    Action.CORRECTION: "корректировка баллов",
    Action.CART_CANCELLED: "отмена чека",
    Action.SPEND: "списание баллов",
}


def _shift_text(shift: Shift, at: datetime) -> str:
    minutes = int((at - shift.started_at).total_seconds() // 60)
    return f"смена {minutes // 60} ч {minutes % 60:02d} мин"


def require_approval(
    approval: Approval | None, action: Action, subject: str, what: str
) -> Approval:
    """The approval given for exactly this action on exactly this subject, or a refusal."""
    if approval is None or approval.action is not action or approval.subject != subject:
        raise ApprovalRequired(what, action)
    return approval
