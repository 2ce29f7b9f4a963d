"""Spending above the policy's threshold needs proof the customer is there: the code sent
to their phone (online), their own plastic card or a manager's approval (offline). The
server checks the proof itself, so a modified till that skips the question gets nothing.
Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.domain.staff import Action, spend_details
from bonuspos_server.codes.sms import LogSmsGateway
from tests.server.builders import TV, Sequencer, registered, sale
from tests.server.conftest import PHONE, Chain, card, post
from tests.server.live import credit, plastic_proof
from tests.server.staffing import approval, hire, key_of

BORIS = "+375297654321"
ABOVE = DEFAULT_POLICY.verify_spend_above.minor + 50_00  # 150,00 points: needs proof
BELOW = DEFAULT_POLICY.verify_spend_above.minor  # 100,00 points: needs none


def sms(chain: Chain) -> LogSmsGateway:
    gateway = chain.client.app.state.codes.sms  # type: ignore[attr-defined]
    assert isinstance(gateway, LogSmsGateway)
    return gateway


def ask_code(chain: Chain, number: str = PHONE, till: str = "T1") -> httpx.Response:
    return chain.client.post("/v1/spend-codes", json={"card": number}, headers=chain.headers(till))


def last_code(chain: Chain) -> str:
    found = re.search(r"\b[0-9]{6}\b", sms(chain).sent[-1].text)
    assert found is not None
    return found.group()


def hold(chain: Chain, points: int, code: str | None = None, number: str = PHONE) -> httpx.Response:
    body: dict[str, Any] = {"hold_id": str(uuid.uuid4()), "card": number, "points": points}
    if code is not None:
        body["code"] = code
    return chain.client.post("/v1/holds", json=body, headers=chain.headers())


def problem(answer: httpx.Response) -> str:
    slug: str = answer.json()["type"].rsplit("/", 1)[-1]
    return slug


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def rich_anna(chain: Chain, anna: str) -> str:
    credit(chain.db, PHONE, 500_00)
    return anna


def spend_online(
    chain: Chain, till: Sequencer, anna: str, points: int, hold_id: str | None
) -> dict[str, Any]:
    at = chain.clock()
    made = sale(anna, at, (TV,), spend=points, offline=False, hold_id=hold_id)
    [result] = post(chain, [till.event("sale_completed", at, made)])
    return result


# --- online: the code -----------------------------------------------------------------------


def test_a_hold_above_the_threshold_without_a_code_is_refused(chain: Chain, rich_anna: str) -> None:
    answer = hold(chain, ABOVE)
    assert answer.status_code == 403
    assert problem(answer) == "verification-required"
    assert hold(chain, BELOW).status_code == 201  # at the threshold, no code


def test_the_code_sent_to_the_phone_lets_the_hold_and_its_sale_through(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    assert ask_code(chain).status_code == 202
    assert sms(chain).sent[-1].phone_e164 == PHONE
    answer = hold(chain, ABOVE, last_code(chain))
    assert answer.status_code == 201, answer.text
    result = spend_online(chain, till, rich_anna, ABOVE, answer.json()["hold_id"])
    assert result["status"] == "accepted", result
    assert card(chain)["active"] == 500_00 - ABOVE


def test_a_replayed_code_is_refused(chain: Chain, rich_anna: str) -> None:
    ask_code(chain)
    code = last_code(chain)
    assert hold(chain, ABOVE, code).status_code == 201
    again = hold(chain, ABOVE, code)
    assert again.status_code == 403
    assert problem(again) == "code-expired"


def test_another_cards_code_does_not_open_this_card(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    at = chain.clock() - timedelta(hours=1)
    post(chain, [till.event("customer_registered", at, registered(str(uuid.uuid4()), BORIS, at))])
    ask_code(chain, BORIS)
    answer = hold(chain, ABOVE, last_code(chain))
    assert answer.status_code == 403
    assert problem(answer) == "code-expired"  # Anna was never sent one


def test_three_wrong_codes_lock_the_cards_codes_even_the_right_one(
    chain: Chain, rich_anna: str
) -> None:
    ask_code(chain)
    code = last_code(chain)
    assert problem(hold(chain, ABOVE, wrong(code))) == "code-wrong"
    assert problem(hold(chain, ABOVE, wrong(code))) == "code-wrong"
    third = hold(chain, ABOVE, wrong(code))
    assert third.status_code == 429
    assert problem(third) == "codes-locked"
    assert problem(hold(chain, ABOVE, code)) == "codes-locked"
    assert problem(ask_code(chain)) == "codes-locked"
    chain.clock.advance(timedelta(minutes=16))
    assert ask_code(chain).status_code == 202
    assert hold(chain, ABOVE, last_code(chain)).status_code == 201


def test_asking_codes_is_limited_per_card(chain: Chain, rich_anna: str) -> None:
    answers = [ask_code(chain, till=till) for till in ("T1", "T2", "T3", "T1")]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert problem(answers[-1]) == "too-many-codes"
    assert answers[-1].headers["Retry-After"]


def test_an_unknown_card_gets_no_code(chain: Chain) -> None:
    assert ask_code(chain).status_code == 404


def test_a_modified_till_spending_above_the_threshold_without_a_verified_hold_is_rejected(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    unverified = hold(chain, BELOW).json()["hold_id"]
    # A hold of 100,00 then a sale spending 150,00 "online" on it, and one with no hold.
    for hold_id in (unverified, None):
        result = spend_online(chain, till, rich_anna, ABOVE, hold_id)
        assert result["status"] == "rejected"
        assert result["problem"]["type"].endswith("/verification-required")
    assert card(chain)["active"] == 500_00


def test_a_hold_verified_for_fewer_points_does_not_cover_a_bigger_spend(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    ask_code(chain)
    small = hold(chain, ABOVE, last_code(chain)).json()["hold_id"]
    result = spend_online(chain, till, rich_anna, ABOVE + 10_00, small)
    assert result["status"] == "rejected"
    assert card(chain)["active"] == 500_00


# --- offline: the plastic card or a manager ---------------------------------------------


def offline_spend(chain: Chain, anna: str, **extra: Any) -> tuple[dict[str, Any], Any]:
    at = chain.clock() - timedelta(minutes=1)
    made = sale(anna, at, (TV,), spend=ABOVE)
    made.update(extra)
    return made, at


def test_an_offline_spend_above_the_threshold_with_no_proof_is_rejected_at_sync(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    made, at = offline_spend(chain, rich_anna)
    [result] = post(chain, [till.event("sale_completed", at, made)])
    assert result["status"] == "rejected"
    assert result["problem"]["type"].endswith("/verification-required")
    below = sale(rich_anna, at, (TV,), spend=BELOW)
    [fine] = post(chain, [till.event("sale_completed", at, below)])
    assert fine["status"] == "accepted"


def test_an_offline_spend_with_the_customers_plastic_card_is_accepted(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    made, at = offline_spend(chain, rich_anna, verification=plastic_proof(chain.db, PHONE))
    [result] = post(chain, [till.event("sale_completed", at, made)])
    assert result["status"] == "accepted", result


def test_a_plastic_number_that_is_not_the_customers_is_rejected(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    at = chain.clock() - timedelta(hours=1)
    post(chain, [till.event("customer_registered", at, registered(str(uuid.uuid4()), BORIS, at))])
    boris_card = plastic_proof(chain.db, BORIS, "2000000000022")
    for proof in (boris_card, {"method": "plastic_card", "card_number": "2999999999995"}):
        made, at = offline_spend(chain, rich_anna, verification=proof)
        [result] = post(chain, [till.event("sale_completed", at, made)])
        assert result["status"] == "rejected"
    assert card(chain)["active"] == 500_00


def spend_approval(
    chain: Chain, approver: str, sale_id: str, uid: str, points: int, at: Any
) -> dict[str, Any]:
    body = approval(
        key_of(chain.db, approver),
        Action.SPEND,
        approver_id=approver,
        subject=sale_id,
        at=at,
        details=spend_details(uid, points),
    )
    return {"method": "approval", "approval": body}


def test_an_offline_spend_a_manager_approved_is_accepted(
    chain: Chain, till: Sequencer, rich_anna: str
) -> None:
    olga = hire(chain.db, "S1", "Ольга Петрова", "manager")
    made, at = offline_spend(chain, rich_anna)
    made["verification"] = spend_approval(chain, olga, made["sale_id"], rich_anna, ABOVE, at)
    [result] = post(chain, [till.event("sale_completed", at, made)])
    assert result["status"] == "accepted", result


@pytest.mark.parametrize("abuse", ["other-points", "other-sale", "cashier"])
def test_an_approval_of_something_else_or_by_a_cashier_is_rejected(
    chain: Chain, till: Sequencer, rich_anna: str, abuse: str
) -> None:
    olga = hire(chain.db, "S1", "Ольга Петрова", "manager")
    ivan = hire(chain.db, "S1", "Иван Сидоров", "cashier")
    made, at = offline_spend(chain, rich_anna)
    approver, sale_id, points = olga, made["sale_id"], ABOVE
    if abuse == "other-points":
        points = ABOVE - 10_00
    elif abuse == "other-sale":
        sale_id = str(uuid.uuid4())
    else:
        approver = ivan
    made["verification"] = spend_approval(chain, approver, sale_id, rich_anna, points, at)
    [result] = post(chain, [till.event("sale_completed", at, made)])
    assert result["status"] == "rejected"
    assert result["problem"]["type"].endswith("/verification-required")
    assert card(chain)["active"] == 500_00
