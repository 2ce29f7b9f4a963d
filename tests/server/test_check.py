"""`bonuspos-server check`: one line per check, exit 0 only when the server is fit to serve."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import MIGRATIONS, ServerDatabase, open_server_database
from bonuspos_server.settings import LIMITS, METRICS_ALLOW
from tests.server.conftest import admin_command

CHECKS = ("settings", "database", "migrations", "policy", "stores")


def run_check(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = main(["--database-url", url, "check"])
    lines = capsys.readouterr().out.splitlines()
    by_name = {line.split(" ", 2)[1].rstrip(":"): line for line in lines}
    assert tuple(by_name) == CHECKS, lines  # one line per check, always all of them
    return code, by_name


def test_a_migrated_database_with_a_store_passes_every_check(
    server_db: ServerDatabase, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    admin_command(server_db, "add-store", code="S1", name="")
    admin_command(server_db, "add-till", store="S1", till="T1")
    code, lines = run_check(database_url, capsys)
    assert code == 0, lines
    assert all(line.startswith("OK ") for line in lines.values())
    assert "1 store(s), 1 till(s)" in lines["stores"]


def test_a_database_behind_by_a_migration_fails_the_check(
    server_db: ServerDatabase, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    admin_command(server_db, "add-store", code="S1", name="")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    previous = ScriptDirectory.from_config(config).get_revision(head).down_revision
    assert isinstance(previous, str)
    with server_db.engine.begin() as conn:
        # As a database restored from before the last release looks to the new code.
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    code, lines = run_check(database_url, capsys)
    assert code == 1
    assert lines["migrations"].startswith("FAIL migrations: database at " + previous)
    assert "bonuspos-server migrate" in lines["migrations"]
    assert lines["database"].startswith("OK ")
    assert lines["policy"] == "FAIL policy: not checked: the migrations check failed"


def test_check_never_migrates_an_empty_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "server.sqlite3"
    db = open_server_database(f"sqlite:///{file}", run_migrations=False)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE unrelated (x INTEGER)"))
    code, lines = run_check(f"sqlite:///{file}", capsys)
    assert code == 1
    assert "database at none" in lines["migrations"]
    assert inspect(db.engine).get_table_names() == ["unrelated"]
    db.dispose()


def test_a_missing_sqlite_file_fails_and_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "nowhere.sqlite3"
    code, lines = run_check(f"sqlite:///{file}", capsys)
    assert code == 1
    assert lines["database"] == f"FAIL database: no SQLite file {file}"
    assert not file.exists()


def test_an_unreachable_postgresql_fails_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check("postgresql://bonus@127.0.0.1:1/bonuspos", capsys)
    assert code == 1
    assert lines["database"].startswith("FAIL database: unreachable: ")
    assert all(lines[name].startswith("FAIL ") for name in ("migrations", "policy", "stores"))


def test_no_store_yet_fails_the_check(
    server_db: ServerDatabase, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run_check(database_url, capsys)
    assert code == 1
    assert "add-store" in lines["stores"]
    assert lines["policy"] == "OK policy: version 1"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        (LIMITS, "till=100", "is not NAME=COUNT/SECONDS"),
        (METRICS_ALLOW, "10.0.0.0/33", "is not an address or a network"),
    ],
)
def test_settings_that_would_not_parse_fail_the_check(
    variable: str,
    value: str,
    says: str,
    server_db: ServerDatabase,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin_command(server_db, "add-store", code="S1", name="")
    monkeypatch.setenv(variable, value)
    code, lines = run_check(database_url, capsys)
    assert code == 1
    assert lines["settings"].startswith("FAIL settings: ")
    assert says in lines["settings"]
    assert lines["database"].startswith("OK ")
