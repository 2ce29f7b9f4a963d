"""A database from a newer BonusPOS is refused with a sentence, never migrated or traced."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bonuspos.cli import main
from bonuspos.ledger.db import DatabaseTooNew
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from tests.support import minsk


@pytest.fixture
def newer(tmp_path: Path) -> Path:
    folder = tmp_path / "till"
    Till(folder, ManualClock(minsk(2026, 12, 3))).close()
    with closing(sqlite3.connect(folder / DB_NAME)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0042'")
    return folder


def test_the_till_refuses_a_database_a_newer_version_wrote(newer: Path) -> None:
    with pytest.raises(DatabaseTooNew, match="более новой версией BonusPOS"):
        Till(newer, ManualClock(minsk(2026, 12, 3)))
    # Untouched, and the lock let go: the right version opens it at once.
    with closing(sqlite3.connect(newer / DB_NAME)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0042",)
    with pytest.raises(DatabaseTooNew):
        Till(newer, ManualClock(minsk(2026, 12, 3)))


def test_the_commands_say_so_in_russian_and_exit_2(
    newer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--data-dir", str(newer)]) == 2
    err = capsys.readouterr().err
    assert "схема 0042" in err
    assert "Установите новую версию" in err
    assert "Traceback" not in err
