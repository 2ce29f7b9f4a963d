"""One-time codes: six digits to the card's phone, kept as a keyed hash, good once for a
few minutes; sending limited per card and per requester; three wrong codes lock the card's
codes for a while."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos_server.codes import onetime
from bonuspos_server.codes.onetime import SPEND, WEB, Codes
from bonuspos_server.codes.sms import HttpSmsGateway, LogSmsGateway, gateway
from bonuspos_server.data.models import Customer, OneTimeCode
from bonuspos_server.settings import Limit, Settings
from bonuspos_server.web.problems import Problem
from tests.server.builders import registered
from tests.server.conftest import PHONE, Chain, post

BORIS = "+375297654321"
BORIS_UID = "00000000-0000-4000-8000-000000000002"


@pytest.fixture
def sms() -> LogSmsGateway:
    return LogSmsGateway()


@pytest.fixture
def session(chain: Chain, anna: str) -> Iterator[Session]:
    with chain.db.sessions() as session:
        yield session


def make_codes(sms: LogSmsGateway, **settings: Any) -> Codes:
    return Codes(Settings("test", code_secret=b"k" * 32, **settings), sms)


def card(session: Session, uid: str) -> Customer:
    return session.scalars(select(Customer).where(Customer.uid == uid)).one()


def sent_code(sms: LogSmsGateway) -> str:
    found = re.search(r"\b[0-9]{6}\b", sms.sent[-1].text)
    assert found is not None
    return found.group()


def refusal(call: Any, *args: Any) -> str:
    with pytest.raises(Problem) as raised:
        call(*args)
    return raised.value.slug


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_six_digits_sent_to_the_cards_phone_and_stored_only_as_a_hash(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain
) -> None:
    codes = make_codes(sms)
    codes.issue(session, card(session, anna), SPEND, "till:1", chain.clock())
    code = sent_code(sms)
    assert sms.sent[-1].phone_e164 == PHONE
    stored = session.scalars(select(OneTimeCode)).one()
    assert code not in stored.digest
    assert len(stored.digest) == 64


def test_the_right_code_passes_once_and_a_replay_is_refused(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain
) -> None:
    codes, now = make_codes(sms), chain.clock()
    annas = card(session, anna)
    codes.issue(session, annas, SPEND, "till:1", now)
    code = sent_code(sms)
    codes.check(session, annas, SPEND, code, "till:1", now)
    assert refusal(codes.check, session, annas, SPEND, code, "till:1", now) == "code-expired"


def test_a_code_expires_after_its_time(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain
) -> None:
    codes, now = make_codes(sms, code_ttl=timedelta(minutes=5)), chain.clock()
    annas = card(session, anna)
    codes.issue(session, annas, SPEND, "till:1", now)
    later = now + timedelta(minutes=5)
    assert refusal(codes.check, session, annas, SPEND, sent_code(sms), "till:1", later) == (
        "code-expired"
    )


def test_a_code_is_good_only_for_its_purpose_and_a_new_one_replaces_it(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain
) -> None:
    codes, now = make_codes(sms), chain.clock()
    annas = card(session, anna)
    codes.issue(session, annas, WEB, "ip:203.0.113.5", now)
    web_code = sent_code(sms)
    assert refusal(codes.check, session, annas, SPEND, web_code, "till:1", now) == "code-expired"
    codes.issue(session, annas, WEB, "ip:203.0.113.5", now)
    assert refusal(codes.check, session, annas, WEB, web_code, "ip:1", now) in (
        "code-wrong",
        "code-expired",
    )


def test_three_wrong_codes_lock_the_cards_codes_for_a_while(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain
) -> None:
    codes = make_codes(sms, code_lock=timedelta(minutes=15))
    now = chain.clock()
    annas = card(session, anna)
    codes.issue(session, annas, SPEND, "till:1", now)
    code = sent_code(sms)
    assert refusal(codes.check, session, annas, SPEND, other(code), "till:1", now) == "code-wrong"
    assert refusal(codes.check, session, annas, SPEND, other(code), "till:1", now) == "code-wrong"
    assert refusal(codes.check, session, annas, SPEND, other(code), "till:1", now) == (
        "codes-locked"
    )
    # Locked: even the right code, and a new one, are refused until the lock ends.
    assert refusal(codes.check, session, annas, SPEND, code, "till:1", now) == "codes-locked"
    assert refusal(codes.issue, session, annas, SPEND, "till:1", now) == "codes-locked"
    later = now + timedelta(minutes=15)
    codes.issue(session, annas, SPEND, "till:1", later)
    codes.check(session, annas, SPEND, sent_code(sms), "till:1", later)


def test_wrong_tries_are_kept_when_the_caller_commits_the_refusal(
    chain: Chain, anna: str, sms: LogSmsGateway
) -> None:
    codes, now = make_codes(sms), chain.clock()
    with chain.db.sessions() as session, session.begin():
        codes.issue(session, card(session, anna), SPEND, "till:1", now)
    code = sent_code(sms)
    for _ in range(3):
        with chain.db.sessions() as session:
            with pytest.raises(Problem):
                codes.check(session, card(session, anna), SPEND, other(code), "till:1", now)
            session.commit()
    with chain.db.sessions() as session:
        assert refusal(codes.check, session, card(session, anna), SPEND, code, "t", now) == (
            "codes-locked"
        )


def test_sending_is_limited_per_card_and_per_requester(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain, till: Any
) -> None:
    at = chain.clock() - timedelta(hours=1)
    boris = registered(BORIS_UID, BORIS, at, "Петров Борис")
    post(chain, [till.event("customer_registered", at, boris)])
    codes = make_codes(sms, code_card=Limit(2, 600), code_requester=Limit(2, 600))
    now = chain.clock()
    annas, boriss = card(session, anna), card(session, BORIS_UID)
    codes.issue(session, annas, SPEND, "till:1", now)
    codes.issue(session, annas, SPEND, "till:2", now)
    assert refusal(codes.issue, session, annas, SPEND, "till:3", now) == "too-many-codes"
    codes.issue(session, boriss, SPEND, "till:1", now)
    # Boris's card has sent one code, but till:1 has asked two already.
    assert refusal(codes.issue, session, boriss, SPEND, "till:1", now) == "too-many-codes"
    later = now + timedelta(minutes=10)
    codes.issue(session, annas, SPEND, "till:3", later)


def test_codes_are_compared_in_constant_time(
    session: Session, anna: str, sms: LogSmsGateway, chain: Chain, monkeypatch: Any
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def compare_digest(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(onetime.hmac, "compare_digest", compare_digest)
    codes, now = make_codes(sms), chain.clock()
    annas = card(session, anna)
    codes.issue(session, annas, SPEND, "till:1", now)
    codes.check(session, annas, SPEND, sent_code(sms), "till:1", now)
    assert len(compared) == 1


def test_the_log_gateway_never_logs_the_full_phone(caplog: pytest.LogCaptureFixture) -> None:
    sms = LogSmsGateway()
    with caplog.at_level("INFO", logger="bonuspos_server.codes.sms"):
        sms.send(PHONE, "Код: 123456")
    assert PHONE not in caplog.text
    assert "+375 29 ***-**-67" in caplog.text
    assert sms.sent[0].phone_e164 == PHONE


def test_the_http_gateway_posts_with_the_environments_token_and_reports_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[httpx.Request] = []

    def post(url: str, **kwargs: Any) -> httpx.Response:
        request = httpx.Request("POST", url, json=kwargs["json"], headers=kwargs["headers"])
        seen.append(request)
        return httpx.Response(503 if len(seen) > 1 else 200, request=request)

    monkeypatch.setenv("BONUSPOS_SERVER_SMS_TOKEN", "tok")
    monkeypatch.setattr(httpx, "post", post)
    sms = gateway("https://sms.example/send")
    assert isinstance(sms, HttpSmsGateway)
    sms.send(PHONE, "Код: 123456")
    assert seen[0].headers["Authorization"] == "Bearer tok"
    with pytest.raises(Problem) as raised:
        sms.send(PHONE, "Код: 123456")
    assert raised.value.slug == "sms-not-sent"
    assert PHONE not in str(raised.value.body())
    assert isinstance(gateway("log"), LogSmsGateway)
