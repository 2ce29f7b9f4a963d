"""Rules 3-8 as the quote applies them: what a cart earns and what points may pay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bonuspos.domain.cart import Cart, Line, Tender, TenderKind
from bonuspos.domain.errors import InvalidInput, SpendRefused
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY, Policy
from bonuspos.domain.quote import CapReason, Exclusion, Quote, quote
from tests.support import minsk

NOON = minsk(2026, 11, 25, 12, 0)
RICH = Points(1_000_000_00)


def tv(qty: int = 1) -> Line:
    return Line("TV", "Телевизор", Money(1000_00), qty, Points(30_00))


def cable(qty: int = 1) -> Line:
    return Line("CB", "Кабель", Money(20_00), qty, Points(60))


def promo_vacuum() -> Line:
    return Line("VC", "Пылесос (акция)", Money(500_00), 1, Points(15_00), promotional=True)


def q(
    *lines: Line,
    tenders: tuple[TenderKind, ...] = (TenderKind.CASH,),
    balance: Points | None = RICH,
    offline_room: Points | None = None,
    at: datetime = NOON,
    policy: Policy = DEFAULT_POLICY,
) -> Quote:
    return quote(
        Cart(lines),
        tenders=tenders,
        balance=balance,
        policy=policy,
        at=at,
        offline_room=offline_room,
    )


def test_the_card_earns_the_sum_of_the_price_tag_points_of_eligible_lines() -> None:
    assert q(tv(2), cable(3)).earns == Points(2 * 30_00 + 3 * 60)


def test_cap_is_30_percent_of_the_non_promotional_amount() -> None:
    quoted = q(tv(), promo_vacuum())
    assert quoted.total == Money(1500_00)
    assert quoted.eligible == Money(1000_00)
    assert quoted.cap == Points(300_00)
    assert quoted.cap_reason is CapReason.PERCENT


def test_cap_rounds_down_to_the_point_kopeck() -> None:
    odd = Line("X", "Товар", Money(33_33), 1, Points(0))
    assert q(odd).cap == Points(9_99)  # 30% of 33,33 is 9,999


def test_cap_is_never_above_the_active_balance() -> None:
    quoted = q(tv(), balance=Points(120_00))
    assert quoted.cap == Points(120_00)
    assert quoted.cap_reason is CapReason.BALANCE


def test_a_negative_balance_allows_no_spending() -> None:
    quoted = q(tv(), balance=Points(-5_00))
    assert quoted.cap == Points(0)


def test_offline_spending_is_bounded_by_the_offline_limit() -> None:
    quoted = q(tv(), offline_room=Points(50_00))
    assert quoted.cap == Points(50_00)
    assert quoted.cap_reason is CapReason.OFFLINE_LIMIT


def test_a_promotional_line_neither_earns_nor_can_be_paid_by_points() -> None:
    quoted = q(promo_vacuum())
    assert quoted.earns == Points(0)
    assert quoted.cap == Points(0)
    assert quoted.cap_reason is CapReason.NOTHING_ELIGIBLE
    assert quoted.lines[0].exclusion is Exclusion.PROMOTIONAL
    assert "акция" in quoted.lines[0].exclusion.explanation


def test_a_line_with_any_discount_counts_as_promotional() -> None:
    discounted = Line("TV", "Телевизор", Money(1000_00), 1, Points(30_00), discount=Money(1))
    quoted = q(discounted, cable())
    assert quoted.lines[0].exclusion is Exclusion.DISCOUNTED
    assert quoted.earns == Points(60)
    assert quoted.eligible == Money(20_00)


@pytest.mark.parametrize("kind", [TenderKind.CREDIT, TenderKind.INSTALLMENT_CARD])
def test_any_credit_or_installment_tender_means_no_earning_and_no_spending(
    kind: TenderKind,
) -> None:
    quoted = q(tv(), cable(), tenders=(TenderKind.CASH, kind))
    assert quoted.earns == Points(0)
    assert quoted.cap == Points(0)
    assert quoted.cap_reason is CapReason.CREDIT_TENDER
    assert {lq.exclusion for lq in quoted.lines} == {Exclusion.CREDIT_TENDER}


def test_a_bank_card_is_not_credit() -> None:
    assert q(tv(), tenders=(TenderKind.BANK_CARD,)).earns == Points(30_00)


def test_without_a_card_nothing_is_earned_or_spent() -> None:
    quoted = quote(
        Cart((tv(),)),
        tenders=[TenderKind.CASH],
        balance=None,
        policy=DEFAULT_POLICY,
        at=NOON,
        has_card=False,
    )
    assert quoted.earns == Points(0)
    assert quoted.cap_reason is CapReason.NO_CARD


def test_points_earn_on_the_price_tag_even_when_points_also_pay() -> None:
    quoted = q(tv())
    settled = quoted.settle(Points(300_00), [Tender(TenderKind.CASH, Money(700_00))])
    assert settled.earns == Points(30_00)


def test_points_spent_reduce_the_money_due() -> None:
    settled = q(tv()).settle(Points(100_00), [Tender(TenderKind.CASH, Money(900_00))])
    assert settled.due == Money(900_00)


def test_spending_more_than_the_cap_is_refused() -> None:
    with pytest.raises(SpendRefused, match="не больше 300,00"):
        q(tv()).settle(Points(300_01), [Tender(TenderKind.CASH, Money(699_99))])


def test_spending_negative_points_is_refused() -> None:
    with pytest.raises(SpendRefused):
        q(tv()).settle(Points(-1), [Tender(TenderKind.CASH, Money(1000_01))])


def test_tenders_must_add_up_to_what_is_due() -> None:
    with pytest.raises(InvalidInput, match="не равна сумме к оплате"):
        q(tv()).settle(Points(0), [Tender(TenderKind.CASH, Money(999_99))])


def test_a_tender_added_after_the_quote_needs_a_new_quote() -> None:
    with pytest.raises(InvalidInput, match="пересчитайте"):
        q(tv()).settle(Points(0), [Tender(TenderKind.CREDIT, Money(1000_00))])


def test_spent_points_are_shared_over_eligible_lines_only() -> None:
    quoted = q(tv(), promo_vacuum(), cable(5))
    settled = quoted.settle(Points(100_00), [Tender(TenderKind.CASH, Money(1500_00))])
    assert settled.shares[1] == Points(0)
    assert sum(s.minor for s in settled.shares) == 100_00


@pytest.mark.parametrize(
    ("qty", "price", "points", "discount"),
    [(0, 100, 1, 0), (-1, 100, 1, 0), (1, -100, 1, 0), (1, 100, -1, 0), (1, 100, 1, 101)],
)
def test_impossible_lines_are_refused(qty: int, price: int, points: int, discount: int) -> None:
    with pytest.raises(InvalidInput):
        Line("X", "Товар", Money(price), qty, Points(points), discount=Money(discount))


def test_a_tender_of_zero_or_less_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Tender(TenderKind.CASH, Money(0))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(InvalidInput, match="часового пояса"):
        q(tv(), at=datetime(2026, 11, 25, 12, 0))  # noqa: DTZ001 - the point of the test


class TestActivation:
    """Rule 4: points become usable the day after the purchase, on Minsk's calendar."""

    def test_points_earned_today_become_active_tomorrow(self) -> None:
        assert q(tv()).activates_on == NOON.date() + timedelta(days=1)

    def test_the_minsk_calendar_day_decides_not_utc(self) -> None:
        # 22:30 UTC on the 25th is already 01:30 on the 26th in Minsk.
        late = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
        assert q(tv(), at=late).activates_on.isoformat() == "2026-11-27"

    def test_the_machine_s_own_zone_does_not_matter(self) -> None:
        # The same instant written in New York time gives the same Minsk day.
        from zoneinfo import ZoneInfo

        ny = datetime(2026, 11, 25, 17, 30, tzinfo=ZoneInfo("America/New_York"))
        assert q(tv(), at=ny).activates_on.isoformat() == "2026-11-27"

    def test_just_before_midnight_in_minsk_is_still_today(self) -> None:
        assert q(tv(), at=minsk(2026, 11, 25, 23, 59)).activates_on.isoformat() == "2026-11-26"

    def test_a_policy_can_never_make_points_usable_the_same_day(self) -> None:
        with pytest.raises(InvalidInput):
            Policy(activation_days=0)


def test_the_cap_follows_the_policy_version_in_force() -> None:
    generous = Policy(version=2, cap_percent=50)
    quoted = q(tv(), policy=generous)
    assert quoted.cap == Points(500_00)
    assert quoted.policy_version == 2


def test_a_policy_survives_its_round_trip_to_the_tills() -> None:
    policy = Policy(version=7, cap_percent=25, offline_limit=Points(30_00))
    assert Policy.from_dict(policy.to_dict()) == policy


def test_a_lines_quantity_changes_within_its_bounds_and_nothing_else_moves() -> None:
    cart = Cart((tv(), cable(2)))
    assert cart.with_quantity("CB", 3).lines == (tv(), cable(3))
    with pytest.raises(InvalidInput, match="от 1 до"):
        cart.with_quantity("TV", 0)
