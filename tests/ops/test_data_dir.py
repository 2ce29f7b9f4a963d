"""`bonuspos configure --data-dir`: one database folder for every login on the till."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.services.till import Till


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "machine"
    monkeypatch.setenv("BONUSPOS_MACHINE_CONFIG_DIR", str(folder))
    monkeypatch.delenv("BONUSPOS_DATA_DIR", raising=False)
    return folder


def test_the_shared_folder_is_where_every_login_finds_the_database(
    machine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mine = paths.data_dir()
    shared = tmp_path / "BonusPOS-data"

    assert main(["configure", "--data-dir", str(shared)]) == 0

    assert "для всех пользователей" in capsys.readouterr().out
    assert shared.is_dir()
    assert paths.data_dir() == shared
    assert paths.data_dir() != mine
    monkeypatch.setenv("BONUSPOS_DATA_DIR", str(tmp_path / "other"))
    assert paths.data_dir() == tmp_path / "other"  # the environment still wins


def test_a_damaged_machine_file_falls_back_to_the_users_folder(machine: Path) -> None:
    machine.mkdir()
    (machine / paths.MACHINE_FILE).write_text("{not json", encoding="utf-8")
    assert paths.data_dir().name == paths.APP or "bonuspos" in str(paths.data_dir()).lower()


def test_configure_without_a_server_or_a_folder_says_what_it_needs(
    machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["configure", "--store", "S1"]) == 2
    assert "--server" in capsys.readouterr().err


@pytest.mark.parametrize("before", [True, False], ids=["before-the-command", "after-it"])
def test_the_folder_given_on_the_command_line_is_the_one_used_wherever_it_stands(
    before: bool,
    machine: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BONUSPOS_DATA_DIR", str(tmp_path / "elsewhere"))
    till = tmp_path / "till"
    with Till(till):
        pass
    option = ["--data-dir", str(till)]
    argv = [*option, "backup", str(tmp_path / "copy.sqlite3")]
    if not before:
        argv = ["backup", str(tmp_path / "copy.sqlite3"), *option]

    assert main(argv) == 0

    capsys.readouterr()
    assert (tmp_path / "copy.sqlite3").is_file()  # this till, copied
    assert not (tmp_path / "elsewhere").exists()  # not the folder the environment names
