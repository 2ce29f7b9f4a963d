"""An end-of-day service that follows the SPEC's API, for the screen's tests: a day that
disagrees by one return, and the days it saved."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.day import DayTotals, agree, compare
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.services.end_of_day import DayReport, FlagNote, HourBar, Progress
from bonuspos.services.views import Approval, Shift
from tests.support import MINSK

TODAY = date(2026, 11, 27)
EARLIER = date(2026, 11, 26)
SALES = {10: 4_180_00, 11: 1_250_00, 12: 2_999_00, 14: 560_00, 17: 6_400_00, 19: 890_00}


def totals(returns: int, money_back: Money) -> DayTotals:
    return DayTotals(
        receipts=14,
        returns=returns,
        revenue={TenderKind.CASH: Money(6_279_00), TenderKind.BANK_CARD: Money(10_000_00)},
        money_back=money_back,
        points_earned=Points(488_37),
        points_spent=Points(120_00),
        offline_sales=2,
    )


def report(day: date, *, agrees: bool = False) -> DayReport:
    ours = totals(1, Money(149_00))
    theirs = ours if agrees else totals(0, Money(0))
    rows = compare(ours, theirs)
    flagged = (
        ()
        if agrees
        else (
            FlagNote(
                "ev-77",
                "T2",
                "sale_completed",
                datetime(2026, 11, 27, 15, 40, tzinfo=MINSK),
                "offline-limit-exceeded",
                "9c41e0d2-5b7a-4c1e-9f3e-2d6a8b1c7e45",  # the sale: never a phone
                "Проверьте чек и при необходимости спишите лишние баллы корректировкой",
            ),
        )
    )
    return DayReport(
        day=day,
        store="MINSK-CENTRAL-01",
        till="T3",
        made_at=datetime.combine(day, datetime.min.time(), tzinfo=MINSK).replace(hour=21, minute=5),
        till_totals=ours,
        server_totals=theirs,
        rows=rows,
        flagged=flagged,
        unsent=0,
        unsent_why="",
        missing_on_server=() if agrees else ("ret-5c1e",),
        unknown_to_till=(),
        resent=0,
        by_hour=tuple(
            HourBar(h, Money(SALES.get(h, 0)), Points(SALES.get(h, 0) // 34)) for h in range(24)
        ),
        problems=()
        if agrees
        else ("Возвратов: на сервере нет возврата ret-5c1e — закройте день ещё раз",),
        agrees=agree(rows) and agrees,
    )


def offline_report(day: date) -> DayReport:
    """A till never connected: its own figures, two events still on it."""
    made = report(day)
    ours = made.till_totals
    return DayReport(
        **{
            **made.__dict__,
            "store": "",
            "till": "",
            "server_totals": None,
            "rows": (),
            "flagged": (),
            "unsent": 2,
            "unsent_why": "касса не подключена к серверу.",
            "missing_on_server": (),
            "problems": ("Сверки с сервером не было: касса не подключена к серверу",),
            "agrees": False,
            "till_totals": ours,
        }
    )


class FakeEndOfDay:
    """close_day sends three events with progress, waiting for `go` between them, so a test
    sees the bar move; saved days are the earlier one and whatever was closed."""

    def __init__(self, *, waits: bool = True) -> None:
        self.go = threading.Semaphore(0 if waits else 3)
        self.refuse = ""  # the service's refusal, when a test wants one
        self.offline = False  # no server: the till's side alone
        self.days: dict[date, DayReport] = {EARLIER: report(EARLIER, agrees=True)}
        self.approvals: list[Approval] = []

    def close_day(
        self,
        day: date | None = None,
        progress: Callable[[Progress], None] | None = None,
        shift: Shift | None = None,
        approval: Approval | None = None,
    ) -> DayReport:
        if approval is None or not approval.approver.is_manager:
            raise InvalidInput("Закрыть день может только менеджер")
        self.approvals.append(approval)
        if self.refuse:
            raise InvalidInput(self.refuse)
        for sent in range(4):
            if progress is not None:
                progress(Progress("Отправка событий на сервер", sent, 3))
            if sent < 3:
                self.go.acquire(timeout=5)
        made = offline_report(day or TODAY) if self.offline else report(day or TODAY)
        self.days[made.day] = made
        return made

    def saved_days(self) -> tuple[date, ...]:
        return tuple(sorted(self.days))

    def saved(self, day: date) -> DayReport:
        return self.days[day]
