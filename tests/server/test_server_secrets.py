"""Secrets the server must not show: a database password on the command line (where `ps`
shows it to every user of the machine), and phones or names bound into a failing statement.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bonuspos_server.admin.cli import main
from bonuspos_server.data import urls
from bonuspos_server.data.db import ENV_URL, ServerDatabase
from bonuspos_server.data.urls import ENV_URL_FILE
from bonuspos_server.web.hardening import PrivateData
from tests.server.live import live_server

PHONE = "+375291234567"
NAME = "Иванова Анна"


@pytest.mark.parametrize(
    "args",
    [
        ["--database-url", "postgresql://bonus:s3cret-pw@127.0.0.1:1/bonuspos", "migrate"],
        ["serve", "--database-url", "postgresql://bonus:s3cret-pw@127.0.0.1:1/bonuspos"],
        ["--database-url", "postgresql://bonus@127.0.0.1:1/bonuspos?password=s3cret-pw", "migrate"],
    ],
    ids=["global-option", "serve-option", "password-in-the-query"],
)
def test_a_database_url_with_a_password_on_the_command_line_is_refused(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert ENV_URL in err
    assert ".pgpass" in err
    assert "s3cret-pw" not in err


def test_a_database_url_without_a_password_is_taken_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", f"sqlite:///{tmp_path / 'server.sqlite3'}", "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_database_url_with_a_password_in_the_environment_is_used(
    pg_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test server trusts local connections, so any password gets in.
    with_password = make_url(pg_database).set(password="s3cret-pw")
    monkeypatch.setenv(ENV_URL, with_password.render_as_string(hide_password=False))
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_failing_statement_does_not_carry_the_phone_or_name_it_was_given(
    server_db: ServerDatabase,
) -> None:
    with pytest.raises(DBAPIError) as failed, server_db.engine.connect() as conn:
        conn.execute(
            text("SELECT id FROM customers WHERE phone = :phone AND full_name = :name AND nope"),
            {"phone": PHONE, "name": NAME, "uid": str(uuid.uuid4())},
        )
    message = str(failed.value)
    assert "customers" in message  # the statement is still there to debug with
    assert PHONE not in message
    assert NAME not in message


def test_a_database_errors_own_text_reaches_no_log_with_the_phone_or_name(
    server_db: ServerDatabase,
) -> None:
    """A constraint's refusal quotes the row (PostgreSQL's DETAIL): the log masks it."""
    row = {"uid": "u1", "phone": PHONE, "full_name": NAME, "email": "", "birth_date": "",
           "rules_version": 1, "registered_at": "2026-11-27 10:00:00+00", "total": 0,
           "change_seq": 0}  # fmt: skip
    insert = text(
        "INSERT INTO customers (uid, phone, full_name, email, birth_date, rules_version,"
        " registered_at, total, change_seq) VALUES (:uid, :phone, :full_name, :email,"
        " :birth_date, :rules_version, :registered_at, :total, :change_seq)"
    )
    with server_db.engine.begin() as conn:
        conn.execute(insert, row)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(PrivateData())
    log = logging.getLogger("tests.private-data")
    log.addHandler(handler)
    try:
        with server_db.engine.begin() as conn:
            conn.execute(insert, row | {"uid": "u2"})
    except DBAPIError as exc:
        raw = str(exc.orig)
        log.exception("unhandled error: %s", raw)
    finally:
        log.removeHandler(handler)
    logged = out.getvalue()
    assert "unhandled error" in logged
    assert "IntegrityError" in logged or "UniqueViolation" in logged
    assert PHONE not in logged
    assert PHONE[4:] not in logged
    assert NAME not in logged


# --- the URL in a file ------------------------------------------------------------------


def _url_file(path: Path, url: str, mode: int) -> Path:
    path.write_text(f"\n{url}\n", encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.skipif(os.name == "nt", reason="Windows has no 'other' permission bits")
@pytest.mark.parametrize("through", ["option", "environment"])
def test_a_database_url_file_every_user_can_read_is_refused(
    through: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = _url_file(
        tmp_path / "database-url", "postgresql://bonus:s3cret-pw@127.0.0.1:1/bonuspos", 0o644
    )
    monkeypatch.delenv(ENV_URL, raising=False)
    if through == "option":
        args = ["--database-url-file", str(file), "migrate"]
    else:
        monkeypatch.setenv(ENV_URL_FILE, str(file))
        args = ["migrate"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "readable by every user" in err
    assert f"chmod 600 {file}" in err
    assert "s3cret-pw" not in err


def test_an_empty_database_url_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _url_file(tmp_path / "database-url", "", 0o600)
    assert main(["--database-url-file", str(file), "migrate"]) == 2
    assert "is empty" in capsys.readouterr().err


def test_a_missing_database_url_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url-file", str(tmp_path / "nowhere"), "migrate"]) == 2
    assert "cannot read the database URL file" in capsys.readouterr().err


@pytest.mark.parametrize("through", ["option", "environment"])
def test_a_private_database_url_file_is_used(
    through: str,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = database_url
    if not url.startswith("sqlite"):
        # The test server trusts local connections, so any password gets in.
        url = make_url(url).set(password="s3cret:pw").render_as_string(hide_password=False)
    file = _url_file(tmp_path / "database-url", url, 0o600)
    monkeypatch.delenv(ENV_URL, raising=False)
    if through == "option":
        args = ["--database-url-file", str(file), "add-store", "S1"]
    else:
        monkeypatch.setenv(ENV_URL_FILE, str(file))
        args = ["add-store", "S1"]
    assert main(args) == 0
    assert "store S1 added" in capsys.readouterr().out
    assert main(["--database-url", database_url, "check"]) == 0  # the same database


def test_the_url_in_the_environment_comes_before_the_file_it_names(tmp_path: Path) -> None:
    file = _url_file(tmp_path / "database-url", "sqlite:///from-the-file", 0o600)
    assert urls.from_environment({ENV_URL_FILE: str(file)}) == "sqlite:///from-the-file"
    both = {ENV_URL: "sqlite:///from-the-variable", ENV_URL_FILE: str(file)}
    assert urls.from_environment(both) == "sqlite:///from-the-variable"
    assert urls.from_environment({}) is None


def test_a_url_without_a_password_leaves_it_to_libpqs_password_file(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PGPASSFILE-style: the URL names no password; libpq reads it from the file.

    The test server trusts local connections, so this shows the URL is taken and works
    with PGPASSFILE set; that libpq sends the file's password needs a server that asks.
    """
    passfile = tmp_path / "pgpass"
    passfile.write_text("*:*:*:*:s3cret-pw\n", encoding="utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert "s3cret-pw" not in pg_database
    assert main(["--database-url", pg_database, "migrate"]) == 0


def test_serve_hands_its_workers_the_url_files_name_not_the_password(
    pg_database: str, tmp_path: Path
) -> None:
    """A worker's environment is readable by its user and root: the password stays in the
    file, which the worker reads itself."""
    url = make_url(pg_database).set(password="s3cret-pw").render_as_string(hide_password=False)
    file = _url_file(tmp_path / "database-url", url, 0o600)
    env = {ENV_URL: "", ENV_URL_FILE: str(file)}
    with live_server("", tmp_path / "logs", workers=2, extra_env=env) as server:
        workers = _children(server.process.pid)
        assert workers, "serve --workers 2 started no worker process"
        for pid in workers:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            assert b"s3cret-pw" not in environ
            assert f"{ENV_URL_FILE}={file}".encode() in environ


def _children(pid: int) -> list[int]:
    if not Path(f"/proc/{pid}").exists():
        pytest.skip("needs Linux's /proc to read a worker's environment")
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found
