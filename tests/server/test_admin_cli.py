"""The `bonuspos-server` admin command, run as IT runs it, against a SQLite file.

Stores and tills, tokens shown once and stored only hashed, revocation that bites at once,
all-or-nothing CSV imports with a report of the refused rows, and the ledger export.
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select

from bonuspos import paths
from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import open_server_database
from bonuspos_server.data.models import Customer, LedgerEntry, PlasticCard, Product, Till
from bonuspos_server.settings import Settings
from bonuspos_server.web.app import create_app
from tests.server.builders import TV, Sequencer, batch, registered, sale

CATALOG_HEADER = "sku;barcode;name;price;points;promotional\n"
CUSTOMERS_HEADER = "phone;full_name;email;birth_date;plastic_card\n"
PLASTIC = "2000000000015"  # 13 digits starting with 2, valid EAN-13 check digit


@dataclass
class Run:
    code: int
    out: str
    err: str


class Admin:
    """`bonuspos-server --database-url sqlite:///… <command>`, with what it printed."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.path = folder / "server.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.folder = folder
        self.capsys = capsys

    def __call__(self, *args: str) -> Run:
        self.capsys.readouterr()
        code = main(["--database-url", self.url, *args])
        out, err = self.capsys.readouterr()
        return Run(code, out, err)

    def csv(self, name: str, text: str) -> str:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def count(self, model: Any) -> int:
        db = open_server_database(self.url, run_migrations=False)
        try:
            with db.sessions() as session:
                return int(session.execute(select(func.count()).select_from(model)).scalar_one())
        finally:
            db.dispose()

    def token(self, store: str, till: str) -> str:
        run = self(*["add-till", store, till])
        assert run.code == 0, run.err
        return run.out.strip().splitlines()[-1]


@pytest.fixture
def admin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Admin:
    return Admin(tmp_path, capsys)


@pytest.fixture
def store(admin: Admin) -> str:
    assert admin("add-store", "S1", "--name", "Минск, Немига").code == 0
    return "S1"


@dataclass
class Http:
    client: TestClient

    def get(self, url: str, token: str, **params: Any) -> Any:
        return self.client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})

    def changes(self, token: str, cursor: str | None = None) -> dict[str, Any]:
        params = {"cursor": cursor} if cursor else {}
        answer = self.get("/v1/changes", token, **params)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


@pytest.fixture
def http(admin: Admin) -> Iterator[Http]:
    """The server running on the same database file the admin command works on."""
    db = open_server_database(admin.url)
    app = create_app(db, Settings(admin.url, rate_per_second=1000, rate_burst=1000))
    with TestClient(app) as client:
        yield Http(client)
    db.dispose()


# --- migrate, stores, tills -------------------------------------------------------------


def test_migrate_builds_the_schema_and_is_safe_to_run_again(admin: Admin) -> None:
    first = admin("migrate")
    assert (first.code, first.out.strip()) == (0, "database is up to date")
    assert admin("migrate").code == 0
    db = open_server_database(admin.url, run_migrations=False)
    try:
        tables = set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()
    assert {"stores", "tills", "customers", "events", "holds", "ledger_entries"} <= tables


def test_a_store_code_can_be_added_only_once(admin: Admin, store: str) -> None:
    again = admin("add-store", store)
    assert again.code != 0
    assert "already exists" in again.err


