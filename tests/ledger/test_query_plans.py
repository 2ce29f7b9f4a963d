"""No lookup path scans a table: EXPLAIN QUERY PLAN on the very SQL the repositories emit.

Each test runs a real service or repository method against a seeded till while recording
every statement the till sends to SQLite (sqlite3's trace callback on each connection of
the engine's pool and on the plain reading connection the card lookups use), then asks
SQLite how it would run each one, with the same values. The database is never
ANALYZEd, because the till never does: these are the plans a till really gets.

A plan row `SCAN <table>` reads the whole table, and `SCAN <table> USING COVERING INDEX`
reads a whole index, which is no better; either fails. `SEARCH ... USING INDEX` or
`USING PRIMARY KEY` passes. One scan is allowed: a walk in key order with no WHERE, cut off
by LIMIT and with no sort in between (the ledger's last hash, the last sale): it reads
LIMIT rows and stops, however long the table is.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event

from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.staff import Action
from bonuspos.ledger import custody
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.till import Till
from tests.bench.seed import plastic_number, seed_till
from tests.support import MANAGER_PIN, manager, sell

CUSTOMERS = 3_000
# `--` opens the trace's note of a trigger's own statements, which are not SQL to explain.
_NOT_EXPLAINED = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA\b|--)", re.I)
_SCAN = re.compile(r"^SCAN (?!CONSTANT ROW\b)(?!\(?(?:subquery|SUBQUERY)\b)")
_DERIVED = re.compile(r"^(CO-ROUTINE|MATERIALIZE) (\S+)")
_LIMIT = re.compile(r" ORDER BY .* LIMIT (\?|\d+)(?: OFFSET (\?|\d+))?$")
_FEW_ROWS = 100


@dataclass(frozen=True, slots=True)
class Explained:
    sql: str
    params: tuple[Any, ...]
    plan: tuple[str, ...]

    @property
    def full_scans(self) -> list[str]:
        # A subquery SQLite runs as a co-routine or materialises is a handful of rows
        # already found by key; reading it back is no table scan.
        derived = {m[2] for row in self.plan if (m := _DERIVED.match(row))}
        scans = [row for row in self.plan if _SCAN.match(row) and row.split()[1] not in derived]
        return [] if scans and self._stops_after_limit() else scans

    def _stops_after_limit(self) -> bool:
        """A walk in key order with no filter and no sort, cut off by a small LIMIT."""
        text = " ".join(self.sql.upper().split())
        limit = _LIMIT.search(text)
        if limit is None or any(w in f" {text} " for w in (" WHERE ", " JOIN ", " GROUP BY ")):
            return False
        if any("TEMP B-TREE" in row for row in self.plan):
            return False
        bounds = [b for b in limit.groups() if b is not None]
        bound_params = iter(self.params[len(self.params) - bounds.count("?") :])
        rows_read = sum(int(next(bound_params)) if b == "?" else int(b) for b in bounds)
        return rows_read <= _FEW_ROWS

    def __str__(self) -> str:
        return f"{' '.join(self.sql.split())}\n    params {self.params}\n    plan {self.plan}"


@pytest.fixture(scope="module")
def till(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Till]:
    data_dir = tmp_path_factory.mktemp("plans")
    seed_till(data_dir, CUSTOMERS)
    with Till(data_dir) as t:
        yield t


@pytest.fixture(scope="module")
def someone(till: Till) -> dict[str, Any]:
    """A seeded customer who holds a plastic card."""
    with closing(sqlite3.connect(till.db.path)) as con:
        custody.install(con)
        row = con.execute(
            "SELECT c.id, c.uid, phone_open(c.phone_sealed), c.full_name, p.number"
            " FROM customers AS c"
            " JOIN plastic_cards AS p ON p.customer_id = c.id ORDER BY c.id LIMIT 1"
        ).fetchone()
    keys = ("id", "uid", "phone", "full_name", "plastic")
    return dict(zip(keys, row, strict=True))


@contextmanager
def recorded(till: Till) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every statement SQLite runs for the till meanwhile, its values written in (no `?`)."""
    statements: list[tuple[str, tuple[Any, ...]]] = []

    def record(sql: str) -> None:
        statements.append((sql, ()))

    def trace(dbapi_connection: sqlite3.Connection, *_: object) -> None:
        dbapi_connection.set_trace_callback(record)

    def untrace(dbapi_connection: sqlite3.Connection, *_: object) -> None:
        dbapi_connection.set_trace_callback(None)

    pool = till.db.engine.pool
    # Taken and given back: idle, it is the one the next lookup on this thread takes.
    with till.db.readers.connection() as reader:
        trace(reader)
    event.listen(pool, "checkout", trace)
    event.listen(pool, "checkin", untrace)
    try:
        yield statements
    finally:
        event.remove(pool, "checkout", trace)
        event.remove(pool, "checkin", untrace)
        untrace(reader)


