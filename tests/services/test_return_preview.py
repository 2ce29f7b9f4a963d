"""A return shows its figures before it is made, and makes exactly those."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bonuspos.domain.cart import Cart, Tender, TenderKind
from bonuspos.domain.money import Money, Points
from bonuspos.domain.receipt_code import receipt_code
from bonuspos.domain.staff import Action
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.errors import ApprovalRequired, NotFound, Unreachable
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import give_back, sell


@pytest.fixture
def rich_anna(till: Till, anna: CardView, clock: ManualClock) -> CardView:
    sell(till, {"TV-55Q": 2}, card=anna)  # 150,00 points, active tomorrow
    clock.advance(timedelta(days=1))
    return anna


def split_sale(till: Till, card: CardView) -> str:
    """A TV and two earbuds, 50,00 in points, 500,00 cash and the rest by bank card."""
    cart = Cart()
    for code, qty in {"TV-55Q": 1, "HP-BT": 2}.items():
        cart = cart.add(till.catalog.find(code).line(qty))
    rest = cart.total - Points(50_00).as_money() - Money(500_00)
    receipt = till.checkout.complete(
        SaleRequest(
            new_sale_id(),
            cart,
            (Tender(TenderKind.CASH, Money(500_00)), Tender(TenderKind.BANK_CARD, rest)),
            spend=Points(50_00),
            customer_uid=card.customer_uid,
        )
    )
    return receipt.sale_id


def test_the_preview_is_what_the_return_does(till: Till, rich_anna: CardView) -> None:
    sale = till.returns.find(receipt_code(split_sale(till, rich_anna)))

    preview = till.returns.preview(sale, {1: 1, 2: 1})
    done = give_back(till, sale.sale_id, {1: 1, 2: 1})

    assert (done.money_back, done.points_taken_back, done.points_given_back) == (
        preview.money_back, preview.taken_back, preview.given_back,
    )  # fmt: skip
    assert done.by_tender == preview.by_tender
    assert done.lines == preview.lines


def test_money_goes_back_to_the_bank_card_first_and_cash_last(
    till: Till, rich_anna: CardView
) -> None:
    sale_id = split_sale(till, rich_anna)
    sale = till.returns.find(receipt_code(sale_id))
    paid = dict(sale.tenders)

    first = give_back(till, sale_id, {2: 2})  # the earbuds: less than the card paid
    assert [kind for kind, _ in first.by_tender] == [TenderKind.BANK_CARD]
    rest = give_back(till, sale_id, {1: 1})
    back: dict[TenderKind, Money] = {}
    for kind, amount in first.by_tender + rest.by_tender:
        back[kind] = back.get(kind, Money(0)) + amount
    assert back == paid  # in total, each tender gets back exactly what it paid


def test_two_partial_returns_add_up_to_one_full_return_to_the_kopeck(
    till: Till, rich_anna: CardView, clock: ManualClock
) -> None:
    one = split_sale(till, rich_anna)
    clock.advance(timedelta(days=1))  # offline, 50,00 a day may be spent
    two = split_sale(till, rich_anna)

    full = give_back(till, one, {1: 1, 2: 2})
    part_a = give_back(till, two, {2: 1})
    part_b = give_back(till, two, {1: 1, 2: 1})

    for figure in ("money_back", "points_taken_back", "points_given_back"):
        assert getattr(part_a, figure) + getattr(part_b, figure) == getattr(full, figure)


def test_each_figure_comes_with_its_reason(till: Till, rich_anna: CardView) -> None:
    sale = till.returns.find(receipt_code(split_sale(till, rich_anna)))

    preview = till.returns.preview(sale, {1: 1})

    (line,) = preview.lines
    text = " ".join(line.reasons)
    assert "оплачено баллами" in text
    assert "ещё не активны" in text  # the sale's own points become active tomorrow
    assert any("банковскую карту" in reason for reason in preview.reasons)


def test_a_sale_is_found_by_its_receipt_number_too(till: Till, rich_anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 1}, card=rich_anna)

    assert till.returns.find(str(receipt.number)).sale_id == receipt.sale_id
    assert receipt.sale_id in {
        s.sale_id for s in till.returns.recent_for_card(rich_anna.customer_uid)
    }
    with pytest.raises(NotFound):
        till.returns.find("999")


def test_another_tills_sale_needs_the_server(till: Till) -> None:
    with pytest.raises(Unreachable, match="нужна связь с сервером"):
        till.returns.find(receipt_code(str(uuid.uuid4())))


def test_a_return_without_the_managers_approval_is_refused(till: Till, rich_anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 1}, card=rich_anna)

    with pytest.raises(ApprovalRequired):
        till.returns.return_lines(str(uuid.uuid4()), receipt.sale_id, {1: 1})
    assert till.returns.find(str(receipt.number)).lines[0].returned == 0
    assert Action.RETURN.value in till.policy.approvals