def test_add_till_prints_its_token_once_and_stores_only_a_hash(admin: Admin, store: str) -> None:
    run = admin("add-till", store, "T1")
    assert run.code == 0
    token = run.out.strip().splitlines()[-1]
    assert token.startswith("bpt_")
    assert len(token) > 40
    db = open_server_database(admin.url, run_migrations=False)
    try:
        with db.sessions() as session:
            till = session.execute(select(Till)).scalar_one()
            columns = {c.key: getattr(till, c.key) for c in inspect(Till).column_attrs}
    finally:
        db.dispose()
    assert columns["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not [k for k, v in columns.items() if token in str(v)]
    # Nowhere on disk either (the database and its write-ahead log).
    for path in admin.folder.glob("server.sqlite3*"):
        assert token.encode() not in path.read_bytes(), path.name


def test_each_till_gets_its_own_token(admin: Admin, store: str) -> None:
    assert admin.token(store, "T1") != admin.token(store, "T2")


def test_a_till_cannot_be_added_to_a_store_that_does_not_exist(admin: Admin) -> None:
    run = admin("add-till", "S9", "T1")
    assert run.code != 0
    assert "no store S9" in run.err
    assert "bpt_" not in run.out


def test_a_till_cannot_be_added_twice(admin: Admin, store: str) -> None:
    admin.token(store, "T1")
    run = admin("add-till", store, "T1")
    assert run.code != 0
    assert "already exists" in run.err
    assert "bpt_" not in run.out


@pytest.mark.parametrize("code", ["Касса 1", "T/1", "T" * 33])
def test_a_till_code_the_protocol_would_refuse_is_refused_by_add_till(
    admin: Admin, store: str, code: str
) -> None:
    # A batch must name its till with [A-Za-z0-9_.-]{1,32}; a till named otherwise
    # could never send one.
    run = admin("add-till", store, code)
    assert run.code != 0
    assert "bpt_" not in run.out
    assert admin.count(Till) == 0


def test_a_new_tills_token_works_at_once(admin: Admin, store: str, http: Http) -> None:
    token = admin.token(store, "T1")
    assert http.get("/v1/changes", token).status_code == 200


def test_revoke_till_makes_its_token_401_at_once(admin: Admin, store: str, http: Http) -> None:
    token = admin.token(store, "T1")
    other = admin.token(store, "T2")
    assert http.get("/v1/changes", token).status_code == 200
    run = admin("revoke-till", store, "T1")
    assert run.code == 0
    answer = http.get("/v1/changes", token)  # the same running server, no restart
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert http.get("/v1/changes", other).status_code == 200


def test_a_revoked_tills_code_can_be_given_a_new_token(
    admin: Admin, store: str, http: Http
) -> None:
    old = admin.token(store, "T1")
    admin("revoke-till", store, "T1")
    new = admin.token(store, "T1")
    assert http.get("/v1/changes", new).status_code == 200
    assert http.get("/v1/changes", old).status_code == 401


def test_revoking_a_till_that_does_not_exist_is_an_error(admin: Admin, store: str) -> None:
    run = admin("revoke-till", store, "T9")
    assert run.code != 0
    assert "no till" in run.err


# --- import-catalog ---------------------------------------------------------------------

GOOD_CATALOG = (
    CATALOG_HEADER
    + "KT-01;4810000000013;Чайник Bosch;12,50;0,40;0\n"
    + "HD-02;4810000000020,4810000000037;Фен (акция);99,00;0;1\n"
)


def test_import_catalog_loads_prices_in_kopecks_and_the_feed_shows_them(
    admin: Admin, store: str, http: Http
) -> None:
    token = admin.token(store, "T1")
    run = admin("import-catalog", admin.csv("catalog.csv", GOOD_CATALOG))
    assert run.code == 0, run.err
    assert "2 product(s) imported" in run.out
    products = {p["sku"]: p for p in http.changes(token)["products"]}
    assert products["KT-01"] == {
        "sku": "KT-01",
        "name": "Чайник Bosch",
        "price": 12_50,
        "points": 40,
        "promotional": False,
        "barcodes": ["4810000000013"],
    }
    assert products["HD-02"]["promotional"] is True
    assert products["HD-02"]["barcodes"] == ["4810000000020", "4810000000037"]


def test_a_reimported_price_reaches_tills_that_already_have_the_catalog(
    admin: Admin, store: str, http: Http
) -> None:
    token = admin.token(store, "T1")
    admin("import-catalog", admin.csv("catalog.csv", GOOD_CATALOG))
    cursor = http.changes(token)["cursor"]
    cheaper = CATALOG_HEADER + "KT-01;4810000000013;Чайник Bosch;10,00;0,30;0\n"
    assert admin("import-catalog", admin.csv("cheaper.csv", cheaper)).code == 0
    page = http.changes(token, cursor)
    assert [(p["sku"], p["price"], p["points"]) for p in page["products"]] == [("KT-01", 10_00, 30)]


def test_import_catalog_with_a_bad_row_imports_nothing_and_says_which_line_and_why(
    admin: Admin, store: str, http: Http
) -> None:
    token = admin.token(store, "T1")
    bad = (
        GOOD_CATALOG
        + "IR-03;;Утюг;12,5x;0,40;0\n"  # line 4: not an amount
        + "MX-04;;Миксер;-1,00;0;0\n"  # line 5: negative
        + "TS-05;;Тостер;10,00;0;да\n"  # line 6: promotional is 0 or 1
        + "KT-01;;Чайник ещё раз;10,00;0;0\n"  # line 7: sku twice
        + "BL-06;;;10,00;0;0\n"  # line 8: no name
    )
    run = admin("import-catalog", admin.csv("bad.csv", bad))
    assert run.code != 0
    assert "5 row(s) refused, no products imported" in run.err
    report = run.err.splitlines()
    for line, why in [
        (4, "12,5x"),
        (5, "negative"),
        (6, "promotional is 0 or 1"),
        (7, "unique"),
        (8, "name required"),
    ]:
        assert any(f"line {line}:" in r and why in r for r in report), (line, report)
    assert not any("line 2:" in r or "line 3:" in r for r in report)
    assert admin.count(Product) == 0
    assert http.changes(token)["products"] == []


def test_import_catalog_with_a_short_row_reports_it_instead_of_crashing(
    admin: Admin, store: str
) -> None:
    short = GOOD_CATALOG + "IR-03;4810000000044;Утюг\n"
    run = admin("import-catalog", admin.csv("short.csv", short))
    assert run.code != 0
    assert "line 4:" in run.err
    assert admin.count(Product) == 0


def test_import_catalog_without_a_needed_column_imports_nothing(admin: Admin, store: str) -> None:
    no_flag = "sku;barcode;name;price;points\nKT-01;;Чайник;12,50;0,40\n"
    run = admin("import-catalog", admin.csv("no-flag.csv", no_flag))
    assert run.code != 0
    assert "missing column(s) promotional" in run.err  # said once, for the whole file
    assert "promotional" in run.err
    assert admin.count(Product) == 0


# --- import-customers -------------------------------------------------------------------

GOOD_CUSTOMERS = (
    CUSTOMERS_HEADER
    + "+375 29 111-22-33;Иванова Анна Петровна;anna@example.by;1990-05-17;\n"
    + f"80441112234;Петров Пётр;;;{PLASTIC}\n"
)


def test_import_customers_loads_them_and_the_feed_shows_them(
    admin: Admin, store: str, http: Http
) -> None:
    token = admin.token(store, "T1")
    run = admin("import-customers", admin.csv("people.csv", GOOD_CUSTOMERS))
    assert run.code == 0, run.err
    assert "2 customer(s) imported" in run.out
    customers = {c["phone"]: c for c in http.changes(token)["customers"]}
    assert set(customers) == {"+375291112233", "+375441112234"}
    assert customers["+375291112233"]["full_name"] == "Иванова Анна Петровна"
    assert customers["+375291112233"]["total"] == 0
    assert customers["+375441112234"]["plastic_cards"] == [PLASTIC]
    card = http.get(f"/v1/customers/{PLASTIC}", token)
    assert card.status_code == 200
    assert card.json()["phone"] == "+375 44 ***-**-34"


def test_import_customers_with_bad_rows_imports_nothing_and_says_which_line_and_why(
    admin: Admin, store: str, http: Http
) -> None:
    token = admin.token(store, "T1")
    admin("import-customers", admin.csv("first.csv", GOOD_CUSTOMERS))
    bad = (
        CUSTOMERS_HEADER
        + "+375291112240;Сидоров Сидор;;;\n"  # line 2: fine
        + "+375171112233;Кузнецов Иван;;;\n"  # line 3: a Minsk landline
        + "+375291112241;ООО Ромашка;;;\n"  # line 4: a legal entity
        + "+375291112242;Мадонна;;;\n"  # line 5: one word
        + "+375291112243;Орлова Ольга;not-an-email;;\n"  # line 6: email
        + "+375291112244;Козлов Кирилл;;;2000000000016\n"  # line 7: check digit
        + "80291112240;Сидоров Сидор;;;\n"  # line 8: line 2's phone again
        + "291112233;Иванова Анна;;;\n"  # line 9: already in the programme
    )
    run = admin("import-customers", admin.csv("bad.csv", bad))
    assert run.code != 0
    assert "7 row(s) refused, no customers imported" in run.err
    report = run.err.splitlines()
    for line in range(3, 10):
        assert any(f"line {line}:" in r for r in report), (line, report)
    assert not any("line 2:" in r for r in report)
    assert "1112233" not in run.err  # the report masks phones too
    assert admin.count(Customer) == 2
    assert {c["phone"] for c in http.changes(token)["customers"]} == {
        "+375291112233",
        "+375441112234",
    }


def test_import_customers_with_a_short_row_reports_it_instead_of_crashing(
    admin: Admin, store: str
) -> None:
    short = GOOD_CUSTOMERS + "+375291112299;Сидоров Сидор\n"
    run = admin("import-customers", admin.csv("short.csv", short))
    assert run.code != 0
    assert "line 4:" in run.err
    assert admin.count(Customer) == 0


def test_import_customers_refuses_one_plastic_card_for_two_people(admin: Admin, store: str) -> None:
    twice = (
        CUSTOMERS_HEADER
        + f"+375291112201;Сидоров Сидор;;;{PLASTIC}\n"
        + f"+375291112202;Сидорова Анна;;;{PLASTIC}\n"
    )
    run = admin("import-customers", admin.csv("twice.csv", twice))
    assert run.code != 0
    assert "line 3:" in run.err
    assert admin.count(Customer) == admin.count(PlasticCard) == 0


def test_import_customers_refuses_a_plastic_card_someone_already_holds(
    admin: Admin, store: str
) -> None:
    admin("import-customers", admin.csv("first.csv", GOOD_CUSTOMERS))
    taken = CUSTOMERS_HEADER + f"+375291112201;Сидоров Сидор;;;{PLASTIC}\n"
    run = admin("import-customers", admin.csv("taken.csv", taken))
    assert run.code != 0
    assert "line 2:" in run.err
    assert admin.count(Customer) == 2


def test_importing_a_file_that_is_not_there_is_a_clear_error(admin: Admin, store: str) -> None:
    run = admin("import-customers", str(admin.folder / "no-such.csv"))
    assert run.code != 0
    assert "no-such.csv" in run.err


# --- export-ledger ----------------------------------------------------------------------


def test_export_ledger_writes_every_entry_as_csv_without_phones(
    admin: Admin, store: str, http: Http
) -> None:
    token = admin.token(store, "T1")
    assert admin("import-catalog", str(paths.demo_catalog())).code == 0  # what TV earns
    uid = str(uuid.uuid4())
    at = datetime.now(UTC) - timedelta(seconds=1)
    till = Sequencer()
    events = [
        till.event("customer_registered", at, registered(uid, "+375291234567", at)),
        till.event("sale_completed", at, sale(uid, at, (TV,))),
    ]
    answer = http.client.post(
        "/v1/events", json=batch(events), headers={"Authorization": f"Bearer {token}"}
    )
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "accepted"]

    out = admin.folder / "ledger.csv"
    run = admin("export-ledger", str(out))
    assert run.code == 0, run.err
    assert "1 ledger entr(ies)" in run.out
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == admin.count(LedgerEntry) == 1
    [entry] = rows
    assert entry["customer_uid"] == uid
    assert entry["till"] == f"{store}/T1"
    assert entry["event_id"] == str(events[1]["event_id"])
    assert int(entry["points"]) == 75_00
    assert entry["active_from"] == sale(uid, at)["activates_on"]
    assert "1234567" not in out.read_text(encoding="utf-8")


def test_export_ledger_of_an_empty_ledger_writes_just_the_header(admin: Admin) -> None:
    out = admin.folder / "empty.csv"
    assert admin("export-ledger", str(out)).code == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "entry;customer_uid;till;event_id;kind;points;active_from;occurred_at"
    ]
