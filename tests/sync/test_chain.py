"""Each till's ledger is a hash chain the server checks: an honest till passes unflagged,
an edited entry or a till restored from an old copy of its disk is flagged for the manager."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, text

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.ledger import GENESIS_HASH, EntryKind, LedgerEntry, chain_hash
from bonuspos.domain.money import Points
from bonuspos.protocol import Flag
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync.config import SyncConfig
from bonuspos_server.data.models import Customer, Event, Sale
from bonuspos_server.data.models import Till as ServerTill
from tests.support import give_back, sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL
CHAIN_BROKEN = "ledger-chain-broken"


def flags(central: Central, config: SyncConfig) -> list[str | None]:
    """The flag of every event from this till, in its order."""
    with central.db.sessions() as session:
        till_id = session.execute(
            select(ServerTill.id).where(ServerTill.code == config.till)
        ).scalar_one()
        return list(
            session.execute(
                select(Event.flag).where(Event.till_id == till_id).order_by(Event.seq)
            ).scalars()
        )


def shop(data_dir: Path, clock: ManualClock, phone: str) -> str:
    with Till(data_dir, clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        return till.registration.register(
            CustomerForm("Цепкова Анна", phone, True, True)
        ).phone.e164


def test_an_honest_tills_sales_and_returns_chain_and_are_never_flagged(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    config = central.new_till()
    phone = shop(tmp_path / "till", now_clock, "+375 29 555-31-01")
    with Till(tmp_path / "till", now_clock) as till:
        card = till.lookup.find(phone)
        receipts = [sell(till, {"TV-55Q": 1, "HP-BT": 2}, card=card) for _ in range(3)]
        sell(till, {"CB-USBC": 1})  # no card: no ledger entry, the chain stays put
        give_back(till, receipts[1].sale_id, {1: 1, 2: 1})
        sync(till, config)
        sell(till, {"PB-10K": 1}, card=till.lookup.find(phone))  # a later batch chains too
        sync(till, config)
        with till.db.engine.connect() as conn:
            head = conn.execute(text("SELECT hash FROM ledger_entries ORDER BY id DESC")).first()

    # sign-up, 4 sales, the manager's approval, the return and its audit entry, a sale.
    # The manager was added on the till, unknown to the server: the approval and the return
    # are listed for that (`unknown-staff`, `approval-missing`), never for the chain.
    answered = flags(central, config)
    assert len(answered) == 9
    assert not [f for f in answered if f and Flag.CHAIN_BROKEN in f]
    assert [answered[n] for n in (0, 1, 2, 3, 4, 8)] == [None] * 6
    with central.db.sessions() as session:
        stored = session.execute(
            select(ServerTill.chain_head).where(ServerTill.code == config.till)
        ).scalar_one()
    assert head is not None
    assert stored == head[0]


def test_an_entry_edited_on_the_till_is_flagged_and_the_sale_still_counts(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    config = central.new_till()
    phone = shop(tmp_path / "till", now_clock, "+375 29 555-31-02")
    with Till(tmp_path / "till", now_clock) as till:
        sell(till, {"TV-55Q": 1}, card=till.lookup.find(phone))
        edited = sell(till, {"HP-BT": 1}, card=till.lookup.find(phone))
        with till.db.engine.begin() as conn:  # what the outbox says no longer matches the chain
            row = conn.execute(
                text("SELECT seq, payload FROM outbox WHERE type = 'sale_completed' ORDER BY seq")
            ).all()[-1]
            payload = json.loads(row.payload)
            payload["ledger_hashes"] = ["f" * 64 for _ in payload["ledger_hashes"]]
            conn.execute(
                text("UPDATE outbox SET payload = :p WHERE seq = :s"),
                {"p": json.dumps(payload), "s": row.seq},
            )
        sync(till, config)

    assert flags(central, config) == [None, None, CHAIN_BROKEN]
    with central.db.sessions() as session:
        sale = session.get(Sale, edited.sale_id)
    assert sale is not None
    assert sale.flag == CHAIN_BROKEN
    assert sale.earned == edited.earned.minor


def test_a_till_restored_from_an_old_copy_of_its_disk_is_flagged_once_it_sells_again(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    config = central.new_till()
    till_dir, backup = tmp_path / "till", tmp_path / "backup"
    phone = shop(till_dir, now_clock, "+375 29 555-31-03")
    with Till(till_dir, now_clock) as till:
        sell(till, {"TV-55Q": 1}, card=till.lookup.find(phone))
        sync(till, config)
    shutil.copytree(till_dir, backup, ignore=shutil.ignore_patterns("till.lock"))
    with Till(till_dir, now_clock) as till:
        sell(till, {"HP-BT": 1}, card=till.lookup.find(phone))  # lost with the disk
        sync(till, config)
    shutil.rmtree(till_dir)
    shutil.copytree(backup, till_dir)
    assert (till_dir / DB_NAME).exists()
    with Till(till_dir, now_clock) as till:
        sell(till, {"SD-64": 1}, card=till.lookup.find(phone))
        sync(till, config)

    assert flags(central, config)[-1] == CHAIN_BROKEN


def test_a_cashier_who_edits_the_outbox_and_recomputes_the_chain_gets_the_catalogs_points(
    central: Central, tmp_path: Path, now_clock: ManualClock
) -> None:
    """The chain has no secret a till lacks: the catalog check is what catches this."""
    config = central.new_till()
    phone = shop(tmp_path / "till", now_clock, "+375 29 555-31-04")
    with Till(tmp_path / "till", now_clock) as till:
        sold = sell(till, {"TV-55Q": 1}, card=till.lookup.find(phone))
        with till.db.engine.begin() as conn:
            row = conn.execute(
                text("SELECT seq, payload FROM outbox WHERE type = 'sale_completed'")
            ).one()
            payload = json.loads(row.payload)
            line = payload["lines"][0]
            line["points_per_unit"] = line["earned"] = payload["earned"] = line["unit_price"]
            # The chain, recomputed as a careful cashier would: every input is on the till.
            prev = conn.execute(
                text(
                    "SELECT hash FROM ledger_entries WHERE id < (SELECT min(id)"
                    " FROM ledger_entries WHERE sale_id = :sale) ORDER BY id DESC"
                ),
                {"sale": sold.sale_id},
            ).first()
            entry = LedgerEntry(
                EntryKind.EARNED,
                Points(line["earned"]),
                date.fromisoformat(payload["activates_on"]),
            )
            payload["ledger_hashes"] = [
                chain_hash(
                    prev[0] if prev else GENESIS_HASH,
                    payload["customer_uid"],
                    payload["sale_id"],
                    None,
                    entry,
                    datetime.fromisoformat(payload["occurred_at"]),
                )
            ]
            conn.execute(
                text("UPDATE outbox SET payload = :p WHERE seq = :s"),
                {"p": json.dumps(payload), "s": row.seq},
            )
        sync(till, config)

    assert flags(central, config) == [None, "price-mismatch"]  # the chain itself holds
    with central.db.sessions() as session:
        sale = session.get(Sale, sold.sale_id)
        assert sale is not None
        assert sale.earned == 75_00
        total = session.execute(select(Customer.total).where(Customer.phone == phone)).scalar_one()
    assert total == 75_00
