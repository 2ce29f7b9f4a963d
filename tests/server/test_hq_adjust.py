"""`bonuspos-server adjust` and `adjustments`: HQ corrects a balance, with a reason, once.

Run as IT runs them, on SQLite and on PostgreSQL. A refused correction changes nothing;
a good one changes the card's total, its ledger and its place in the changes feed.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

from bonuspos_server.admin.cli import main
from bonuspos_server.admin.corrections import ENV_LIMIT
from bonuspos_server.data.db import MIGRATIONS, make_engine, open_server_database
from bonuspos_server.data.models import Adjustment, Customer, FeedCounter, LedgerEntry
from bonuspos_server.settings import Settings
from bonuspos_server.web.app import create_app

MINSK = ZoneInfo("Europe/Minsk")
ANNA, PETR, PLASTIC = "+375291112233", "+375441112234", "2000000000015"
CUSTOMERS = (
    "phone;full_name;email;birth_date;plastic_card\n"
    "+375 29 111-22-33;Иванова Анна Петровна;;;\n"
    f"80441112234;Петров Пётр;;;{PLASTIC}\n"
)


@dataclass
class Run:
    code: int
    out: str
    err: str


class Hq:
    """`bonuspos-server --database-url URL …` against one database, and what it holds."""

    def __init__(self, url: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = url
        self.folder = folder
        self.capsys = capsys

    def __call__(self, *args: str) -> Run:
        self.capsys.readouterr()
        code = main(["--database-url", self.url, *args])
        out, err = self.capsys.readouterr()
        return Run(code, out, err)

    def rows(self, model: Any) -> list[Any]:
        db = open_server_database(self.url, run_migrations=False)
        try:
            with db.sessions() as session:
                return list(session.execute(select(model)).scalars())
        finally:
            db.dispose()

    def state(self) -> tuple[Any, ...]:
        """Everything a correction would change."""
        db = open_server_database(self.url, run_migrations=False)
        try:
            with db.sessions() as session:
                count = select(func.count())
                return (
                    session.scalar(count.select_from(LedgerEntry)),
                    session.scalar(count.select_from(Adjustment)),
                    sorted(
                        session.execute(select(Customer.phone, Customer.total, Customer.change_seq))
                    ),
                    session.scalar(select(FeedCounter.value)),
                )
        finally:
            db.dispose()


@pytest.fixture
def hq(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Hq:
    run = Hq(database_url, tmp_path, capsys)
    people = tmp_path / "people.csv"
    people.write_text(CUSTOMERS, encoding="utf-8")
    assert run("add-store", "S1").code == 0
    assert run("import-customers", str(people)).code == 0
    return run


@pytest.fixture
def http(hq: Hq) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The server on the same database, and a till's headers for it."""
    token = hq("add-till", "S1", "T1").out.strip().splitlines()[-1]
    db = open_server_database(hq.url)
    app = create_app(db, Settings(hq.url, rate_per_second=1000, rate_burst=1000))
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    db.dispose()


def test_a_correction_changes_the_balance_the_ledger_and_the_feed(
    hq: Hq, http: tuple[TestClient, dict[str, str]]
) -> None:
    client, headers = http
    cursor = client.get("/v1/changes", headers=headers).json()["cursor"]
    before = datetime.now(UTC)

    run = hq(
        "adjust", "+375 29 111-22-33", "150", "--reason", "чек №15 не дошёл", "--by", "Петрова"
    )

    assert run.code == 0, run.err
    assert run.out.startswith(
        "adjusted +150,00 points on +375 29 ***-**-33 (Иванова Анна Петровна)"
        f" by {getpass.getuser()} for Петрова: balance 150,00 active, 0,00 pending"
    )
    assert "1112233" not in run.out + run.err  # the phone only masked
    [entry] = hq.rows(LedgerEntry)
    [adjustment] = hq.rows(Adjustment)
    [anna] = [c for c in hq.rows(Customer) if c.phone == ANNA]
    assert (entry.kind, entry.points, entry.till_id, entry.event_id) == (
        "adjusted",
        150_00,
        None,
        None,
    )
    assert entry.customer_id == anna.id
    assert entry.active_from == datetime.now(MINSK).date()  # usable at once
    assert anna.total == 150_00
    assert adjustment.event_id is None
    assert (adjustment.customer_id, adjustment.entry_id) == (anna.id, entry.id)
    assert (adjustment.points, adjustment.reason) == (150_00, "чек №15 не дошёл")
    assert (adjustment.os_user, adjustment.by_name) == (getpass.getuser(), "Петрова")
    assert before <= adjustment.created_at <= datetime.now(UTC)
    assert adjustment.id in run.out

    # A till that already had the card learns the new total from its next page.
    page = client.get("/v1/changes", params={"cursor": cursor}, headers=headers).json()
    assert [(c["phone"], c["total"], c["pending"]) for c in page["customers"]] == [
        (ANNA, 150_00, [])
    ]
    card = client.get(f"/v1/customers/{ANNA}", headers=headers).json()
    assert (card["active"], card["available"]) == (150_00, 150_00)


