"""A manager's correction of a card's balance: a reason, a limit, and the PIN on the spot.

The correction is signed with the manager's key while the PIN is typed (the approval),
so the server can tell it from one a till made up; the limits here are the policy's,
the same ones the server applies to the whole store's day.
"""

from __future__ import annotations

import uuid
from datetime import date

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.ledger import EntryKind, LedgerEntry
from bonuspos.domain.money import Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.staff import Action, correction_details
from bonuspos.ledger.db import Database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import REASON_LENGTH, has_control_characters
from bonuspos.services import audit, events
from bonuspos.services.clock import Clock
from bonuspos.services.clock_guard import Action as Dated
from bonuspos.services.clock_guard import ClockGuard
from bonuspos.services.errors import NotFound, storage_problems
from bonuspos.services.lookup import card_of
from bonuspos.services.staff import StaffService
from bonuspos.services.views import CorrectionDone, Shift

MIN_REASON = 3


def check_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if len(text) < MIN_REASON:
        raise InvalidInput(
            "Укажите причину корректировки: без неё баллы не меняются", "correction-reason-missing"
        )
    if len(text) > REASON_LENGTH or has_control_characters(text):
        raise InvalidInput(
            f"Причина: не длиннее {REASON_LENGTH} знаков, без служебных символов",
            "correction-reason-too-long",
            {"longest": REASON_LENGTH},
        )
    return text


PLUS, MINUS = "+", "−"  # a typographic minus: a hyphen is easily missed on a screen


def signed(points: Points) -> str:
    """A correction as people read it: `+150,00 б.`, `−20,00 б.`."""
    return (MINUS if points.is_negative else PLUS) + str(Points(abs(points.minor)))


class Corrections:
    def __init__(
        self, db: Database, clock: Clock, guard: ClockGuard, policy: Policy, staff: StaffService
    ) -> None:
        self._db = db
        self._clock = clock
        self._guard = guard
        self._policy = policy
        self._staff = staff

    def correct(
        self,
        shift: Shift,
        customer_uid: str,
        points: Points,
        reason: str,
        approver_id: str,
        pin: str,
    ) -> CorrectionDone:
        """Add (positive) or take (negative) points; all checks before the PIN is asked."""
        reason = check_reason(reason)
        if not points:
            raise InvalidInput("Корректировка на 0 баллов ничего не меняет")
        limit = self._policy.correction_limit
        if abs(points.minor) > limit.minor:
            raise InvalidInput(f"За одну корректировку — не больше {limit}")
        today = self._policy.store_day(self._clock.now())
        with UnitOfWork(self._db.reading) as uow:
            card = uow.customers.card_by_uid(customer_uid, today)
            if card is None:
                raise NotFound("Карта покупателя не найдена: найдите её заново", "card-gone")
            self._within_day(uow, points, today)
            if points.is_negative and card.balance.active < -points:
                raise InvalidInput(f"На карте доступно {card.balance.active}: снять больше нельзя")
        adjustment_id = str(uuid.uuid4())
        approval = self._staff.approve(
            shift,
            approver_id,
            pin,
            Action.CORRECTION,
            adjustment_id,
            correction_details(customer_uid, points.minor, reason),
        )
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            at = self._guard.now(uow, Dated.SALE)
            # Dated by the clock guard like a sale; the server checks it is close to the
            # approval's own moment.
            day = self._policy.store_day(at)
            self._within_day(uow, points, day)
            customer = uow.customers.by_uid(customer_uid)
            if customer is None:
                raise NotFound("Карта покупателя не найдена: найдите её заново", "card-gone")
            uow.corrections.record(
                adjustment_id,
                customer.id,
                points.minor,
                reason,
                staff_id=shift.staff.staff_id,
                approved_by=approval.approver.staff_id,
                at=at,
                day=day,
            )
            entries = [LedgerEntry(EntryKind.ADJUSTED, points, day)]
            hashes = uow.ledger.append(
                customer.id, customer.uid, entries, at=at, adjustment_id=adjustment_id
            )
            uow.balances.apply(customer.id, entries, day)
            uow.outbox.append(
                str(uuid.uuid4()),
                events.BALANCE_ADJUSTED,
                at,
                events.balance_adjusted(
                    adjustment_id,
                    customer.uid,
                    at,
                    points.minor,
                    reason,
                    shift.staff.staff_id,
                    approval,
                    hashes,
                ),
            )
            audit.record(
                uow,
                at,
                Action.CORRECTION,
                staff_id=shift.staff.staff_id,
                approved_by=approval.approver.staff_id,
                subject=adjustment_id,
                detail=f"{signed(points)}: {reason}",
            )
            view = card_of(uow, customer.id, day)
            assert view is not None
            uow.commit()
        return CorrectionDone(adjustment_id, view, points, reason, approval.approver.full_name)

    def _within_day(self, uow: UnitOfWork, points: Points, day: date) -> None:
        moved = uow.corrections.moved_on(day)
        room = self._policy.correction_daily_limit.minor - moved
        if abs(points.minor) > room:
            raise InvalidInput(
                f"Дневной лимит корректировок магазина исчерпан: осталось {Points(max(room, 0))}"
            )
