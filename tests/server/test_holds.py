"""Holds reserve active points like a card authorisation: atomically, once, for a while."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.server.builders import HEADPHONES, Sequencer, batch, registered, sale
from tests.server.conftest import Chain
from tests.server.live import credit

PHONE = "+375291234567"


def hold(chain: Chain, points: int, hold_id: str | None = None, till: str = "T1") -> Any:
    return chain.client.post(
        "/v1/holds",
        json={"hold_id": hold_id or str(uuid.uuid4()), "card": PHONE, "points": points},
        headers=chain.headers(till),
    )


def available(chain: Chain) -> int:
    body = chain.client.get(f"/v1/customers/{PHONE}", headers=chain.headers()).json()
    return int(body["available"])


@pytest.fixture
def anna(chain: Chain) -> str:
    """A card with 100,00 active points, given by a manager's adjustment."""
    uid = str(uuid.uuid4())
    at = chain.clock() - timedelta(hours=2)
    till = Sequencer()
    events = [till.event("customer_registered", at, registered(uid, PHONE, at))]
    results = chain.client.post("/v1/events", json=batch(events), headers=chain.headers()).json()
    assert [r["status"] for r in results["results"]] == ["accepted"]
    credit(chain.db, PHONE, 100_00)
    return uid


def test_a_hold_reserves_points_until_it_is_released(chain: Chain, anna: str) -> None:
    response = hold(chain, 60_00)
    assert response.status_code == 201
    assert available(chain) == 40_00
    assert hold(chain, 40_01).status_code == 409
    release = chain.client.delete(
        f"/v1/holds/{response.json()['hold_id']}", headers=chain.headers()
    )
    assert release.status_code == 204
    assert available(chain) == 100_00


def test_a_hold_beyond_the_available_points_is_refused_with_the_amount(
    chain: Chain, anna: str
) -> None:
    response = hold(chain, 100_01)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["available"] == 100_00


def test_asking_for_the_same_hold_again_grants_it_once(chain: Chain, anna: str) -> None:
    hold_id = str(uuid.uuid4())
    assert hold(chain, 30_00, hold_id).status_code == 201
    again = hold(chain, 30_00, hold_id)
    assert again.status_code == 200
    assert available(chain) == 70_00


def test_a_hold_lapses_on_its_own_after_the_policy_time(chain: Chain, anna: str) -> None:
    assert hold(chain, 100_00).status_code == 201
    assert available(chain) == 0
    chain.clock.advance(timedelta(minutes=11))
    assert available(chain) == 100_00


def test_another_till_cannot_release_a_hold(chain: Chain, anna: str) -> None:
    hold_id = hold(chain, 10_00).json()["hold_id"]
    assert (
        chain.client.delete(f"/v1/holds/{hold_id}", headers=chain.headers("T3")).status_code == 403
    )
    assert available(chain) == 90_00


def test_the_sale_that_names_a_hold_captures_it(chain: Chain, anna: str) -> None:
    hold_id = hold(chain, 44_70).json()["hold_id"]
    at = chain.clock()
    event = Sequencer(seq=10).event(
        "sale_completed",
        at,
        sale(anna, at, (HEADPHONES,), spend=44_70, offline=False, hold_id=hold_id),
    )
    result = chain.client.post("/v1/events", json=batch([event]), headers=chain.headers()).json()
    assert result["results"][0]["status"] == "accepted"
    assert available(chain) == 100_00 - 44_70
    release = chain.client.delete(f"/v1/holds/{hold_id}", headers=chain.headers())
    assert release.status_code == 409  # a captured hold stays spent


def test_a_hold_on_an_unknown_card_is_not_found(chain: Chain) -> None:
    response = hold(chain, 1_00)
    assert response.status_code == 404
