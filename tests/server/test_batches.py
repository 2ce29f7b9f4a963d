"""A batch is applied in memory and written at the end: events inside one batch see each other."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bonuspos_server.data.models import Event, LedgerEntry, Sale
from tests.server.builders import HEADPHONES, TV, Sequencer, registered, sale
from tests.server.conftest import PHONE, Chain, card, post


def _full_return(payload: dict[str, Any], uid: str, at: str) -> dict[str, Any]:
    line = payload["lines"][0]
    return {
        "return_id": str(uuid.uuid4()),
        "sale_id": payload["sale_id"],
        "customer_uid": uid,
        "occurred_at": at,
        "money_back": payload["total"],
        "taken_back": line["earned"],
        "given_back": 0,
        "ledger_hashes": [],
        "lines": [
            {
                "line_no": 1,
                "quantity": 1,
                "money_back": payload["total"],
                "taken_back": line["earned"],
                "given_back": 0,
            }
        ],
    }


def test_a_card_registered_earlier_in_the_batch_can_buy_and_return_in_it(chain: Chain) -> None:
    till, uid = Sequencer(), str(uuid.uuid4())
    at = chain.clock() - timedelta(minutes=30)
    bought = sale(uid, at, (TV,))
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        till.event("sale_completed", at, bought),
        till.event("sale_completed", at, sale(uid, at, (HEADPHONES,))),
        till.event("sale_returned", at, _full_return(bought, uid, at.isoformat())),
    ]
    assert [r["status"] for r in post(chain, events)] == ["accepted"] * 4
    assert card(chain)["pending"] == 4_50  # the TV's 75,00 taken back by its return
    again = _full_return(bought, uid, at.isoformat())
    [twice] = post(chain, [till.event("sale_returned", at, again)])
    assert twice["status"] == "rejected"  # the return in the batch counted: nothing left


def test_the_same_event_twice_in_one_batch_is_applied_once(chain: Chain) -> None:
    till, uid = Sequencer(), str(uuid.uuid4())
    at = chain.clock() - timedelta(minutes=30)
    signup = till.event("customer_registered", at, registered(uid, PHONE, at))
    bought = till.event("sale_completed", at, sale(uid, at, (TV,)))
    results = post(chain, [signup, bought, bought])
    assert [r["status"] for r in results] == ["accepted", "accepted", "duplicate"]
    assert results[2]["first_status"] == "accepted"
    assert card(chain)["pending"] == 75_00


def test_a_refused_sale_leaves_nothing_so_its_id_can_still_be_used(chain: Chain) -> None:
    till, uid = Sequencer(), str(uuid.uuid4())
    at = chain.clock() - timedelta(minutes=30)
    wrong = sale(uid, at, (HEADPHONES,), spend=99_00)  # more than 30%: refused
    right = sale(uid, at, (HEADPHONES,), sale_id=wrong["sale_id"])
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        till.event("sale_completed", at, wrong),
        till.event("sale_completed", at, right),
    ]
    assert [r["status"] for r in post(chain, events)] == ["accepted", "rejected", "accepted"]
    with chain.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Sale)) == 1
        # Each ledger row names the event that made it, for the audit trail.
        named = session.scalars(select(LedgerEntry.event_id)).all()
        assert named == [events[2]["event_id"]]
        assert session.scalar(select(func.count()).select_from(Event)) == 3


def test_a_uid_spelt_in_capitals_names_the_same_card(chain: Chain) -> None:
    till, uid = Sequencer(), str(uuid.uuid4())
    at = chain.clock() - timedelta(minutes=30)
    post(chain, [till.event("customer_registered", at, registered(uid, PHONE, at))])
    [result] = post(chain, [till.event("sale_completed", at, sale(uid.upper(), at, (TV,)))])
    assert result["status"] == "accepted", result
    assert card(chain)["pending"] == 75_00


def test_an_event_sent_again_a_year_later_is_still_a_duplicate(chain: Chain) -> None:
    till, uid = Sequencer(), str(uuid.uuid4())
    at = chain.clock() - timedelta(minutes=30)
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        till.event("sale_completed", at, sale(uid, at, (TV,))),
    ]
    post(chain, events)
    chain.clock.advance(timedelta(days=366))  # idempotency keys are kept for good

    again = post(chain, events)

    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert card(chain)["active"] == 75_00  # the points activated once, long ago
