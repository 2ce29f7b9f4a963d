"""/metrics: what the tills' events and holds came to, for this machine's Prometheus only."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.settings import MULTIPROC_DIR, Settings
from bonuspos_server.web.app import create_app
from tests.server.builders import TV, Sequencer, registered, sale
from tests.server.conftest import HIGH_LIMITS, PHONE, Chain, post
from tests.server.live import add_tills, bearer, credit, live_server

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
LOOPBACK = ("127.0.0.1", 50123)
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def scrape(chain: Chain) -> tuple[str, Samples]:
    """/metrics as this machine's Prometheus reads it."""
    local = TestClient(chain.client.app, client=LOOPBACK)
    answer = local.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text, parsed(answer.text)


def parsed(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def hold(chain: Chain, points: int) -> str:
    hold_id = str(uuid.uuid4())
    body = {"hold_id": hold_id, "card": PHONE, "points": points}
    answer = chain.client.post("/v1/holds", json=body, headers=chain.headers())
    assert answer.status_code == 201, answer.text
    return hold_id


def test_a_batchs_accepted_duplicate_rejected_and_flagged_events_move_the_counters(
    chain: Chain, till: Sequencer, anna: str
) -> None:
    credit(chain.db, PHONE, 100_00)
    at = chain.clock()
    newcomer = str(uuid.uuid4())
    signed_up = till.event(
        "customer_registered", at, registered(newcomer, "+375297654321", at, "Петров Пётр")
    )
    [first] = post(chain, [signed_up])
    assert first["status"] == "accepted"
    _, before = scrape(chain)

    captured = hold(chain, 30_00)
    released = hold(chain, 10_00)
    for _ in range(2):  # the second time is a till's retry: one release
        answer = chain.client.delete(f"/v1/holds/{released}", headers=chain.headers())
        assert answer.status_code == 204
    results = post(
        chain,
        [
            signed_up,  # sent again: a duplicate
            till.event("sale_completed", at, sale(anna, at, spend=30_00, offline=False,
                                                   hold_id=captured)),
            till.event("made_up_type", at, {}),  # a dead letter
            # Spends online naming no hold of the card's: kept, flagged hold-mismatch.
            till.event("sale_completed", at, sale(anna, at, spend=5_00, offline=False,
                                                   hold_id=str(uuid.uuid4()))),
        ],
    )  # fmt: skip
    assert [r["status"] for r in results] == ["duplicate", "accepted", "rejected", "accepted"]
    assert results[3]["flag"] == "hold-mismatch"
    lapsing = hold(chain, 20_00)
    chain.clock.advance(timedelta(hours=1))  # the hold lapses before its sale is made
    late_at = chain.clock()
    late = sale(anna, late_at, (TV,), spend=20_00, offline=False, hold_id=lapsing)
    [late_result] = post(chain, [till.event("sale_completed", late_at, late)])
    assert "hold-lapsed" in late_result["flag"]
    _, after = scrape(chain)

    events = "bonuspos_events_total"
    assert moved(before, after, events, outcome="accepted", type="sale_completed") == 3
    assert moved(before, after, events, outcome="duplicate", type="customer_registered") == 1
    assert moved(before, after, events, outcome="rejected", type="other") == 1
    rejected = "bonuspos_events_rejected_total"
    assert moved(before, after, rejected, problem="unknown-event-type") == 1
    flags = "bonuspos_event_flags_total"
    assert moved(before, after, flags, flag="hold-mismatch") == 1
    assert moved(before, after, flags, flag="hold-lapsed") == 1
    holds = "bonuspos_holds_total"
    assert moved(before, after, holds, outcome="placed") == 3
    assert moved(before, after, holds, outcome="released") == 1
    assert moved(before, after, holds, outcome="captured") == 1
    assert moved(before, after, holds, outcome="expired") == 1
    latency = "bonuspos_http_request_duration_seconds_count"
    assert moved(before, after, latency, method="POST", route="/v1/events") == 2
    assert moved(before, after, latency, method="DELETE", route="/v1/holds/{hold_id}") == 2
    requests = "bonuspos_http_requests_total"
    assert moved(before, after, requests, method="POST", route="/v1/holds", status="201") == 3


def test_no_label_holds_a_phone_a_uuid_or_a_token(chain: Chain, anna: str) -> None:
    headers = chain.headers()
    for path in (f"/v1/customers/{PHONE}", "/v1/customers/80291234567",
                 f"/v1/sales/{uuid.uuid4()}", f"/v1/holds/{uuid.uuid4()}",
                 f"/v1/nowhere/{PHONE}", f"/{chain.tokens['T1']}"):  # fmt: skip
        chain.client.get(path, headers=headers)
        chain.client.request("FROBNICATE", path, headers=headers)
    chain.client.delete(f"/v1/holds/{uuid.uuid4()}", headers=headers)
    # A till naming an event type, a flag or a problem of its own making.
    event = {"event_id": str(uuid.uuid4()), "seq": 99, "occurred_at": chain.clock().isoformat(),
             "type": PHONE, "payload": {"x": str(uuid.uuid4())}}  # fmt: skip
    chain.client.post(
        "/v1/events", json={"store": "S1", "till": "T1", "events": [event]}, headers=headers
    )
    text, samples = scrape(chain)
    values = {value for _, labels in samples for _, value in labels}
    assert "/v1/customers/{card}" in values
    assert "/v1/sales/{sale_id}" in values
    for value in values:
        assert not re.search(r"[0-9]{5,}", value), value
        assert not UUID.search(value), value
    for phone in (PHONE, PHONE[1:], "291234567"):
        assert phone not in text
    for token in chain.tokens.values():
        assert token not in text
    route_values = {dict(labels).get("route") for _, labels in samples} - {None}
    assert "unmatched" in route_values
    methods = {dict(labels).get("method") for _, labels in samples} - {None}
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}