def test_points_are_written_as_people_write_them_and_cards_by_any_number(hq: Hq) -> None:
    assert hq("adjust", "291112233", "12,50", "--reason", "a").code == 0
    assert hq("adjust", PLASTIC, "-5", "--reason", "b").code == 0
    run = hq("adjust", "80441112234", "-12,50", "--reason", "c")  # a comma after a minus
    assert run.code == 0, run.err
    assert "-12,50 points on +375 44 ***-**-34" in run.out
    totals = {c.phone: c.total for c in hq.rows(Customer)}
    assert totals == {ANNA: 12_50, PETR: -17_50}


REFUSED = [
    (("291112233", "150"), "a reason is required"),
    (("291112233", "150", "--reason", " \t "), "a reason is required"),
    (("291112233", "1000,01", "--reason", "x"), "more than the limit of 1\u00a0000,00"),
    (("291112233", "-1000,01", "--reason", "x"), "more than the limit"),
    (("291234567", "150", "--reason", "x"), "No card +375 29 ***-**-67 in the programme"),
    (("12345", "150", "--reason", "x"), "Не белорусский мобильный номер"),
    (("291112233", "12,5x", "--reason", "x"), "points '12,5x'"),
    (("291112233", "1,234", "--reason", "x"), "points '1,234'"),
    (("291112233", "0", "--reason", "x"), "0 points changes nothing"),
    (("291112233", "5", "--reason", "x", "--limit", "abc"), "limit 'abc'"),
]


def test_a_refused_correction_says_why_and_changes_nothing(hq: Hq) -> None:
    before = hq.state()
    for args, why in REFUSED:
        run = hq("adjust", *args)
        assert (run.code, run.out) == (2, ""), args
        assert why in run.err, (args, run.err)
        assert hq.state() == before, args


def test_the_limit_is_raised_by_the_option_or_the_environment(
    hq: Hq, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hq("adjust", "291112233", "1500", "--reason", "x").code == 2
    assert hq("adjust", "291112233", "1500", "--reason", "x", "--limit", "2 000,00").code == 0
    monkeypatch.setenv(ENV_LIMIT, "2000")
    assert hq("adjust", "291112233", "1500", "--reason", "x").code == 0
    monkeypatch.setenv(ENV_LIMIT, "10")
    run = hq("adjust", "291112233", "50", "--reason", "x")
    assert run.code == 2
    assert "limit of 10,00" in run.err
    assert {c.phone: c.total for c in hq.rows(Customer)}[ANNA] == 3000_00


def test_adjustments_lists_the_corrections_with_who_and_why_phones_masked(hq: Hq) -> None:
    assert "no corrections" in hq("adjustments").out
    hq("adjust", "291112233", "150", "--reason", "чек №15", "--by", "Петрова")
    hq("adjust", PLASTIC, "-5", "--reason", "ошибка кассира")
    lines = hq("adjustments").out.splitlines()
    assert len(lines) == 2
    assert "+150,00  +375 29 ***-**-33" in lines[0]
    assert lines[0].endswith(f"{getpass.getuser()} for Петрова  «чек №15»")
    assert "-5,00  +375 44 ***-**-34" in lines[1]
    today = datetime.now(MINSK).date()
    assert len(hq("adjustments", "--since", today.isoformat()).out.splitlines()) == 2
    later = today.replace(year=today.year + 1).isoformat()
    assert hq("adjustments", "--since", later).out.strip() == f"no corrections since {later}"


def test_the_migration_keeps_the_tills_adjustments_and_goes_back(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def migrate(step: Any, revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    try:
        migrate(command.upgrade, "0003")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO adjustments (id, event_id) VALUES ('a', 'e')"))
        migrate(command.upgrade, "0006")
        columns = {c["name"]: c["nullable"] for c in inspect(engine).get_columns("adjustments")}
        assert columns["event_id"] is True
        assert {"customer_id", "entry_id", "points", "reason", "os_user", "by_name"} < set(columns)
        with engine.begin() as connection:
            kept = connection.execute(text("SELECT id, event_id, reason FROM adjustments"))
            assert list(kept) == [("a", "e", None)]
        migrate(command.downgrade, "0003")
        columns = {c["name"]: c["nullable"] for c in inspect(engine).get_columns("adjustments")}
        assert columns == {"id": False, "event_id": False}
    finally:
        engine.dispose()
