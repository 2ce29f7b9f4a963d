"""Latency of card lookup, name search and completing a sale, each beside raw sqlite3.

    python -m tests.bench.bench_lookup [--customers 1000000] [--iterations 2000] [--sales 1000]

Seeds a till database with N customers (or takes it from the cache, see seed.py), copies it
into a fresh folder, opens a Till on it with a plain sqlite3 connection beside it, and times,
interleaved, each on random existing customers:

- card lookup by phone: `Till.lookup.find` on the number typed in varied forms, against
  the customer by E.164 plus the card's balance;
- card lookup by plastic card: `Till.lookup.find` on a scanned card number, against the
  customer by card plus balance;
- name search for a phone order: `Till.lookup.search("<surname prefix> <first name prefix>")`
  against the same token-prefix query plus each hit's balance;
- completing a sale with a card, synchronous=FULL: `Till.checkout.complete` against the same
  reads and the same rows (sale, lines, tender, ledger entry, balance, pending points,
  outbox event) written in one transaction.

Prints median, p95 and p99 for both and their ratio, a markdown table for the README, and
writes the figures as JSON to bench-results/. A benchmark, not a test: nothing here asserts
a time; tests/bench/test_bench_smoke.py only proves it still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import sqlalchemy

from bonuspos.domain.card import parse_card, parse_phone
from bonuspos.domain.cart import Cart, Tender, TenderKind
from bonuspos.domain.customer import normalise_name
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.till import DB_NAME, Till
from tests.bench.raw import RawCard, RawLine, RawSale, RawTill
from tests.bench.seed import RESULTS_DIR, install, seeded_database
from tests.bench.timing import (
    Budget,
    Comparison,
    Prepared,
    Stats,
    alone,
    interleaved,
    ms,
    render_markdown,
    render_text,
)

PHONE = "Card lookup by phone"
PLASTIC = "Card lookup by plastic card"
NAME = "Name search (phone orders)"
SALE = "Completing a sale, synchronous=FULL"
BUDGETS = {
    PHONE: Budget("p99", 1.0),
    PLASTIC: Budget("p99", 1.0),
    NAME: Budget("p99", 20.0),
    SALE: Budget("p95", 10.0),
}

Customer = tuple[int, str, str, str]  # id, uid, phone, full name
Product = tuple[str, str, str, int, int, bool]  # sku, barcode, name, price, points, promotional


@dataclass(frozen=True, slots=True)
class Settings:
    iterations: int = 2_000
    sales: int = 1_000
    warmup: int = 200
    seed: int = 7


@dataclass(frozen=True, slots=True)
class Report:
    customers: int
    settings: Settings
    comparisons: list[Comparison]
    breakdown: dict[str, Stats]
    seeding_seconds: float | None = None  # None when the database came from the cache
    environment: dict[str, object] = field(default_factory=dict)


def run(db_file: Path, work_dir: Path, settings: Settings) -> Report:
    """Time every operation on a copy of `db_file` made in `work_dir`."""
    install(db_file, work_dir)
    with Till(work_dir) as till:
        raw = RawTill(work_dir / DB_NAME, till.policy)
        try:
            return _Bench(till, raw, settings).run()
        finally:
            raw.close()


class _Bench:
    def __init__(self, till: Till, raw: RawTill, settings: Settings) -> None:
        self.till = till
        self.raw = raw
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.today = till.policy.store_day(till.clock.now()).isoformat()
        self.customers = raw.con.execute("SELECT max(id) FROM customers").fetchone()[0]
        self.breakdown: dict[str, Stats] = {}

    def run(self) -> Report:
        comparisons = [self.by_phone(), self.by_plastic(), self.by_name(), self.sale()]
        return Report(self.customers, self.settings, comparisons, self.breakdown)

    def compare(
        self, operation: str, ours: Prepared, raw: Prepared, iterations: int, warmup: int
    ) -> Comparison:
        ours_stats, raw_stats = interleaved(ours, raw, iterations, warmup)
        return Comparison(operation, ours_stats, raw_stats, BUDGETS[operation])

    def sample_customers(self, count: int) -> list[Customer]:
        con = self.raw.con
        sql = "SELECT id, uid, phone_open(phone_sealed), full_name FROM customers WHERE id = ?"
        return [
            con.execute(sql, (self.rng.randint(1, self.customers),)).fetchone()
            for _ in range(count)
        ]

    @property
    def n(self) -> int:
        return self.settings.warmup + self.settings.iterations

    def by_phone(self) -> Comparison:
        typed = [typed_phone(c[2], self.rng) for c in self.sample_customers(self.n)]
        exact = [c[2] for c in self.sample_customers(self.n)]
        for text in typed[:50]:
            self.check_same_card(text, parse_phone(text).e164, self.raw.card_by_phone)
        self.breakdown["parse_card on a typed phone (part of the lookup)"] = alone(
            lambda i: partial(parse_card, typed[i]), self.settings.iterations, self.settings.warmup
        )
        return self.compare(
            PHONE,
            lambda i: partial(self.till.lookup.find, typed[i]),
            lambda i: partial(self.raw.card_by_phone, exact[i], self.today),
            self.settings.iterations,
            self.settings.warmup,
        )

    def by_plastic(self) -> Comparison:
        cards = self.raw.con.execute("SELECT max(rowid) FROM plastic_cards").fetchone()[0]
        sql = "SELECT number FROM plastic_cards WHERE rowid = ?"
        numbers = [
            self.raw.con.execute(sql, (self.rng.randint(1, cards),)).fetchone()[0]
            for _ in range(2 * self.n)
        ]
        ours, raw = numbers[: self.n], numbers[self.n :]
        for number in ours[:50]:
            self.check_same_card(number, number, self.raw.card_by_plastic)
        return self.compare(
            PLASTIC,
            lambda i: partial(self.till.lookup.find, ours[i]),
            lambda i: partial(self.raw.card_by_plastic, raw[i], self.today),
            self.settings.iterations,
            self.settings.warmup,
        )

    def check_same_card(
        self, text: str, key: str, raw: Callable[[str, str], RawCard | None]
    ) -> None:
        view = self.till.lookup.find(text)
        card = raw(key, self.today)
        if view is None or card is None:
            raise Mismatch(f"only one of them found a card for {text!r}")
        ours = (view.customer_uid, view.balance.active.minor, view.balance.pending.minor)
        _expect(ours == (card.uid, card.active, card.pending), f"they disagree on {text!r}")

    def by_name(self) -> Comparison:
        ours = [name_query(c[3], self.rng) for c in self.sample_customers(self.n)]
        raw = [search_words(name_query(c[3], self.rng)) for c in self.sample_customers(self.n)]
        for query in ours[:20]:
            found = {v.customer_uid for v in self.till.lookup.search(query).cards}
            same = {c.uid for c in self.raw.search(search_words(query), self.today)}
            _expect(bool(found) and found == same, f"they disagree on {query!r}")
        return self.compare(
            NAME,
            lambda i: partial(self.till.lookup.search, ours[i]),
            lambda i: partial(self.raw.search, raw[i], self.today),
            self.settings.iterations,
            self.settings.warmup,
        )

    def sale(self) -> Comparison:
        products: list[Product] = self.raw.con.execute(
            "SELECT p.sku, b.code, p.name, p.price, p.points, p.promotional"
            " FROM products AS p JOIN barcodes AS b ON b.sku = p.sku"
        ).fetchall()
        warmup = max(self.settings.warmup // 4, 1)
        n = warmup + self.settings.sales
        ours_customers, raw_customers = self.sample_customers(n), self.sample_customers(n)

        def basket() -> list[tuple[Product, int]]:
            picks = self.rng.sample(products, self.rng.randint(1, 4))
            return [(p, self.rng.choice((1, 1, 1, 2, 3))) for p in picks]

        def ours(i: int) -> Callable[[], object]:
            cart = Cart()
            for product, qty in basket():
                cart = cart.add(self.till.catalog.find(product[1]).line(qty))
            tenders = (Tender(TenderKind.CASH, cart.total),)
            request = SaleRequest(new_sale_id(), cart, tenders, customer_uid=ours_customers[i][1])
            return partial(self.till.checkout.complete, request)

        def raw(i: int) -> Callable[[], object]:
            lines = tuple(RawLine(p[0], p[2], p[3], qty, p[4], bool(p[5])) for p, qty in basket())
            sale = RawSale(new_sale_id(), raw_customers[i][1], lines)
            return partial(self.raw.complete_sale, sale)

        return self.compare(SALE, ours, raw, self.settings.sales, warmup)


class Mismatch(RuntimeError):
    """The raw equivalent did not answer as the till did: the comparison would be void."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Mismatch(f"raw sqlite3 and the till: {message}")


