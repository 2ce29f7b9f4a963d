"""A till database with N customers, filled fast for benchmarks and query-plan tests.

The schema is the till's own: `Till(data_dir)` migrates a fresh folder, then raw sqlite3
`executemany` fills it in big transactions with rows as the repositories would write them:
customers with their name tokens and card balances, some legacy plastic cards, a catalog,
and a history of sales (one sale per ten customers, over 90 days) with their lines,
tenders, hash-chained ledger entries, pending points and acknowledged outbox events. About
60% of cards carry a balance brought over from the old programme as an ADJUSTED entry, so
every balance equals the sum of its ledger. ANALYZE is never run: the till never runs it.

A seeded file is cached by N, seed and a digest of the migrations and of this module, so a
re-run copies it instead of seeding again: `python -m tests.bench.seed --customers N`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from time import perf_counter

from bonuspos import paths
from bonuspos.domain.card import BELARUS_MOBILE_OPERATORS, ean13_check_digit, parse_phone
from bonuspos.domain.customer import RULES_VERSION, name_tokens, name_words, normalise_name
from bonuspos.domain.errors import InvalidCardNumber
from bonuspos.domain.ledger import GENESIS_HASH, EntryKind, LedgerEntry, chain_hash
from bonuspos.domain.money import Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger import custody
from bonuspos.ledger.db import MIGRATIONS
from bonuspos.services import events
from bonuspos.services.till import DB_NAME, Till
from tests.bench.history import Product, Spread, history_sale, iso
from tests.bench.names import FEMALE_NAMES, MALE_NAMES, PATRONYMICS, SURNAMES, feminine

RESULTS_DIR = Path(__file__).resolve().parents[2] / "bench-results"
CHUNK = 50_000
PRODUCTS = 2_000
HISTORY_DAYS = 90
PLASTIC_SHARE = 0.10
OPENING_BALANCE_SHARE = 0.60
UNACKED_EVENTS = 20


@dataclass(frozen=True, slots=True)
class Seeded:
    path: Path  # a till.sqlite3 file; copy it with `install`, never open it in place
    customers: int
    seconds: float  # how long seeding took, 0 when it came from the cache
    cached: bool


def seeded_database(
    customers: int, cache_dir: Path = RESULTS_DIR / "seed", seed: int = 1
) -> Seeded:
    """The cached database for `customers`, seeding it first if there is none yet."""
    target = cache_dir / f"till-{customers}-s{seed}-{_format_digest()}.sqlite3"
    if target.exists():
        return Seeded(target, customers, 0.0, cached=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix="seeding-") as tmp:
        seconds = seed_till(Path(tmp), customers, seed=seed)
        # A seed cut short never leaves a half-filled file under the cached name.
        (Path(tmp) / DB_NAME).replace(target)
    for stale in cache_dir.glob(f"till-{customers}-s{seed}-*.sqlite3"):
        if stale != target:  # seeded for an older schema or seed: never used again
            stale.unlink()
    return Seeded(target, customers, seconds, cached=False)


def install(seeded: Path, data_dir: Path) -> Path:
    """Copy a seeded database into a till's data folder, ready for `Till(data_dir)`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(seeded, data_dir / DB_NAME))


def seed_till(data_dir: Path, customers: int, *, seed: int = 1) -> float:
    """Migrate a fresh till folder and fill it; returns the seconds it took."""
    started = perf_counter()
    with Till(data_dir) as till:
        till.catalog.load_csv(paths.demo_catalog())
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    with closing(sqlite3.connect(data_dir / DB_NAME, isolation_level=None)) as con:
        # A throwaway file until it is complete: no journal, no fsync, a large page cache.
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-1000000")
        _Seeder(con, rng, now).fill(customers)
        con.execute("PRAGMA journal_mode=WAL")
    return perf_counter() - started


def valid_mobile_prefixes() -> list[str]:
    """Operator code plus next digit, for each block `parse_phone` accepts (2500… is not)."""
    prefixes = []
    for operator in BELARUS_MOBILE_OPERATORS:
        for digit in "0123456789":
            prefix = operator + digit
            try:
                for tail in ("000000", "482915", "999999"):
                    parse_phone(prefix + tail)
            except InvalidCardNumber:
                continue
            prefixes.append(prefix)
    return prefixes


def unique_phones(count: int, rng: random.Random) -> list[str]:
    """`count` distinct E.164 Belarusian mobile numbers in random order."""
    prefixes = valid_mobile_prefixes()
    picks = rng.sample(range(len(prefixes) * 1_000_000), count)
    return [f"+375{prefixes[n // 1_000_000]}{n % 1_000_000:06d}" for n in picks]


