"""HQ keeps customer records right: `bonuspos-server customer …`, and the feed tells tills.

A card keeps its uid and ledger through a new phone, a lost plastic card finds nobody,
two cards of one person become one whose balance is the sum, a subject-access export
holds everything, and an erasure leaves the books adding up and nothing naming them.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, func, inspect, select

from bonuspos_server.admin.cli import main
from bonuspos_server.codes.onetime import SPEND, Codes
from bonuspos_server.codes.sms import LogSmsGateway
from bonuspos_server.data.db import MIGRATIONS
from bonuspos_server.data.models import (
    Customer,
    CustomerAlias,
    OneTimeCode,
    RecordChange,
    Sale,
)
from bonuspos_server.settings import Settings
from tests.server.builders import TV, Sequencer, batch, registered, sale
from tests.server.conftest import Chain

MINSK = ZoneInfo("Europe/Minsk")
ANNA, ANNA_NEW, PETR = "+375291234567", "+375447654321", "+375331112233"
ANNA_NAME = "Иванова Анна"
MASKED_LOST = "*********0015"
LOST, NEW_CARD, PETR_CARD = "2000000000015", "2000000000022", "2000000000039"


class Hq:
    def __init__(self, chain: Chain, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = chain.db.engine.url.render_as_string(hide_password=False)
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str]:
        """Exit code, and what it printed (stdout, then stderr)."""
        self.capsys.readouterr()
        code = main(["--database-url", self.url, "customer", *args])
        out, err = self.capsys.readouterr()
        return code, out + err


@pytest.fixture
def hq(chain: Chain, capsys: pytest.CaptureFixture[str]) -> Hq:
    return Hq(chain, capsys)


def post(chain: Chain, events: list[dict[str, Any]], till: str = "T1") -> list[dict[str, Any]]:
    answer = chain.client.post(
        "/v1/events", json=batch(events, "S1", till), headers=chain.headers()
    )
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    assert all(r["status"] == "accepted" for r in results), results
    return results


def sign_up(
    chain: Chain, seq: Sequencer, phone: str, name: str = ANNA_NAME, plastic: str | None = None
) -> str:
    uid = str(uuid.uuid4())
    body = registered(uid, phone, chain.clock.at, name)
    body["plastic_card"] = plastic
    post(chain, [seq.event("customer_registered", chain.clock.at, body)])
    return uid


def buy(chain: Chain, seq: Sequencer, uid: str) -> dict[str, Any]:
    body = sale(uid, chain.clock.at, (TV,))
    post(chain, [seq.event("sale_completed", chain.clock.at, body)])
    return body


def lookup(chain: Chain, number: str) -> int:
    return chain.client.get(f"/v1/customers/{number}", headers=chain.headers()).status_code


def feed(chain: Chain, cursor: str | None = None) -> tuple[dict[str, dict[str, Any]], str]:
    """The customers the changes feed gives after `cursor`, by uid, and the next cursor."""
    found: dict[str, dict[str, Any]] = {}
    while True:
        query = {"limit": 5000, **({"cursor": cursor} if cursor else {})}
        page = chain.client.get("/v1/changes", params=query, headers=chain.headers()).json()
        found.update({c["uid"]: c for c in page["customers"]})
        cursor = page["cursor"]
        if not page["has_more"]:
            return found, page["cursor"]


def audit(chain: Chain) -> list[tuple[str, str]]:
    with chain.db.sessions() as session:
        rows = session.execute(select(RecordChange.action, RecordChange.customer_uid))
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def anna(chain: Chain) -> tuple[Sequencer, str]:
    seq = Sequencer()
    uid = sign_up(chain, seq, ANNA, plastic=LOST)
    buy(chain, seq, uid)
    return seq, uid


# --- change-phone ----------------------------------------------------------------------


def test_a_new_phone_keeps_the_card_and_the_old_number_finds_nothing(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    _, uid = anna
    _, cursor = feed(chain)
    code, out = hq("change-phone", "80291234567", "+375 44 765-43-21")
    assert code == 0, out
    assert ANNA not in out
    assert "+375 44 ***-**-21" in out
    assert lookup(chain, ANNA) == 404
    found = chain.client.get(f"/v1/customers/{ANNA_NEW}", headers=chain.headers()).json()
    assert found["customer_uid"] == uid
    changed, _ = feed(chain, cursor)
    assert changed[uid]["phone"] == ANNA_NEW
    assert changed[uid]["erased"] is False
    assert audit(chain)[-1] == ("change-phone", uid)
    # Again: nothing changes, and it says so.
    code, out = hq("change-phone", uid, ANNA_NEW)
    assert code == 0
    assert "nothing changed" in out


def test_a_phone_another_card_holds_is_refused_naming_the_merge_command(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    seq, _ = anna
    petr = sign_up(chain, seq, PETR, "Петров Пётр")
    code, out = hq("change-phone", ANNA, PETR)
    assert code == 2
    assert "customer merge" in out
    assert petr in out
    assert lookup(chain, ANNA) == 200


# --- plastic cards ---------------------------------------------------------------------


def test_a_blocked_plastic_card_finds_nobody_and_another_is_issued(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    _, uid = anna
    _, cursor = feed(chain)
    assert lookup(chain, LOST) == 200
    code, out = hq("block-card", ANNA, LOST)
    assert code == 0, out
    answer = chain.client.get(f"/v1/customers/{LOST}", headers=chain.headers())
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/not-found")
    assert LOST not in answer.text  # the number masked, as everywhere
    # Again, even naming the card by the lost number: already done.
    assert hq("block-card", LOST, LOST) == (
        0,
        f"plastic card {MASKED_LOST} was already blocked; nothing changed\n",
    )
    # A lost card is never issued again, not even to its holder.
    assert hq("issue-card", ANNA, LOST)[0] == 2
    code, out = hq("issue-card", ANNA, "2000000000023")  # a wrong check digit
    assert code == 2, out
    code, out = hq("issue-card", ANNA, NEW_CARD)
    assert code == 0, out
    assert lookup(chain, NEW_CARD) == 200
    changed, _ = feed(chain, cursor)
    assert changed[uid]["plastic_cards"] == [NEW_CARD]
    assert [a for a, _ in audit(chain)] == ["block-card", "issue-card"]


def test_a_plastic_card_of_someone_else_is_neither_issued_nor_blocked(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    seq, _ = anna
    sign_up(chain, seq, PETR, "Петров Пётр", plastic=PETR_CARD)
    assert hq("issue-card", ANNA, PETR_CARD)[0] == 2
    assert hq("block-card", ANNA, PETR_CARD)[0] == 2
    assert lookup(chain, PETR_CARD) == 200
    assert audit(chain) == []


# --- merge -----------------------------------------------------------------------------


def test_merging_two_cards_adds_their_points_and_the_other_uid_names_the_kept_card(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    seq, keep = anna
    other = sign_up(chain, seq, PETR, ANNA_NAME, plastic=PETR_CARD)
    buy(chain, seq, other)
    with chain.db.sessions() as session:
        before = {
            c.uid: c.total
            for c in session.scalars(select(Customer).where(Customer.uid.in_((keep, other))))
        }
    _, cursor = feed(chain)
    code, out = hq("merge", ANNA, PETR)
    assert code == 0, out
    with chain.db.sessions() as session:
        kept = session.scalars(select(Customer).where(Customer.uid == keep)).one()
        assert kept.total == before[keep] + before[other]
        assert (
            session.scalar(select(CustomerAlias.customer_id).where(CustomerAlias.uid == other))
            == kept.id
        )
        assert {s.customer_id for s in session.scalars(select(Sale))} == {kept.id}
    answer = chain.client.get(f"/v1/customers/{ANNA}", headers=chain.headers()).json()
    assert answer["pending"] == before[keep] + before[other]
    assert lookup(chain, PETR_CARD) == 200  # the other card's plastic moved with it
    # An event naming the merged uid reaches the kept card.
    buy(chain, seq, other)
    changed, _ = feed(chain, cursor)
    assert other not in changed
    assert other in changed[keep]["aliases"]
    code, out = hq("merge", keep, other)
    assert code == 0
    assert "nothing changed" in out
    assert ("merge", keep) in audit(chain)


# --- export ----------------------------------------------------------------------------


def test_export_holds_everything_about_one_customer(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str], tmp_path: Path
) -> None:
    _seq, uid = anna
    out = tmp_path / "anna.json"
    code, said = hq("export", ANNA, "--out", str(out))
    assert code == 0, said
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["customer"]["uid"] == uid
    assert data["customer"]["phone"] == ANNA
    assert data["customer"]["full_name"] == ANNA_NAME
    assert data["plastic_cards"] == [LOST]
    assert len(data["sales"]) == 1
    assert data["sales"][0]["customer_uid"] == uid
    assert data["ledger"]
    assert data["ledger"][0]["kind"] == "earned"
    assert {"aliases", "returns", "holds", "audit_mentions", "adjustments"} <= set(data)
    assert ANNA not in said  # the console says where it went, not what


# --- erase -----------------------------------------------------------------------------


def everything_text(chain: Chain) -> str:
    """Every row of every table of the server's database, as text."""
    meta = MetaData()
    meta.reflect(chain.db.engine)
    with chain.db.engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in meta.sorted_tables
            for row in connection.execute(table.select())
        )


