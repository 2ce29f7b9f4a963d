"""Completing sales at the till: the rules through the service, and one transaction per sale."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bonuspos import paths
from bonuspos.domain.cart import Cart, Channel, Tender, TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.errors import InvalidInput, SpendRefused
from bonuspos.domain.money import Money, Points
from bonuspos.domain.quote import CapReason
from bonuspos.ledger.models import LedgerRow, OutboxEvent, Sale, SaleLine
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.errors import SaleAlreadyCompleted
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import MINSK, minsk, sell

MODELS = (Sale, SaleLine, LedgerRow, OutboxEvent)


def counts(till: Till) -> dict[str, int]:
    with till.db.reading() as s:
        return {
            m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in MODELS
        }


def next_day(clock: ManualClock) -> None:
    clock.advance(timedelta(days=1))


def test_points_earned_today_cannot_be_spent_today_but_can_tomorrow(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)  # earns 75,00
    same_day = till.checkout.quote(
        Cart().add(till.catalog.find("HP-BT").line()), anna.customer_uid, [TenderKind.CASH]
    )
    assert same_day.quote.cap == Points(0)
    assert same_day.card is not None
    assert same_day.card.balance.pending == Points(75_00)
    with pytest.raises(SpendRefused):
        sell(till, {"HP-BT": 1}, card=anna, spend=Points(10_00))

    next_day(clock)
    receipt = sell(till, {"HP-BT": 1}, card=anna, spend=Points(44_70))
    assert receipt.spent == Points(44_70)


def test_the_minsk_day_decides_when_points_activate(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    clock.set(minsk(2026, 11, 25, 23, 50))
    sell(till, {"TV-55Q": 1}, card=anna)
    clock.set(minsk(2026, 11, 26, 0, 10))  # 22:10 UTC on the 25th: a new day in Minsk
    found = till.lookup.find("291234567")
    assert found is not None
    assert found.balance.active == Points(75_00)


def test_offline_spending_stops_at_the_limit_per_card_per_day(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 2}, card=anna)  # 150,00 points
    next_day(clock)
    sell(till, {"HP-BT": 1}, card=anna, spend=Points(30_00))
    q = till.checkout.quote(
        Cart().add(till.catalog.find("PH-A15").line()), anna.customer_uid, [TenderKind.CASH]
    )
    assert q.offline
    assert q.quote.cap == Points(20_00)
    assert q.quote.cap_reason is CapReason.OFFLINE_LIMIT


@pytest.mark.parametrize("kind", [TenderKind.CREDIT, TenderKind.INSTALLMENT_CARD])
def test_an_installment_purchase_neither_earns_nor_spends(
    till: Till, anna: CardView, clock: ManualClock, kind: TenderKind
) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)
    next_day(clock)
    before = counts(till)
    with pytest.raises(SpendRefused):
        sell(till, {"PH-A15": 1}, card=anna, spend=Points(1_00), kind=kind)
    assert counts(till) == before
    receipt = sell(till, {"PH-A15": 1}, card=anna, kind=kind)
    assert receipt.earned == Points(0)


def test_a_sale_writes_sale_ledger_and_outbox_together(till: Till, anna: CardView) -> None:
    receipt = sell(till, {"TV-55Q": 1, "CB-USBC": 2}, card=anna)
    with till.db.reading() as s:
        events = (
            s.execute(select(OutboxEvent).where(OutboxEvent.type == "sale_completed"))
            .scalars()
            .all()
        )
        ledger = s.execute(select(LedgerRow).where(LedgerRow.sale_id == receipt.sale_id)).scalars()
        earned = sum(row.points for row in ledger)
    assert [json.loads(e.payload)["sale_id"] for e in events] == [receipt.sale_id]
    assert earned == receipt.earned.minor == 76_20


def test_a_failure_mid_sale_leaves_nothing_half_written(till: Till, anna: CardView) -> None:
    with till.db.engine.begin() as conn:  # the disk refuses the outbox row, the last write
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON outbox "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    before = counts(till)
    with pytest.raises(Exception, match="disk full"):
        sell(till, {"TV-55Q": 1}, card=anna)
    assert counts(till) == before
    found = till.lookup.find("291234567")
    assert found is not None
    assert found.balance.total == Points(0)


def test_completing_a_sale_twice_is_refused_and_changes_nothing(till: Till, anna: CardView) -> None:
    sale_id = new_sale_id()
    first = sell(till, {"HP-BT": 1}, card=anna, sale_id=sale_id)
    before = counts(till)
    with pytest.raises(SaleAlreadyCompleted) as twice:
        sell(till, {"HP-BT": 1}, card=anna, sale_id=sale_id)
    assert twice.value.number == first.number
    assert counts(till) == before


def test_spending_more_than_the_cap_changes_nothing(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)
    next_day(clock)
    before = counts(till)
    with pytest.raises(SpendRefused, match="не больше 44,70"):
        sell(till, {"HP-BT": 1}, card=anna, spend=Points(44_71))
    assert counts(till) == before


def test_promotional_goods_cannot_be_paid_with_points(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)
    next_day(clock)
    q = till.checkout.quote(
        Cart().add(till.catalog.find("VC-ROB").line()), anna.customer_uid, [TenderKind.CASH]
    )
    assert q.quote.cap == Points(0)
    assert q.quote.earns == Points(0)
    with pytest.raises(SpendRefused):
        sell(till, {"VC-ROB": 1}, card=anna, spend=Points(1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sale_id": "not-a-uuid"}, "номер продажи"),
        ({"cart": Cart()}, "Чек пуст"),
        ({"channel": Channel.WEB_PICKUP}, "номер заказа"),
        ({"channel": Channel.PHONE, "customer_uid": None}, "на карту"),
    ],
)
def test_malformed_sales_are_refused_with_a_message(
    till: Till, anna: CardView, changes: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "sale_id": new_sale_id(),
        "cart": Cart().add(till.catalog.find("HP-BT").line()),
        "tenders": (Tender(TenderKind.CASH, Money(149_00)),),
        "customer_uid": anna.customer_uid,
    }
    fields.update(changes)
    with pytest.raises(InvalidInput, match=message):
        SaleRequest(**fields)  # type: ignore[arg-type]


def test_a_web_order_paid_at_pickup_earns_like_any_sale(till: Till, anna: CardView) -> None:
    cart = Cart().add(till.catalog.find("HP-BT").line())
    receipt = till.checkout.complete(
        SaleRequest(
            new_sale_id(),
            cart,
            (Tender(TenderKind.BANK_CARD, cart.total),),
            customer_uid=anna.customer_uid,
            channel=Channel.WEB_PICKUP,
            order_ref="W-100234",
        )
    )
    assert receipt.earned == Points(4_50)
    assert receipt.order_ref == "W-100234"


def test_a_sale_without_a_card_earns_nothing_and_writes_no_ledger(till: Till) -> None:
    receipt = sell(till, {"HP-BT": 1})
    assert receipt.earned == Points(0)
    assert receipt.card is None
    assert counts(till)["ledger_entries"] == 0


def test_a_completed_sale_is_shown_after_a_restart(
    tmp_path: Path, till: Till, anna: CardView, clock: ManualClock
) -> None:
    receipt = sell(till, {"HP-BT": 1}, card=anna)
    till.close()
    with Till(tmp_path / "till", clock) as reopened:
        assert reopened.checkout.receipt(receipt.sale_id) == receipt
        last = reopened.checkout.last_receipt()
        assert last is not None
        assert last.number == receipt.number


def test_the_ledger_is_a_hash_chain(till: Till, anna: CardView, clock: ManualClock) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)
    next_day(clock)
    sell(till, {"HP-BT": 1}, card=anna, spend=Points(10_00))
    with till.db.reading() as s:
        rows = s.execute(select(LedgerRow).order_by(LedgerRow.id)).scalars().all()
    assert len(rows) == 3
    assert rows[0].prev_hash == "0" * 64
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]


def test_a_phone_order_is_rung_up_on_the_customer_s_card(till: Till, anna: CardView) -> None:
    [found] = till.lookup.search("Иванова Анна").cards
    cart = Cart().add(till.catalog.find("PB-10K").line())
    receipt = till.checkout.complete(
        SaleRequest(
            new_sale_id(),
            cart,
            (Tender(TenderKind.CASH, cart.total),),
            customer_uid=found.customer_uid,
            channel=Channel.PHONE,
        )
    )
    assert receipt.channel is Channel.PHONE
    assert receipt.earned == Points(2_40)


def test_points_never_expire_a_balance_from_years_ago_is_still_active(
    till: Till, anna: CardView, clock: ManualClock
) -> None:
    sell(till, {"TV-55Q": 1}, card=anna)
    clock.set(minsk(2033, 3, 1, 10, 0))
    found = till.lookup.find("80291234567")
    assert found is not None
    assert found.balance.active == Points(75_00)


class TickingClock:
    """A clock that moves on a millisecond every time it is read, like a real one at midnight."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        self.at += timedelta(milliseconds=1)
        return self.at


def test_a_sale_at_midnight_takes_its_day_and_its_activation_from_one_instant(
    tmp_path: Path,
) -> None:
    for start_ms in range(0, 12):
        start = minsk(2026, 11, 25, 23, 59) + timedelta(seconds=59, milliseconds=988 + start_ms)
        with Till(tmp_path / f"t{start_ms}", TickingClock(start)) as t:
            t.catalog.load_csv(paths.demo_catalog())
            anna = t.registration.register(
                CustomerForm("Иванова Анна", "+375 29 123-45-67", True, True)
            )
            receipt = sell(t, {"HP-BT": 1}, card=anna)
            with t.db.reading() as s:
                sale = s.get(Sale, receipt.sale_id)
                assert sale is not None
                assert sale.activates_on == sale.store_day + timedelta(days=1)
                assert sale.store_day == sale.occurred_at.astimezone(MINSK).date()
