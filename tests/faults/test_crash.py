"""A till killed with SIGKILL mid-sale keeps every confirmed sale and never half a sale."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.services.catalog import ProductView
from bonuspos.services.clock import ManualClock
from bonuspos.services.errors import SaleAlreadyCompleted
from bonuspos.services.till import DB_NAME, Till
from tests.faults.crash_child import (
    FIRST_SALE_AT,
    cart_of,
    load_products,
    plan,
    request_of,
    tenders_of,
)

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows has neither SIGKILL nor os.fork for the child till"
)

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = int(os.environ.get("BONUSPOS_CRASH_KILLS", "300"))
# A sale takes a few milliseconds here, so a kill lands anywhere in the first few sales.
MAX_DELAY = 0.1


@dataclass(frozen=True)
class Shop:
    """The till's folder with its catalog and cards, as the parent knows them."""

    data_dir: Path
    uids: tuple[str, ...]
    customer_ids: Mapping[str, int]
    products: Mapping[str, ProductView]

    @property
    def db(self) -> Path:
        return self.data_dir / DB_NAME


@dataclass
class Attempt:
    """One sale a child began; `number` is set once the child said it was done."""

    k: int
    sale_id: str
    spend: int
    number: int | None = None


@dataclass
class Record:
    """What the screen showed: the sales that must be on disk, and those that must not."""

    confirmed: dict[str, Attempt] = field(default_factory=dict)
    recovered: dict[str, Attempt] = field(default_factory=dict)  # in flight, found on disk
    lost: dict[str, Attempt] = field(default_factory=dict)  # in flight, found absent

    def on_disk(self) -> dict[str, Attempt]:
        return {**self.confirmed, **self.recovered}


class Zygote:
    """The parent's end of `crash_child.py zygote`: spawn a seller, kill it, read what it said."""

    def __init__(self, log: Path) -> None:
        self._log_path = log
        self._log = log.open("w", encoding="utf-8")
        self._proc = subprocess.Popen(
            [sys.executable, "-W", "error", str(CHILD), "zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            encoding="utf-8",
        )

    def spawn(self, shop: Shop, start: int) -> int:
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"{shop.data_dir}\t{start}\t{','.join(shop.uids)}\n")
        self._proc.stdin.flush()
        line = self._readline()
        assert line.startswith("READY "), self._failure(f"the seller did not start: {line}")
        return int(line.split()[1])

    def kill(self, pid: int) -> list[str]:
        """SIGKILL the seller; everything it wrote, up to the zygote's word that it is dead."""
        with suppress(ProcessLookupError):  # it died by itself; the exit code says how
            os.kill(pid, signal.SIGKILL)
        said = []
        while not (line := self._readline()).startswith("EXIT "):
            said.append(line)
        assert line == f"EXIT {pid} {-signal.SIGKILL}", self._failure(f"seller ended: {line}")
        return said

    def _readline(self) -> str:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        assert line, self._failure("the zygote died")
        return line.rstrip("\n")

    def _failure(self, what: str) -> str:
        self._log.flush()
        return f"{what}\n--- child stderr ---\n{self._log_path.read_text(encoding='utf-8')}"

    def close(self) -> None:
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=30)
        self._proc.stdout.close()
        self._log.close()


@pytest.fixture
def zygote(tmp_path: Path) -> Iterator[Zygote]:
    z = Zygote(tmp_path / "children.log")
    try:
        yield z
    finally:
        z.close()


def open_shop(data_dir: Path) -> Shop:
    with Till(data_dir, ManualClock(FIRST_SALE_AT - timedelta(days=1))) as till:
        till.catalog.load_csv(paths.demo_catalog())
        cards = [
            till.registration.register(CustomerForm(name, phone, True, True))
            for name, phone in [
                ("Иванова Анна Сергеевна", "+375 29 123-45-67"),
                ("Петров Пётр Петрович", "+375 33 765-43-21"),
            ]
        ]
        products = load_products(till)
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db:
        ids = dict(db.execute("SELECT uid, id FROM customers").fetchall())
    return Shop(data_dir, tuple(c.customer_uid for c in cards), ids, products)


def read_record(said: list[str], record: Record) -> Attempt | None:
    """File the child's BEGIN/DONE lines; the sale in flight when it died, if any."""
    began: list[Attempt] = []
    for line in said:
        match line.split():
            case ["BEGIN", k, sale_id, spend]:
                began.append(Attempt(int(k), sale_id, int(spend)))
            case ["DONE", k, sale_id, number]:
                attempt = began[-1]
                assert (attempt.k, attempt.sale_id) == (int(k), sale_id), line
                attempt.number = int(number)
                record.confirmed[sale_id] = attempt
            case _:
                raise AssertionError(f"the child said something odd: {line!r}")
    in_flight = [a for a in began if a.number is None]
    assert in_flight in ([], began[-1:]), f"more than one sale in flight: {in_flight}"
    return in_flight[0] if in_flight else None


