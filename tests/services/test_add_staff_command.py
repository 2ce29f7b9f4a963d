"""`bonuspos add-staff`: IT's first manager on a till that has no server yet."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bonuspos import cli
from bonuspos.services.till import DB_NAME, Till


def test_the_first_manager_is_added_with_the_pin_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("482913\n"))

    code = cli.main(
        ["add-staff", "Мария Менеджерова", "--role", "manager", "--pin-stdin",
         "--data-dir", str(tmp_path)]
    )  # fmt: skip

    assert code == 0
    said = capsys.readouterr().out
    assert said.startswith("Добавлен: Мария Менеджерова (менеджер), код ")
    assert "482913" not in said
    with Till(tmp_path) as till:
        (maria,) = till.staff.roster()
        assert till.staff.sign_in(maria.staff_id, "482913").staff == maria
    with closing(sqlite3.connect(tmp_path / DB_NAME)) as db:
        stored = " ".join(str(v) for row in db.execute("SELECT * FROM staff") for v in row)
    assert "482913" not in stored  # only the salted hash's verifier is kept


def test_a_short_managers_pin_adds_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("4829\n"))

    code = cli.main(
        ["add-staff", "Мария", "--role", "manager", "--pin-stdin", "--data-dir", str(tmp_path)]
    )

    assert code == 2
    assert "PIN: от 6 до 8 цифр" in capsys.readouterr().err
    with Till(tmp_path) as till:
        assert till.staff.roster() == ()
