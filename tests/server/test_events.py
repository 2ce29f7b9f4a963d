"""Events from tills: applied exactly once, in order, every rule re-checked with the domain."""

from __future__ import annotations

import uuid
from datetime import timedelta

from bonuspos.domain.cart import TenderKind
from tests.server.builders import HEADPHONES, TV, VACUUM, Sequencer, batch, registered, sale
from tests.server.conftest import PHONE, Chain, card, post


def test_a_sale_earns_pending_points_that_activate_the_next_day(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (TV, HEADPHONES)))])
    assert result["status"] == "accepted"
    assert card(chain)["pending"] == 79_50
    chain.clock.advance(timedelta(days=2))
    assert card(chain)["active"] == 79_50


def test_a_retried_batch_is_answered_duplicate_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    events = [till.event("sale_completed", at, sale(anna, at))]
    assert post(chain, events)[0]["status"] == "accepted"
    again = post(chain, events)
    assert again[0]["status"] == "duplicate"
    assert again[0]["first_status"] == "accepted"
    assert card(chain)["pending"] == 75_00


def test_spending_more_than_30_percent_is_refused_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    too_much = sale(anna, at, (HEADPHONES,), spend=44_71)
    [result] = post(chain, [till.event("sale_completed", at, too_much)])
    assert result["status"] == "rejected"
    assert result["problem"]["status"] == 422
    assert card(chain)["pending"] == 0


def test_points_cannot_pay_for_promotional_goods(chain: Chain, till: Sequencer, anna: str) -> None:
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(
        chain, [till.event("sale_completed", at, sale(anna, at, (VACUUM,), spend=1_00))]
    )
    assert result["status"] == "rejected"


def test_an_installment_sale_cannot_spend_points(chain: Chain, till: Sequencer, anna: str) -> None:
    at = chain.clock() - timedelta(minutes=5)
    payload = sale(anna, at, (TV,), spend=10_00, kind=TenderKind.INSTALLMENT_CARD)
    [result] = post(chain, [till.event("sale_completed", at, payload)])
    assert result["status"] == "rejected"


def test_an_offline_sale_that_overspends_is_accepted_and_flagged(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (TV,), spend=50_00))])
    assert result["status"] == "accepted"
    assert "overspent" in result["flag"].split(",")
    assert card(chain)["active"] == -50_00


def test_a_refused_event_does_not_stall_the_ones_behind_it(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    events = [
        till.event("sale_completed", at, sale(anna, at, (HEADPHONES,), spend=99_00)),
        till.event("sale_completed", at, sale(anna, at, (TV,))),
    ]
    assert [r["status"] for r in post(chain, events)] == ["rejected", "accepted"]
    assert card(chain)["pending"] == 75_00


def test_a_week_old_offline_sale_is_accepted_and_activates_from_its_own_time(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(days=7)
    # The till was registered a day before the clock: move its sale after registration.
    at = max(at, chain.clock() - timedelta(hours=20))
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (TV,)))])
    assert result["status"] == "accepted"


def test_an_event_from_the_future_is_refused(chain: Chain, till: Sequencer, anna: str) -> None:
    at = chain.clock() + timedelta(hours=1)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at))])
    assert result["problem"]["type"].endswith("/clock-ahead")


def test_an_event_before_its_till_was_registered_is_refused(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(days=30)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at))])
    assert result["problem"]["type"].endswith("/before-registration")


def test_two_stores_signing_up_the_same_phone_end_with_one_customer(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    other = str(uuid.uuid4())
    at = chain.clock() - timedelta(minutes=30)
    [result] = post(
        chain,
        [Sequencer().event("customer_registered", at, registered(other, PHONE, at))],
        till="T3",
        store="S2",
    )
    assert result["status"] == "accepted"
    assert result["flag"] == "merged"
    sale_at = chain.clock() - timedelta(minutes=5)
    assert (
        post(chain, [till.event("sale_completed", sale_at, sale(other, sale_at))])[0]["status"]
        == "accepted"
    )
    assert card(chain)["customer_uid"] == anna
    assert card(chain)["pending"] == 75_00


def test_a_batch_naming_another_till_is_forbidden(chain: Chain, till: Sequencer, anna: str) -> None:
    response = chain.client.post(
        "/v1/events", json=batch([], "S1", "T2"), headers=chain.headers("T1")
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_a_full_return_takes_back_what_the_sale_earned(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=10)
    payload = sale(anna, at, (TV,))
    post(chain, [till.event("sale_completed", at, payload)])
    back = {
        "return_id": str(uuid.uuid4()),
        "sale_id": payload["sale_id"],
        "customer_uid": anna,
        "occurred_at": chain.clock().isoformat(),
        "money_back": 2499_00,
        "taken_back": 75_00,
        "given_back": 0,
        "ledger_hashes": [],
        "lines": [
            {
                "line_no": 1,
                "quantity": 1,
                "money_back": 2499_00,
                "taken_back": 75_00,
                "given_back": 0,
            }
        ],
    }
    [result] = post(chain, [till.event("sale_returned", chain.clock(), back)])
    assert result["status"] == "accepted", result
    assert card(chain)["pending"] == 0


def test_offline_spending_beyond_the_daily_limit_is_accepted_and_flagged(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    first = till.event("sale_completed", at, sale(anna, at, (TV,), spend=30_00))
    second = till.event("sale_completed", at, sale(anna, at, (TV,), spend=30_00))
    results = post(chain, [first, second])
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert "offline-limit-exceeded" in results[1]["flag"].split(",")


def test_a_web_order_without_its_order_number_is_refused(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    payload = sale(anna, at, (TV,))
    payload["channel"] = "web_pickup"
    [result] = post(chain, [till.event("sale_completed", at, payload)])
    assert result["status"] == "rejected"
