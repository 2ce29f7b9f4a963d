"""A PostgreSQL database of its own for a test: the machine's server when one is configured.

Kept apart from conftest.py so that child processes (the sync kill test) can import it
without FastAPI's test client.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bonuspos_server.data.db import normalise_url

PG_URL = os.environ.get("BONUSPOS_TEST_PG_URL")
NO_PG = "PostgreSQL tests need BONUSPOS_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1/test)"


@contextmanager
def fresh_pg_database(server_url: str, prefix: str = "bonuspos_test") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `server_url`; dropped on the way out."""
    admin_url = make_url(normalise_url(server_url))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
