"""The raw baseline is an honest one: a sale it writes is the sale the till writes.

The benchmark's ratio means something only if raw sqlite3 does the till's work, no less:
the same rows in every table, the same ledger entry and balance change, the same event.
Ids, receipt numbers, times and hashes differ between two sales and are left out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bonuspos.domain.cart import Cart, Tender, TenderKind
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.till import Till
from tests.bench.raw import RawLine, RawSale, RawTill
from tests.bench.seed import Seeded, install, seeded_database

DIFFERS = {"id", "sale_id", "number", "occurred_at", "prev_hash", "hash", "event_id", "seq"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seeded_database(2_000, tmp_path_factory.mktemp("seed"))


@pytest.fixture
def till(seeded: Seeded, tmp_path: Path) -> Iterator[Till]:
    install(seeded.path, tmp_path / "till")
    with Till(tmp_path / "till") as t:
        yield t


def rows(con: sqlite3.Connection, sql: str, sale_id: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql, (sale_id,))
    names = [d[0] for d in cursor.description]
    return [
        {k: v for k, v in zip(names, row, strict=True) if k not in DIFFERS}
        for row in cursor.fetchall()
    ]


def written(con: sqlite3.Connection, sale_id: str) -> dict[str, object]:
    event = con.execute(
        "SELECT type, payload, acked_at FROM outbox WHERE payload LIKE ?", (f'%"{sale_id}"%',)
    ).fetchone()
    payload = {k: v for k, v in json.loads(event[1]).items() if k not in DIFFERS}
    payload.pop("ledger_hashes")
    return {
        "sale": rows(con, "SELECT * FROM sales WHERE id = ?", sale_id),
        "lines": rows(con, "SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no", sale_id),
        "tenders": rows(con, "SELECT * FROM sale_tenders WHERE sale_id = ? ORDER BY n", sale_id),
        "ledger": rows(con, "SELECT * FROM ledger_entries WHERE sale_id = ? ORDER BY id", sale_id),
        "event": (event[0], payload, event[2]),
    }


def balance(con: sqlite3.Connection, uid: str) -> tuple[int, int]:
    total, pending = con.execute(
        "SELECT b.total, (SELECT coalesce(sum(points), 0) FROM pending_points AS p"
        " WHERE p.customer_id = c.id) FROM customers AS c"
        " JOIN card_balances AS b ON b.customer_id = c.id WHERE c.uid = ?",
        (uid,),
    ).fetchone()
    return total, pending


def test_a_raw_sale_writes_exactly_the_rows_the_till_writes(till: Till) -> None:
    path = till.db.path
    with closing(sqlite3.connect(path)) as con:
        uid = con.execute("SELECT uid FROM customers ORDER BY id LIMIT 1").fetchone()[0]
        # Two products that earn and one on promotion, which earns nothing.
        products = con.execute(
            "SELECT * FROM (SELECT p.sku, b.code, p.name, p.price, p.points, p.promotional"
            " FROM products AS p JOIN barcodes AS b ON b.sku = p.sku"
            " WHERE p.promotional = 0 ORDER BY p.sku LIMIT 2)"
            " UNION ALL SELECT * FROM (SELECT p.sku, b.code, p.name, p.price, p.points,"
            " p.promotional FROM products AS p JOIN barcodes AS b ON b.sku = p.sku"
            " WHERE p.promotional = 1 ORDER BY p.sku LIMIT 1)"
        ).fetchall()
        before = balance(con, uid)
    basket = list(zip(products, (1, 3, 2), strict=True))
    cart = Cart()
    for product, quantity in basket:
        found = till.catalog.find(product[1])
        assert found is not None
        cart = cart.add(found.line(quantity))
    ours = SaleRequest(
        new_sale_id(), cart, (Tender(TenderKind.CASH, cart.total),), customer_uid=uid
    )
    earned = till.checkout.complete(ours).earned.minor

    raw = RawTill(path, till.policy)
    try:
        lines = tuple(RawLine(p[0], p[2], p[3], q, p[4], bool(p[5])) for p, q in basket)
        theirs = RawSale(new_sale_id(), uid, lines)
        raw.complete_sale(theirs)
    finally:
        raw.close()

    with closing(sqlite3.connect(path)) as con:
        assert written(con, theirs.sale_id) == written(con, ours.sale_id)
        total, pending = balance(con, uid)
    assert earned > 0
    assert (total - before[0], pending - before[1]) == (2 * earned, 2 * earned)
