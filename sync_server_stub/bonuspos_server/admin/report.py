"""`bonuspos-server report`: HQ's view of one store day, till by till.

The figures are the ones a till's end-of-day report sets beside its own (feeds/day.py
counts both), with the number of flagged events each till has waiting for review.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.day import DayTotals
from bonuspos.domain.money import Money, Points
from bonuspos_server.admin.staff import spreadsheet_text
from bonuspos_server.data import policies
from bonuspos_server.feeds import day as days


class ReportError(Exception):
    """Nothing to report; the message says why, for the person at the console."""


CSV_COLUMNS = (
    "day",
    "store",
    "till",
    "receipts",
    "returns",
    *(f"revenue_{kind.value}" for kind in TenderKind),
    "revenue",
    "money_back",
    "points_earned",
    "points_spent",
    "points_given_back",
    "points_taken_back",
    "offline_sales",
    "offline_over_limit",
    "corrections",
    "corrections_points",
    "flagged",
)

TABLE_COLUMNS = (
    "till",
    "receipts",
    "returns",
    *(kind.value for kind in TenderKind),
    "revenue",
    "money back",
    "earned",
    "spent",
    "given back",
    "taken back",
    "offline",
    "over limit",
    "corr.",
    "corr. points",
    "flagged",
)


def report(session: Session, args: argparse.Namespace) -> str:
    zone = policies.current(session).timezone
    found = days.store_days(session, args.date, zone, args.store)
    if args.store is not None and not found:
        raise ReportError(f"no store {args.store}; add it with add-store first")
    if args.csv is not None:
        return _write_csv(args.csv, args.date.isoformat(), found)
    if not found:
        return "no stores yet"
    blocks = [_table(args.date.isoformat(), zone, s.store, s.tills) for s in found]
    return "\n\n".join(blocks)


def decimal(minor: int) -> str:
    """Kopecks (or point-kopecks) as a spreadsheet in Belarus reads a number: `1250,00`."""
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 100)
    return f"{sign}{units},{cents:02d}"


def readable(minor: int) -> str:
    """An amount as people read it at a console: `1 250,00`."""
    return Money(minor).number()


def _figures(totals: DayTotals, flagged: int, amount: Callable[[int], str]) -> list[str]:
    """One till's figures in column order, money and points written by `amount`."""
    revenue = [totals.revenue.get(kind, Money(0)).minor for kind in TenderKind]
    return [
        str(totals.receipts),
        str(totals.returns),
        *(amount(r) for r in revenue),
        amount(sum(revenue)),
        amount(totals.money_back.minor),
        amount(totals.points_earned.minor),
        amount(totals.points_spent.minor),
        amount(totals.points_given_back.minor),
        amount(totals.points_taken_back.minor),
        str(totals.offline_sales),
        amount(totals.offline_over_limit.minor),
        str(len(totals.corrections)),
        amount(sum(c.points.minor for c in totals.corrections)),
        str(flagged),
    ]


def _write_csv(path: Path, day: str, found: list[days.StoreDay]) -> str:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(CSV_COLUMNS)
        for store in found:
            for till in store.tills:
                # Codes may begin with "-"; the figures are ours and stay numbers.
                out.writerow(
                    [
                        day,
                        spreadsheet_text(store.store),
                        spreadsheet_text(till.till.code),
                        *_figures(till.totals, till.flagged, decimal),
                    ]
                )
                rows += 1
    return f"{rows} till(s) of {len(found)} store(s) on {day} written to {path}"


def _table(day: str, zone: str, store: str, tills: list[days.TillDay]) -> str:
    head = f"{store} — {day} ({zone})"
    if not tills:
        return f"{head}: no tills"
    rows = [list(TABLE_COLUMNS)]
    rows += [[t.till.code, *_figures(t.totals, t.flagged, readable)] for t in tills]
    together = _sum([t.totals for t in tills])
    rows.append(["all", *_figures(together, sum(t.flagged for t in tills), readable)])
    widths = [max(len(row[n]) for row in rows) for n in range(len(TABLE_COLUMNS))]
    # The till's code to the left, figures to the right, so that digits line up.
    lines = [
        "  ".join(
            c.ljust(w) if n == 0 else c.rjust(w)
            for n, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join([head, *lines])


def _sum(each: list[DayTotals]) -> DayTotals:
    """A store's tills together."""
    revenue = {
        kind: Money(sum(t.revenue.get(kind, Money(0)).minor for t in each)) for kind in TenderKind
    }
    return DayTotals(
        receipts=sum(t.receipts for t in each),
        returns=sum(t.returns for t in each),
        revenue={kind: money for kind, money in revenue.items() if money.minor},
        money_back=Money(sum(t.money_back.minor for t in each)),
        points_earned=Points(sum(t.points_earned.minor for t in each)),
        points_spent=Points(sum(t.points_spent.minor for t in each)),
        points_given_back=Points(sum(t.points_given_back.minor for t in each)),
        points_taken_back=Points(sum(t.points_taken_back.minor for t in each)),
        offline_sales=sum(t.offline_sales for t in each),
        offline_over_limit=Points(sum(t.offline_over_limit.minor for t in each)),
        corrections=tuple(c for t in each for c in t.corrections),
    )