def audit(shop: Shop, expected: Mapping[str, Attempt]) -> dict[str, int]:
    """Check the ledger file against the record; the row count of each table checked."""
    with closing(sqlite3.connect(shop.db)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        problems = _sale_problems(db, shop, expected) + _ledger_problems(db)
        counts = table_counts(db)
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:10])
    return counts


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = ("sales", "sale_lines", "sale_tenders", "ledger_entries", "pending_points", "outbox")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _rows_by_sale(db: sqlite3.Connection, sql: str) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for sale_id, *rest in db.execute(sql):
        rows[sale_id].append(tuple(rest))
    return rows


def _sale_problems(
    db: sqlite3.Connection, shop: Shop, expected: Mapping[str, Attempt]
) -> list[str]:
    sales = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT id, number, customer_id, total, spent, earned, activates_on FROM sales"
        )
    }
    lines = _rows_by_sale(
        db, "SELECT sale_id, sku, quantity, earned, share FROM sale_lines ORDER BY sale_id, line_no"
    )
    tenders = _rows_by_sale(db, "SELECT sale_id, amount FROM sale_tenders")
    ledger = _rows_by_sale(
        db,
        "SELECT sale_id, customer_id, kind, points, active_from FROM ledger_entries"
        " WHERE sale_id IS NOT NULL ORDER BY id",
    )
    events = _rows_by_sale(
        db,
        "SELECT json_extract(payload, '$.sale_id'), json_extract(payload, '$.number'),"
        " json_extract(payload, '$.customer_uid'), json_extract(payload, '$.total'),"
        " json_extract(payload, '$.spent'), json_extract(payload, '$.earned'),"
        " json_array_length(payload, '$.lines'), json_array_length(payload, '$.tenders')"
        " FROM outbox WHERE type = 'sale_completed'",
    )
    problems = [f"sale {s} confirmed or recovered but not on disk" for s in expected.keys() - sales]
    problems += [f"sale {s} on disk but never confirmed" for s in sales.keys() - expected.keys()]
    for table, rows in [("lines", lines), ("tenders", tenders), ("ledger", ledger)]:
        problems += [f"{table} of a sale not on disk: {s}" for s in rows.keys() - sales.keys()]
    problems += [f"outbox event for a sale not on disk: {s}" for s in events.keys() - sales.keys()]
    numbers = sorted(number for number, *_ in sales.values())
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"sale numbers are not 1..{len(numbers)} without gaps")

    for sale_id in sales.keys() & expected.keys():
        number, customer_id, total, spent, earned, activates_on = sales[sale_id]
        attempt = expected[sale_id]
        p = plan(attempt.k, len(shop.uids))
        uid = shop.uids[p.card] if p.card is not None else None
        cart = cart_of(p, shop.products)
        due = cart.total.minor - attempt.spend
        want = {
            "number": attempt.number or number,
            "customer": shop.customer_ids[uid] if uid else None,
            "total": cart.total.minor,
            "spent": attempt.spend,
            "items": list(p.items),
            "earned": sum(e for _, _, e, _ in lines[sale_id]),
            "shares": spent,
            "tenders": (
                len(tenders_of(cart.total - Points(attempt.spend).as_money(), p.kinds)),
                due,
            ),
            "ledger": _ledger_rows(p.at, customer_id, spent, earned, activates_on),
            "events": [(number, uid, total, spent, earned, len(p.items), len(tenders[sale_id]))],
        }
        got = {
            "number": number,
            "customer": customer_id,
            "total": total,
            "spent": spent,
            "items": [(sku, qty) for sku, qty, _, _ in lines[sale_id]],
            "earned": earned,
            "shares": sum(s for _, _, _, s in lines[sale_id]),
            "tenders": (len(tenders[sale_id]), sum(a for (a,) in tenders[sale_id])),
            "ledger": ledger[sale_id],
            "events": events[sale_id],
        }
        problems += [
            f"sale {sale_id} (k={attempt.k}) {key}: want {want[key]}, got {got[key]}"
            for key in want
            if want[key] != got[key]
        ]
    return problems


def _ledger_rows(
    at: datetime, customer_id: int | None, spent: int, earned: int, activates_on: str
) -> list[tuple[Any, ...]]:
    if customer_id is None:
        return []
    rows = []
    if spent:
        rows.append((customer_id, "spent", -spent, DEFAULT_POLICY.store_day(at).isoformat()))
    if earned:
        rows.append((customer_id, "earned", earned, activates_on))
    return rows


