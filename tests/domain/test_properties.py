"""Properties of the quote and of returns that must hold for every cart, not just examples."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bonuspos.domain.cart import Cart, Line, Tender, TenderKind
from bonuspos.domain.ledger import (
    EntryKind,
    LedgerEntry,
    balance_on,
    return_entries,
    sale_entries,
)
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.domain.quote import Quote, quote
from bonuspos.domain.returns import SoldLine, return_line
from tests.support import minsk

AT = minsk(2026, 11, 25, 15, 0)


@st.composite
def lines(draw: st.DrawFn) -> Line:
    sku = draw(st.text("ABCDEFGH0123456789", min_size=4, max_size=4))
    price = draw(st.integers(0, 500_000_00))
    qty = draw(st.integers(1, 20))
    discount = draw(st.one_of(st.just(0), st.integers(0, price * qty)))
    return Line(
        sku,
        "Товар",
        Money(price),
        qty,
        Points(draw(st.integers(0, min(100_00, price)))),
        draw(st.booleans()),
        Money(discount),
    )


carts = st.lists(lines(), min_size=1, max_size=8, unique_by=lambda line: line.sku).map(
    lambda ls: Cart(tuple(ls))
)
balances = st.integers(-1_000_00, 5_000_00).map(Points)
rooms = st.one_of(st.none(), st.integers(0, 100_00).map(Points))
kinds = st.sets(st.sampled_from(list(TenderKind)), min_size=1, max_size=2)


@given(carts, balances, rooms, kinds)
def test_the_cap_never_exceeds_30_percent_of_eligible_nor_the_balance(
    cart: Cart, balance: Points, room: Points | None, tender_kinds: set[TenderKind]
) -> None:
    quoted = quote(
        cart, tenders=tender_kinds, balance=balance, policy=DEFAULT_POLICY, at=AT, offline_room=room
    )
    assert Points(0) <= quoted.cap
    assert quoted.cap.minor * 100 <= quoted.eligible.minor * 30
    assert quoted.cap <= max(balance, Points(0))
    if room is not None:
        assert quoted.cap <= room
    assert quoted.eligible <= quoted.total


@given(carts, balances, st.data())
def test_points_spent_plus_money_paid_equals_the_total(
    cart: Cart, balance: Points, data: st.DataObject
) -> None:
    cap = _quote(cart, [TenderKind.CASH], balance).cap
    spend = Points(data.draw(st.integers(0, cap.minor)))
    due = cart.total - spend.as_money()
    cash = data.draw(st.integers(0, due.minor))
    tenders = [
        Tender(kind, Money(amount))
        for kind, amount in ((TenderKind.CASH, cash), (TenderKind.BANK_CARD, due.minor - cash))
        if amount > 0
    ]
    quoted = _quote(cart, [t.kind for t in tenders], balance)
    settled = quoted.settle(spend, tenders)
    paid = sum(t.amount.minor for t in settled.tenders)
    assert settled.spend.minor + paid == quoted.total.minor
    assert sum(s.minor for s in settled.shares) == spend.minor
    for lq, share in zip(quoted.lines, settled.shares, strict=True):
        assert share.minor <= lq.line.amount.minor
        if not lq.eligible:
            assert share == Points(0)


def _quote(cart: Cart, kinds: list[TenderKind], balance: Points) -> Quote:
    return quote(cart, tenders=kinds, balance=balance, policy=DEFAULT_POLICY, at=AT)


@settings(max_examples=200)
@given(carts, st.integers(0, 5_000_00), st.data(), st.integers(0, 3))
def test_a_full_return_restores_the_balance_to_what_it_was_before_the_sale(
    cart: Cart, history: int, data: st.DataObject, days_later: int
) -> None:
    policy = DEFAULT_POLICY
    before = [LedgerEntry(EntryKind.EARNED, Points(history), AT.date() - timedelta(days=30))]
    quoted = quote(cart, tenders=[TenderKind.CASH], balance=Points(history), policy=policy, at=AT)
    spend = Points(data.draw(st.integers(0, quoted.cap.minor)))
    due = quoted.total - spend.as_money()
    settled = quoted.settle(spend, [Tender(TenderKind.CASH, due)] if due.minor > 0 else [])
    entries = before + sale_entries(settled, AT, policy)

    # Return every unit, in random steps, some days later.
    when = AT + timedelta(days=days_later)
    sold = [
        SoldLine(n, lq.line.quantity, lq.line.amount, lq.earns, share)
        for n, (lq, share) in enumerate(zip(quoted.lines, settled.shares, strict=True), 1)
    ]
    money_back = 0
    while any(s.returnable for s in sold):
        i = data.draw(st.sampled_from([i for i, s in enumerate(sold) if s.returnable]))
        qty = data.draw(st.integers(1, sold[i].returnable))
        back = return_line(sold[i], qty)
        money_back += back.money_back.minor
        entries += return_entries(
            [back], earned_active_from=quoted.activates_on, at=when, policy=policy
        )
        s = sold[i]
        sold[i] = SoldLine(s.line_no, s.quantity, s.amount, s.earned, s.share, s.returned + qty)

    for day in (when.date(), when.date() + timedelta(days=5)):
        assert balance_on(entries, day).total == balance_on(before, day).total
        assert balance_on(entries, day).active == balance_on(before, day).active
    assert money_back == quoted.total.minor - spend.minor
