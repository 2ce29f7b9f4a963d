"""GET /v1/tills/me: what the server holds from the calling till, so a till can tell a restore."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.server.builders import Sequencer, registered
from tests.server.conftest import Chain, post


def _last_seq(chain: Chain, till: str) -> int:
    answer = chain.client.get("/v1/tills/me", headers=chain.headers(till))
    assert answer.status_code == 200, answer.text
    assert (answer.json()["store"], answer.json()["till"]) == ("S1", till)
    seq: int = answer.json()["last_seq"]
    return seq


def test_a_till_the_server_has_nothing_from_is_at_seq_0(chain: Chain) -> None:
    assert _last_seq(chain, "T1") == 0


def test_the_highest_seq_counts_and_only_the_callers_own(chain: Chain) -> None:
    till, at = Sequencer(), chain.clock() - timedelta(minutes=5)
    events = [
        till.event("customer_registered", at, registered(str(uuid.uuid4()), phone, at))
        for phone in ("+375291110001", "+375291110002", "+375291110003")
    ]
    post(chain, events)

    assert _last_seq(chain, "T1") == 3
    assert _last_seq(chain, "T2") == 0


def test_asking_without_a_token_is_unauthorized(chain: Chain) -> None:
    answer = chain.client.get("/v1/tills/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
