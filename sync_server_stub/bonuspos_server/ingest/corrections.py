"""A manager's correction made at a till (`balance_adjusted`): accepted only when approved.

A till token alone never corrects a balance. The event must name a manager of the till's
store, whose approval (an HMAC under the key only the PIN derives) binds the card, the
amount, the reason and the correction's id; the amount must be within the policy's
limits per correction and per store day. Anything short of that is refused whole, with
nothing written. An accepted one is what HQ's `bonuspos-server adjust` writes (an
`adjusted` ledger entry active at once, the card's total, its place in the feed, an
`adjustments` row), plus who made and who approved it.
"""

from __future__ import annotations

from bonuspos.domain.ledger import EntryKind, LedgerEntry
from bonuspos.domain.money import Points
from bonuspos.domain.staff import Action, correction_details
from bonuspos.protocol import Flag
from bonuspos_server.ingest import apply
from bonuspos_server.ingest.approvals import NotApproved, verify, who
from bonuspos_server.ingest.working import Working
from bonuspos_server.web.problems import Problem, invalid
from bonuspos_server.web.schemas import BalanceAdjusted


def not_allowed(why: str) -> Problem:
    return Problem(
        403,
        "adjustment-not-allowed",
        "A till cannot correct a balance without a manager's approval",
        f"Refused: {why}. A correction needs a manager of this store approving it with"
        " their PIN; HQ corrects with `bonuspos-server adjust`",
    )


def over_limit(detail: str, limit: int, corrected: int) -> Problem:
    return Problem(
        422,
        "correction-over-limit",
        "The correction is over the policy's limit",
        detail,
        limit=limit,
        corrected=corrected,
    )


def balance_adjusted(work: Working, p: BalanceAdjusted) -> str | None:
    adjustment_id = str(p.adjustment_id)
    if adjustment_id in work.adjustment_ids:
        raise Problem(
            409,
            "adjustment-exists",
            "Correction already recorded",
            "This adjustment id arrived before in another event",
        )
    if p.staff_id is None:
        raise not_allowed("the correction names no staff member")
    # Whoever is signed in makes it (a cashier may, at the customer's request); the
    # approval is what must come from a manager.
    maker = work.person(str(p.staff_id))
    if maker is None or not maker.active:
        raise not_allowed("the staff member making it is not active staff of this store")
    try:
        approver = verify(
            work,
            Action.CORRECTION,
            p.approval,
            subject=adjustment_id,
            details=correction_details(str(p.customer_uid), p.points, p.reason),
            occurred_at=p.occurred_at,
        )
    except NotApproved as exc:
        raise not_allowed(str(exc)) from None
    if len(" ".join(p.reason.split())) < 3:
        raise invalid("A correction's reason is at least 3 printable characters")
    if p.points == 0:
        raise invalid("A correction of 0 points changes nothing")
    policy = work.current_policy()
    limit = policy.correction_limit.minor
    if abs(p.points) > limit:
        raise over_limit(
            f"{Points(abs(p.points)).number()} points is over the limit of"
            f" {Points(limit).number()} per correction",
            limit,
            abs(p.points),
        )
    day = policy.store_day(p.occurred_at)
    daily = policy.correction_daily_limit.minor
    corrected = work.corrected_on(day, policy)
    if corrected + abs(p.points) > daily:
        raise over_limit(
            f"the store's tills corrected {Points(corrected).number()} points on {day};"
            f" {Points(abs(p.points)).number()} more is over the daily limit of"
            f" {Points(daily).number()}",
            daily,
            corrected,
        )
    card = work.card(str(p.customer_uid))
    if card is None:
        raise invalid("Unknown card: its registration has not reached the server")
    # Every check has passed: from here on the correction is recorded.
    who(work, p.staff_id)
    entry = LedgerEntry(EntryKind.ADJUSTED, Points(p.points), day)  # active at once
    flag = None
    # The till hashes a correction's entry with its id where a return's id would be.
    if apply.chain_broken(work, str(p.customer_uid), None, adjustment_id, [entry], p):
        flag = Flag.CHAIN_BROKEN
    apply.post(work, card, [entry], p.occurred_at, policy)
    work.adjusted(
        {
            "id": adjustment_id,
            "event_id": work.event_id,
            "customer_id": card.id,
            "entry_id": None,  # the entry names the event; its id is known only once written
            "points": p.points,
            "reason": p.reason,
            "os_user": None,
            "by_name": None,
            "created_at": work.now,
            "till_id": work.till_id,
            "occurred_at": p.occurred_at,
            "staff_id": maker.id,
            "approved_by": approver.id,
        },
        day,
    )
    return flag


BALANCE_ADJUSTED = (BalanceAdjusted, balance_adjusted)