def _ledger_problems(db: sqlite3.Connection) -> list[str]:
    problems = []
    chain = db.execute("SELECT prev_hash, hash FROM ledger_entries ORDER BY id").fetchall()
    for (prev, _), (_, before) in zip(chain[1:], chain, strict=False):
        if prev != before:
            problems.append(f"ledger hash chain broken at {prev}")
    if chain and chain[0][0] != "0" * 64:
        problems.append("ledger hash chain does not start at genesis")

    sums = dict(db.execute("SELECT customer_id, sum(points) FROM ledger_entries GROUP BY 1"))
    for customer_id, balance in db.execute("SELECT customer_id, total FROM card_balances"):
        if balance != sums.get(customer_id, 0):
            problems.append(
                f"card {customer_id}: balance {balance}, ledger {sums.get(customer_id)}"
            )
    pending = set(db.execute("SELECT customer_id, active_from, points FROM pending_points"))
    earned = set(
        db.execute(
            "SELECT customer_id, active_from, sum(points) FROM ledger_entries"
            " WHERE kind = 'earned' GROUP BY 1, 2"
        )
    )
    if pending != earned:
        problems.append(f"pending points {pending ^ earned} disagree with the ledger")

    seqs = [seq for (seq,) in db.execute("SELECT seq FROM outbox ORDER BY seq")]
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"outbox sequence has gaps: {len(seqs)} events up to {seqs[-1:]}")
    types = Counter(dict(db.execute("SELECT type, count(*) FROM outbox GROUP BY type").fetchall()))
    (customers,) = db.execute("SELECT count(*) FROM customers").fetchone()
    (sales,) = db.execute("SELECT count(*) FROM sales").fetchone()
    if types != Counter({"customer_registered": customers, "sale_completed": sales}):
        problems.append(f"outbox holds {dict(types)} for {customers} cards and {sales} sales")
    return problems


def assert_shown_after_restart(shop: Shop, attempt: Attempt) -> None:
    """The restarted till shows the sale as completed and will not complete it twice."""
    p = plan(attempt.k, len(shop.uids))
    with closing(sqlite3.connect(shop.db)) as db:
        before = table_counts(db)
        (number,) = db.execute(
            "SELECT number FROM sales WHERE id = ?", (attempt.sale_id,)
        ).fetchone()
    with Till(shop.data_dir, ManualClock(p.at + timedelta(minutes=1))) as till:
        receipt = till.checkout.receipt(attempt.sale_id)
        assert receipt is not None
        assert receipt.number == number
        assert receipt.total == cart_of(p, shop.products).total
        assert receipt.spent == Points(attempt.spend)
        again = request_of(p, attempt.sale_id, Points(attempt.spend), shop.products, shop.uids)
        with pytest.raises(SaleAlreadyCompleted):
            till.checkout.complete(again)
    with closing(sqlite3.connect(shop.db)) as db:
        assert table_counts(db) == before


def _sale_present(shop: Shop, sale_id: str) -> bool:
    with closing(sqlite3.connect(shop.db)) as db:
        return db.execute("SELECT 1 FROM sales WHERE id = ?", (sale_id,)).fetchone() is not None


def test_a_sale_on_disk_whose_confirmation_never_showed_is_completed_after_restart(
    tmp_path: Path,
) -> None:
    shop = open_shop(tmp_path / "till")
    argv = ["sell", str(shop.data_dir), "0", ",".join(shop.uids), "--vanish-after-commit"]
    child = subprocess.run(
        [sys.executable, "-W", "error", str(CHILD), *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    ready, *said = child.stdout.splitlines()
    assert ready.startswith("READY ")
    record = Record()
    attempt = read_record(said, record)
    assert attempt is not None
    assert not record.confirmed
    assert _sale_present(shop, attempt.sale_id)
    record.recovered[attempt.sale_id] = attempt
    audit(shop, record.on_disk())
    assert_shown_after_restart(shop, attempt)


@pytest.mark.slow
def test_a_till_killed_at_random_moments_keeps_every_confirmed_sale_whole(
    tmp_path: Path, zygote: Zygote
) -> None:
    seed = int(os.environ.get("BONUSPOS_CRASH_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    shop = open_shop(tmp_path / "till")
    record = Record()
    counts = audit(shop, {})
    idle = 0
    start = 0
    began = time.perf_counter()
    for kill in range(1, KILLS + 1):
        try:
            pid = zygote.spawn(shop, start)
            time.sleep(rng.uniform(0, MAX_DELAY))  # the random moment is the point
            said = zygote.kill(pid)
            attempt = read_record(said, record)
            start = max([start - 1, *(int(line.split()[1]) for line in said)]) + 1
            if attempt is None:
                idle += 1
            elif _sale_present(shop, attempt.sale_id):
                record.recovered[attempt.sale_id] = attempt
            else:
                record.lost[attempt.sale_id] = attempt
            counts = audit(shop, record.on_disk())
            if attempt is not None and attempt.sale_id in record.recovered:
                assert_shown_after_restart(shop, attempt)
        except AssertionError as exc:
            exc.add_note(f"kill {kill} of {KILLS}; BONUSPOS_CRASH_SEED={seed}")
            raise
    print(
        f"\ncrash test: {KILLS} kills in {time.perf_counter() - began:.1f} s,"
        f" {counts['sales']} sales on disk ({len(record.confirmed)} confirmed);"
        f" killed mid-sale {len(record.recovered) + len(record.lost)} times:"
        f" {len(record.recovered)} on disk unconfirmed, {len(record.lost)} absent;"
        f" {idle} kills between sales; BONUSPOS_CRASH_SEED={seed}"
    )
