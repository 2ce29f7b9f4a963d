"""A sign-up on a phone someone already holds: merged if it is them, else held for HQ.

Numbers pass to new people. "Петрова Мария" signing up on Иванова Анна's phone must never
earn onto Иванова's card: her sign-up is accepted onto a held card that no number finds,
and HQ attaches it (the same person after all) or gives her the phone.
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from bonuspos_server.admin import commands as admin
from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import MIGRATIONS, make_engine, open_server_database
from bonuspos_server.data.models import Customer, LedgerEntry, PhoneConflict, PlasticCard
from tests.server.builders import TV, Sequencer, batch, registered, sale
from tests.server.conftest import Chain

PHONE = "+375291234567"
MASKED = "+375 29 ***-**-67"
ANNA_PLASTIC = "2000000000015"
MARIA_PLASTIC = "2000000000022"


def post(chain: Chain, events: list[dict[str, Any]], till: str = "T1", store: str = "S1") -> Any:
    response = chain.client.post(
        "/v1/events", json=batch(events, store, till), headers=chain.headers(till)
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]


def lookup(chain: Chain, number: str = PHONE) -> Any:
    response = chain.client.get(f"/v1/customers/{number}", headers=chain.headers())
    assert response.status_code == 200, response.text
    return response.json()


def feed(chain: Chain, cursor: str | None = None) -> tuple[list[dict[str, Any]], str]:
    """Every customer the changes feed gives after `cursor`, and the cursor to poll with."""
    customers: list[dict[str, Any]] = []
    while True:
        query = {"limit": 5000, **({"cursor": cursor} if cursor else {})}
        page = chain.client.get("/v1/changes", params=query, headers=chain.headers()).json()
        customers += page["customers"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return customers, page["cursor"]


def hq(chain: Chain, name: str, **kwargs: Any) -> str:
    """An admin command, as `bonuspos-server` runs it: one transaction."""
    handlers = {"conflicts": admin.list_conflicts, "resolve-conflict": admin.resolve_conflict}
    with chain.db.sessions() as session, session.begin():
        return handlers[name](session, argparse.Namespace(**kwargs))


def resolve(chain: Chain, uid: str, *, attach: bool) -> str:
    return hq(chain, "resolve-conflict", uid=uid, attach=attach, new_holder=not attach)


def total_of(chain: Chain, customer_id: int) -> int:
    with chain.db.sessions() as session:
        return session.get_one(Customer, customer_id).total


@dataclass
class Conflict:
    anna: str  # Иванова Анна's uid: she holds the phone
    maria: str  # Петрова Мария's uid: she signed up on it at store S2
    anna_id: int
    maria_sale: dict[str, Any]
    store_a: Sequencer  # T1, where Иванова signed up
    store_b: Sequencer  # T3, at store S2, where Петрова did


@pytest.fixture
def conflict(chain: Chain) -> Conflict:
    """Иванова (with a plastic card) holds the phone; Петрова signs up on it at S2 and buys a TV."""
    anna, maria = str(uuid.uuid4()), str(uuid.uuid4())
    at = chain.clock() - timedelta(hours=1)
    form = {**registered(anna, PHONE, at), "plastic_card": ANNA_PLASTIC}
    store_a = Sequencer()
    [first] = post(chain, [store_a.event("customer_registered", at, form)])
    assert first["status"] == "accepted"
    store_b, bought = Sequencer(), sale(maria, at)
    results = post(
        chain,
        [
            store_b.event(
                "customer_registered",
                at,
                {
                    **registered(maria, PHONE, at, "Петрова Мария"),
                    "plastic_card": MARIA_PLASTIC,
                },
            ),
            store_b.event("sale_completed", at, bought),
        ],
        till="T3",
        store="S2",
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert results[0]["flag"] == "phone-conflict"
    with chain.db.sessions() as session:
        anna_id = session.execute(select(Customer.id).where(Customer.uid == anna)).scalar_one()
    return Conflict(anna, maria, anna_id, bought, store_a, store_b)


def test_a_sign_up_under_another_name_is_held_and_its_points_never_reach_the_holder(
    chain: Chain, conflict: Conflict
) -> None:
    holder = lookup(chain)
    assert holder["customer_uid"] == conflict.anna
    assert holder["full_name"] == "Иванова Анна"
    assert holder["pending"] + holder["active"] == 0
    with chain.db.sessions() as session:
        held = session.execute(select(Customer).where(Customer.uid == conflict.maria)).scalar_one()
        assert held.phone is None
        assert (held.full_name, held.total) == ("Петрова Мария", 75_00)
        entries = session.scalars(
            select(LedgerEntry.points).where(LedgerEntry.customer_id == held.id)
        )
        assert sum(entries) == 75_00


def test_the_same_person_under_the_same_name_written_otherwise_is_merged_as_before(
    chain: Chain, conflict: Conflict
) -> None:
    again, at = str(uuid.uuid4()), chain.clock() - timedelta(minutes=30)
    till = Sequencer()
    results = post(
        chain,
        [
            till.event("customer_registered", at, registered(again, PHONE, at, "ИВАНОВА  анна")),
            till.event("sale_completed", at, sale(again, at)),
        ],
        till="T2",
    )
    assert [r["flag"] for r in results] == ["merged", None]
    assert lookup(chain)["customer_uid"] == conflict.anna
    assert lookup(chain)["pending"] == 75_00


def test_a_held_card_is_found_by_no_number_and_reaches_no_till(
    chain: Chain, conflict: Conflict
) -> None:
    customers, _ = feed(chain)
    assert [c["uid"] for c in customers] == [conflict.anna]
    assert customers[0]["aliases"] == []
    assert customers[0]["total"] == 0
    held = chain.client.post(
        "/v1/holds",
        json={"hold_id": str(uuid.uuid4()), "card": PHONE, "points": 1},
        headers=chain.headers(),
    )
    assert held.json()["type"].endswith("/insufficient-points")  # Иванова's card: no points
    # The newcomer's plastic card waits for HQ's decision with the rest of her sign-up.
    unknown = chain.client.get(f"/v1/customers/{MARIA_PLASTIC}", headers=chain.headers())
    assert unknown.status_code == 404


def test_the_newcomer_signing_up_again_at_another_till_joins_her_held_card(
    chain: Chain, conflict: Conflict
) -> None:
    again, at = str(uuid.uuid4()), chain.clock() - timedelta(minutes=30)
    till = Sequencer()
    results = post(
        chain,
        [
            till.event("customer_registered", at, registered(again, PHONE, at, "Петрова  МАРИЯ")),
            till.event("sale_completed", at, sale(again, at)),
        ],
        till="T2",
    )
    assert [r["flag"] for r in results] == ["phone-conflict", None]
    listing = hq(chain, "conflicts")
    assert listing.count(MASKED) == 1
    assert "150,00" in listing
    assert lookup(chain)["pending"] == 0


def test_conflicts_lists_the_phone_masked_both_names_the_held_points_when_and_where(
    chain: Chain, conflict: Conflict
) -> None:
    listing = hq(chain, "conflicts")
    assert listing.startswith("1 phone conflict(s) waiting")
    line = listing.splitlines()[1]
    for shown in (conflict.maria, MASKED, "Иванова Анна", "Петрова Мария", "75,00", "S2/T3"):
        assert shown in line
    assert PHONE not in listing
    signed = (chain.clock() - timedelta(hours=1)).astimezone(ZoneInfo("Europe/Minsk"))
    assert f"{signed:%Y-%m-%d %H:%M}" in line


def test_attach_moves_the_held_points_and_uid_to_the_holder_and_tills_learn_it(
    chain: Chain, conflict: Conflict
) -> None:
    _, cursor = feed(chain)
    report = resolve(chain, conflict.maria, attach=True)
    assert report.startswith(f"attached: Петрова Мария's held card joined the card of {MASKED}")
    assert "75,00 points moved" in report
    assert lookup(chain)["customer_uid"] == conflict.anna
    assert lookup(chain)["pending"] == 75_00
    assert lookup(chain, MARIA_PLASTIC)["customer_uid"] == conflict.anna
    changed, _ = feed(chain, cursor)
    assert [(c["uid"], c["aliases"], c["total"]) for c in changed] == [
        (conflict.anna, [conflict.maria], 75_00)
    ]
    with chain.db.sessions() as session:
        assert session.scalar(select(Customer).where(Customer.uid == conflict.maria)) is None
        row = session.execute(select(PhoneConflict)).scalar_one()
        assert (row.status, row.customer_id) == ("attached", None)
    # The till that signed her up goes on using her uid: it names Иванова's card now,
    # and returning the TV takes back the points where they are.
    at = chain.clock() - timedelta(minutes=5)
    post(
        chain, [conflict.store_b.event("sale_completed", at, sale(conflict.maria, at))], "T3", "S2"
    )
    assert lookup(chain)["pending"] == 150_00
    back = full_return(conflict.maria, conflict.maria_sale, chain)
    [answer] = post(
        chain, [conflict.store_b.event("sale_returned", chain.clock(), back)], "T3", "S2"
    )
    assert answer["status"] == "accepted", answer
    assert lookup(chain)["pending"] == 75_00
    assert hq(chain, "conflicts") == "no phone conflicts waiting"


def test_a_new_holder_takes_the_phone_and_the_old_card_is_blocked_with_its_points_kept(
    chain: Chain, conflict: Conflict
) -> None:
    at = chain.clock() - timedelta(minutes=50)
    post(
        chain,
        [
            conflict.store_a.event(
                "sale_completed", at, sale(conflict.anna, at, (replace(TV, quantity=2),))
            )
        ],
    )
    _, cursor = feed(chain)
    report = resolve(chain, conflict.maria, attach=False)
    assert report.startswith(f"new holder: {MASKED} now finds Петрова Мария's card")
    assert "Иванова Анна's card is blocked" in report
    assert "150,00 points are kept" in report
    holder = lookup(chain)
    assert (holder["customer_uid"], holder["full_name"]) == (conflict.maria, "Петрова Мария")
    assert holder["pending"] == 75_00
    assert total_of(chain, conflict.anna_id) == 150_00  # kept, for HQ
    assert (
        chain.client.get(f"/v1/customers/{ANNA_PLASTIC}", headers=chain.headers()).status_code
        == 404
    )
    with chain.db.sessions() as session:
        blocked = session.get_one(Customer, conflict.anna_id)
        assert blocked.phone is None
        assert blocked.uid != conflict.anna
        assert blocked.uid in report
        row = session.execute(select(PhoneConflict)).scalar_one()
        assert (row.status, row.blocked_plastic) == ("new-holder", ANNA_PLASTIC)
        assert session.get_one(PlasticCard, MARIA_PLASTIC).customer_id == row.customer_id
    changed, _ = feed(chain, cursor)
    assert [(c["uid"], c["phone"], c["full_name"], c["total"]) for c in changed] == [
        (conflict.maria, PHONE, "Петрова Мария", 75_00)
    ]
    # Tills that cached the phone under Иванова's uid file the new holder under it: what
    # they sell on it now is Петрова's.
    assert changed[0]["aliases"] == [conflict.anna]
    sold_at = chain.clock() - timedelta(minutes=5)
    post(chain, [conflict.store_a.event("sale_completed", sold_at, sale(conflict.anna, sold_at))])
    assert lookup(chain)["pending"] == 150_00
    assert total_of(chain, conflict.anna_id) == 150_00


def test_resolving_refuses_a_bad_uid_an_unknown_one_and_a_conflict_already_decided(
    chain: Chain, conflict: Conflict
) -> None:
    with pytest.raises(admin.AdminError, match="is not a customer uid"):
        resolve(chain, "12345", attach=True)
    with pytest.raises(admin.AdminError, match="no phone conflict for uid"):
        resolve(chain, str(uuid.uuid4()), attach=True)
    with pytest.raises(admin.AdminError, match="no phone conflict for uid"):
        resolve(chain, conflict.anna, attach=False)
    resolve(chain, conflict.maria.upper(), attach=True)
    with pytest.raises(admin.AdminError, match=r"already resolved \(attached on "):
        resolve(chain, conflict.maria, attach=False)
    assert lookup(chain)["pending"] == 75_00  # the refused decision changed nothing


def test_the_commands_print_their_report_and_exit_2_when_refused(
    chain: Chain, conflict: Conflict, capsys: pytest.CaptureFixture[str]
) -> None:
    url = chain.db.engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "conflicts"]) == 0
    assert "Петрова Мария" in capsys.readouterr().out
    assert main(["--database-url", url, "resolve-conflict", conflict.maria, "--new-holder"]) == 0
    assert capsys.readouterr().out.startswith("new holder:")
    assert main(["--database-url", url, "resolve-conflict", conflict.maria, "--attach"]) == 2
    assert "already resolved (new-holder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--database-url", url, "resolve-conflict", conflict.maria])  # neither decision


def full_return(uid: str, sold: dict[str, Any], chain: Chain) -> dict[str, Any]:
    return {
        "return_id": str(uuid.uuid4()),
        "sale_id": sold["sale_id"],
        "customer_uid": uid,
        "occurred_at": chain.clock().isoformat(),
        "money_back": sold["total"],
        "taken_back": sold["earned"],
        "given_back": 0,
        "ledger_hashes": [],
        "lines": [
            {
                "line_no": 1,
                "quantity": 1,
                "money_back": sold["total"],
                "taken_back": sold["earned"],
                "given_back": 0,
            }
        ],
    }


def test_the_migration_keeps_every_card_and_what_points_at_it(database_url: str) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def upgrade(to: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, to)

    upgrade("0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (uid, phone, full_name, email, birth_date, rules_version,"
                " registered_at, total, change_seq)"
                " VALUES ('u-1', :phone, 'Иванова Анна', '', '', 1, :at, 75, 1)"
            ),
            {"phone": PHONE, "at": "2026-11-25 09:00:00+00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO ledger_entries (customer_id, kind, points, active_from, occurred_at)"
                " SELECT id, 'earned', 75, '2026-11-26', :at FROM customers"
            ),
            {"at": "2026-11-25 09:00:00+00:00"},
        )
        connection.execute(
            text(f"INSERT INTO plastic_cards SELECT '{ANNA_PLASTIC}', id FROM customers")
        )
    upgrade("head")
    engine.dispose()
    db = open_server_database(database_url)
    try:
        with db.sessions() as session, session.begin():
            anna = session.execute(select(Customer)).scalar_one()
            assert (anna.phone, anna.total) == (PHONE, 75)
            assert session.get_one(PlasticCard, ANNA_PLASTIC).customer_id == anna.id
            session.add_all(
                Customer(
                    uid=f"held-{n}",
                    phone=None,
                    full_name="Петрова Мария",
                    rules_version=1,
                    registered_at=anna.registered_at,
                    total=0,
                    change_seq=0,
                )
                for n in (1, 2)
            )
            session.flush()  # two cards with no phone: NULL is no one's number
        with (
            pytest.raises(Exception, match=r"(?i)unique"),
            db.sessions() as session,
            session.begin(),
        ):
            session.execute(
                text(
                    "INSERT INTO customers (uid, phone, full_name, email, birth_date,"
                    " rules_version, registered_at, total, change_seq)"
                    " VALUES ('u-2', :phone, 'x', '', '', 1, :at, 0, 0)"
                ),
                {"phone": PHONE, "at": "2026-11-25 09:00:00+00:00"},
            )
    finally:
        db.dispose()
