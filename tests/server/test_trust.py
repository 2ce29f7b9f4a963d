"""What someone holding one till's token can try, and what the server believes of it.

Each test is an attack or an accident a till can send: the server re-derives every
figure it can (its catalog, the sale's own lines, its holds) and never credits more
than the rules give. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bonuspos.domain.cart import Line
from bonuspos.domain.money import Money, Points
from bonuspos_server.data.models import PriceList
from bonuspos_server.ingest import catalog
from tests.server.builders import HEADPHONES, PHONE, TV, Sequencer, registered, sale
from tests.server.conftest import PHONE as ANNA_PHONE
from tests.server.conftest import Chain, card, post
from tests.server.live import credit, plastic_proof


def returned(
    sale_payload: dict[str, Any], at: datetime, lines: list[dict[str, int]]
) -> dict[str, Any]:
    return {
        "return_id": str(uuid.uuid4()),
        "sale_id": sale_payload["sale_id"],
        "customer_uid": sale_payload["customer_uid"],
        "occurred_at": at.isoformat(),
        "money_back": sum(line["money_back"] for line in lines),
        "taken_back": sum(line["taken_back"] for line in lines),
        "given_back": sum(line["given_back"] for line in lines),
        "lines": lines,
        "ledger_hashes": [],
    }


def hold(chain: Chain, points: int) -> int:
    body = {"hold_id": str(uuid.uuid4()), "card": ANNA_PHONE, "points": points}
    return chain.client.post("/v1/holds", json=body, headers=chain.headers()).status_code


# --- returns ------------------------------------------------------------------------------


def test_a_return_listing_one_line_ten_times_gives_back_no_more_than_the_sale_took(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 269_70)
    at = chain.clock() - timedelta(hours=2)
    bought = sale(anna, at, (PHONE,), spend=269_70)
    bought["verification"] = plastic_proof(chain.db, ANNA_PHONE)
    [sold] = post(chain, [till.event("sale_completed", at, bought)])
    assert sold["status"] == "accepted"
    assert card(chain)["active"] == 0

    line = {"line_no": 1, "quantity": 1, "money_back": 629_30, "taken_back": 27_00,
            "given_back": 269_70}  # fmt: skip
    later = at + timedelta(minutes=30)
    [result] = post(
        chain, [till.event("sale_returned", later, returned(bought, later, [line] * 10))]
    )

    assert result["status"] == "rejected"
    assert card(chain)["active"] == 0
    assert hold(chain, 269_700) == 409
    # The honest return of the one unit still goes through, once.
    [honest] = post(chain, [till.event("sale_returned", later, returned(bought, later, [line]))])
    assert honest["status"] == "accepted"
    assert card(chain)["active"] == 269_70
    [again] = post(chain, [till.event("sale_returned", later, returned(bought, later, [line]))])
    assert again["status"] == "rejected"
    assert card(chain)["active"] == 269_70


def test_a_return_claiming_more_than_its_lines_are_worth_is_credited_at_the_servers_figures(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 269_70)
    at = chain.clock() - timedelta(hours=2)
    bought = sale(anna, at, (PHONE,), spend=269_70)
    bought["verification"] = plastic_proof(chain.db, ANNA_PHONE)
    post(chain, [till.event("sale_completed", at, bought)])
    greedy = {"line_no": 1, "quantity": 1, "money_back": 899_00, "taken_back": 0,
              "given_back": 2_697_00}  # fmt: skip
    later = at + timedelta(minutes=30)

    [result] = post(chain, [till.event("sale_returned", later, returned(bought, later, [greedy]))])

    assert result["status"] == "accepted"  # the goods came back: it happened
    # No manager approved it either, which the default policy wants.
    assert result["flag"] == "price-mismatch,approval-missing"
    assert card(chain)["active"] == 269_70  # what the sale took, not what the till said
    assert card(chain)["pending"] == 0  # the phone's 27,00 points were taken back


# --- corrections --------------------------------------------------------------------------


def test_a_till_cannot_mint_points_with_an_adjustment(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    adjustment = {
        "adjustment_id": str(uuid.uuid4()),
        "customer_uid": anna,
        "occurred_at": at.isoformat(),
        "points": 1_000_000_000,
        "reason": "перенос баланса",
    }
    [result] = post(chain, [till.event("balance_adjusted", at, adjustment)])
    assert result["status"] == "rejected"
    assert result["problem"]["status"] == 403
    assert card(chain)["active"] == 0
    assert hold(chain, 999_000_000) == 409


# --- the catalog is the server's ----------------------------------------------------------


def test_an_sku_the_catalog_never_had_earns_nothing_and_is_flagged(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    fake = Line("NO-SUCH-SKU", "Ничего", Money(999_999_99), 1, Points(999_999_99))
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (fake,)))])
    assert result["status"] == "accepted"  # money changed hands
    assert result["flag"] == "price-mismatch"
    assert card(chain)["pending"] == 0


def test_a_tv_rung_at_one_ruble_is_flagged_and_earns_no_more_than_was_paid(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    cheap = Line(TV.sku, TV.name, Money(1_00), 1, Points(1_00))
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (cheap,)))])
    assert result["status"] == "accepted"
    assert result["flag"] == "price-mismatch"
    assert card(chain)["pending"] == 1_00


def test_price_tag_points_the_till_inflated_are_credited_at_the_catalogs_figure(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    inflated = Line(TV.sku, TV.name, TV.unit_price, 1, Points(2_000_00))
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(
        chain, [till.event("sale_completed", at, sale(anna, at, (inflated, HEADPHONES)))]
    )
    assert result["status"] == "accepted"
    assert result["flag"] == "price-mismatch"
    assert card(chain)["pending"] == 75_00 + 4_50


def test_promotional_goods_passed_off_as_full_price_earn_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    passed_off = Line("VC-ROB", "Пылесос", Money(599_00), 1, Points(18_00), promotional=False)
    at = chain.clock() - timedelta(minutes=5)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (passed_off,)))])
    assert result["flag"] == "price-mismatch"
    assert card(chain)["pending"] == 0


def new_price_list(chain: Chain, tv_points: int, at: datetime) -> int:
    """The TV's points changed by a price list imported `at` (the first one a month before)."""
    with chain.db.sessions() as session, session.begin():
        first = update(PriceList).where(PriceList.version == 1)
        session.execute(first.values(imported_at=chain.clock() - timedelta(days=30)))
        item = {"sku": TV.sku, "price": TV.unit_price.minor, "points": tv_points,
                "promotional": False}  # fmt: skip
        return catalog.publish(session.connection(), [item], at)


