"""The customers' page in a real headless Chromium at a phone's size, with JavaScript off.

The browser is Debian's (`apt-get install chromium`, /usr/bin/chromium), driven by
Playwright for Python; no browser is downloaded. The README's pictures come from here:

    BONUSPOS_PICTURES=tests/screenshots .venv/bin/python -m pytest \\
        tests/server/test_customer_page_browser.py

Without the variable the same steps save them in a temporary folder.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import update

from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos_server.codes.sms import LogSmsGateway
from bonuspos_server.data.models import Store
from bonuspos_server.settings import Settings
from bonuspos_server.web.app import create_app
from bonuspos_server.web.customer_html import day_text
from tests.server.builders import Sequencer
from tests.server.conftest import HIGH_LIMITS, UNLIMITED, Chain
from tests.server.live import free_port
from tests.server.page_support import SECRET, code_in, shopping

CHROMIUM = Path(os.environ.get("BONUSPOS_CHROMIUM", "/usr/bin/chromium"))
PHONE_SIZE = {"width": 390, "height": 844}  # a common phone's CSS pixels
SERVER_START_SECONDS = 30.0

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
)
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (or set BONUSPOS_CHROMIUM)",
    ),
    # One database is enough for what a browser shows; the page's rules run on both in
    # tests/server/test_customer_page.py.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


class Served:
    def __init__(self, app: Any) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/card/"
        self.sms: LogSmsGateway = app.state.codes.sms
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not self.server.started:
            assert self.thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)  # another thread binding its port: nothing to wait on but it
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join()

    def code(self, count: int) -> str:
        """The code of the `count`th SMS, once it is sent (after the page has answered)."""
        deadline = time.monotonic() + SERVER_START_SECONDS
        while len(self.sms.sent) < count:
            assert time.monotonic() < deadline, "no SMS was sent"
            time.sleep(0.02)
        return code_in(self.sms.sent[count - 1])


@pytest.fixture
def served(chain: Chain, till: Sequencer, anna: str) -> Iterator[Served]:
    shopping(chain, till, anna)
    with chain.db.sessions() as session, session.begin():
        session.execute(
            update(Store).where(Store.code == "S1").values(name="Минск, пр. Независимости, 12")
        )
    limits = {**HIGH_LIMITS, "code_card": UNLIMITED, "code_requester": UNLIMITED}
    settings = Settings("test", clock=chain.clock, page_secret=SECRET, **limits)
    with Served(create_app(chain.db, settings)) as server:
        yield server


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


def phone_page(browser: Any) -> Any:
    """A new browser, as a phone shows pages: no cookies, no script."""
    context = browser.new_context(
        viewport=PHONE_SIZE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ru-RU",
        java_script_enabled=False,
    )
    return context.new_page()


def test_a_customer_signs_in_with_the_sms_code_and_sees_points_and_purchases(
    served: Served, browser: Any, chain: Chain, tmp_path: Path
) -> None:
    out = Path(os.environ.get("BONUSPOS_PICTURES") or tmp_path / "pictures")
    out.mkdir(parents=True, exist_ok=True)
    page = phone_page(browser)
    page.goto(served.url)
    assert "Введите номер телефона" in page.inner_text("main")
    page.screenshot(path=str(out / "20-customer-page-phone.png"))

    page.fill("#phone", "+375 29 123-45-67")
    page.click("text=Получить код")
    assert "Код из СМС" in page.inner_text("main")
    assert "+375 29 ***-**-67" in page.inner_text("main")
    code = served.code(1)

    page.fill("#code", "000000" if code != "000000" else "111111")
    page.click("text=Войти")
    shown = page.inner_text("main")
    assert "неверный" in shown
    assert "Можно потратить" not in shown
    page.screenshot(path=str(out / "21-customer-page-wrong-code.png"))

    page.fill("#code", code)
    page.click("text=Войти")
    shown = page.inner_text("main")
    tomorrow = DEFAULT_POLICY.store_day(chain.clock()) + timedelta(days=1)
    assert "65,00\u00a0б." in shown
    assert "+31,50\u00a0б." in shown
    assert f"с {day_text(tomorrow)}" in shown
    assert shown.count("начислено +") == 3
    assert "списано −10,00\u00a0б." in shown
    assert "+375 29 ***-**-67" in shown
    assert "123-45-67" not in page.content()
    page.screenshot(path=str(out / "22-customer-page-balance.png"), full_page=True)

    # The same code, seen over her shoulder, in another browser: refused.
    other = phone_page(browser)
    other.goto(served.url)
    other.fill("#phone", "+375291234567")
    other.click("text=Получить код")
    served.code(2)  # her phone got a new code; the old one is typed
    other.fill("#code", code)
    other.click("text=Войти")
    assert "неверный" in other.inner_text("main")
    assert "Можно потратить" not in other.inner_text("main")

    # Nothing without the visit: a new browser gets the phone form wherever it goes.
    stranger = phone_page(browser)
    for path in ("", "code"):
        stranger.goto(served.url + path)
        assert "Введите номер телефона" in stranger.inner_text("main")
        assert "Можно потратить" not in stranger.content()

    page.click("text=Выйти")
    assert "Введите номер телефона" in page.inner_text("main")
    page.reload()
    assert "Можно потратить" not in page.content()
