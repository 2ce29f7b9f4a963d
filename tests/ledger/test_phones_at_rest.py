"""A stolen till's database holds no customer's phone: only keyed hashes and sealed copies.

The cards a till registers and the ones the server's feed brings are found by any typed
form of their number, shown masked, and sent to the server in full; the file on disk,
its write-ahead log and its outbox hold the numbers in no form people write them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import stat
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.ledger import custody
from bonuspos.ledger.cache import ServerCard
from bonuspos.ledger.db import make_engine, migrate
from bonuspos.ledger.repositories import wire_payload
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till

REGISTERED = {"Орлова Нина": "+375 29 731-48-26", "Белый Остап": "80447315962"}
FROM_THE_SERVER = {"Громова Зоя": "+375336182047"}


def written_forms(phone: str) -> list[bytes]:
    digits = re.sub(r"\D", "", phone)[-9:]
    op, a, b, c = digits[:2], digits[2:5], digits[5:7], digits[7:]
    texts = [f"375{digits}", digits, f"{a}-{b}-{c}", f"{op} {a}", f"{a}{b}{c}"]
    return [t.encode() for t in texts] + [t.encode("utf-16-le") for t in texts]


def on_disk(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob(f"{DB_NAME}*")))


def _from_the_server(till: Till, at_day: date) -> None:
    cards = [
        ServerCard(f"00000000-0000-4000-8000-00000000000{n}", phone, name, 500, {}, (), ())
        for n, (name, phone) in enumerate(FROM_THE_SERVER.items(), 1)
    ]
    with UnitOfWork(till.db.writing) as uow:
        uow.cache.store(cards, till.clock.now(), uow.cache.unanswered(at_day))
        uow.commit()


def test_a_tills_file_holds_no_phone_yet_every_card_is_found_by_its_number(
    tmp_path: Path, clock: ManualClock
) -> None:
    data_dir = tmp_path / "till"
    with Till(data_dir, clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        for name, phone in REGISTERED.items():
            till.registration.register(CustomerForm(name, phone, True, True))
        _from_the_server(till, till.policy.store_day(clock.now()))
        found = {
            name: till.lookup.find(phone) for name, phone in (REGISTERED | FROM_THE_SERVER).items()
        }
        with UnitOfWork(till.db.reading) as uow:
            sent = [wire_payload(e.payload)["phone"] for e in uow.outbox.unsent(100)]
        disk = on_disk(data_dir)

    assert {name: card.full_name if card else None for name, card in found.items()} == {
        name: name for name in (*REGISTERED, *FROM_THE_SERVER)
    }
    assert found["Громова Зоя"]
    assert found["Громова Зоя"].phone.masked() == "+375 33 ***-**-47"
    assert sent == ["+375297314826", "+375447315962"]  # the server gets the whole number
    leaked = [
        f
        for phone in (*REGISTERED.values(), *FROM_THE_SERVER.values())
        for f in written_forms(phone)
        if f in disk
    ]
    assert leaked == []
    assert "Орлова Нина".encode() in disk  # names stay: the name search reads them


def test_an_upgrade_hashes_and_seals_the_phones_an_older_till_kept_in_clear(
    tmp_path: Path, clock: ManualClock
) -> None:
    data_dir = tmp_path / "till"
    data_dir.mkdir()
    engine = make_engine(data_dir / DB_NAME)
    migrate(engine, to="0005")
    engine.dispose()
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db, db:
        db.execute(
            "INSERT INTO customers (id, uid, phone, full_name, name_key, email, birth_date,"
            " rules_version, registered_at) VALUES (1, 'u-1', '+375297314826', 'Орлова Нина',"
            " 'орлова нина', '', '', 1, '2026-11-01 10:00:00.000000')"
        )
        db.execute("INSERT INTO card_balances (customer_id, total) VALUES (1, 700)")
        db.execute(
            "INSERT INTO outbox (seq, event_id, type, occurred_at, payload) VALUES (1, 'e-1',"
            " 'customer_registered', '2026-11-01 10:00:00.000000',"
            ' \'{"customer_uid": "u-1", "phone": "+375297314826", "full_name": "Орлова Нина"}\')'
        )

    with Till(data_dir, clock) as till:
        card = till.lookup.find("8 029 731 48 26")
        with UnitOfWork(till.db.reading) as uow:
            [event] = [wire_payload(e.payload) for e in uow.outbox.unsent(10)]
        disk = on_disk(data_dir)

    assert card is not None
    assert card.customer_uid == "u-1"
    assert card.balance.active.minor == 700
    assert event["phone"] == "+375297314826"
    assert b"375297314826" not in disk
    assert b"7314826" not in disk


def test_the_key_is_the_owners_alone_and_outside_the_data_folder(
    tmp_path: Path, clock: ManualClock
) -> None:
    with Till(tmp_path / "till", clock):
        pass
    key = custody.key_dir() / custody.KEY_FILE

    assert key.is_file()
    assert (tmp_path / "till") not in key.parents
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_database_sealed_under_another_key_asks_the_feed_for_every_card_again(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "till"
    with Till(data_dir, clock) as till, UnitOfWork(till.db.writing) as uow:
        uow.settings.set(custody.FEED_CURSOR, "cursor-from-the-server")
        uow.commit()
    # The same folder restored on another PC: another user's key.
    monkeypatch.setenv("BONUSPOS_KEY_DIR", str(tmp_path / "other-pc"))
    custody.forget()
    try:
        with Till(data_dir, clock) as till, UnitOfWork(till.db.reading) as uow:
            cursor = uow.settings.get(custody.FEED_CURSOR)
    finally:
        monkeypatch.undo()
        custody.forget()

    assert cursor is None


def test_the_feeds_cursor_is_the_one_sync_keeps() -> None:
    from bonuspos.sync.status import CURSOR

    assert custody.FEED_CURSOR == CURSOR


def test_a_sealed_phone_opens_only_under_its_own_key() -> None:
    mine, theirs = custody.Custody.of(b"1" * 32), custody.Custody.of(b"2" * 32)
    sealed = mine.seal("+375297314826")

    assert mine.open(sealed) == "+375297314826"
    assert theirs.open(sealed) is None
    assert mine.seal("+375297314826") != sealed  # a fresh nonce each time
    assert mine.phone_key("+375297314826") == mine.phone_key("+375297314826")
    assert mine.phone_key("+375297314826") != theirs.phone_key("+375297314826")


def test_the_tills_hmac_is_the_standard_one() -> None:
    key, message = b"k" * 32, b"+375297314826"

    assert custody._Mac(key)(message) == hmac.digest(key, message, hashlib.sha256)


@pytest.mark.parametrize(
    "text", ["+375291112233", "~6f1c2b9e-3d4a-4c1b-9a57-0e2f4b8d1c30"], ids=["phone", "unfiled"]
)
def test_a_phone_and_an_erased_cards_placeholder_open_to_what_was_sealed(text: str) -> None:
    keys = custody.Custody.of(b"k" * 32)
    sealed = keys.seal(text)
    assert text not in sealed
    assert keys.open(sealed) == text
    assert custody.Custody.of(b"j" * 32).open(sealed) is None  # another till's key
