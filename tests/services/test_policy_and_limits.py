"""The policy a sale is rung under, the offline limit's day, and balances that recover."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.domain.cart import Cart, Channel, Tender, TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points
from bonuspos.domain.policy import Policy
from bonuspos.ledger.models import OutboxEvent, Sale
from bonuspos.ledger.repositories import POLICY_SETTING
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock, SystemClock
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import give_back, sell


def store_policy(till: Till, policy: Policy) -> None:
    with UnitOfWork(till.db.writing) as uow:
        uow.settings.set(POLICY_SETTING, json.dumps(policy.to_dict()))
        uow.commit()


def test_a_sale_records_the_policy_version_it_was_rung_under(
    tmp_path: Path, till: Till, clock: ManualClock
) -> None:
    store_policy(till, Policy(version=3, cap_percent=20))
    till.close()
    with Till(tmp_path / "till", clock) as reopened:
        assert reopened.policy.version == 3
        receipt = sell(reopened, {"HP-BT": 1})
        with reopened.db.reading() as s:
            sale = s.get(Sale, receipt.sale_id)
            event = s.execute(select(OutboxEvent.payload)).scalars().one()
        assert sale is not None
        assert sale.policy_version == 3
        assert json.loads(event)["policy_version"] == 3


def test_a_corrupt_stored_policy_stops_the_till_with_a_message(
    tmp_path: Path, till: Till, clock: ManualClock
) -> None:
    with UnitOfWork(till.db.writing) as uow:
        uow.settings.set(POLICY_SETTING, '{"version": 2.5}')
        uow.commit()
    till.close()
    for _attempt in range(2):  # the second sees the policy again, not a stale lock
        with pytest.raises(InvalidInput, match="Политика программы повреждена"):
            Till(tmp_path / "till", clock)


def test_the_offline_limit_starts_again_the_next_minsk_day(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 2}, card=anna)
    clock.advance(timedelta(days=1))
    sell(till, {"PH-A15": 1}, card=anna, spend=Points(50_00))
    cart = Cart().add(till.catalog.find("PH-A15").line())
    assert till.checkout.quote(cart, anna.customer_uid, [TenderKind.CASH]).quote.cap == Points(0)
    clock.advance(timedelta(days=1))
    assert till.checkout.quote(cart, anna.customer_uid, [TenderKind.CASH]).quote.cap == Points(
        50_00
    )


def test_a_negative_balance_is_repaid_by_later_earnings(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    first = sell(till, {"TV-55Q": 1}, card=anna)
    clock.advance(timedelta(days=1))
    sell(till, {"PH-A15": 1}, card=anna, spend=Points(50_00))
    give_back(till, first.sale_id, {1: 1})  # -75,00
    sell(till, {"LP-14": 1}, card=anna)  # earns 66,00
    clock.advance(timedelta(days=1))
    card = till.lookup.find("291234567")
    assert card is not None
    assert card.balance.active == Points(75_00 - 50_00 - 75_00 + 27_00 + 66_00)


def test_a_web_order_paid_at_pickup_can_spend_points(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)
    clock.advance(timedelta(days=1))
    cart = Cart().add(till.catalog.find("HP-BT").line())
    receipt = till.checkout.complete(
        SaleRequest(
            new_sale_id(),
            cart,
            (Tender(TenderKind.CASH, cart.total - Points(40_00).as_money()),),
            spend=Points(40_00),
            customer_uid=anna.customer_uid,
            channel=Channel.WEB_PICKUP,
            order_ref="W-77",
        )
    )
    assert receipt.spent == Points(40_00)


@pytest.fixture
def far_from_minsk() -> Iterator[None]:
    """The PC's own zone set to the other side of the world for one test."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"  # UTC+14
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_the_machine_s_own_zone_does_not_decide_the_store_day(
    tmp_path: Path, far_from_minsk: None
) -> None:
    with Till(tmp_path / "till", SystemClock()) as till:
        till.catalog.load_csv(paths.demo_catalog())
        anna = till.registration.register(
            CustomerForm("Иванова Анна", "+375 29 123-45-67", True, True)
        )
        receipt = sell(till, {"HP-BT": 1}, card=anna)
        minsk_today = till.policy.store_day(SystemClock().now())
        assert receipt.activates_on == minsk_today + timedelta(days=1)


def test_the_demo_refuses_a_folder_that_already_holds_a_till(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--text", "--data-dir", str(tmp_path / "demo")]) == 0
    capsys.readouterr()
    assert main(["demo", "--text", "--data-dir", str(tmp_path / "demo")]) == 2
    err = capsys.readouterr().err
    assert "уже есть база кассы" in err
    assert "Traceback" not in err
