"""Backups taken while the till sells are whole; restores keep the replaced database."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.ledger import backup
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from tests.support import minsk, sell


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def _assert_whole(path: Path) -> int:
    """Every sale in the copy has its lines, its tenders and its outbox event; the count."""
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]
    sales = {str(r[0]) for r in _rows(path, "SELECT id FROM sales")}
    lined = {str(r[0]) for r in _rows(path, "SELECT DISTINCT sale_id FROM sale_lines")}
    paid = {str(r[0]) for r in _rows(path, "SELECT DISTINCT sale_id FROM sale_tenders")}
    events = _rows(path, "SELECT payload FROM outbox WHERE type = 'sale_completed'")
    evented = {json.loads(str(r[0]))["sale_id"] for r in events}
    assert lined == sales
    assert paid == sales
    assert evented == sales
    return len(sales)


def test_a_backup_taken_while_sales_are_written_holds_each_sale_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "till"
    ready, stop = threading.Event(), threading.Event()
    sold: list[int] = []
    failures: list[BaseException] = []

    def selling() -> None:
        try:
            with Till(data_dir, ManualClock(minsk(2026, 12, 3, 10))) as till:
                till.catalog.load_csv(paths.demo_catalog())
                ready.set()
                while not stop.is_set():
                    sell(till, {"HP-BT": 1, "CB-USBC": 2})
                    sold.append(1)
        except BaseException as exc:
            failures.append(exc)
            ready.set()

    seller = threading.Thread(target=selling)
    seller.start()
    ready.wait(30)
    counts = []
    try:
        for n in range(8):
            # The running till holds its lock: `bonuspos backup` must not need it.
            target = tmp_path / f"copy-{n}.sqlite3"
            assert main(["backup", str(target), "--data-dir", str(data_dir)]) == 0
            counts.append(_assert_whole(target))
    finally:
        stop.set()
        seller.join(60)
    assert not failures
    assert "Резервная копия" in capsys.readouterr().out
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]  # the sales went on while the copies were made
    assert not list(tmp_path.glob("*.partial"))


@pytest.fixture
def till_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "till"
    with Till(folder, ManualClock(minsk(2026, 12, 3, 10))) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sell(till, {"HP-BT": 1})
    return folder


def test_a_restore_puts_the_copy_back_and_keeps_the_replaced_database(
    till_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    assert main(["backup", str(copy), "--data-dir", str(till_dir)]) == 0
    with Till(till_dir, ManualClock(minsk(2026, 12, 3, 11))) as till:
        sell(till, {"TV-55Q": 1})
    before = _assert_whole(till_dir / DB_NAME)

    # The later sale was never sent: refused without --force.
    assert main(["restore", str(copy), "--data-dir", str(till_dir)]) == 2
    assert "не отправлены" in capsys.readouterr().err
    assert _assert_whole(till_dir / DB_NAME) == before

    assert main(["restore", str(copy), "--force", "--data-dir", str(till_dir)]) == 0
    out = capsys.readouterr().out
    assert "восстановлена" in out
    assert _assert_whole(till_dir / DB_NAME) == before - 1
    kept = list((till_dir / backup.BACKUPS).glob("replaced-*.sqlite3"))
    assert len(kept) == 1
    assert _assert_whole(kept[0]) == before
    with Till(till_dir, ManualClock(minsk(2026, 12, 3, 12))) as till:
        sell(till, {"PB-10K": 1})  # the restored till sells on
    assert _assert_whole(till_dir / DB_NAME) == before


def test_a_restore_is_refused_while_the_till_is_open(
    till_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    assert main(["backup", str(copy), "--data-dir", str(till_dir)]) == 0
    with Till(till_dir, ManualClock(minsk(2026, 12, 3, 11))):
        assert main(["restore", str(copy), "--force", "--data-dir", str(till_dir)]) == 2
    assert "закройте программу" in capsys.readouterr().err


def test_a_restore_refuses_a_file_that_is_not_a_tills_database(
    till_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE t (x)")
    for wrong in (junk, other, tmp_path / "missing.sqlite3"):
        assert main(["restore", str(wrong), "--force", "--data-dir", str(till_dir)]) == 2
    err = capsys.readouterr().err
    assert "не база" in err
    assert "не найден" in err
    assert _assert_whole(till_dir / DB_NAME) == 1


def test_one_daily_copy_a_day_and_only_the_newest_are_kept(
    till_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BONUSPOS_BACKUPS_KEEP", "3")
    database = till_dir / DB_NAME
    first = date(2026, 12, 1)
    for n in range(5):
        assert backup.daily(database, first + timedelta(days=n)) is not None
        assert backup.daily(database, first + timedelta(days=n)) is None  # once a day
    names = sorted(p.name for p in (till_dir / backup.BACKUPS).iterdir())
    assert names == [f"daily-2026-12-0{d}.sqlite3" for d in (3, 4, 5)]
