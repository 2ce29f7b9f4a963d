"""The sign-in roster read straight from the database file, before SQLAlchemy is loaded.

The till paints its sign-in screen first and loads the rest (SQLAlchemy, the migrations,
the services: most of a cold start) behind it. The names to pick from need one small
query, which the standard library's sqlite3 answers at once. Read-only, and it gives up
(None) on anything unexpected: a missing file, a database not yet migrated, a busy lock.
The loaded till then shows the roster it reads itself, with lockouts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RosterRow:
    staff_id: str
    full_name: str
    role: str


QUERY = "SELECT id, full_name, role FROM staff WHERE active = 1 ORDER BY full_name"


def read_roster(db_path: Path) -> tuple[RosterRow, ...] | None:
    if not db_path.is_file():
        return None
    try:
        # mode=ro: a first look never creates, writes or takes a write lock on the file.
        connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        rows = connection.execute(QUERY).fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return tuple(RosterRow(str(i), str(name), str(role)) for i, name, role in rows)