def test_a_sale_from_a_price_list_superseded_within_the_grace_earns_its_points(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    first = 1
    changed = chain.clock() - timedelta(hours=3)
    new_price_list(chain, 50_00, changed)  # the TV now earns 50,00
    at = chain.clock() - timedelta(hours=1)  # two hours after the change: a till offline
    old = sale(anna, at, (TV,)) | {"price_list": first}
    [result] = post(chain, [till.event("sale_completed", at, old)])
    assert result["status"] == "accepted"
    assert result["flag"] is None
    assert card(chain)["pending"] == 75_00


def test_a_sale_from_a_price_list_superseded_beyond_the_grace_is_credited_at_the_new_one(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    changed = chain.clock() - timedelta(days=2)
    new_price_list(chain, 50_00, changed)
    at = chain.clock() - timedelta(hours=1)
    stale = sale(anna, at, (TV,)) | {"price_list": 1}
    [result] = post(chain, [till.event("sale_completed", at, stale)])
    assert result["flag"] == "price-mismatch"
    assert card(chain)["pending"] == 50_00


def test_a_sale_naming_the_current_price_list_is_believed(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    version = new_price_list(chain, 50_00, chain.clock() - timedelta(days=2))
    at = chain.clock() - timedelta(hours=1)
    current = Line(TV.sku, TV.name, TV.unit_price, 1, Points(50_00))
    [result] = post(
        chain,
        [till.event("sale_completed", at, sale(anna, at, (current,)) | {"price_list": version})],
    )
    assert result["flag"] is None
    assert card(chain)["pending"] == 50_00


def test_an_unknown_price_list_version_counts_as_the_one_in_force(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(hours=1)
    [result] = post(
        chain, [till.event("sale_completed", at, sale(anna, at, (TV,)) | {"price_list": 99})]
    )
    assert result["flag"] is None
    assert card(chain)["pending"] == 75_00


# --- time ---------------------------------------------------------------------------------


def test_a_sale_dated_1970_is_a_dead_letter_and_the_sales_behind_it_arrive(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    dead_battery = datetime(1970, 1, 1, 3, 0, tzinfo=UTC)
    right = chain.clock() - timedelta(minutes=5)
    results = post(
        chain,
        [
            till.event("sale_completed", dead_battery, sale(anna, dead_battery, (TV,))),
            till.event("sale_completed", right, sale(anna, right, (HEADPHONES,))),
        ],
    )
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["problem"]["type"].endswith("/before-registration")
    assert card(chain)["pending"] == 4_50


def test_a_time_utc_cannot_hold_refuses_the_batch_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    event = till.event("sale_completed", chain.clock(), sale(anna, chain.clock(), (TV,)))
    event["occurred_at"] = "0001-01-01T00:00:00+05:00"
    answer = chain.client.post(
        "/v1/events",
        json={"store": "S1", "till": "T1", "events": [event]},
        headers=chain.headers(),
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert card(chain)["pending"] == 0


# --- holds --------------------------------------------------------------------------------


def hold_for(chain: Chain, points: int) -> str:
    hold_id = str(uuid.uuid4())
    body = {"hold_id": hold_id, "card": ANNA_PHONE, "points": points}
    answer = chain.client.post("/v1/holds", json=body, headers=chain.headers())
    assert answer.status_code == 201, answer.text
    assert answer.json()["expires_at"]  # the till knows how long it has
    return hold_id


def test_a_sale_made_after_its_hold_expired_counts_as_an_offline_spend(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 100_00)
    hold_id = hold_for(chain, 60_00)
    chain.clock.advance(timedelta(hours=1))  # the hold lapsed long ago
    at = chain.clock() - timedelta(minutes=1)
    late = sale(anna, at, (TV,), spend=60_00, offline=False, hold_id=hold_id)
    [result] = post(chain, [till.event("sale_completed", at, late)])
    assert result["status"] == "accepted"
    assert set(result["flag"].split(",")) == {"hold-lapsed", "offline-limit-exceeded"}
    assert card(chain)["active"] == 40_00


def test_a_sale_capturing_a_released_hold_counts_as_an_offline_spend(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 100_00)
    hold_id = hold_for(chain, 40_00)
    assert chain.client.delete(f"/v1/holds/{hold_id}", headers=chain.headers()).status_code == 204
    at = chain.clock()
    late = sale(anna, at, (TV,), spend=40_00, offline=False, hold_id=hold_id)
    [result] = post(chain, [till.event("sale_completed", at, late)])
    assert result["flag"] == "hold-lapsed"  # within the offline limit: only the lapse


def test_a_sale_made_while_its_hold_lived_captures_it_even_when_it_arrives_late(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 100_00)
    hold_id = hold_for(chain, 60_00)
    at = chain.clock()
    made = sale(anna, at, (TV,), spend=60_00, offline=False, hold_id=hold_id)
    chain.clock.advance(timedelta(hours=5))  # the network was down for hours after
    [result] = post(chain, [till.event("sale_completed", at, made)])
    assert result["flag"] is None


# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sku", ["TV-55Q\x00", "TV\x1b[2J", "\x7f"])
def test_an_sku_with_control_characters_is_refused(
    chain: Chain, till: Sequencer, anna: str, sku: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    odd = Line(sku, "x", TV.unit_price, 1, TV.points_per_unit)
    [result] = post(chain, [till.event("sale_completed", at, sale(anna, at, (odd,)))])
    assert result["status"] == "rejected"
    assert result["problem"]["type"].endswith("/invalid-payload")


def test_a_sale_listing_one_line_number_twice_is_refused(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    twice = sale(anna, at, (TV, HEADPHONES))
    twice["lines"][1]["line_no"] = 1
    [result] = post(chain, [till.event("sale_completed", at, twice)])
    assert result["status"] == "rejected"


def test_the_changes_feed_names_the_price_list_in_force(chain: Chain) -> None:
    assert chain.client.get("/v1/changes", headers=chain.headers()).json()["price_list"] == 1
    new_price_list(chain, 50_00, chain.clock())
    assert chain.client.get("/v1/changes", headers=chain.headers()).json()["price_list"] == 2


def test_an_online_spend_naming_no_hold_counts_as_an_offline_spend(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 100_00)
    at = chain.clock()
    unheld = sale(anna, at, (TV,), spend=60_00, offline=False)
    [result] = post(chain, [till.event("sale_completed", at, unheld)])
    assert result["status"] == "accepted"
    assert set(result["flag"].split(",")) == {"hold-mismatch", "offline-limit-exceeded"}
    assert card(chain)["active"] == 40_00


def test_a_sale_naming_a_hold_on_another_card_leaves_it_and_counts_as_offline(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 100_00)
    hold_id = hold_for(chain, 30_00)
    other = str(uuid.uuid4())
    at = chain.clock()
    post(chain, [till.event("customer_registered", at, registered(other, "+375297654321", at))])
    credit(chain.db, "+375297654321", 30_00)
    borrowed = sale(other, at, (TV,), spend=30_00, offline=False, hold_id=hold_id)
    [result] = post(chain, [till.event("sale_completed", at, borrowed)])
    assert result["flag"] == "hold-mismatch"
    assert card(chain)["held"] == 30_00  # Anna's hold is still hers, still reserving


def test_a_sale_carrying_every_flag_at_once_is_recorded_with_all_of_them(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, ANNA_PHONE, 10_00)
    at = chain.clock()
    inflated = Line(TV.sku, TV.name, TV.unit_price, 1, Points(100_00))
    everything = sale(anna, at, (inflated,), spend=60_00, offline=False)
    everything["ledger_hashes"] = ["f" * 64, "e" * 64]
    [result] = post(chain, [till.event("sale_completed", at, everything)])
    assert result["status"] == "accepted"
    assert set(result["flag"].split(",")) == {
        "price-mismatch",
        "hold-mismatch",
        "offline-limit-exceeded",
        "ledger-chain-broken",
        "overspent",
    }
