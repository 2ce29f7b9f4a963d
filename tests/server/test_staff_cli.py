"""`bonuspos-server add-staff`, `reset-pin`, `disable-staff`, `staff` and `audit`, run as IT
runs them, on SQLite and PostgreSQL. A PIN never comes from the command line."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bonuspos.domain.staff import PinRecord, key_if_right
from bonuspos_server.admin.cli import main
from bonuspos_server.data.models import Staff
from tests.server.builders import Sequencer
from tests.server.conftest import Chain, post
from tests.server.staffing import hire
from tests.server.test_staff_approvals import audit_entry

MINSK = ZoneInfo("Europe/Minsk")


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def hq(chain: Chain, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    url = chain.db.engine.url.render_as_string(hide_password=False)

    def run(*args: str, stdin: str = "") -> Run:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(["--database-url", url, *args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def people(chain: Chain) -> list[Staff]:
    with chain.db.sessions() as session:
        return list(session.execute(select(Staff).order_by(Staff.created_at)).scalars())


def test_add_staff_takes_the_pin_from_stdin_and_prints_the_new_id(chain: Chain, hq: Any) -> None:
    run = hq(
        "add-staff", "S1", "Петрова  Ольга", "--role", "manager", "--pin-stdin", stdin="135790\n"
    )

    assert run.code == 0, run.err
    [person] = people(chain)
    assert run.out.strip() == person.id
    assert (person.full_name, person.role, person.active) == ("Петрова Ольга", "manager", True)
    record = PinRecord(person.kdf, person.verifier)
    assert key_if_right("135790", record) == bytes.fromhex(person.key)
    assert key_if_right("135791", record) is None
    assert "135790" not in run.out + run.err


@pytest.mark.parametrize(
    ("role", "pin", "why"),
    [
        ("manager", "2468", "от 6 до 8 цифр"),  # a manager's is at least 6 digits
        ("cashier", "1111", "слишком простой"),
        ("cashier", "1234", "слишком простой"),
        ("cashier", "12a4", "цифр"),
    ],
)
def test_a_weak_pin_is_refused_and_nobody_is_added(
    chain: Chain, hq: Any, role: str, pin: str, why: str
) -> None:
    run = hq("add-staff", "S1", "Иванов Иван", "--role", role, "--pin-stdin", stdin=pin + "\n")
    assert (run.code, run.out) == (2, "")
    assert why in run.err
    assert people(chain) == []


def test_without_a_terminal_the_pin_must_be_asked_for_on_stdin(chain: Chain, hq: Any) -> None:
    run = hq("add-staff", "S1", "Иванов Иван", "--role", "cashier", stdin="2468\n")
    assert run.code == 2
    assert "--pin-stdin" in run.err
    assert people(chain) == []


def test_reset_pin_gives_a_new_key_and_ends_a_lockout(chain: Chain, hq: Any) -> None:
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    at = chain.clock() - timedelta(minutes=1)
    post(chain, [_event("locked_out", at, ivan)])
    [before] = people(chain)
    assert before.locked_until is not None

    run = hq("reset-pin", ivan, "--pin-stdin", stdin="8642\n")

    assert run.code == 0, run.err
    [after] = people(chain)
    assert after.locked_until is None
    assert after.key != before.key
    assert key_if_right("8642", PinRecord(after.kdf, after.verifier)) is not None
    assert after.change_seq > before.change_seq  # the tills learn of it
    assert hq("reset-pin", str(uuid.uuid4()), "--pin-stdin", stdin="8642\n").code == 2


def test_disable_staff_and_the_listing_never_shows_a_key(chain: Chain, hq: Any) -> None:
    olga = hire(chain.db, "S1", "Петрова Ольга", "manager")
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    hire(chain.db, "S2", "Сидорова Анна", "cashier")

    assert hq("disable-staff", ivan).code == 0
    listing = hq("staff", "--store", "S1").out.splitlines()

    assert listing == [
        f"{ivan}  cashier   Иванов Иван  (disabled)",
        f"{olga}  manager   Петрова Ольга  (active)",
    ]
    for person in people(chain):
        assert person.key not in "\n".join(listing)
        assert person.verifier not in "\n".join(listing)


_TILL = Sequencer(10_000)  # one numbering for this module's events: each test's chain is new


def _event(action: str, at: datetime, staff_id: str | None, **extra: Any) -> dict[str, Any]:
    return _TILL.event("audit_recorded", at, audit_entry(action, at, staff_id, **extra))


def test_audit_lists_the_stores_entries_of_a_minsk_day(
    chain: Chain, hq: Any, tmp_path: Path
) -> None:
    olga = hire(chain.db, "S1", "Петрова Ольга", "manager")
    ivan = hire(chain.db, "S1", "Иванов Иван", "cashier")
    at = chain.clock() - timedelta(hours=2)
    sale_id = str(uuid.uuid4())
    post(
        chain,
        [
            _event("signed_in", at, ivan),
            _event(
                "return",
                at + timedelta(minutes=3),
                ivan,
                detail="=HYPERLINK(1)",
                approved_by=olga,
                subject=sale_id,
            ),
        ],
    )
    day = at.astimezone(MINSK).date()

    table = hq("audit", "--store", "S1", "--date", day.isoformat()).out.splitlines()

    assert table[0].split() == [
        "time",
        "till",
        "staff",
        "action",
        "approved_by",
        "subject",
        "detail",
    ]
    assert len(table) == 3
    assert table[1].split()[:5] == [
        at.astimezone(MINSK).strftime("%H:%M:%S"),
        "T1",
        "Иванов",
        "Иван",
        "signed_in",
    ]
    assert "Петрова Ольга" in table[2]
    assert sale_id in table[2]
    other_day = (day + timedelta(days=1)).isoformat()
    assert "no audit entries" in hq("audit", "--store", "S1", "--date", other_day).out
    assert "no audit entries" in hq("audit", "--store", "S2", "--date", day.isoformat()).out

    out = tmp_path / "audit.csv"
    assert hq("audit", "--store", "S1", "--date", day.isoformat(), "--csv", str(out)).code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["time", "till", "staff", "action", "approved_by", "subject", "detail"]
    assert rows[2][1:] == [
        "T1",
        "Иванов Иван",
        "return",
        "Петрова Ольга",
        sale_id,
        "'=HYPERLINK(1)",
    ]
