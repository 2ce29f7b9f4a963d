"""The spend invariant: points above the policy's threshold leave a card only with proof
that its holder was there (PROTOCOL.md, "Spend verification").

A till that asks nothing, or a modified one, cannot get such a spend accepted: the proof is
checked here, on the server's own records, whatever the till says.
"""

from __future__ import annotations

from bonuspos.domain.policy import Policy
from bonuspos.domain.staff import Action, spend_details
from bonuspos_server.data.models import Hold
from bonuspos_server.ingest.approvals import NotApproved, verify
from bonuspos_server.ingest.working import Card, Working
from bonuspos_server.web.problems import Problem
from bonuspos_server.web.schemas import SaleCompleted


def require_verified(
    work: Working, policy: Policy, card: Card, p: SaleCompleted, capture: Hold | None
) -> None:
    """Passes when the spend is within the threshold, or it captures a live hold of this
    card that the customer's code verified for at least the points spent, or it carries the
    card's own plastic card number or a manager's approval of this spend; else 403."""
    if p.spent <= policy.verify_spend_above.minor:
        return
    if capture is not None and capture.verified and capture.points >= p.spent:
        return
    proof = p.verification
    if proof is not None and proof.method == "plastic_card" and proof.card_number is not None:
        if work.plastic_holder(proof.card_number) == card.id:
            return
        raise _refused("the plastic card named is not this customer's")
    if proof is not None and proof.method == "approval":
        try:
            verify(
                work,
                Action.SPEND,
                proof.approval,
                subject=str(p.sale_id),
                details=spend_details(card.uid, p.spent),
                occurred_at=p.occurred_at,
            )
        except NotApproved as reason:
            raise _refused(f"the approval does not hold: {reason}") from None
        return
    raise _refused("no verified hold, plastic card or manager's approval")


def _refused(why: str) -> Problem:
    return Problem(
        403,
        "verification-required",
        "The spend needs the customer's verification",
        f"Spending more than the policy's threshold needs proof the customer was there: {why}",
    )