PHONE_FORMS: tuple[str, ...] = (
    "+375 ({op}) {a}-{b}-{c}",
    "+375{op}{a}{b}{c}",
    "375{op}{a}{b}{c}",
    "80{op}{a}{b}{c}",
    "8 0{op} {a}-{b}-{c}",
    "8-0{op}-{a}-{b}-{c}",
    "0{op} {a} {b} {c}",
    "{op} {a}{b}{c}",
    "{op}{a}{b}{c}",
)


def typed_phone(e164: str, rng: random.Random) -> str:
    """An E.164 number as a cashier might type it: `8 029 123-45-67`, `291234567`…"""
    n = e164.removeprefix("+375")
    return rng.choice(PHONE_FORMS).format(op=n[:2], a=n[2:5], b=n[5:7], c=n[7:])


def name_query(full_name: str, rng: random.Random) -> str:
    """What a cashier types for a phone order: a surname prefix and a first-name prefix."""
    surname, first = full_name.split()[:2]
    surname = surname.split("-")[0]
    query = f"{surname[: rng.randint(3, 7)]} {first[: rng.randint(1, 4)]}"
    return query.lower() if rng.random() < 0.5 else query


def search_words(query: str) -> list[str]:
    """The query's words as `Customers.search_name` uses them: normalised, longest first."""
    words = set(normalise_name(query).replace("-", " ").split())
    return sorted(words, key=len, reverse=True)


