"""`bonuspos configure`, `sync --once` and `status`, as IT and managers run them."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.domain.customer import CustomerForm
from bonuspos.ledger.db import open_database
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync.config import FILE_NAME
from bonuspos.sync.push import reached
from tests.server.live import free_port
from tests.support import sell
from tests.sync.conftest import Central


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def data_dir(tmp_path: Path, now_clock: ManualClock) -> Path:
    """A till's folder after a day of selling, closed again so the commands can open it."""
    folder = tmp_path / "till"
    with Till(folder, now_clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        anna = till.registration.register(
            CustomerForm("Кузнецова Анна", "+375 29 555-02-01", True, True)
        )
        sell(till, {"TV-55Q": 1}, card=anna)
    return folder


def _configure(central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    config = central.new_till()
    token_file = tmp_path / "token.txt"
    token_file.write_text(config.token + "\n", encoding="utf-8")
    argv = ["--server", config.server, "--store", "S1", "--till", config.till]
    assert main(["configure", *argv, "--token-file", str(token_file)]) == 0
    return config.token


def test_configure_keeps_the_token_for_its_owner_and_never_prints_it(
    central: Central, config_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = _configure(central, tmp_path, capsys)

    out = capsys.readouterr().out
    assert "подключена" in out
    assert token not in out
    saved = config_dir / FILE_NAME
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert token in saved.read_text(encoding="utf-8")


def test_configure_refuses_plain_http_across_a_network(
    config_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "token.txt"
    token_file.write_text("bpt_secret", encoding="utf-8")
    argv = ["--server", "http://10.0.0.5:8765", "--store", "S1", "--till", "T1"]

    assert main(["configure", *argv, "--token-file", str(token_file)]) == 2

    assert "https://" in capsys.readouterr().err
    assert not (config_dir / FILE_NAME).exists()


@pytest.fixture
def configured(
    central: Central, config_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    """This till, configured against the central server by `bonuspos configure`; its token."""
    token = _configure(central, tmp_path, capsys)
    capsys.readouterr()
    return token


def test_sync_once_exits_0_when_everything_is_on_the_server_and_status_says_so(
    configured: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    assert "принято 2" in capsys.readouterr().out
    assert main(["status", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "В очереди: 0 событий" in out
    assert "Последняя синхронизация: не было" not in out


def test_sync_once_says_why_in_one_line_and_exits_1_when_the_server_is_down(
    config_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "token.txt"
    token_file.write_text("bpt_secret", encoding="utf-8")
    argv = ["--server", f"http://127.0.0.1:{free_port()}", "--store", "S1", "--till", "T1"]
    main(["configure", *argv, "--token-file", str(token_file)])
    capsys.readouterr()

    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 1

    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "нет связи с сервером" in err
    assert "в очереди 2 событий" in err


def test_sync_once_on_a_till_never_configured_tells_it_to_run_configure(
    config_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 2
    assert "bonuspos configure" in capsys.readouterr().err


def test_sync_once_with_nothing_to_send_still_exits_1_when_the_server_is_unreachable(
    configured: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    token_file = tmp_path / "token.txt"
    argv = ["--server", f"http://127.0.0.1:{free_port()}", "--store", "S1", "--till", "T1"]
    main(["configure", *argv, "--token-file", str(token_file)])
    capsys.readouterr()

    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 1
    assert "нет связи с сервером" in capsys.readouterr().err


def test_status_warns_when_the_tills_clock_was_minutes_off_the_servers(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(data_dir / DB_NAME)
    server_now = datetime.now(UTC)
    reached(db, server_now + timedelta(minutes=4), server_clock=server_now)
    db.dispose()

    assert main(["status", "--data-dir", str(data_dir)]) == 0

    assert "часы кассы спешат на 4 мин" in capsys.readouterr().out


def test_status_warns_when_the_tills_clock_is_earlier_than_its_last_sync(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(data_dir / DB_NAME)
    # As if this PC's clock had fallen back a day since its last sync.
    reached(db, datetime.now(UTC) + timedelta(days=1))
    db.dispose()

    assert main(["status", "--data-dir", str(data_dir)]) == 0

    out = capsys.readouterr().out
    assert "ВНИМАНИЕ: Часы кассы показывают" in out
    assert "раньше последней связи с сервером" in out
    assert "исправьте дату и время компьютера" in out
