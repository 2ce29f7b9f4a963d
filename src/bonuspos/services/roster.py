"""Who may sign in, as the sign-in screen first shows it: before the till has loaded.

`StaffService.roster` is the full answer (lockouts included) once the till is up; this is
the first look, from the database file alone, so the screen can be painted and take keys
while SQLAlchemy and the rest load behind it. An empty answer is not "no staff": it may be
a database still to be created or migrated, and the loaded till says which.
"""

from __future__ import annotations

from pathlib import Path

from bonuspos.domain.staff import Role
from bonuspos.ledger.roster_file import read_roster
from bonuspos.paths import DB_NAME
from bonuspos.services.views import StaffView


def first_roster(data_dir: Path) -> tuple[StaffView, ...]:
    rows = read_roster(data_dir / DB_NAME) or ()
    known = {role.value for role in Role}
    return tuple(
        StaffView(row.staff_id, row.full_name, Role(row.role)) for row in rows if row.role in known
    )
