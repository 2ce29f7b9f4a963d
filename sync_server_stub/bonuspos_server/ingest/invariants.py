"""The ledger's invariants, checked on every batch once its events are applied, before writing.

Each handler already refuses an event that breaks a rule; this is the second line, in
one place, so that a handler written wrongly tomorrow cannot mint points or money
silently. A batch that would break one is refused whole, nothing written, with a
problem naming the invariant.

- per sale: points given back ≤ points spent on it; points taken back ≤ points it
  earned; money back ≤ money paid; units returned ≤ units sold, line by line;
- per card: what the batch changed its balance by = the sum of the ledger rows it wrote;
- every ledger row comes from an event accepted in this batch, and no event, sale or
  return is recorded twice.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass

from bonuspos_server.ingest.working import KnownSale, Working
from bonuspos_server.web.problems import Problem

log = logging.getLogger("bonuspos_server.ingest.invariants")


@dataclass(frozen=True, slots=True)
class Breach:
    invariant: str
    detail: str


def check(work: Working) -> None:
    breaches = find(work)
    if breaches:
        log.error("batch refused, invariants broken: %s", breaches)
        raise Problem(
            422,
            "invariant-broken",
            "The batch would break an invariant of the ledger",
            "; ".join(f"{b.invariant}: {b.detail}" for b in breaches),
            invariants=sorted({b.invariant for b in breaches}),
        )


def find(work: Working) -> list[Breach]:
    breaches: list[Breach] = []
    for sale_id in sorted(work.new_sales | work.returned_sales):
        breaches += _sale(work.sales[sale_id])
    breaches += _balances(work)
    breaches += _once(work)
    return breaches


def _sale(sale: KnownSale) -> list[Breach]:
    body = json.loads(sale.body)
    paid = body["total"] - body["spent"]
    found = []
    for invariant, moved, bound in (
        ("given-back-within-spent", sale.given_back, body["spent"]),
        ("taken-back-within-earned", sale.taken_back, body["earned"]),
        ("money-back-within-paid", sale.money_back, paid),
    ):
        if moved > bound:
            found.append(Breach(invariant, f"sale {sale.id}: {moved} > {bound}"))
    sold = {line["line_no"]: line["quantity"] for line in body["lines"]}
    for line_no, units in sale.returned.items():
        if units > sold.get(line_no, 0):
            found.append(
                Breach(
                    "units-returned-within-sold",
                    f"sale {sale.id} line {line_no}: {units} > {sold.get(line_no, 0)}",
                )
            )
    return found


def _balances(work: Working) -> list[Breach]:
    posted: Counter[int] = Counter()
    for row in work.ledger_rows:
        posted[row["customer_id"]] += row["points"]
    found = []
    for card_id in sorted(work.touched | set(posted)):
        card = work.cards_by_id[card_id]
        if card.total - card.loaded_total != posted[card_id]:
            found.append(
                Breach(
                    "balance-is-its-ledger",
                    f"card {card.uid}: moved {card.total - card.loaded_total}, "
                    f"ledger rows {posted[card_id]}",
                )
            )
    return found


def _once(work: Working) -> list[Breach]:
    found = []
    strays = {row["event_id"] for row in work.ledger_rows} - work.new_events
    if strays:
        found.append(Breach("ledger-from-accepted-events", f"rows of events {sorted(strays)}"))
    for what, ids in (
        ("event", [row["event_id"] for row in work.event_rows]),
        ("sale", [row["id"] for row in work.sale_rows]),
        ("return", [row["id"] for row in work.return_rows]),
    ):
        twice = [i for i, n in Counter(ids).items() if n > 1]
        if twice:
            found.append(Breach("recorded-once", f"{what} {sorted(twice)} recorded twice"))
    return found
