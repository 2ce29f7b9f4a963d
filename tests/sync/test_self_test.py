"""`bonuspos self-test` and `bonuspos diagnostics`, as IT runs them on a new till."""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync.config import FILE_NAME
from tests.server.live import free_port
from tests.support import sell
from tests.sync.conftest import Central


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(folder))
    monkeypatch.delenv("BONUSPOS_PRINTER", raising=False)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path, now_clock: ManualClock) -> Path:
    folder = tmp_path / "till"
    with Till(folder, now_clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sell(till, {"HP-BT": 1})
    return folder


def _configure(server: str, token: str, till: str, tmp_path: Path) -> None:
    token_file = tmp_path / "token.txt"
    token_file.write_text(token, encoding="utf-8")
    argv = ["--server", server, "--store", "S1", "--till", till]
    assert main(["configure", *argv, "--token-file", str(token_file)]) == 0


@pytest.fixture
def token(central: Central, config_dir: Path, tmp_path: Path) -> str:
    config = central.new_till()
    _configure(config.server, config.token, config.till, tmp_path)
    return config.token


def _lines(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    out = capsys.readouterr().out
    return {
        line.split(":", 1)[0].split(maxsplit=1)[1]: line.split()[0]
        for line in out.splitlines()
        if ":" in line and line.split()[0] in ("OK", "ВНИМАНИЕ", "ОШИБКА")
    }


def test_a_connected_till_passes_every_check(
    token: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["self-test", "--data-dir", str(data_dir)]) == 0
    checks = _lines(capsys)
    assert checks == {
        "База кассы": "OK",
        "Миграции базы": "OK",
        "Настройки сервера": "OK",
        "Файл токена": "OK",
        "Сканер штрихкодов": "OK",
        "Перевод en": "OK",
        "Принтер чеков": "OK",
        "Сервер": "OK",
        "Часы": "OK",
        "Место на диске": "OK",
    }


def test_an_offline_only_till_is_ready_with_a_warning(
    config_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["self-test", "--data-dir", str(data_dir)]) == 0
    checks = _lines(capsys)
    assert checks["Настройки сервера"] == "ВНИМАНИЕ"
    assert "Сервер" not in checks


def test_a_token_others_can_read_fails(
    token: str, config_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (config_dir / FILE_NAME).chmod(0o644)
    assert main(["self-test", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "ОШИБКА   Файл токена" in out
    assert "chmod 600" in out
    assert token not in out


def test_an_unreachable_server_a_mistyped_printer_and_a_newer_database_fail(
    config_dir: Path,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _configure(f"http://127.0.0.1:{free_port()}", "bpt_secret", "T1", tmp_path)
    monkeypatch.setenv("BONUSPOS_PRINTER", "epson:usb")
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0042'")
    capsys.readouterr()

    assert main(["self-test", "--data-dir", str(data_dir)]) == 1

    checks = _lines(capsys)
    for failed in ("Сервер", "Принтер чеков", "База кассы"):
        assert checks[failed] == "ОШИБКА", failed


def test_the_diagnostics_zip_has_what_support_needs_and_never_the_token(
    token: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["sync", "--once", "--data-dir", str(data_dir)])
    out = tmp_path / "diag.zip"

    assert main(["diagnostics", "--out", str(out), "--data-dir", str(data_dir)]) == 0

    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        texts = {name: archive.read(name).decode("utf-8") for name in names}
    assert {"versions.txt", "settings.json", "status.txt", "self-test.txt"} <= names
    assert any(name.startswith("logs/") for name in names)
    assert "SQLite" in texts["versions.txt"]
    assert "Qt " in texts["versions.txt"]
    assert "В очереди: 0 событий" in texts["status.txt"]
    assert "Касса готова к работе" in texts["self-test.txt"]
    assert "(скрыт)" in texts["settings.json"]
    for text in texts.values():
        assert token not in text
    assert token.encode() not in out.read_bytes()