@pytest.mark.parametrize(
    ("client", "headers"),
    [
        (("testclient", 50000), {}),  # no address at all
        (("10.1.2.3", 50000), {}),  # a store's network
        (("203.0.113.7", 50000), {}),  # the internet
        # Through the public proxy, which is on loopback itself.
        (LOOPBACK, {"X-Forwarded-For": "127.0.0.1"}),
        (LOOPBACK, {"Forwarded": "for=127.0.0.1"}),
    ],
    ids=["no-address", "store-network", "internet", "via-proxy", "via-proxy-forwarded"],
)
def test_metrics_refuse_a_caller_not_on_this_machine(
    chain: Chain, client: tuple[str, int], headers: dict[str, str]
) -> None:
    outside = TestClient(chain.client.app, client=client)
    answer = outside.get("/metrics", headers=headers)
    assert answer.status_code == 403
    assert "bonuspos_" not in answer.text


def test_a_tills_token_does_not_open_the_metrics(chain: Chain) -> None:
    till_pc = TestClient(chain.client.app, client=("10.1.2.3", 50000))
    answer = till_pc.get("/metrics", headers=chain.headers())
    assert answer.status_code == 403


def test_an_address_the_settings_allow_may_read_the_metrics(server_db: ServerDatabase) -> None:
    settings = Settings("test", **HIGH_LIMITS).with_metrics_allow("10.0.5.7, 10.0.6.0/24")
    app = create_app(server_db, settings)
    assert TestClient(app, client=("10.0.6.44", 1)).get("/metrics").status_code == 200
    assert TestClient(app, client=("10.0.5.7", 1)).get("/metrics").status_code == 200
    assert TestClient(app, client=("10.0.5.8", 1)).get("/metrics").status_code == 403


def test_metrics_are_not_in_the_tills_protocol(chain: Chain) -> None:
    assert "/metrics" not in chain.client.get("/openapi.json").json()["paths"]


def _count(samples: Samples, name: str, labels: Mapping[str, str]) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_several_workers_add_up_in_one_metrics_page(tmp_path: Path) -> None:
    """Each scrape is answered by whichever worker takes it; all show every worker's
    counts. A count left in the folder by an earlier run is not added in."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_99999.db").write_bytes(b"left by a run before")
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    env = {MULTIPROC_DIR: str(folder)}
    with live_server(url, tmp_path / "logs", workers=3, access_log=False, extra_env=env) as server:
        db = open_server_database(url)  # migrated by the server already
        token = add_tills(db, "S1", ["T1"])["T1"]
        db.dispose()
        sent = 60
        with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
            for _ in range(sent):
                assert client.get("/v1/tills/me", headers=bearer(token)).status_code == 200
            pages = [parsed(client.get("/metrics").text) for _ in range(6)]
    key = {"method": "GET", "route": "/v1/tills/me", "status": "200"}
    counts = {_count(page, "bonuspos_http_requests_total", key) for page in pages}
    assert counts == {float(sent)}, counts
    assert not (folder / "counter_99999.db").exists()
    assert len(list(folder.glob("*.db"))) > 1  # written by more than one worker
