"""Secrets the server must not show: a database password on the command line (where `ps`
shows it to every user of the machine), and phones or names bound into a failing statement.
"""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import ENV_URL, ServerDatabase
from bonuspos_server.web.hardening import PrivateData

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
