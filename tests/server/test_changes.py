"""The changes feed: a till pulls customers, balances, catalog and policy by cursor."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tests.server.builders import TV, Sequencer, batch, registered, sale
from tests.server.conftest import Chain


def pull(chain: Chain, cursor: str | None = None, limit: int = 1000) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit}
    if cursor:
        params["cursor"] = cursor
    response = chain.client.get("/v1/changes", params=params, headers=chain.headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def register(chain: Chain, count: int, till: Sequencer) -> list[str]:
    at = chain.clock() - timedelta(hours=1)
    uids = [str(uuid.uuid4()) for _ in range(count)]
    events = [
        till.event("customer_registered", at, registered(uid, f"+37529{1000000 + n}", at))
        for n, uid in enumerate(uids)
    ]
    chain.client.post("/v1/events", json=batch(events), headers=chain.headers())
    return uids


def test_a_new_till_gets_the_policy_and_every_customer_in_pages(chain: Chain) -> None:
    uids = register(chain, 25, Sequencer())
    first = pull(chain, limit=10)
    assert first["policy"]["cap_percent"] == 30
    seen = [c["uid"] for c in first["customers"]]
    cursor, more = first["cursor"], first["has_more"]
    while more:
        page = pull(chain, cursor, limit=10)
        assert page["policy"] is None
        seen += [c["uid"] for c in page["customers"]]
        cursor, more = page["cursor"], page["has_more"]
    assert sorted(seen) == sorted(uids)
    assert pull(chain, cursor)["customers"] == []


def test_a_card_whose_balance_changed_comes_again_with_its_pending_points(chain: Chain) -> None:
    till = Sequencer()
    [uid] = register(chain, 1, till)
    cursor = pull(chain)["cursor"]
    at = chain.clock() - timedelta(minutes=5)
    chain.client.post(
        "/v1/events",
        json=batch([till.event("sale_completed", at, sale(uid, at, (TV,)))]),
        headers=chain.headers(),
    )
    [changed] = pull(chain, cursor)["customers"]
    assert changed["uid"] == uid
    assert changed["total"] == 75_00
    assert [points for _day, points in changed["pending"]] == [75_00]


def test_a_forged_cursor_is_refused(chain: Chain) -> None:
    response = chain.client.get(
        "/v1/changes", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=chain.headers()
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("/invalid-cursor")


def test_the_openapi_document_is_served(chain: Chain) -> None:
    paths = chain.client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/events",
        "/v1/changes",
        "/v1/holds",
        "/v1/holds/{hold_id}",
        "/v1/customers/{card}",
        "/healthz",
    } <= set(paths)
