"""The offer for a spend of points: what is left to pay, whether the rules allow it, the
tenders to send. The checkout, the tests' sales and the demo all take it from here."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bonuspos.domain.cart import Cart, Channel, Tender, TenderKind
from bonuspos.domain.errors import InvalidInput, SpendRefused
from bonuspos.domain.money import Money, Points
from bonuspos.domain.quote import CapReason
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.services.views import CardView, CheckoutQuote
from tests.support import sell


@pytest.fixture
def headphones(till: Till, anna: CardView, clock: ManualClock) -> CheckoutQuote:
    """Headphones (149,00) for Anna, who has 76,20 active points from a TV and cables."""
    sell(till, {"TV-55Q": 1, "CB-USBC": 2}, card=anna)
    clock.advance(timedelta(days=1))
    cart = Cart().add(till.catalog.find("HP-BT").line())
    return till.checkout.quote(cart, anna.customer_uid, [TenderKind.CASH], online=True)


def test_points_within_the_cap_leave_the_rest_to_pay_in_the_one_tender(
    headphones: CheckoutQuote, anna: CardView
) -> None:
    offer = headphones.offer(Points(40_00))

    assert offer.within_cap
    assert offer.refusal == ""
    assert (offer.total, offer.due) == (Money(149_00), Money(109_00))
    assert offer.tenders == (Tender(TenderKind.CASH, Money(109_00)),)
    assert (offer.cap, offer.why) == (Points(44_70), CapReason.PERCENT)
    assert offer.customer_uid == anna.customer_uid
    assert offer.earns == headphones.quote.earns


def test_no_points_leave_the_whole_total_to_pay(headphones: CheckoutQuote) -> None:
    offer = headphones.offer(Points(0))
    assert offer.within_cap
    assert offer.due == offer.total == Money(149_00)
    assert offer.tenders == (Tender(TenderKind.CASH, Money(149_00)),)


def test_points_over_the_cap_are_refused_in_the_rules_words_and_leave_the_total_to_pay(
    headphones: CheckoutQuote,
) -> None:
    offer = headphones.offer(Points(44_71))

    assert not offer.within_cap
    assert offer.refusal == (
        "Списать можно не больше 44,70 б., а не 44,71 б. (30% от суммы товаров без акций)"
    )
    assert offer.due == Money(149_00)  # nothing is spent until it is allowed


def test_a_negative_spend_is_refused(headphones: CheckoutQuote) -> None:
    offer = headphones.offer(Points(-1_00))
    assert not offer.within_cap
    assert "отрицательное" in offer.refusal


def test_the_offline_limit_is_the_cap_offline(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 2}, card=anna)  # 150,00 points
    clock.advance(timedelta(days=1))
    cart = Cart().add(till.catalog.find("TV-55Q").line())
    offline = till.checkout.quote(cart, anna.customer_uid, [TenderKind.CASH])

    assert offline.offer(Points(50_00)).within_cap
    refused = offline.offer(Points(60_00))
    assert (refused.within_cap, refused.why) == (False, CapReason.OFFLINE_LIMIT)


def test_a_sale_without_a_card_pays_everything_in_its_tender(till: Till) -> None:
    cart = Cart().add(till.catalog.find("CB-USBC").line(3))
    offer = till.checkout.quote(cart, None, [TenderKind.BANK_CARD]).offer(Points(0))
    assert offer.customer_uid is None
    assert offer.tenders == (Tender(TenderKind.BANK_CARD, Money(59_70)),)


def test_a_sale_built_from_the_offer_is_the_sale_completed(
    till: Till, headphones: CheckoutQuote
) -> None:
    offer = headphones.offer(Points(44_70))
    request = SaleRequest.of(offer, new_sale_id(), channel=Channel.PHONE)

    assert (request.spend, request.tenders, request.cart.total) == (
        Points(44_70),
        (Tender(TenderKind.CASH, Money(104_30)),),
        Money(149_00),
    )
    receipt = till.checkout.complete(request)
    assert (receipt.spent, receipt.due, receipt.channel) == (
        Points(44_70),
        offer.due,
        Channel.PHONE,
    )


def test_a_sale_built_from_a_refused_offer_is_refused_by_the_checkout(
    till: Till, headphones: CheckoutQuote
) -> None:
    request = SaleRequest.of(headphones.offer(Points(50_00)), new_sale_id())
    with pytest.raises(SpendRefused, match="не больше 44,70"):
        till.checkout.complete(request)
    assert till.checkout.last_receipt() is not None  # only yesterday's TV


def test_an_offer_is_for_one_tender(till: Till, anna: CardView) -> None:
    cart = Cart().add(till.catalog.find("HP-BT").line())
    split = till.checkout.quote(cart, anna.customer_uid, [TenderKind.CASH, TenderKind.BANK_CARD])
    with pytest.raises(InvalidInput, match="одного способа"):
        split.offer(Points(0))
