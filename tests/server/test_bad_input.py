"""Bad input from a till, or from anyone: each gets a clear RFC 9457 problem and changes nothing.

A refusal of the whole request is an HTTP problem (`application/problem+json`); a refused
event inside a well-formed batch is a "rejected" result carrying the problem, and the only
trace it leaves is the server's memory of that answer (one `events` row, status rejected),
so that a retry is answered the same way. The rule refusals (more than 30%, promotional
goods, installment tenders, the clock checks, a batch naming a sibling till) live in
test_events.py; this file covers the rest.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bonuspos_server.data.models import (
    Customer,
    CustomerAlias,
    Event,
    FeedCounter,
    Hold,
    LedgerEntry,
    PendingPoints,
    PlasticCard,
    Product,
    Return,
    Sale,
)
from bonuspos_server.web.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE
from tests.server.builders import TV, Sequencer, batch, registered, sale
from tests.server.conftest import Chain, admin_command

PHONE = "+375291234567"
COUNTED = (
    Customer,
    CustomerAlias,
    PlasticCard,
    PendingPoints,
    Product,
    LedgerEntry,
    Sale,
    Return,
    Hold,
    Event,
)


# --- what "nothing changed" means -------------------------------------------------------


def snapshot(chain: Chain) -> dict[str, Any]:
    """Every table a request could touch, the feed counter, the changes feed and the card."""
    with chain.db.sessions() as session:
        state: dict[str, Any] = {
            model.__tablename__: session.execute(
                select(func.count()).select_from(model)
            ).scalar_one()
            for model in COUNTED
        }
        state["feed_counter"] = session.get_one(FeedCounter, 1).value
        state["holds"] = sorted(
            (h.id, h.status, h.points) for h in session.execute(select(Hold)).scalars()
        )
    feed = chain.client.get("/v1/changes", headers=chain.headers())
    assert feed.status_code == 200, feed.text
    state["changes"] = feed.json()
    card = chain.client.get(f"/v1/customers/{PHONE}", headers=chain.headers())
    state["card"] = card.json() if card.status_code == 200 else card.status_code
    return state


def assert_unchanged(before: dict[str, Any], after: dict[str, Any], remembered: int = 0) -> None:
    """Nothing changed, except `remembered` rejected events kept to answer retries alike."""
    assert after["events"] == before["events"] + remembered
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + slug
    assert body["status"] == status
    assert body["title"]
    return body


def assert_rejected(response: httpx.Response, slug: str, status: int = 422) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    assert result["status"] == "rejected"
    problem: dict[str, Any] = result["problem"]
    assert problem["type"] == PROBLEM_TYPE_BASE + slug
    assert problem["status"] == status
    return problem


def assert_refused(response: httpx.Response) -> int:
    """Refused one way or the other, never a crash; how many events the server remembers."""
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:  # the whole batch
        assert_problem(response, 422, "invalid-request")
        return 0
    [result] = response.json()["results"]  # the event alone
    assert result["status"] == "rejected", result
    assert result["problem"]["type"].startswith(PROBLEM_TYPE_BASE)
    return 1


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def till() -> Sequencer:
    return Sequencer()


def send(
    chain: Chain, body: Any, till: str = "T1", headers: dict[str, str] | None = None
) -> httpx.Response:
    return chain.client.post("/v1/events", json=body, headers=headers or chain.headers(till))


@pytest.fixture
def anna(chain: Chain, till: Sequencer) -> str:
    """A card with 75.00 points earned yesterday, active today."""
    uid = str(uuid.uuid4())
    at = chain.clock() - timedelta(hours=20)
    events = [
        till.event("customer_registered", at, registered(uid, PHONE, at)),
        till.event("sale_completed", at, sale(uid, at, (TV,))),
    ]
    answer = send(chain, batch(events))
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "accepted"]
    chain.clock.advance(timedelta(days=1))
    return uid


@pytest.fixture
def hold_id(chain: Chain, anna: str) -> str:
    """T1's live hold of 10.00 points on Anna's card."""
    hold = str(uuid.uuid4())
    answer = chain.client.post(
        "/v1/holds",
        json={"hold_id": hold, "card": PHONE, "points": 10_00},
        headers=chain.headers("T1"),
    )
    assert answer.status_code == 201, answer.text
    return hold


def a_sale(chain: Chain, till: Sequencer, uid: str, **changes: Any) -> dict[str, Any]:
    at = chain.clock() - timedelta(minutes=5)
    payload = sale(uid, at, (TV,))
    payload.update(changes)
    return batch([till.event("sale_completed", at, payload)])


# --- malformed JSON, wrong types, unknown fields ---------------------------------------
# Each refusal changes nothing, so one server takes a whole list of them in turn.

MALFORMED = [b'{"store": "S1", "till": "T1", "events": [', b"store=S1", b"\xff\xfe{}", b"{'a': 1}"]


def test_malformed_json_is_a_400_problem_and_changes_nothing(chain: Chain, anna: str) -> None:
    before = snapshot(chain)
    for body in MALFORMED:
        answer = chain.client.post(
            "/v1/events",
            content=body,
            headers={**chain.headers(), "Content-Type": "application/json"},
        )
        problem = assert_problem(answer, 400, "malformed-json")
        assert problem["instance"] == "/v1/events"
    assert_unchanged(before, snapshot(chain))


def test_an_empty_body_is_a_422_problem_naming_the_missing_batch(chain: Chain, anna: str) -> None:
    before = snapshot(chain)
    answer = chain.client.post(
        "/v1/events", content=b"", headers={**chain.headers(), "Content-Type": "application/json"}
    )
    problem = assert_problem(answer, 422, "invalid-request")
    assert ["body"] in [e["loc"] for e in problem["errors"]]
    assert_unchanged(before, snapshot(chain))


WRONG_ENVELOPES: list[tuple[str, Any]] = [
    ("seq", "1"),  # a string for an integer: strict, no coercion
    ("seq", 1.0),
    ("seq", 0),
    ("event_id", "not-a-uuid"),
    ("occurred_at", "2026-11-25T09:00:00"),  # no time zone
    ("type", 7),
    ("payload", []),
]


def test_an_event_envelope_of_the_wrong_type_refuses_the_batch_with_422(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    before = snapshot(chain)
    for field, value in WRONG_ENVELOPES:
        body = a_sale(chain, till, anna)
        body["events"][0][field] = value
        problem = assert_problem(send(chain, body), 422, "invalid-request")
        assert ["body", "events", 0, field] in [e["loc"] for e in problem["errors"]], field
    assert_unchanged(before, snapshot(chain))


def test_a_time_sent_as_a_number_refuses_the_batch_with_422(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    # The protocol's times are ISO-8601 strings with a zone; a bare number has neither.
    body = a_sale(chain, till, anna)
    body["events"][0]["occurred_at"] = int((chain.clock() - timedelta(minutes=5)).timestamp())
    before = snapshot(chain)
    problem = assert_problem(send(chain, body), 422, "invalid-request")
    assert ["body", "events", 0, "occurred_at"] in [e["loc"] for e in problem["errors"]]
    assert_unchanged(before, snapshot(chain))


WRONG_BATCHES: list[Any] = [
    [],
    {"store": "S1", "till": "T1", "events": {}},
    {"store": "S1", "till": "T1"},
    {"store": 1, "till": "T1", "events": []},
    {"store": "S1 ", "till": "T1", "events": []},
    {"store": "S1", "till": "T1", "events": [None]},
]


def test_a_batch_of_the_wrong_shape_is_a_422_problem(chain: Chain, anna: str) -> None:
    before = snapshot(chain)
    for body in WRONG_BATCHES:
        assert_problem(send(chain, body), 422, "invalid-request")
    assert_unchanged(before, snapshot(chain))


WRONG_PAYLOADS: list[tuple[tuple[Any, ...], Any]] = [
    (("spent",), 12.5),  # a float where money flows
    (("total",), "2499.00"),
    (("offline",), 1),  # 1 is not true
    (("customer_uid",), 42),
    (("activates_on",), "завтра"),
    (("lines",), []),
    (("lines", 0, "promotional"), 0),
    (("tenders", 0, "kind"), "barter"),
    (("channel",), "telepathy"),
]


def _set(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = body["events"][0]["payload"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def test_a_payload_of_the_wrong_type_is_rejected_as_invalid_payload(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    before = snapshot(chain)
    for path, value in WRONG_PAYLOADS:
        body = a_sale(chain, till, anna)
        _set(body, path, value)
        problem = assert_rejected(send(chain, body), "invalid-payload")
        assert list(path) in [e["loc"] for e in problem["errors"]], path
        assert all("input" not in e for e in problem["errors"])  # refusals never echo data
    assert_unchanged(before, snapshot(chain), remembered=len(WRONG_PAYLOADS))


def test_an_unknown_field_in_the_batch_or_an_event_is_refused(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    before = snapshot(chain)
    for where in ("batch", "event"):
        body = a_sale(chain, till, anna)
        (body if where == "batch" else body["events"][0])["priority"] = "high"
        problem = assert_problem(send(chain, body), 422, "invalid-request")
        assert "extra_forbidden" in [e["type"] for e in problem["errors"]], where
    assert_unchanged(before, snapshot(chain))


def test_an_unknown_field_in_a_payload_is_rejected(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    before = snapshot(chain)
    for path in (("bonus_multiplier",), ("lines", 0, "bonus"), ("tenders", 0, "bank")):
        body = a_sale(chain, till, anna)
        _set(body, path, 2)
        problem = assert_rejected(send(chain, body), "invalid-payload")
        assert [list(path), "extra_forbidden"] in [[e["loc"], e["type"]] for e in problem["errors"]]
    assert_unchanged(before, snapshot(chain), remembered=3)


def test_an_unknown_field_in_a_hold_request_is_refused(chain: Chain, anna: str) -> None:
    before = snapshot(chain)
    answer = chain.client.post(
        "/v1/holds",
        json={"hold_id": str(uuid.uuid4()), "card": PHONE, "points": 1_00, "force": True},
        headers=chain.headers(),
    )
    problem = assert_problem(answer, 422, "invalid-request")
    assert ["body", "force"] in [e["loc"] for e in problem["errors"]]
    assert_unchanged(before, snapshot(chain))


# --- unknown event type -----------------------------------------------------------------


def test_an_unknown_event_type_is_rejected_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    before = snapshot(chain)
    for type_ in ("sale_voided", "SALE_COMPLETED", ""):
        body = a_sale(chain, till, anna)
        body["events"][0]["type"] = type_
        problem = assert_rejected(send(chain, body), "unknown-event-type")
        assert "sale_completed" in problem["detail"]  # the answer says what is known
    assert_unchanged(before, snapshot(chain), remembered=3)


def test_a_retried_unknown_event_gets_the_same_refusal_as_a_duplicate(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    body = a_sale(chain, till, anna)
    body["events"][0]["type"] = "sale_voided"
    first = assert_rejected(send(chain, body), "unknown-event-type")
    before = snapshot(chain)
    [again] = send(chain, body).json()["results"]
    assert again["status"] == "duplicate"
    assert again["first_status"] == "rejected"
    assert again["problem"] == first
    assert_unchanged(before, snapshot(chain))


# --- negative amounts -------------------------------------------------------------------

NEGATIVE_SALES: list[tuple[tuple[Any, ...], int]] = [
    (("spent",), -1_00),
    (("total",), -2499_00),
    (("earned",), -75_00),
    (("tenders", 0, "amount"), -2499_00),
    (("tenders", 0, "amount"), 0),
    (("lines", 0, "unit_price"), -2499_00),
    (("lines", 0, "discount"), -10_00),
    (("lines", 0, "points_per_unit"), -75_00),
    (("lines", 0, "earned"), -75_00),
    (("lines", 0, "share"), -1),
    (("lines", 0, "quantity"), -1),
]


def test_a_sale_with_a_negative_amount_is_rejected_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    before = snapshot(chain)
    for path, value in NEGATIVE_SALES:
        body = a_sale(chain, till, anna)
        _set(body, path, value)
        problem = assert_rejected(send(chain, body), "invalid-payload")
        assert list(path) in [e["loc"] for e in problem["errors"]], path
    assert_unchanged(before, snapshot(chain), remembered=len(NEGATIVE_SALES))


def test_a_return_with_a_negative_amount_is_rejected_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    with chain.db.sessions() as session:
        sale_id = session.execute(select(Sale.id)).scalar_one()
    at = chain.clock() - timedelta(minutes=1)
    before = snapshot(chain)
    paths = [(f,) for f in ("money_back", "taken_back", "given_back")]
    paths += [("lines", 0, f) for f in ("money_back", "taken_back", "given_back", "quantity")]
    for path in paths:
        back = {
            "return_id": str(uuid.uuid4()),
            "sale_id": sale_id,
            "customer_uid": anna,
            "occurred_at": at.isoformat(),
            "money_back": 2499_00,
            "taken_back": 75_00,
            "given_back": 0,
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
        body = batch([till.event("sale_returned", at, back)])
        _set(body, path, -1)
        problem = assert_rejected(send(chain, body), "invalid-payload")
        assert list(path) in [e["loc"] for e in problem["errors"]], path
    assert_unchanged(before, snapshot(chain), remembered=len(paths))


def test_a_hold_for_a_negative_zero_or_non_integer_amount_is_refused(
    chain: Chain, anna: str
) -> None:
    before = snapshot(chain)
    for points in (-10_00, 0, 10.5, "10", None):
        answer = chain.client.post(
            "/v1/holds",
            json={"hold_id": str(uuid.uuid4()), "card": PHONE, "points": points},
            headers=chain.headers(),
        )
        problem = assert_problem(answer, 422, "invalid-request")
        assert ["body", "points"] in [e["loc"] for e in problem["errors"]], points
    assert_unchanged(before, snapshot(chain))


# --- the clock ------------------------------------------------------------------------


def test_an_event_a_little_ahead_of_the_servers_clock_is_accepted(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    at = chain.clock() + timedelta(minutes=4)  # within the five minutes' tolerance
    [result] = send(chain, batch([till.event("sale_completed", at, sale(anna, at))])).json()[
        "results"
    ]
    assert result["status"] == "accepted", result


@pytest.mark.parametrize(
    "occurred_at",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"],
    ids=["year-1", "year-9999"],
)
def test_an_event_dated_at_the_ends_of_the_calendar_is_refused_not_a_crash(
    chain: Chain, till: Sequencer, anna: str, occurred_at: str
) -> None:
    body = a_sale(chain, till, anna)
    body["events"][0]["occurred_at"] = occurred_at
    before = snapshot(chain)
    remembered = assert_refused(send(chain, body))
    assert_unchanged(before, snapshot(chain), remembered)


@pytest.mark.parametrize(
    ("type_", "field", "value"),
    [
        ("sale_completed", "occurred_at", "9999-12-31T23:00:00+00:00"),
        ("customer_registered", "consented_at", "0001-01-01T00:00:00+05:00"),
        ("balance_adjusted", "occurred_at", "0001-01-01T00:00:00+05:00"),
    ],
)
def test_a_payload_time_at_the_end_of_the_calendar_is_refused_not_a_crash(
    chain: Chain, till: Sequencer, anna: str, type_: str, field: str, value: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    payloads = {
        "sale_completed": sale(anna, at),
        "customer_registered": registered(str(uuid.uuid4()), "+375297654321", at),
        "balance_adjusted": {
            "adjustment_id": str(uuid.uuid4()),
            "customer_uid": anna,
            "occurred_at": at.isoformat(),
            "points": 5_00,
            "reason": "Ошибка кассира",
        },
    }
    payload = payloads[type_]
    payload[field] = value
    before = snapshot(chain)
    remembered = assert_refused(send(chain, batch([till.event(type_, at, payload)])))
    assert_unchanged(before, snapshot(chain), remembered)


def test_a_sale_whose_own_time_is_before_its_till_was_registered_is_refused(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    # The envelope says now, the sale inside says a year ago: its points would be active
    # at once (rule 4 broken), from a till that did not exist then.
    now = chain.clock() - timedelta(minutes=1)
    long_ago = now - timedelta(days=365)
    before = snapshot(chain)
    answer = send(chain, batch([till.event("sale_completed", now, sale(anna, long_ago))]))
    [result] = answer.json()["results"]
    assert result["status"] == "rejected", result
    assert_unchanged(before, snapshot(chain), remembered=1)


# --- strings a database may choke on -----------------------------------------------------


@pytest.mark.parametrize("type_", ["x" * 40, "sale\x00completed"], ids=["40-chars", "nul"])
def test_an_unknown_event_type_of_any_length_or_bytes_is_rejected_not_a_crash(
    chain: Chain, till: Sequencer, anna: str, type_: str
) -> None:
    body = a_sale(chain, till, anna)
    body["events"][0]["type"] = type_
    before = snapshot(chain)
    remembered = assert_refused(send(chain, body))
    assert_unchanged(before, snapshot(chain), remembered)


def _cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        _cursor({"policy": 0}),
        _cursor({"policy": 0, "products": [10**20, ""], "customers": [0, 0]}),
        _cursor({"policy": 0, "products": [0, ""], "customers": [0, 10**19]}),
    ],
    ids=["garbage", "incomplete", "product-seq-too-big", "customer-id-too-big"],
)
def test_a_forged_changes_cursor_is_a_400_problem_not_a_crash(
    chain: Chain, anna: str, cursor: str
) -> None:
    before = snapshot(chain)
    answer = chain.client.get("/v1/changes", params={"cursor": cursor}, headers=chain.headers())
    assert_problem(answer, 400, "invalid-cursor")
    assert_unchanged(before, snapshot(chain))


def test_a_changes_cursor_carrying_a_nul_byte_is_not_a_crash(chain: Chain, anna: str) -> None:
    cursor = _cursor({"policy": 0, "products": [0, "\x00"], "customers": [0, 0]})
    before = snapshot(chain)
    answer = chain.client.get("/v1/changes", params={"cursor": cursor}, headers=chain.headers())
    if answer.status_code != 200:  # refusing it is fine too, crashing is not
        assert_problem(answer, 400, "invalid-cursor")
    assert_unchanged(before, snapshot(chain))


@pytest.mark.parametrize(
    "hold", ["no-such-hold", "a" * 300, "ab%00cd"], ids=["unknown", "long", "nul"]
)
def test_releasing_a_hold_that_is_not_there_is_a_404_problem(
    chain: Chain, hold_id: str, hold: str
) -> None:
    before = snapshot(chain)
    assert_problem(
        chain.client.delete(f"/v1/holds/{hold}", headers=chain.headers()), 404, "not-found"
    )
    assert_unchanged(before, snapshot(chain))


def test_a_lookup_of_something_that_is_not_a_card_number_is_a_422_problem(
    chain: Chain, anna: str
) -> None:
    for number in ("12345", "+375 17 123-45-67", "2000000000016", "Анна"):
        answer = chain.client.get(f"/v1/customers/{number}", headers=chain.headers())
        problem = assert_problem(answer, 422, "invalid-card-number")
        assert problem["detail"], number


# --- a huge body ----------------------------------------------------------------------


def test_a_huge_body_is_a_413_problem_and_changes_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    body = a_sale(chain, till, anna)
    body["padding"] = "x" * (3 * 1024 * 1024)  # would be a 422 if it were ever parsed
    before = snapshot(chain)
    assert_problem(send(chain, body), 413, "body-too-large")
    assert_unchanged(before, snapshot(chain))


# --- tokens -----------------------------------------------------------------------------

REQUESTS = [
    ("POST", "/v1/events", {"store": "S1", "till": "T1", "events": []}),
    ("GET", "/v1/changes", None),
    ("POST", "/v1/holds", {"hold_id": str(uuid.uuid4()), "card": PHONE, "points": 1_00}),
    ("DELETE", "/v1/holds/" + str(uuid.uuid4()), None),
    ("GET", f"/v1/customers/{PHONE}", None),
]


WRONG_AUTHORIZATION = [
    None,
    "",
    "Bearer",
    "Bearer   ",
    "Basic dXNlcjpwYXNz",
    "Bearer bpt_not-a-real-token",
    "bpt_not-a-real-token",
]


def test_every_endpoint_refuses_a_missing_or_wrong_token_with_401_and_changes_nothing(
    chain: Chain, hold_id: str
) -> None:
    before = snapshot(chain)
    for method, url, body in REQUESTS:
        for authorization in WRONG_AUTHORIZATION:
            headers = {} if authorization is None else {"Authorization": authorization}
            answer = chain.client.request(method, url, json=body, headers=headers)
            problem = assert_problem(answer, 401, "unauthorized")
            assert answer.headers["www-authenticate"].startswith("Bearer"), (method, url)
            assert "bpt_" not in problem["detail"]  # the refusal never echoes a token
    assert_unchanged(before, snapshot(chain))


def test_a_wrong_token_with_a_well_formed_batch_applies_nothing(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    body = a_sale(chain, till, anna)
    before = snapshot(chain)
    answer = send(chain, body, headers={"Authorization": "Bearer " + chain.tokens["T1"][:-1]})
    assert_problem(answer, 401, "unauthorized")
    assert_unchanged(before, snapshot(chain))


def test_a_revoked_token_is_refused_at_once(chain: Chain, till: Sequencer, anna: str) -> None:
    assert chain.client.get("/v1/changes", headers=chain.headers("T2")).status_code == 200
    admin_command(chain.db, "revoke-till", store="S1", till="T2")
    before = snapshot(chain)
    at = chain.clock() - timedelta(minutes=5)
    body = batch([Sequencer().event("sale_completed", at, sale(anna, at))], "S1", "T2")
    assert_problem(send(chain, body, till="T2"), 401, "unauthorized")
    changes = chain.client.get("/v1/changes", headers=chain.headers("T2"))
    assert_problem(changes, 401, "unauthorized")
    assert_unchanged(before, snapshot(chain))
    # The other tills of the store carry on.
    assert chain.client.get("/v1/changes", headers=chain.headers("T1")).status_code == 200


@pytest.mark.parametrize(
    ("token_of", "store", "till_code"),
    [("T3", "S1", "T1"), ("T1", "S2", "T3"), ("T1", "S2", "T1")],
    ids=["other-stores-token", "naming-other-store", "naming-own-till-in-other-store"],
)
def test_a_batch_for_a_till_the_token_does_not_belong_to_is_a_403_problem(
    chain: Chain, till: Sequencer, anna: str, token_of: str, store: str, till_code: str
) -> None:
    at = chain.clock() - timedelta(minutes=5)
    body = batch([till.event("sale_completed", at, sale(anna, at))], store, till_code)
    before = snapshot(chain)
    problem = assert_problem(send(chain, body, till=token_of), 403, "forbidden")
    assert f"{store}/{till_code}" in problem["detail"]
    assert_unchanged(before, snapshot(chain))


def test_another_tills_token_cannot_release_a_hold(chain: Chain, hold_id: str) -> None:
    before = snapshot(chain)
    answer = chain.client.delete(f"/v1/holds/{hold_id}", headers=chain.headers("T3"))
    assert_problem(answer, 403, "forbidden")
    after = snapshot(chain)
    assert_unchanged(before, after)
    assert after["card"]["held"] == 10_00


def test_another_tills_token_cannot_ask_for_the_same_hold(chain: Chain, hold_id: str) -> None:
    before = snapshot(chain)
    answer = chain.client.post(
        "/v1/holds",
        json={"hold_id": hold_id, "card": PHONE, "points": 10_00},
        headers=chain.headers("T3"),
    )
    assert_problem(answer, 403, "forbidden")
    assert_unchanged(before, snapshot(chain))


def test_a_sale_from_another_till_cannot_capture_a_hold(
    chain: Chain, anna: str, hold_id: str
) -> None:
    at = chain.clock() - timedelta(minutes=1)
    payload = sale(anna, at, (TV,), spend=10_00, offline=False, hold_id=hold_id)
    body = batch([Sequencer().event("sale_completed", at, payload)], "S2", "T3")
    [result] = send(chain, body, till="T3").json()["results"]
    # The sale happened: it stands, as an offline spend, and the hold stays its till's.
    assert result["status"] == "accepted"
    assert result["flag"] == "hold-mismatch"
    assert snapshot(chain)["holds"] == [(hold_id, "active", 10_00)]