def environment() -> dict[str, object]:
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [ln for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = models[0].split(":", 1)[1].strip() if models else cpu
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
    }


def render(report: Report) -> str:
    lines = [render_text(report.comparisons), "", "Breakdown (no raw counterpart):"]
    for what, stats in report.breakdown.items():
        lines.append(
            f"  {what}: median {ms(stats.median)}  p95 {ms(stats.p95)}  p99 {ms(stats.p99)} ms"
        )
    return "\n".join(lines)


def write_json(report: Report, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-lookup-{report.customers}-{stamp}.json"
    body = asdict(report)
    for comparison, data in zip(report.comparisons, body["comparisons"], strict=True):
        data["ratio"] = round(comparison.ratio, 2)
        data["median_ratio"] = round(comparison.median_ratio, 2)
        data["within_budget"] = comparison.within_budget
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    defaults = Settings()
    parser.add_argument("--iterations", type=int, default=defaults.iterations)
    parser.add_argument("--sales", type=int, default=defaults.sales)
    parser.add_argument("--warmup", type=int, default=defaults.warmup)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    settings = Settings(args.iterations, args.sales, args.warmup, args.seed)

    seeded = seeded_database(args.customers, args.results_dir / "seed")
    size = seeded.path.stat().st_size / 2**20
    how = "taken from the cache" if seeded.cached else f"seeded in {seeded.seconds:.1f} s"
    print(f"{args.customers:,} customers, {how}: {seeded.path.name} ({size:,.0f} MiB)")
    with tempfile.TemporaryDirectory(dir=args.results_dir, prefix="work-") as work:
        report = run(seeded.path, Path(work) / "till", settings)
    report = replace(
        report,
        seeding_seconds=None if seeded.cached else round(seeded.seconds, 1),
        environment=environment(),
    )
    print()
    print(render(report))
    print()
    print(render_markdown(report.comparisons, report.customers))
    print()
    print(f"Results: {write_json(report, args.results_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
