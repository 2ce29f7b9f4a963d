"""Rules 4 and 6 on the ledger: pending until the next day, active for ever after."""

from __future__ import annotations

from datetime import date, timedelta

from bonuspos.domain.ledger import Balance, EntryKind, LedgerEntry, balance_on
from bonuspos.domain.money import Points

DAY = date(2026, 11, 25)


def earned(points: int, active_from: date) -> LedgerEntry:
    return LedgerEntry(EntryKind.EARNED, Points(points), active_from)


def test_points_earned_today_are_pending_until_tomorrow() -> None:
    entries = [earned(75_00, DAY + timedelta(days=1))]
    assert balance_on(entries, DAY) == Balance(Points(0), Points(75_00), DAY + timedelta(days=1))
    assert balance_on(entries, DAY + timedelta(days=1)).active == Points(75_00)


def test_points_never_expire() -> None:
    years_ago = date(2019, 3, 1)
    assert balance_on([earned(12_00, years_ago)], DAY).active == Points(12_00)


def test_taking_back_pending_points_reduces_the_pending_balance() -> None:
    tomorrow = DAY + timedelta(days=1)
    entries = [earned(30_00, tomorrow), LedgerEntry(EntryKind.TAKEN_BACK, Points(-30_00), tomorrow)]
    assert balance_on(entries, DAY) == Balance(Points(0), Points(0), None)
    assert balance_on(entries, tomorrow).total == Points(0)


def test_taking_back_earned_points_already_spent_can_leave_the_balance_below_zero() -> None:
    entries = [
        earned(30_00, DAY - timedelta(days=3)),
        LedgerEntry(EntryKind.SPENT, Points(-30_00), DAY - timedelta(days=1)),
        LedgerEntry(EntryKind.TAKEN_BACK, Points(-30_00), DAY - timedelta(days=3)),
    ]
    assert balance_on(entries, DAY).active == Points(-30_00)