def explain(till: Till, action: Callable[[], object]) -> list[Explained]:
    """Run `action` and explain every statement it sent to SQLite."""
    with recorded(till) as statements:
        action()
    explained = []
    with closing(sqlite3.connect(till.db.path)) as con:
        custody.install(con)
        for sql, params in statements:
            if _NOT_EXPLAINED.match(sql):
                continue
            rows = con.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            explained.append(Explained(sql, params, tuple(row[3] for row in rows)))
    assert explained, "the action sent no statement to explain"
    return explained


def assert_no_full_scan(explained: list[Explained]) -> None:
    offenders = [e for e in explained if e.full_scans]
    assert not offenders, "full scans:\n" + "\n".join(map(str, offenders))


def searches(explained: list[Explained], pattern: str) -> bool:
    return any(re.search(pattern, row) for e in explained for row in e.plan)


def reading(till: Till, use: Callable[[UnitOfWork], object]) -> Callable[[], object]:
    def action() -> object:
        with UnitOfWork(till.db.reading) as uow:
            return use(uow)

    return action


def test_finding_a_card_by_phone_searches_the_phone_index(
    till: Till, someone: dict[str, Any]
) -> None:
    explained = explain(till, lambda: till.lookup.find(someone["phone"]))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH customers USING INDEX \w+ \(phone=\?\)")


def test_finding_a_card_by_plastic_card_searches_the_card_number(
    till: Till, someone: dict[str, Any]
) -> None:
    explained = explain(till, lambda: till.lookup.find(someone["plastic"]))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH plastic_cards USING INDEX \w+ \(number=\?\)")


def test_an_unknown_plastic_card_is_not_looked_for_row_by_row(till: Till) -> None:
    explained = explain(till, lambda: till.lookup.find(plastic_number(99_999_999_999)))

    assert_no_full_scan(explained)


def test_finding_a_card_by_uid_searches_the_uid_index(till: Till, someone: dict[str, Any]) -> None:
    explained = explain(till, lambda: till.lookup.by_uid(someone["uid"]))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH customers USING INDEX \w+ \(uid=\?\)")


def test_a_customer_by_id_is_read_by_primary_key(till: Till, someone: dict[str, Any]) -> None:
    explained = explain(till, reading(till, lambda uow: uow.customers.by_id(someone["id"])))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH customers USING INTEGER PRIMARY KEY")


def test_a_balance_reads_one_total_and_a_range_of_pending_points(
    till: Till, someone: dict[str, Any]
) -> None:
    today = till.policy.store_day(till.clock.now())
    explained = explain(
        till, reading(till, lambda uow: uow.customers.card_by_id(someone["id"], today))
    )

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH card_balances USING INTEGER PRIMARY KEY")
    assert searches(
        explained, r"^SEARCH pending_points USING INDEX \w+ \(customer_id=\? AND active_from>\?\)"
    )


