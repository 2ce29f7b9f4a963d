"""The clock rule alone: the release day and the last contact bound the till's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bonuspos.domain.clock_rule import (
    TOLERANCE,
    Action,
    ClockBound,
    ClockImplausible,
    LastContact,
    check_clock,
)
from bonuspos.domain.errors import InvalidInput

MINSK = ZoneInfo("Europe/Minsk")
RELEASED = date(2026, 11, 25)


def check(now: datetime, last: LastContact | None = None) -> None:
    check_clock(now, released=RELEASED, last_contact=last, zone=MINSK, action=Action.SALE)


def test_the_release_day_starts_at_midnight_in_minsk() -> None:
    check(datetime(2026, 11, 25, 0, 0, tzinfo=MINSK))
    check(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # 02:30 on the 25th in Minsk
    with pytest.raises(ClockImplausible) as refused:
        check(datetime(2026, 11, 24, 20, 59, tzinfo=UTC))  # 23:59 on the 24th in Minsk
    assert refused.value.bound is ClockBound.RELEASE
    assert refused.value.floor == datetime(2026, 11, 25, 0, 0, tzinfo=MINSK)


def test_the_last_contact_allows_a_few_minutes_back_and_no_more() -> None:
    last = LastContact(datetime(2026, 11, 30, 14, 5, tzinfo=MINSK))
    check(last.till_clock - TOLERANCE, last)
    with pytest.raises(ClockImplausible) as refused:
        check(last.till_clock - TOLERANCE - timedelta(seconds=1), last)
    assert refused.value.bound is ClockBound.LAST_SYNC


def test_the_earlier_of_the_two_clocks_at_the_last_contact_is_the_bound() -> None:
    till_fast = LastContact(
        datetime(2026, 11, 30, 14, 5, tzinfo=MINSK), datetime(2026, 11, 30, 12, 5, tzinfo=MINSK)
    )
    assert till_fast.earliest == datetime(2026, 11, 30, 12, 5, tzinfo=MINSK)
    check(datetime(2026, 11, 30, 12, 30, tzinfo=MINSK), till_fast)


def test_both_bounds_broken_names_the_later_one() -> None:
    last = LastContact(datetime(2026, 12, 1, 9, 0, tzinfo=MINSK))
    with pytest.raises(ClockImplausible) as refused:
        check(datetime(1970, 1, 1, tzinfo=UTC), last)
    assert refused.value.bound is ClockBound.LAST_SYNC
    assert refused.value.now == datetime(1970, 1, 1, 3, 0, tzinfo=MINSK)  # shown in Minsk


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check(datetime(2026, 12, 1, 9, 0))  # noqa: DTZ001 (the point of the test)
