"""The customers' own page: a phone, a code by SMS, then their points and purchases only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos_server.codes.sms import SentSms
from bonuspos_server.data.models import Customer
from bonuspos_server.settings import (
    PAGE_SECRET,
    PAGE_SECRET_FILE,
    Limit,
    Settings,
    page_secret_from_environment,
)
from bonuspos_server.web.app import create_app
from bonuspos_server.web.customer_html import day_text
from bonuspos_server.web.customer_page import COOKIE
from tests.server.builders import Sequencer
from tests.server.conftest import HIGH_LIMITS, PHONE, UNLIMITED, Chain
from tests.server.page_support import SECRET, code_in, csrf_of, shopping, sms_sent

STRANGER = "+375447654321"  # a number no card has
# Codes as often as the tests sign in; the page's own limits are tested with lower ones.
PAGE_LIMITS = {**HIGH_LIMITS, "code_card": UNLIMITED, "code_requester": UNLIMITED}


@dataclass
class Page:
    client: TestClient

    @property
    def sent(self) -> list[SentSms]:
        return sms_sent(self.client)

    def ask(self, phone: str) -> str:
        """Types `phone`; the page that answers."""
        csrf = csrf_of(self.client.get("/card/").text)
        return self.client.post("/card/code-request", data={"phone": phone, "csrf": csrf}).text

    def enter(self, code: str) -> tuple[int, str]:
        csrf = csrf_of(self.client.get("/card/code").text)
        response = self.client.post("/card/code", data={"code": code, "csrf": csrf})
        return response.status_code, response.text

    def sign_in(self, phone: str = PHONE) -> str:
        self.ask(phone)
        status, text = self.enter(code_in(self.sent[-1]))
        assert status == 200, text
        return text


def page_for(chain: Chain, **limits: Limit) -> TestClient:
    settings = Settings("test", clock=chain.clock, page_secret=SECRET, **{**PAGE_LIMITS, **limits})
    return TestClient(create_app(chain.db, settings))


@pytest.fixture
def page(chain: Chain, till: Sequencer, anna: str) -> Iterator[Page]:
    shopping(chain, till, anna)
    with page_for(chain) as client:
        yield Page(client)


def test_the_right_code_shows_active_and_pending_points_and_purchases(
    page: Page, chain: Chain
) -> None:
    text = page.sign_in()
    tomorrow = DEFAULT_POLICY.store_day(chain.clock()) + timedelta(days=1)
    # 75 from the TV three days ago, less the 10 spent today; 4,50 and 27,00 come tomorrow.
    assert "65,00\u00a0б." in text
    assert f"+31,50\u00a0б.</span><span>с {day_text(tomorrow)}" in text
    assert text.count("начислено +") == 3
    assert "списано −10,00\u00a0б." in text
    assert "2\u00a0499,00 BYN" in text
    assert "+375 29 ***-**-67" in text
    assert "123-45-67" not in text
    assert "1234567" not in text
    assert "Иванова" not in text  # the page shows points, not who holds the card


def test_the_answer_to_a_phone_is_the_same_for_a_customer_and_a_stranger(page: Page) -> None:
    known = page.ask(PHONE).replace("+375 29 ***-**-67", "PHONE")
    unknown = page.ask(STRANGER).replace("+375 44 ***-**-21", "PHONE")
    assert known.replace(csrf_of(known), "") == unknown.replace(csrf_of(unknown), "")
    assert [m.phone_e164 for m in page.sent] == [PHONE]  # only the customer's got an SMS


def test_a_wrong_code_shows_nothing_of_the_card(page: Page) -> None:
    page.ask(PHONE)
    status, text = page.enter("000000")
    assert status == 400
    assert "неверный" in text
    assert "б." not in text
    assert "Последние покупки" not in page.client.get("/card/").text


def test_a_code_used_once_is_refused_the_second_time(page: Page) -> None:
    page.sign_in()
    used = code_in(page.sent[-1])
    page.client.cookies.clear()  # another browser, with the code seen over her shoulder
    page.ask(PHONE)
    status, text = page.enter(used)
    assert status == 400
    assert "Последние покупки" not in text


def test_three_wrong_codes_lock_the_card_and_say_only_that_the_code_is_wrong(
    page: Page,
) -> None:
    page.ask(PHONE)
    right = code_in(page.sent[-1])
    wrong = "111111" if right != "111111" else "222222"
    answers = [page.enter(wrong) for _ in range(3)]
    status, text = page.enter(right)
    assert [a[0] for a in answers] == [400, 400, 400]
    assert status == 400
    assert "неверный" in text
    assert "Последние покупки" not in text


def test_a_stranger_with_any_code_gets_in_nowhere(page: Page) -> None:
    page.ask(STRANGER)
    status, text = page.enter("000001")
    assert status == 400
    assert "Последние покупки" not in text


def test_nothing_is_shown_without_the_cookie_or_with_a_forged_one(page: Page) -> None:
    page.sign_in()
    cookie = page.client.cookies[COOKIE]
    page.client.cookies.clear()
    assert "Последние покупки" not in page.client.get("/card/").text
    body, mac = cookie.split(".")
    page.client.cookies.set(COOKIE, f"{body}.{mac[:-2]}AA", path="/card/")
    assert "Последние покупки" not in page.client.get("/card/").text


def test_a_form_from_another_site_is_refused(page: Page) -> None:
    page.client.get("/card/")
    response = page.client.post("/card/code-request", data={"phone": PHONE, "csrf": "forged"})
    assert response.status_code == 400
    assert "устарела" in response.text
    assert page.sent == []


def test_signing_out_ends_the_visit_even_for_a_copy_of_its_cookie(page: Page) -> None:
    page.sign_in()
    copied = page.client.cookies[COOKIE]
    csrf = csrf_of(page.client.get("/card/").text)
    page.client.post("/card/logout", data={"csrf": csrf})
    assert "Последние покупки" not in page.client.get("/card/").text
    page.client.cookies.set(COOKIE, copied, path="/card/")
    assert "Последние покупки" not in page.client.get("/card/").text


def test_the_visit_ends_after_its_minutes(page: Page, chain: Chain) -> None:
    page.sign_in()
    chain.clock.advance(timedelta(minutes=16))
    assert "Последние покупки" not in page.client.get("/card/").text


def test_the_visit_ends_when_the_phone_stops_finding_the_card(page: Page, chain: Chain) -> None:
    page.sign_in()
    with chain.db.sessions() as session, session.begin():  # HQ changed the card's phone
        session.execute(update(Customer).where(Customer.phone == PHONE).values(phone=STRANGER))
    assert "Последние покупки" not in page.client.get("/card/").text


def test_phones_typed_from_one_address_are_limited(chain: Chain, anna: str) -> None:
    with page_for(chain, page_address=Limit(3, 900)) as client:
        page = Page(client)
        for n in range(3):
            assert "Код из СМС" in page.ask(f"+37529765432{n}")
        csrf = csrf_of(client.get("/card/").text)
        refused = client.post("/card/code-request", data={"phone": PHONE, "csrf": csrf})
    assert refused.status_code == 429
    assert "Слишком много попыток" in refused.text
    assert page.sent == []


def test_codes_tried_on_one_phone_are_limited_whoever_holds_it(chain: Chain, anna: str) -> None:
    with page_for(chain, page_phone=Limit(3, 900)) as client:
        page = Page(client)
        page.ask(PHONE)
        right = code_in(page.sent[-1])
        statuses = [page.enter(f"99999{n}")[0] for n in range(2) if f"99999{n}" != right]
        status, text = page.enter(right)  # the fourth count on the phone
    assert statuses == [400, 400]
    assert status == 429
    assert "Последние покупки" not in text


def test_the_page_is_never_cached_framed_or_scripted(page: Page) -> None:
    page.ask(PHONE)
    response = page.client.post(
        "/card/code",
        data={"code": code_in(page.sent[-1]), "csrf": csrf_of(page.client.get("/card/code").text)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/card/" in cookie
    shown = page.client.get("/card/")
    assert shown.headers["cache-control"] == "no-store"
    policy = shown.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy  # none: default-src 'none' forbids every script
    assert "<script" not in shown.text


def test_a_server_without_the_page_secret_serves_no_page(chain: Chain) -> None:
    assert chain.client.get("/card/").status_code == 404


def test_the_page_key_comes_from_the_environment_or_a_file_and_is_long(tmp_path: Path) -> None:
    key = "k" * 40
    assert page_secret_from_environment({PAGE_SECRET: key}) == key.encode()
    (tmp_path / "page-secret").write_text(key + "\n", encoding="utf-8")
    from_file = {PAGE_SECRET_FILE: str(tmp_path / "page-secret")}
    assert page_secret_from_environment(from_file) == key.encode()
    assert page_secret_from_environment({}) is None
    with pytest.raises(ValueError, match="at least 32"):
        page_secret_from_environment({PAGE_SECRET: "short"})
    with pytest.raises(ValueError, match="cannot read"):
        page_secret_from_environment({PAGE_SECRET_FILE: str(tmp_path / "missing")})
    limits = Settings("x").with_limits("page-address=10/60,page-phone=2/60")
    assert (limits.page_address, limits.page_phone) == (Limit(10, 60), Limit(2, 60))
