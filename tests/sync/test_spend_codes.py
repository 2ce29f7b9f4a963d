"""Online, a spend above the policy's threshold needs the code the server sends the
customer's phone: the till asks for it, sends it with the hold, and a wrong one sells
nothing. Against a real server, whose log gateway writes the message to its log."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bonuspos import paths
from bonuspos.domain.cart import Cart, TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.holds import CodeRefused, OnlineHolds, hold_id_for
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos_server.data.models import Hold, Sale
from tests.support import MINSK, RELEASED_LONG_AGO, sell
from tests.sync.conftest import Central, sync

QUICK = httpx.Timeout(5.0, connect=1.0)
SPEND = Points(120_00)  # above the default threshold of 100,00
_PHONES = (f"+375 29 555-08-{n:02d}" for n in itertools.count(1))


@pytest.fixture
def online(central: Central, tmp_path: Path) -> Iterator[tuple[Till, CardView, SyncConfig]]:
    """A till that reaches the server, and a card with 150,00 active earned elsewhere."""
    number = next(_PHONES)
    earlier = central.new_till(installed=timedelta(days=3))
    two_days_ago = ManualClock(datetime.now(MINSK) - timedelta(days=2))
    with Till(tmp_path / "earlier", two_days_ago, released=RELEASED_LONG_AGO) as till:
        till.catalog.load_csv(paths.demo_catalog())
        anna = till.registration.register(CustomerForm("Лебедева Анна", number, True, True))
        sell(till, {"TV-55Q": 2}, card=anna)
        sync(till, earlier)
    config = central.new_till()
    holds = OnlineHolds(lambda: ServerClient(config, timeout=QUICK))
    with Till(tmp_path / "online", ManualClock(datetime.now(MINSK)), holds) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sync(till, config)
        card = till.lookup.find(number)
        assert card is not None
        yield till, card, config


def request(till: Till, card: CardView, code: str | None) -> SaleRequest:
    cart = Cart().add(till.catalog.find("TV-55Q").line())
    offer = till.checkout.quote(cart, card.customer_uid, [TenderKind.CASH], online=True)
    return replace(SaleRequest.of(offer.offer(SPEND), new_sale_id(), online=True), code=code)


def last_code(central: Central) -> str:
    codes = re.findall(r"списания баллов: ([0-9]{6})", central.server.log.read_text())
    assert codes, central.server.log_tail()
    return str(codes[-1])


def test_above_the_threshold_the_code_is_asked_and_a_wrong_one_sells_nothing(
    central: Central, online: tuple[Till, CardView, SyncConfig]
) -> None:
    till, card, _ = online
    with pytest.raises(CodeRefused) as refused:
        till.checkout.complete(request(till, card, None))
    assert refused.value.reason == "verification-required"
    till.checkout.send_code(card.customer_uid)
    code = last_code(central)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(CodeRefused) as refused:
        till.checkout.complete(request(till, card, wrong))
    assert "Неверный код" in refused.value.message
    assert till.checkout.last_receipt() is None

    receipt = till.checkout.complete(request(till, card, code))

    assert receipt.spent == SPEND
    with central.db.sessions() as session:
        hold = session.get(Hold, hold_id_for(receipt.sale_id))
        assert hold is not None
        assert hold.verified


def test_the_verified_sale_is_accepted_at_sync_and_captures_its_hold(
    central: Central, online: tuple[Till, CardView, SyncConfig]
) -> None:
    till, card, config = online
    till.checkout.send_code(card.customer_uid)
    receipt = till.checkout.complete(request(till, card, last_code(central)))

    sync(till, config)

    with central.db.sessions() as session:
        sale = session.get(Sale, receipt.sale_id)
        hold = session.get(Hold, hold_id_for(receipt.sale_id))
        assert sale is not None
        assert hold is not None
        assert (sale.spent, sale.offline, sale.flag, hold.status) == (
            SPEND.minor,
            False,
            None,
            "captured",
        )