@pytest.mark.parametrize(
    "query",
    ["Иванова", "ив", "Иванова Ан", "ан ив", "Иванова Анна Сергеевна", "Баранова-Жук Ан"],
)
def test_name_search_walks_the_token_index_for_its_longest_word(till: Till, query: str) -> None:
    explained = explain(till, lambda: till.lookup.search(query))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH customer_name_tokens USING PRIMARY KEY \(token>\?")


def test_a_product_by_barcode_searches_the_barcode(till: Till) -> None:
    explained = explain(till, lambda: till.catalog.find("4810000000036"))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH barcodes USING (?:INDEX \w+|PRIMARY KEY) \(code=\?\)")


def test_a_product_by_sku_falls_back_to_its_primary_key(till: Till) -> None:
    explained = explain(till, lambda: till.catalog.find("HP-BT"))

    assert len(explained) == 2  # no barcode "HP-BT", then the SKU
    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH products USING INDEX \w+ \(sku=\?\)")


def test_a_sale_and_its_receipt_are_read_by_key(till: Till) -> None:
    sale_id = sell(till, {"HP-BT": 1}).sale_id

    explained = explain(till, lambda: till.checkout.receipt(sale_id))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH sales USING INDEX \w+ \(id=\?\)")
    assert searches(explained, r"^SEARCH sale_lines USING INDEX \w+ \(sale_id=\?\)")


def test_todays_offline_spend_searches_sales_by_card_and_day(
    till: Till, someone: dict[str, Any]
) -> None:
    today = till.policy.store_day(till.clock.now())
    explained = explain(
        till, reading(till, lambda uow: uow.sales.offline_spent(someone["id"], today))
    )

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH sales USING INDEX ix_sales_customer_day \(customer_id")


def test_the_next_sale_number_comes_from_the_end_of_its_index(till: Till) -> None:
    explained = explain(till, reading(till, lambda uow: uow.sales.next_number()))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH sales USING COVERING INDEX")


def test_counting_events_waiting_for_the_server_searches_the_unacked_index(till: Till) -> None:
    explained = explain(till, reading(till, lambda uow: uow.outbox.waiting()))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH outbox USING COVERING INDEX ix_outbox_unacked \(acked_at=")


def test_the_last_ledger_hash_is_read_from_the_end_of_the_ledger(till: Till) -> None:
    explained = explain(till, reading(till, lambda uow: uow.ledger.last_hash()))

    assert [e.plan for e in explained] == [("SCAN ledger_entries",)]
    assert_no_full_scan(explained)  # a backward walk that LIMIT 1 stops at the first row


def test_the_last_sale_is_read_from_the_end_of_the_number_index(till: Till) -> None:
    sell(till, {"HP-BT": 1})

    explained = explain(till, lambda: till.checkout.last_receipt())

    # This till's own sales (origin "") walked backwards on the (origin, number) index:
    # no sort, and LIMIT 1 stops at the first row.
    assert explained[0].plan == ("SEARCH sales USING INDEX sqlite_autoindex_sales_2 (origin=?)",)
    assert_no_full_scan(explained)


def test_completing_a_sale_with_a_card_scans_no_table(till: Till, someone: dict[str, Any]) -> None:
    card = till.lookup.find(someone["phone"])

    explained = explain(till, lambda: sell(till, {"HP-BT": 2, "4810000000012": 1}, card=card))

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH card_balances USING INTEGER PRIMARY KEY")


def test_registering_a_customer_with_a_plastic_card_scans_no_table(till: Till) -> None:
    form = CustomerForm("Новикова Дарья Олеговна", "+375 44 700-00-01", True, True)

    explained = explain(till, lambda: till.registration.register(form, plastic_number(1)))

    assert_no_full_scan(explained)


def test_returning_part_of_a_sale_scans_no_table(till: Till, someone: dict[str, Any]) -> None:
    card = till.lookup.find(someone["phone"])
    sale_id = sell(till, {"HP-BT": 2}, card=card).sale_id

    return_id = str(uuid.uuid4())
    approval = till.staff.approve(
        None, manager(till).staff_id, MANAGER_PIN, Action.RETURN, return_id, (sale_id,)
    )

    explained = explain(
        till, lambda: till.returns.return_lines(return_id, sale_id, {1: 1}, approval=approval)
    )

    assert_no_full_scan(explained)


@pytest.mark.parametrize(
    ("sql", "params", "scans"),
    [
        ("SELECT b FROM t WHERE b = ?", ("x",), True),
        ("SELECT id FROM t WHERE id > 0", (), False),
        ("SELECT count(*) FROM t", (), True),  # reads all of the smallest index
        ("SELECT a FROM t ORDER BY a LIMIT ? OFFSET ?", (5, 0), False),
        ("SELECT a FROM t ORDER BY a LIMIT ? OFFSET ?", (5, 100_000), True),
        ("SELECT b FROM t ORDER BY b LIMIT 1", (), True),  # sorts the whole table first
        ("SELECT b FROM t WHERE b > 'x' ORDER BY id DESC LIMIT 1", (), True),
        ("SELECT max(a) FROM t", (), False),
        ("SELECT 1", (), False),
    ],
)
def test_the_rule_tells_a_whole_table_read_from_a_keyed_one(
    sql: str, params: tuple[Any, ...], scans: bool
) -> None:
    with closing(sqlite3.connect(":memory:")) as con:
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b TEXT)")
        plan = tuple(row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}", params))

    assert bool(Explained(sql, params, plan).full_scans) is scans, plan


def test_a_days_figures_search_that_day_only(till: Till) -> None:
    sell(till, {"HP-BT": 1})
    today = till.policy.store_day(till.clock.now())
    explained = explain(
        till, reading(till, lambda uow: uow.day.figures(today, till.policy.timezone))
    )

    assert_no_full_scan(explained)
    assert searches(explained, r"^SEARCH sales USING (?:COVERING )?INDEX ix_sales_origin_day")
    assert searches(explained, r"^SEARCH returns USING INDEX ix_returns_occurred_at")
    assert searches(explained, r"^SEARCH outbox USING INDEX ix_outbox_occurred_at")
    assert searches(explained, r"^SEARCH corrections USING INDEX ix_corrections_store_day")
