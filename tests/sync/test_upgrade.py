"""A till's database from the first release upgrades with nothing lost and syncs as is.

The old database is built at schema 0001 by Alembic and filled the way a till of that
release wrote it: its tables' own columns, and outbox payloads with that release's keys
only (no staff, no price list, no holds). The rows' values come from a till of today
selling the same things, so the server's recomputation of points agrees.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.ledger import custody
from bonuspos.ledger.db import HEAD, make_engine, migrate, revision
from bonuspos.ledger.repositories import wire_payload
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync import status
from bonuspos_server.data.models import Sale
from tests.support import sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True

# Parents before children: the foreign keys hold at every insert.
TABLES_0001 = (
    "customers",
    "products",
    "barcodes",
    "card_balances",
    "customer_name_tokens",
    "pending_points",
    "plastic_cards",
    "sales",
    "sale_lines",
    "sale_tenders",
    "ledger_entries",
)
# What the first release's services/events.py put in each event.
KEYS_0001 = {
    "customer_registered": {
        "customer_uid", "phone", "full_name", "email", "birth_date", "rules_version",
        "consented_at", "plastic_card",
    },
    "sale_completed": {
        "sale_id", "number", "customer_uid", "occurred_at", "policy_version", "channel",
        "order_ref", "offline", "total", "spent", "earned", "activates_on", "lines",
        "tenders", "ledger_hashes",
    },
}  # fmt: skip
LINE_KEYS_0001 = {
    "line_no", "sku", "unit_price", "quantity", "discount", "points_per_unit",
    "promotional", "earned", "share",
}  # fmt: skip


def _first_release_database(folder: Path, reference: Path) -> int:
    """A 0001 database in `folder` holding `reference`'s rows; how many events wait."""
    folder.mkdir(parents=True)
    engine = make_engine(folder / DB_NAME)
    migrate(engine, to="0001")
    assert revision(engine) == "0001"
    engine.dispose()
    with closing(sqlite3.connect(folder / DB_NAME)) as db, db:
        custody.install(db)
        db.execute("ATTACH DATABASE ? AS ref", (str(reference),))
        for table in TABLES_0001:
            names = [row[1] for row in db.execute(f"PRAGMA main.table_info({table})")]
            columns = ", ".join(names)
            # That release kept phones as they are: today's till keeps them sealed.
            read = ", ".join("phone_open(phone_sealed)" if c == "phone" else c for c in names)
            read = read if table == "customers" else columns
            db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {read} FROM ref.{table}")
        events = db.execute(
            "SELECT seq, event_id, type, occurred_at, payload FROM ref.outbox ORDER BY seq"
        ).fetchall()
        for seq, event_id, kind, occurred_at, payload in events:
            old = {k: v for k, v in wire_payload(payload).items() if k in KEYS_0001[kind]}
            if "lines" in old:
                old["lines"] = [
                    {k: v for k, v in line.items() if k in LINE_KEYS_0001} for line in old["lines"]
                ]
            db.execute(
                "INSERT INTO outbox (seq, event_id, type, occurred_at, payload, acked_at)"
                " VALUES (?, ?, ?, ?, ?, NULL)",
                (seq, event_id, kind, occurred_at, json.dumps(old, ensure_ascii=False)),
            )
    return len(events)


def _counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES_0001}


def _outbox(path: Path) -> list[tuple[object, ...]]:
    """The events as they would be sent: the upgrade seals registrations' phones on disk."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT seq, event_id, type, payload FROM outbox ORDER BY seq")
        return [(*row[:3], wire_payload(row[3])) for row in rows]


def test_a_first_release_database_upgrades_keeps_its_unsent_events_and_they_are_accepted(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    with Till(tmp_path / "today", now_clock) as reference:
        reference.catalog.load_csv(paths.demo_catalog())
        card = reference.registration.register(
            CustomerForm("Соколова Вера", "+375 29 640-11-85", True, True)
        )
        receipts = [
            sell(reference, {"TV-55Q": 1, "HP-BT": 2}, card=card),
            sell(reference, {"CB-USBC": 3}),
        ]
    old_dir = tmp_path / "first-release"
    waiting = _first_release_database(old_dir, tmp_path / "today" / DB_NAME)
    before, queued = _counts(old_dir / DB_NAME), _outbox(old_dir / DB_NAME)
    assert waiting == 3

    with Till(old_dir, now_clock) as till:
        engine_revision = revision(till.db.engine)
        upgraded = status.read(till.db)
        after, still_queued = _counts(old_dir / DB_NAME), _outbox(old_dir / DB_NAME)
        assert till.lookup.find("+375296401185") is not None
        sync(till, central.new_till())
        sent = status.read(till.db)

    assert engine_revision == HEAD
    assert after == before
    assert still_queued == queued
    assert upgraded.waiting == waiting
    assert (sent.waiting, sent.dead_letters) == (0, 0)
    with central.db.sessions() as session:
        for receipt in receipts:
            assert session.get(Sale, receipt.sale_id) is not None
