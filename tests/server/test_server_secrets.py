"""Secrets the server must not show: phones or names bound into a failing statement."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bonuspos_server.db import ServerDatabase

PHONE = "+375291234567"
NAME = "Иванова Анна"


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
