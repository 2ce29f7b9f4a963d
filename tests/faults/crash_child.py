"""A till that sells until it is killed: the child process of the crash and lock tests.

Run as a script in one of three modes:

    crash_child.py sell DIR START UIDS [--vanish-after-commit]
    crash_child.py zygote    # one seller forked per "DIR<tab>START<tab>UIDS" line on stdin
    crash_child.py hold DIR  # open the till, say READY, hold it until stdin closes

A seller opens the real Till once, says ``READY <pid>``, then completes sale after sale
from number START on, saying ``BEGIN <k> <sale id> <spend>`` before ``Checkout.complete``
and ``DONE <k> <sale id> <number>`` after it returns. Sale k's cart, card, tenders and
clock are a pure function of k (``plan``), so the parent knows what each sale must hold.
UIDS is a comma-separated list of card uids; sales rotate over them.

The zygote exists because importing SQLAlchemy and Alembic takes most of half a second:
it imports once and forks each seller, then reports ``EXIT <pid> <code>`` once the seller
is dead, after everything the seller wrote is already in the pipe.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from bonuspos.domain.cart import Cart, Tender, TenderKind
from bonuspos.domain.money import Money, Points
from bonuspos.services.catalog import ProductView
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till

# Seven hours a sale: the store day turns every few sales, so yesterday's points are
# active today and the offline limit per card per day never stops the spending.
FIRST_SALE_AT = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Minsk"))
STEP = timedelta(hours=7)
SKUS = (
    "TV-55Q",
    "PH-A15",
    "HP-BT",
    "CB-USBC",
    "PB-10K",
    "KT-1.7",
    "MW-20",
    "VC-ROB",  # promotional: neither earns nor may be paid with points
    "SD-64",
    "LP-14",
)


@dataclass(frozen=True, slots=True)
class Plan:
    """What sale number k rings up; the same in the child and in the parent's checks."""

    k: int
    items: tuple[tuple[str, int], ...]  # (sku, quantity) in line order
    card: int | None  # index into the card uids, None for a sale without a card
    kinds: tuple[TenderKind, ...]
    spends: bool  # spend as many points as the quote allows

    @property
    def at(self) -> datetime:
        return FIRST_SALE_AT + self.k * STEP


def plan(k: int, cards: int) -> Plan:
    items = tuple((SKUS[(3 * k + i) % len(SKUS)], 1 + (k + i) % 3) for i in range(1 + k % 4))
    card = None if k % 5 == 4 else k % cards
    if k % 7 == 6:
        kinds: tuple[TenderKind, ...] = (TenderKind.CREDIT,)
    elif k % 4 == 1:
        kinds = (TenderKind.CASH, TenderKind.BANK_CARD)
    else:
        kinds = (TenderKind.CASH,)
    spends = card is not None and k % 3 == 0 and TenderKind.CREDIT not in kinds
    return Plan(k, items, card, kinds, spends)


def cart_of(p: Plan, products: Mapping[str, ProductView]) -> Cart:
    return Cart(tuple(products[sku].line(qty) for sku, qty in p.items))


def tenders_of(due: Money, kinds: Sequence[TenderKind]) -> tuple[Tender, ...]:
    """Pay `due` over the plan's tender kinds, the first one taking the odd kopeck."""
    if not due:
        return ()
    if len(kinds) == 1 or due.minor < len(kinds):
        return (Tender(kinds[0], due),)
    rest = due.minor // len(kinds)
    first = due.minor - rest * (len(kinds) - 1)
    return (Tender(kinds[0], Money(first)), *(Tender(kind, Money(rest)) for kind in kinds[1:]))


def request_of(
    p: Plan,
    sale_id: str,
    spend: Points,
    products: Mapping[str, ProductView],
    uids: Sequence[str],
) -> SaleRequest:
    cart = cart_of(p, products)
    return SaleRequest(
        sale_id,
        cart,
        tenders_of(cart.total - spend.as_money(), p.kinds),
        spend=spend,
        customer_uid=uids[p.card] if p.card is not None else None,
    )


def load_products(till: Till) -> dict[str, ProductView]:
    return {sku: till.catalog.find(sku) for sku in SKUS}


def _say(line: str) -> None:
    # One short write per line: a pipe never splits or interleaves writes this small.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def sell(data_dir: Path, start: int, uids: Sequence[str], *, vanish: bool = False) -> NoReturn:
    """Complete sales from number `start` on, forever; with `vanish`, die after the first."""
    clock = ManualClock(plan(start, len(uids)).at)
    with Till(data_dir, clock) as till:
        products = load_products(till)
        _say(f"READY {os.getpid()}")
        for k in count(start):
            p = plan(k, len(uids))
            clock.set(p.at)
            spend = Points(0)
            if p.spends:
                assert p.card is not None
                cart = cart_of(p, products)
                spend = till.checkout.quote(cart, uids[p.card], p.kinds).quote.cap
            sale_id = new_sale_id()
            _say(f"BEGIN {k} {sale_id} {spend.minor}")
            receipt = till.checkout.complete(request_of(p, sale_id, spend, products, uids))
            if vanish:
                # On disk, but the cashier never saw it: the power cord, pulled right here.
                os.kill(os.getpid(), signal.SIGKILL)
            _say(f"DONE {k} {sale_id} {receipt.number}")
    raise AssertionError("unreachable")


def zygote() -> None:
    while request := sys.stdin.readline():
        data_dir, start, uids = request.rstrip("\n").split("\t")
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _run_child(Path(data_dir), int(start), uids.split(","))
        _, status = os.waitpid(pid, 0)
        _say(f"EXIT {pid} {os.waitstatus_to_exitcode(status)}")


def _run_child(data_dir: Path, start: int, uids: Sequence[str]) -> NoReturn:
    try:
        sell(data_dir, start, uids)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    os._exit(1)  # never back into the zygote's loop


def hold(data_dir: Path) -> None:
    with Till(data_dir):
        _say(f"READY {os.getpid()}")
        sys.stdin.read()


def main(argv: Sequence[str]) -> None:
    match argv:
        case ["sell", data_dir, start, uids, *flags]:
            vanish = "--vanish-after-commit" in flags
            sell(Path(data_dir), int(start), uids.split(","), vanish=vanish)
        case ["zygote"]:
            zygote()
        case ["hold", data_dir]:
            hold(Path(data_dir))
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
