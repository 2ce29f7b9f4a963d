"""Offline, a spend above the policy's verification threshold needs the customer's own
plastic card or a manager's approval; the sale keeps which, and its event carries it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bonuspos import paths
from bonuspos.domain.card import ean13_check_digit
from bonuspos.domain.cart import Cart, TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.staff import Action
from bonuspos.ledger.models import OutboxEvent, Sale
from bonuspos.services.checkout import ProofNeeded, SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.services.views import CardView, SpendProof
from tests.services.test_policy_and_limits import store_policy
from tests.support import MANAGER_PIN, cashier, manager, sell

# An offline limit above the threshold: only then can an offline spend need proof.
POLICY = Policy(version=2, offline_limit=Points(300_00), verify_spend_above=Points(100_00))
ANNAS_PLASTIC = "200000000042" + ean13_check_digit("200000000042")
BORIS_PLASTIC = "200000000043" + ean13_check_digit("200000000043")
SPEND = Points(150_00)


@pytest.fixture
def shop(tmp_path: Path, clock: ManualClock) -> Iterator[Till]:
    with Till(tmp_path / "till", clock) as till:
        store_policy(till, POLICY)
    with Till(tmp_path / "till", clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        yield till


@pytest.fixture
def rich_anna(shop: Till, clock: ManualClock) -> CardView:
    anna = shop.registration.register(
        CustomerForm("Иванова Анна", "+375 29 123-45-67", True, True), plastic_card=ANNAS_PLASTIC
    )
    shop.registration.register(
        CustomerForm("Петров Борис", "+375 29 765-43-21", True, True), plastic_card=BORIS_PLASTIC
    )
    sell(shop, {"TV-55Q": 3}, card=anna)  # 225,00 points, active tomorrow
    clock.advance(timedelta(days=1))
    return anna


def offline_request(shop: Till, anna: CardView, proof: SpendProof | None) -> SaleRequest:
    cart = Cart().add(shop.catalog.find("TV-55Q").line())
    offer = shop.checkout.quote(cart, anna.customer_uid, [TenderKind.CASH]).offer(SPEND)
    request = SaleRequest.of(offer, new_sale_id())
    return replace(request, proof=proof)


def sales(shop: Till) -> int:
    with shop.db.reading() as s:
        return int(s.execute(select(func.count()).select_from(Sale)).scalar_one())


def sent_verification(shop: Till, sale_id: str) -> object:
    with shop.db.reading() as s:
        payloads = s.execute(select(OutboxEvent.payload)).scalars().all()
    [payload] = [json.loads(p) for p in payloads if json.loads(p).get("sale_id") == sale_id]
    return payload.get("verification")


def test_offline_above_the_threshold_without_proof_nothing_is_sold(
    shop: Till, rich_anna: CardView
) -> None:
    before = sales(shop)
    with pytest.raises(ProofNeeded) as refused:
        shop.checkout.complete(offline_request(shop, rich_anna, None))
    assert "пластиковой карте" in refused.value.message
    assert sales(shop) == before
    assert shop.checkout.needs_verification(SPEND)
    assert not shop.checkout.needs_verification(Points(100_00))


def test_the_customers_own_plastic_card_lets_the_spend_through_and_is_sent(
    shop: Till, rich_anna: CardView
) -> None:
    receipt = shop.checkout.complete(
        offline_request(shop, rich_anna, SpendProof(plastic_card=ANNAS_PLASTIC))
    )
    assert receipt.spent == SPEND
    assert sent_verification(shop, receipt.sale_id) == {
        "method": "plastic_card",
        "card_number": ANNAS_PLASTIC,
    }


def test_another_customers_plastic_card_is_refused(shop: Till, rich_anna: CardView) -> None:
    before = sales(shop)
    with pytest.raises(ProofNeeded):
        shop.checkout.complete(
            offline_request(shop, rich_anna, SpendProof(plastic_card=BORIS_PLASTIC))
        )
    assert sales(shop) == before


def test_a_managers_approval_of_this_spend_lets_it_through_and_is_sent(
    shop: Till, rich_anna: CardView
) -> None:
    request = offline_request(shop, rich_anna, None)
    approval = shop.staff.approve(
        None,
        manager(shop).staff_id,
        MANAGER_PIN,
        Action.SPEND,
        request.sale_id,
        shop.checkout.spend_details(request),
    )
    receipt = shop.checkout.complete(replace(request, proof=SpendProof(approval=approval)))
    sent = sent_verification(shop, receipt.sale_id)
    assert isinstance(sent, dict)
    assert sent["method"] == "approval"
    assert sent["approval"]["approver_id"] == manager(shop).staff_id


def test_an_approval_of_another_sale_is_refused(shop: Till, rich_anna: CardView) -> None:
    other = shop.staff.approve(
        None, manager(shop).staff_id, MANAGER_PIN, Action.SPEND, new_sale_id(), ()
    )
    cashier(shop)
    with pytest.raises(DomainError):
        shop.checkout.complete(offline_request(shop, rich_anna, SpendProof(approval=other)))