def day_reports(chain: Chain, hq: Hq) -> tuple[Any, str]:
    day = chain.clock.at.astimezone(MINSK).date().isoformat()
    till = chain.client.get(
        "/v1/tills/me/day", params={"date": day}, headers=chain.headers()
    ).json()
    hq.capsys.readouterr()
    assert main(["--database-url", hq.url, "report", "--date", day]) == 0
    return till, hq.capsys.readouterr().out


def test_an_erased_customer_is_named_nowhere_and_the_days_still_add_up(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    seq, uid = anna
    hq("block-card", ANNA, LOST)
    hq("issue-card", ANNA, NEW_CARD)
    assert (
        main(
            [
                "--database-url",
                hq.url,
                "adjust",
                ANNA,
                "5",
                "--reason",
                "жалоба Ивановой",
                "--by",
                ANNA_NAME,
            ]
        )
        == 0
    )
    reports = day_reports(chain, hq)
    with chain.db.sessions() as session:
        total = session.scalars(select(Customer.total).where(Customer.uid == uid)).one()
    _, cursor = feed(chain)

    code, out = hq("erase", ANNA)
    assert code == 0, out
    assert ANNA_NAME not in out
    assert ANNA not in out

    text = everything_text(chain)
    for named in (ANNA_NAME, "Иванов", ANNA[1:], ANNA[-9:], LOST, NEW_CARD):
        assert named not in text, named
    assert day_reports(chain, hq) == reports
    with chain.db.sessions() as session:
        assert session.scalars(select(Customer.total).where(Customer.uid == uid)).one() == total
    assert lookup(chain, ANNA) == 404
    assert lookup(chain, NEW_CARD) == 404
    changed, _ = feed(chain, cursor)
    assert changed[uid]["erased"] is True
    assert changed[uid]["full_name"] == ""
    assert changed[uid]["plastic_cards"] == []
    assert not changed[uid]["phone"].startswith("+")
    # Again by its uid: already done; nothing else works on it.
    code, out = hq("erase", uid)
    assert code == 0
    assert "already erased" in out
    assert hq("change-phone", uid, ANNA)[0] == 2
    assert ("erase", uid) in audit(chain)
    # The number is free for a new person.
    sign_up(chain, seq, ANNA, "Сидорова Ольга")
    assert lookup(chain, ANNA) == 200


def test_unknown_cards_and_bad_numbers_are_refused_clearly(chain: Chain, hq: Hq) -> None:
    code, out = hq("erase", ANNA)
    assert code == 2
    assert "no card" in out
    code, out = hq("change-phone", "hello", ANNA)
    assert code == 2
    assert "not a phone" in out
    code, out = hq("merge", str(uuid.uuid4()), ANNA)
    assert code == 2
    assert "no card with uid" in out


def test_the_migration_goes_back_and_forth_with_cards_and_sales_in_place(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    hq("block-card", ANNA, LOST)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def migrate(step: Any, revision: str) -> None:
        with chain.db.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    migrate(command.downgrade, "0009")
    tables = inspect(chain.db.engine).get_table_names()
    assert "record_changes" not in tables
    assert "blocked_plastic_cards" not in tables
    migrate(command.upgrade, "head")
    assert "erased_at" in {c["name"] for c in inspect(chain.db.engine).get_columns("customers")}
    assert lookup(chain, ANNA) == 200


def test_the_feed_tells_each_till_of_an_erasure_once_and_a_new_till_learns_no_name(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    _, uid = anna
    _, cursor = feed(chain)
    assert hq("erase", ANNA)[0] == 0
    changed, cursor = feed(chain, cursor)
    assert set(changed) == {uid}
    assert feed(chain, cursor)[0] == {}
    first_fill, _ = feed(chain)
    assert first_fill[uid]["erased"] is True
    assert ANNA_NAME not in json.dumps(first_fill, ensure_ascii=False)
    assert ANNA not in json.dumps(first_fill)


def test_cards_with_one_time_codes_out_can_be_merged_and_erased(
    chain: Chain, hq: Hq, anna: tuple[Sequencer, str]
) -> None:
    seq, keep = anna
    other = sign_up(chain, seq, PETR, ANNA_NAME)
    codes = Codes(Settings("test", code_secret=b"k" * 32), LogSmsGateway())
    with chain.db.sessions() as session:
        for uid in (keep, other):
            card = session.scalars(select(Customer).where(Customer.uid == uid)).one()
            codes.issue(session, card, SPEND, "till:1", chain.clock.at)
        session.commit()

    assert hq("merge", ANNA, PETR)[0] == 0
    assert hq("erase", ANNA)[0] == 0

    with chain.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OneTimeCode)) == 0