def plastic_number(body: int) -> str:
    first12 = f"2{body:011d}"
    return first12 + ean13_check_digit(first12)


def _format_digest() -> str:
    """Changes when the schema or the seed's own code does, so a stale cache is not reused."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    bench = [here / name for name in ("seed.py", "history.py", "names.py")]
    for source in [*sorted((MIGRATIONS / "versions").glob("*.py")), *bench]:
        digest.update(source.read_bytes())
    # Phones are sealed under this user's key: another key's seed could not be read.
    digest.update(custody.current().check().encode())
    return digest.hexdigest()[:10]


class _Seeder:
    def __init__(self, con: sqlite3.Connection, rng: random.Random, now: datetime) -> None:
        self._con = con
        self._rng = rng
        self._now = now
        self._today = DEFAULT_POLICY.store_day(now)
        self._prev_hash = GENESIS_HASH
        self._uids: list[str] = []
        self._totals: list[int] = []

    def fill(self, customers: int) -> None:
        self._customers(customers)
        self._plastic_cards(customers)
        products = self._products()
        self._history(customers // 10, products)
        self._write(
            "INSERT INTO card_balances (customer_id, total) VALUES (?, ?)",
            list(enumerate(self._totals, 1)),
        )

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        con = self._con
        con.execute("BEGIN")
        try:
            con.executemany(sql, rows)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def _customers(self, count: int) -> None:
        rng = self._rng
        phones = unique_phones(count, rng)
        keys = custody.current()  # phones are kept hashed and sealed, as the till keeps them
        weights = list(accumulate(1 / (rank + 10) for rank in range(len(SURNAMES))))
        opening_at = self._now - timedelta(days=400)
        for start in range(0, count, CHUNK):
            ids = range(start + 1, min(start + CHUNK, count) + 1)
            surnames = rng.choices(SURNAMES, cum_weights=weights, k=len(ids))
            customers: list[tuple[object, ...]] = []
            tokens: list[tuple[str, int]] = []
            ledger: list[tuple[object, ...]] = []
            for customer_id, surname in zip(ids, surnames, strict=True):
                full_name = self._full_name(surname)
                uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                registered = self._now - timedelta(seconds=rng.randrange(5 * 365 * 86_400))
                customers.append(
                    (
                        customer_id,
                        uid,
                        keys.phone_key(phones[customer_id - 1]),
                        full_name,
                        normalise_name(full_name),
                        "",
                        "",
                        RULES_VERSION,
                        iso(registered),
                        keys.seal(phones[customer_id - 1]),
                    )
                )
                words = name_words(full_name)
                tokens.extend((token, customer_id, words) for token in name_tokens(full_name))
                self._uids.append(uid)
                opening = 0
                if rng.random() < OPENING_BALANCE_SHARE:
                    opening = rng.randrange(1, 300) * 10
                    entry = LedgerEntry(
                        EntryKind.ADJUSTED, Points(opening), DEFAULT_POLICY.store_day(opening_at)
                    )
                    ledger.append(self._ledger_row(customer_id, uid, None, entry, opening_at))
                self._totals.append(opening)
            self._write("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", customers)
            self._write(
                "INSERT INTO customer_name_tokens (token, customer_id, words) VALUES (?, ?, ?)",
                tokens,
            )
            self._write_ledger(ledger)

    def _full_name(self, surname: str) -> str:
        rng = self._rng
        father = rng.randrange(len(MALE_NAMES))
        if rng.random() < 0.55:
            surname = feminine(surname)
            if rng.random() < 0.01:  # a double surname, hyphenated
                surname += "-" + feminine(rng.choice(SURNAMES))
            return f"{surname} {rng.choice(FEMALE_NAMES)} {PATRONYMICS[father][1]}"
        return f"{surname} {rng.choice(MALE_NAMES)} {PATRONYMICS[father][0]}"

    def _ledger_row(
        self,
        customer_id: int,
        uid: str,
        sale_id: str | None,
        entry: LedgerEntry,
        at: datetime,
    ) -> tuple[object, ...]:
        digest = chain_hash(self._prev_hash, uid, sale_id, None, entry, at)
        row = (
            customer_id,
            sale_id,
            entry.kind.value,
            entry.points.minor,
            entry.active_from.isoformat(),
            iso(at),
            self._prev_hash,
            digest,
        )
        self._prev_hash = digest
        return row

    def _write_ledger(self, rows: Sequence[tuple[object, ...]]) -> None:
        self._write(
            "INSERT INTO ledger_entries (customer_id, sale_id, kind, points, active_from,"
            " occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _plastic_cards(self, customers: int) -> None:
        rng = self._rng
        holders = rng.sample(range(1, customers + 1), int(customers * PLASTIC_SHARE))
        bodies = rng.sample(range(10**11), len(holders))
        self._write(
            "INSERT INTO plastic_cards (number, customer_id) VALUES (?, ?)",
            [(plastic_number(b), c) for b, c in zip(bodies, holders, strict=True)],
        )

    def _products(self) -> list[Product]:
        rng = self._rng
        products = []
        for n in range(1, PRODUCTS + 1):
            price = rng.randrange(1_00, 1_500_00, 10)
            promotional = rng.random() < 0.05
            points = 0 if promotional else price * 3 // 100
            products.append((f"B{n:05d}", f"Товар для дома №{n}", price, points, promotional))
        self._write("INSERT INTO products VALUES (?, ?, ?, ?, ?)", products)
        self._write(
            "INSERT INTO barcodes (code, sku) VALUES (?, ?)",
            [(_ean13(f"4811{n:08d}"), p[0]) for n, p in enumerate(products, 1)],
        )
        return products

    def _history(self, count: int, products: list[Product]) -> None:
        pending: dict[tuple[int, str], int] = {}
        # One sale in fifty falls on today's store day, so its points are still pending.
        midnight = datetime.combine(self._today, time(), DEFAULT_POLICY.zone)
        today_sales = max(1, count // 50)
        earlier = Spread(self._now - timedelta(days=HISTORY_DAYS), midnight, count - today_sales)
        todays = Spread(midnight, self._now, today_sales)
        for first in range(1, count + 1, CHUNK):
            chunk = range(first, min(first + CHUNK, count + 1))
            sales: list[tuple[object, ...]] = []
            lines: list[tuple[object, ...]] = []
            tenders: list[tuple[object, ...]] = []
            ledger: list[tuple[object, ...]] = []
            outbox: list[tuple[object, ...]] = []
            for number in chunk:
                at = (
                    earlier.at(number)
                    if number <= earlier.count
                    else todays.at(number - earlier.count)
                )
                sale = history_sale(self._rng, number, at, len(self._uids), products)
                sales.append(sale.row)
                lines.extend(sale.lines)
                tenders.append((sale.id, 1, "cash", sale.total))
                hashes = []
                if sale.customer_id is not None and sale.earned:
                    uid = self._uids[sale.customer_id - 1]
                    entry = LedgerEntry(EntryKind.EARNED, Points(sale.earned), sale.activates_on)
                    ledger.append(self._ledger_row(sale.customer_id, uid, sale.id, entry, at))
                    hashes.append(self._prev_hash)
                    self._totals[sale.customer_id - 1] += sale.earned
                    if sale.activates_on > self._today:
                        key = (sale.customer_id, sale.activates_on.isoformat())
                        pending[key] = pending.get(key, 0) + sale.earned
                acked = None if number > count - UNACKED_EVENTS else iso(at + timedelta(seconds=5))
                payload = sale.payload(self._uids, hashes)
                outbox.append(
                    (number, str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
                     events.SALE_COMPLETED, iso(at), payload, acked,
                     "accepted" if acked else None, None)
                )  # fmt: skip
            self._write(
                "INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                # this till's own, by nobody signed in, spending nothing that needed proof
                [(*row, "", None, None) for row in sales],
            )
            self._write(
                "INSERT INTO sale_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lines
            )
            self._write("INSERT INTO sale_tenders VALUES (?, ?, ?, ?)", tenders)
            self._write_ledger(ledger)
            self._write("INSERT INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?)", outbox)
        self._write(
            "INSERT INTO pending_points (customer_id, active_from, points) VALUES (?, ?, ?)",
            [(c, day, points) for (c, day), points in pending.items()],
        )


def _ean13(first12: str) -> str:
    return first12 + ean13_check_digit(first12)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache-dir", type=Path, default=RESULTS_DIR / "seed")
    args = parser.parse_args(argv)
    seeded = seeded_database(args.customers, args.cache_dir, args.seed)
    how = "from the cache" if seeded.cached else f"seeded in {seeded.seconds:.1f} s"
    size = seeded.path.stat().st_size / 2**20
    print(f"{seeded.customers:,} customers, {how}: {seeded.path} ({size:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
