"""The customers' page over a chain's server: a card with points, and a way to sign in."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from bonuspos_server.codes.sms import LogSmsGateway, SentSms
from tests.server.builders import HEADPHONES, TV, Sequencer, sale
from tests.server.builders import PHONE as SMARTPHONE
from tests.server.conftest import Chain, post

SECRET = b"a test key for the page, long enough: 0123456789"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CODE = re.compile(r"\b[0-9]{6}\b")


def sms_sent(client: TestClient) -> list[SentSms]:
    """The messages the server's log gateway has sent."""
    gateway: LogSmsGateway = client.app.state.codes.sms  # type: ignore[attr-defined]
    return gateway.sent


def code_in(message: SentSms) -> str:
    found = CODE.search(message.text)
    assert found, message.text
    return found[0]


def shopping(chain: Chain, till: Sequencer, uid: str) -> None:
    """Anna's purchases: a TV three days ago (active now), then today headphones paid
    partly in points and a smartphone (both pending until tomorrow)."""
    before = chain.clock() - timedelta(minutes=30)
    sales = [till.event("sale_completed", before, sale(uid, before, (TV,)))]
    chain.clock.advance(timedelta(days=3))
    today = chain.clock() - timedelta(minutes=30)
    sales.append(till.event("sale_completed", today, sale(uid, today, (HEADPHONES,), spend=10_00)))
    sales.append(till.event("sale_completed", today, sale(uid, today, (SMARTPHONE,))))
    assert [r["status"] for r in post(chain, sales)] == ["accepted"] * 3


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, page
    return found[1]
