"""Staff, approvals and corrections from tills, as the server sees them.

A till token alone cannot correct a balance: a correction stands only with a manager's
approval the server verifies under the key it alone keeps, within the policy's limits.
Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bonuspos.domain.staff import Action
from bonuspos_server.data.models import Adjustment, Event, LedgerEntry, Return, Sale, Staff
from tests.server.builders import HEADPHONES, TV, Sequencer, sale
from tests.server.conftest import Chain, card, post
from tests.server.staffing import (
    approval,
    correction,
    hire,
    key_of,
    return_approval,
)
from tests.server.test_trust import returned


def pull(chain: Chain, till: str, cursor: str | None = None) -> dict[str, Any]:
    params = {"cursor": cursor} if cursor else {}
    answer = chain.client.get("/v1/changes", params=params, headers=chain.headers(till))
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def written(chain: Chain) -> tuple[int, int]:
    with chain.db.sessions() as session:
        count = select(func.count())
        return (
            int(session.scalar(count.select_from(Adjustment)) or 0),
            int(session.scalar(count.select_from(LedgerEntry)) or 0),
        )


# --- the feed -----------------------------------------------------------------------------


def test_the_feed_carries_the_own_stores_staff_and_never_a_key(chain: Chain) -> None:
    olga = hire(chain.db, "S1", "Петрова Ольга", "manager")
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    other = hire(chain.db, "S2", "Сидорова Анна", "manager")

    staff = pull(chain, "T1")["staff"]
    assert {p["staff_id"] for p in staff} == {olga, ivan}
    with chain.db.sessions() as session:
        row = session.get_one(Staff, olga)
    [first] = [p for p in staff if p["staff_id"] == olga]
    assert first == {
        "staff_id": olga,
        "full_name": "Петрова Ольга",
        "role": "manager",
        "active": True,
        "kdf": row.kdf,
        "verifier": row.verifier,
        "locked_until": None,
    }
    assert row.key not in str(pull(chain, "T2"))
    assert [p["staff_id"] for p in pull(chain, "T3")["staff"]] == [other]


def test_a_disabled_person_comes_again_in_the_feed(chain: Chain) -> None:
    olga = hire(chain.db, "S1", "Петрова Ольга", "manager")
    cursor = pull(chain, "T1")["cursor"]
    assert pull(chain, "T1", cursor)["staff"] == []
    from bonuspos_server.admin.cli import main

    assert main(["--database-url", _url(chain), "disable-staff", olga]) == 0
    [again] = pull(chain, "T1", cursor)["staff"]
    assert (again["staff_id"], again["active"]) == (olga, False)


def _url(chain: Chain) -> str:
    return chain.db.engine.url.render_as_string(hide_password=False)


# --- corrections --------------------------------------------------------------------------


@pytest.fixture
def olga(chain: Chain) -> str:
    return hire(chain.db, "S1", "Петрова Ольга", "manager")


def test_a_managers_approved_correction_moves_the_balance_once(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    body = correction(anna, 50_00, at, staff_id=olga, key=key_of(chain.db, olga))
    event = till.event("balance_adjusted", at, body)

    [result] = post(chain, [event])

    assert (result["status"], result["flag"]) == ("accepted", None), result
    assert card(chain)["active"] == 50_00  # at once, not from tomorrow
    with chain.db.sessions() as session:
        row = session.get_one(Adjustment, body["adjustment_id"])
        logged = session.get_one(Event, event["event_id"])
    assert (row.points, row.reason, row.event_id) == (50_00, body["reason"], event["event_id"])
    assert (row.staff_id, row.approved_by, row.occurred_at) == (olga, olga, at)
    assert logged.staff_id == olga
    [again] = post(chain, [event])
    assert again["status"] == "duplicate"
    assert card(chain)["active"] == 50_00


def test_a_cashier_corrects_with_a_managers_approval(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    at = chain.clock() - timedelta(minutes=5)
    body = correction(anna, -1_00, at, staff_id=ivan, key=key_of(chain.db, olga), approver_id=olga)
    [result] = post(chain, [till.event("balance_adjusted", at, body)])
    # Whoever is signed in makes it; what must come from a manager is the approval.
    assert result["status"] == "accepted", result


Tamper = Callable[[Chain, dict[str, Any], str, str], None]


def _no_approval(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    del body["approval"]


def _by_a_cashier(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    body["staff_id"] = ivan
    body["approval"] = approval(
        key_of(chain.db, ivan),
        Action.CORRECTION,
        approver_id=ivan,
        subject=body["adjustment_id"],
        at=datetime.fromisoformat(body["occurred_at"]),
        details=(anna, str(body["points"]), body["reason"]),
    )


def _wrong_key(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    fresh = correction(
        anna,
        body["points"],
        datetime.fromisoformat(body["occurred_at"]),
        staff_id=olga,
        key=bytes(32),
    )
    body["approval"]["mac"] = fresh["approval"]["mac"]
    body["adjustment_id"] = fresh["adjustment_id"]


def _other_amount(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    body["points"] = 100_00


def _other_card(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    at = datetime.fromisoformat(body["occurred_at"])
    [result] = post(chain, [Sequencer(900).event("customer_registered", at, _petr(at))], "T1")
    assert result["status"] == "accepted"
    body["customer_uid"] = PETR


def _other_id(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    body["adjustment_id"] = str(uuid.uuid4())


def _other_till(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    # Approved at T2, replayed from T1.
    at = datetime.fromisoformat(body["occurred_at"])
    body.update(correction(anna, 20_00, at, staff_id=olga, key=key_of(chain.db, olga), till="T2"))


def _other_stores_manager(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    sveta = hire(chain.db, "S2", "Сидорова Светлана", "manager")
    at = datetime.fromisoformat(body["occurred_at"])
    body.update(correction(anna, 20_00, at, staff_id=sveta, key=key_of(chain.db, sveta)))


def _disabled_manager(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    from bonuspos_server.admin.cli import main

    assert main(["--database-url", _url(chain), "disable-staff", olga]) == 0


def _approved_two_days_before(chain: Chain, body: dict[str, Any], anna: str, olga: str) -> None:
    at = datetime.fromisoformat(body["occurred_at"])
    early = correction(
        anna, 20_00, at - timedelta(days=2), staff_id=olga, key=key_of(chain.db, olga)
    )
    body.update({**early, "occurred_at": at.isoformat()})


PETR = str(uuid.uuid4())


def _petr(at: datetime) -> dict[str, Any]:
    from tests.server.builders import registered

    return registered(PETR, "+375447654321", at, "Петров Пётр")


REFUSALS: dict[str, Tamper] = {
    "no approval": _no_approval,
    "approved by a cashier": _by_a_cashier,
    "a mac under a wrong key": _wrong_key,
    "replayed onto another amount": _other_amount,
    "replayed onto another card": _other_card,
    "replayed onto another adjustment id": _other_id,
    "replayed from another till": _other_till,
    "another store's manager": _other_stores_manager,
    "a disabled manager": _disabled_manager,
    "approved two days before": _approved_two_days_before,
}


@pytest.mark.parametrize("tamper", list(REFUSALS.values()), ids=list(REFUSALS))
def test_a_till_token_alone_cannot_correct_a_balance(
    chain: Chain, till: Sequencer, anna: str, olga: str, tamper: Tamper
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    body = correction(anna, 20_00, at, staff_id=olga, key=key_of(chain.db, olga))
    honest = copy.deepcopy(body)
    tamper(chain, body, anna, olga)
    assert body != honest or tamper is _disabled_manager  # that one changes the person
    before = written(chain)

    [result] = post(chain, [till.event("balance_adjusted", at, body)])

    assert result["status"] == "rejected", result
    assert result["problem"]["status"] == 403
    assert result["problem"]["type"].endswith("/adjustment-not-allowed")
    assert written(chain) == before
    assert card(chain)["active"] == 0


def test_a_correction_over_the_per_correction_limit_is_refused(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    body = correction(anna, -100_01, at, staff_id=olga, key=key_of(chain.db, olga))
    [result] = post(chain, [till.event("balance_adjusted", at, body)])
    assert result["status"] == "rejected"
    assert result["problem"]["type"].endswith("/correction-over-limit")
    assert (result["problem"]["status"], result["problem"]["limit"]) == (422, 100_00)
    assert written(chain) == (0, 0)


def test_the_stores_tills_together_stay_within_the_daily_limit(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    key = key_of(chain.db, olga)
    at = chain.clock() - timedelta(minutes=30)
    other = Sequencer()
    for n, points in enumerate((100_00, -100_00, 100_00, 100_00, 100_00)):
        name = "T1" if n % 2 else "T2"
        seq = till if name == "T1" else other
        body = correction(anna, points, at, staff_id=olga, key=key, till=name)
        [result] = post(chain, [seq.event("balance_adjusted", at, body)], name)
        assert result["status"] == "accepted", result
    before = written(chain)

    body = correction(anna, 1, at, staff_id=olga, key=key)
    [result] = post(chain, [till.event("balance_adjusted", at, body)])

    assert result["status"] == "rejected"
    assert result["problem"]["type"].endswith("/correction-over-limit")
    assert (result["problem"]["limit"], result["problem"]["corrected"]) == (500_00, 500_00)
    assert written(chain) == before
    assert card(chain)["active"] == 300_00


# --- lockouts and the audit trail ---------------------------------------------------------


def audit_entry(
    action: str, at: datetime, staff_id: str | None, detail: str = "", **extra: Any
) -> dict[str, Any]:
    return {
        "audit_id": str(uuid.uuid4()),
        "occurred_at": at.isoformat(),
        "action": action,
        "staff_id": staff_id,
        "approved_by": None,
        "subject": "",
        "detail": detail,
        **extra,
    }


def test_a_lockout_at_one_till_reaches_the_stores_other_tills(
    chain: Chain, till: Sequencer, olga: str
) -> None:
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    cursor = pull(chain, "T2")["cursor"]
    at = chain.clock() - timedelta(minutes=1)

    [result] = post(chain, [till.event("audit_recorded", at, audit_entry("locked_out", at, ivan))])

    assert (result["status"], result["flag"]) == ("accepted", None)
    [person] = pull(chain, "T2", cursor)["staff"]
    assert person["staff_id"] == ivan
    assert datetime.fromisoformat(person["locked_until"]) == at + timedelta(minutes=30)


def test_a_till_cannot_lock_another_stores_staff(chain: Chain, olga: str) -> None:
    at = chain.clock() - timedelta(minutes=1)
    entry = audit_entry("locked_out", at, olga)
    [result] = post(chain, [Sequencer().event("audit_recorded", at, entry)], "T3", "S2")
    assert (result["status"], result["flag"]) == ("accepted", "unknown-staff")
    with chain.db.sessions() as session:
        assert session.get_one(Staff, olga).locked_until is None


def test_a_locked_out_manager_cannot_approve(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    at = chain.clock() - timedelta(minutes=10)
    post(chain, [till.event("audit_recorded", at, audit_entry("locked_out", at, olga))])
    later = at + timedelta(minutes=5)
    body = correction(anna, 5_00, later, staff_id=olga, key=key_of(chain.db, olga))
    [result] = post(chain, [till.event("balance_adjusted", later, body)])
    assert result["problem"]["status"] == 403


def test_an_audit_entry_with_an_unknown_action_or_control_characters_is_refused(
    chain: Chain, till: Sequencer, olga: str
) -> None:
    at = chain.clock() - timedelta(minutes=1)
    bad = [
        audit_entry("delete_everything", at, olga),
        audit_entry("signed_in", at, olga, "\x1b[2J"),
        audit_entry("signed_in", at, olga, "x" * 501),
    ]
    results = post(chain, [till.event("audit_recorded", at, entry) for entry in bad])
    assert [r["status"] for r in results] == ["rejected"] * 3


def test_a_reused_audit_id_is_a_duplicate_and_never_a_second_entry(
    chain: Chain, till: Sequencer, olga: str
) -> None:
    at = chain.clock() - timedelta(minutes=1)
    entry = audit_entry("signed_in", at, olga)
    first = till.event("audit_recorded", at, entry)
    assert post(chain, [first])[0]["status"] == "accepted"
    assert post(chain, [first])[0]["status"] == "duplicate"
    [again] = post(chain, [till.event("audit_recorded", at, entry)])
    assert (again["status"], again["problem"]["status"]) == ("rejected", 409)


# --- who rang it up -----------------------------------------------------------------------


def test_a_sale_naming_nobody_of_the_store_is_kept_and_flagged(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    sveta = hire(chain.db, "S2", "Сидорова Светлана", "cashier")
    at = chain.clock() - timedelta(minutes=5)
    mine, theirs = sale(anna, at), sale(anna, at)
    mine["staff_id"], theirs["staff_id"] = olga, sveta

    results = post(chain, [till.event("sale_completed", at, p) for p in (mine, theirs)])

    assert [(r["status"], r["flag"]) for r in results] == [
        ("accepted", None),
        ("accepted", "unknown-staff"),
    ]
    with chain.db.sessions() as session:
        assert session.get_one(Sale, mine["sale_id"]).staff_id == olga
        assert session.get_one(Sale, theirs["sale_id"]).staff_id == sveta


def test_a_return_without_the_approval_the_policy_wants_is_kept_and_flagged(
    chain: Chain, till: Sequencer, anna: str, olga: str
) -> None:
    at = chain.clock() - timedelta(hours=1)
    bought = sale(anna, at, (TV, HEADPHONES))
    post(chain, [till.event("sale_completed", at, bought)])
    later = at + timedelta(minutes=10)
    line = {"line_no": 2, "quantity": 1, "money_back": 149_00, "taken_back": 4_50, "given_back": 0}
    plain = returned(bought, later, [line])
    approved = returned(
        bought, later, [dict(line, line_no=1, money_back=2499_00, taken_back=75_00)]
    )
    approved["approval"] = return_approval(
        key_of(chain.db, olga), olga, approved["return_id"], bought["sale_id"], later
    )
    approved["staff_id"] = olga

    results = post(chain, [till.event("sale_returned", later, p) for p in (plain, approved)])

    assert [(r["status"], r["flag"]) for r in results] == [
        ("accepted", "approval-missing"),
        ("accepted", None),
    ]
    with chain.db.sessions() as session:
        row = session.get_one(Return, approved["return_id"])
    assert (row.staff_id, row.approved_by) == (olga, olga)


# --- a sale looked up for a return ------------------------------------------------------


def test_another_till_gets_a_sale_with_the_units_already_returned(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(hours=1)
    bought = sale(anna, at, (TV, HEADPHONES))
    bought["lines"][1]["sku"] = "NOT-IN-CATALOG"
    post(chain, [till.event("sale_completed", at, bought)])
    later = at + timedelta(minutes=10)
    line = {"line_no": 1, "quantity": 1, "money_back": 2499_00, "taken_back": 75_00,
            "given_back": 0}  # fmt: skip
    [back] = post(chain, [till.event("sale_returned", later, returned(bought, later, [line]))])
    assert back["status"] == "accepted"

    answer = chain.client.get(f"/v1/sales/{bought['sale_id']}", headers=chain.headers("T3"))

    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["store"], found["till"], found["customer_uid"]) == ("S1", "T1", anna)
    assert [(x["sku"], x["name"], x["quantity"], x["returned"]) for x in found["lines"]] == [
        ("TV-55Q", 'Телевизор 55" QLED', 1, 1),
        ("NOT-IN-CATALOG", "NOT-IN-CATALOG", 1, 0),
    ]
    assert found["refunded"] == 2499_00
    assert found["tenders"] == bought["tenders"]
    assert "+375" not in answer.text


def test_an_unknown_or_malformed_sale_id_is_a_problem(chain: Chain) -> None:
    unknown = chain.client.get(f"/v1/sales/{uuid.uuid4()}", headers=chain.headers())
    malformed = chain.client.get("/v1/sales/12345", headers=chain.headers())
    nobody = chain.client.get(f"/v1/sales/{uuid.uuid4()}")
    assert [unknown.status_code, malformed.status_code, nobody.status_code] == [404, 422, 401]
    assert unknown.headers["content-type"] == "application/problem+json"
