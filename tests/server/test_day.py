"""A till's day and a store's day as the server counts them, and HQ's `report`.

Every figure is checked to the kopeck against what the events moved, on the store's
Minsk calendar day. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import time as timer
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select, text

from bonuspos.domain.cart import Line, TenderKind
from bonuspos.domain.day import DayTotals
from bonuspos.domain.money import Money, Points
from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import MIGRATIONS
from bonuspos_server.data.models import Event, Return, Sale, Till
from tests.server.builders import HEADPHONES, PHONE, TV, Sequencer, registered, sale
from tests.server.conftest import Chain, admin_command, post
from tests.server.staffing import correction, hire, key_of
from tests.server.test_trust import returned

MINSK = ZoneInfo("Europe/Minsk")


def minsk(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), MINSK)


@pytest.fixture
def day(chain: Chain) -> date:
    """A whole Minsk day after the tills were registered, with the next one still behind
    the server's clock: both may be sold on."""
    chain.clock.at = datetime.now(UTC) + timedelta(days=3)
    return (datetime.now(MINSK) + timedelta(days=1)).date()


def till_day(chain: Chain, till: str, day: date | str | None) -> dict[str, Any]:
    params = {} if day is None else {"date": str(day)}
    answer = chain.client.get("/v1/tills/me/day", params=params, headers=chain.headers(till))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def store_day(chain: Chain, till: str, day: date) -> dict[str, Any]:
    answer = chain.client.get(
        "/v1/stores/me/day", params={"date": day.isoformat()}, headers=chain.headers(till)
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def accepted(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert all(r["status"] == "accepted" for r in results), results
    return results


@dataclass
class Day:
    """A busy day at store S1 (tills T1 and T2) and a flagged sale at S2's T3."""

    t1: list[str]  # T1's accepted event ids dated that day
    cash: dict[str, Any]  # T1's sales
    card_sale: dict[str, Any]
    offline: dict[str, Any]
    overspent: dict[str, Any]
    sold_at_t2: dict[str, Any]
    back: dict[str, Any]  # T1's return of T2's sale
    adjustment: dict[str, Any]
    audit_id: str
    bob: str
    elsewhere: dict[str, Any]  # S2/T3's mistagged sale


@pytest.fixture
def busy(chain: Chain, till: Sequencer, day: date, anna: str) -> Day:
    # `day` before `anna`: she signs up an hour before the clock it sets, after the day.
    t2, t3 = Sequencer(), Sequencer()
    # First, while Anna has no active points: spending 30,00 offline overdraws her card.
    overspent = sale(anna, minsk(day, 9, 0), (HEADPHONES,), spend=30_00, kind=TenderKind.BANK_CARD)
    cash = sale(anna, minsk(day, 10, 0), (TV,), kind=TenderKind.CASH, offline=False)
    card_sale = sale(
        None, minsk(day, 11, 0), (HEADPHONES,), kind=TenderKind.BANK_CARD, offline=False
    )
    offline = sale(anna, minsk(day, 12, 0), (PHONE,), kind=TenderKind.CASH, offline=True)
    t1_sales = [("sale_completed", p) for p in (overspent, cash, card_sale, offline)]
    events = [till.event(kind, datetime.fromisoformat(p["occurred_at"]), p) for kind, p in t1_sales]
    [flagged_sale, *_] = accepted(post(chain, events))
    assert flagged_sale["flag"] == "overspent"

    sold_at_t2 = sale(anna, minsk(day, 13, 0), (TV,), kind=TenderKind.BANK_CARD, offline=False)
    accepted(post(chain, [t2.event("sale_completed", minsk(day, 13, 0), sold_at_t2)], till="T2"))
    # The TV comes back at T1: the sale's money, and the 75,00 points it earned.
    line = {"line_no": 1, "quantity": 1, "money_back": 2499_00, "taken_back": 75_00,
            "given_back": 0}  # fmt: skip
    back = returned(sold_at_t2, minsk(day, 14, 0), [line])
    olga = hire(chain.db, "S1", "Петрова Ольга", "manager")
    adjustment = correction(
        anna, 20_00, minsk(day, 15, 0), staff_id=olga, key=key_of(chain.db, olga)
    )
    audit_id = str(uuid.uuid4())
    audit = {
        "audit_id": audit_id,
        "occurred_at": minsk(day, 16, 0).isoformat(),
        "action": "cart_cancelled",
        "staff_id": str(uuid.uuid4()),  # nobody of the store: flagged unknown-staff
        "approved_by": None,
        "subject": "",
        "detail": "корзина отменена",
    }
    bob = str(uuid.uuid4())
    more = [
        till.event("sale_returned", minsk(day, 14, 0), back),
        till.event("balance_adjusted", minsk(day, 15, 0), adjustment),
        till.event("audit_recorded", minsk(day, 16, 0), audit),
        till.event(
            "customer_registered",
            minsk(day, 17, 0),
            registered(bob, "+375297654321", minsk(day, 17, 0), "Петров Борис"),
        ),
    ]
    results = accepted(post(chain, more))
    assert [r["flag"] for r in results] == ["approval-missing", None, "unknown-staff", None]
    # Refused: it names a sale the server does not have. Not among the day's events.
    stray = returned({**card_sale, "sale_id": str(uuid.uuid4())}, minsk(day, 18, 0), [line])
    [refused] = post(chain, [till.event("sale_returned", minsk(day, 18, 0), stray)])
    assert refused["status"] == "rejected"
    # The next day's sale at T1: not this day's.
    post(chain, [till.event("sale_completed", minsk(day, 23, 0) + timedelta(hours=2),
                            sale(None, minsk(day, 23, 0) + timedelta(hours=2)))])  # fmt: skip

    mistagged = Line("HP-BT", "Наушники", Money(99_00), 1, Points(0), promotional=True)
    elsewhere = sale(None, minsk(day, 12, 30), (mistagged,))
    [other] = post(chain, [t3.event("sale_completed", minsk(day, 12, 30), elsewhere)], "T3", "S2")
    assert other["flag"] == "price-mismatch"
    return Day(
        t1=[e["event_id"] for e in [*events, *more]],
        cash=cash,
        card_sale=card_sale,
        offline=offline,
        overspent=overspent,
        sold_at_t2=sold_at_t2,
        back=back,
        adjustment=adjustment,
        audit_id=audit_id,
        bob=bob,
        elsewhere=elsewhere,
    )


# --- a till's day -------------------------------------------------------------------------


def test_a_tills_day_counts_what_the_server_credited_to_the_kopeck(
    chain: Chain, busy: Day, day: date
) -> None:
    answer = till_day(chain, "T1", day)

    assert (answer["store"], answer["till"], answer["day"]) == ("S1", "T1", day.isoformat())
    assert answer["totals"] == {
        "receipts": 4,
        "returns": 1,  # made here, of T2's sale
        # TV 2 499,00 + phone 899,00 in cash; headphones 149,00 and 149,00 − 30,00 by card.
        "revenue": {"bank_card": 268_00, "cash": 3398_00},
        "money_back": 2499_00,
        # TV 75,00 + phone 27,00 + headphones 4,50 (the sale without a card earns nothing).
        "points_earned": 106_50,
        "points_spent": 30_00,
        "points_given_back": 0,
        "points_taken_back": 75_00,
        "offline_sales": 2,
        "offline_over_limit": 30_00,  # the overspent sale's spending
        "corrections": [
            {
                "adjustment_id": busy.adjustment["adjustment_id"],
                "points": 20_00,
                "reason": busy.adjustment["reason"],
            }
        ],
    }
    # The till reads it back into its own figures, as its end-of-day report does.
    totals = DayTotals.from_dict(answer["totals"])
    assert totals.revenue == {TenderKind.CASH: Money(3398_00), TenderKind.BANK_CARD: Money(268_00)}
    assert answer["last_seq"] == 11  # Anna's registration, eleven events, the next day's sale


def test_the_events_are_exactly_this_tills_accepted_ones_of_that_day(
    chain: Chain, busy: Day, day: date
) -> None:
    assert till_day(chain, "T1", day)["events"] == busy.t1
    [t2_sale] = till_day(chain, "T2", day)["events"]
    with chain.db.sessions() as session:
        held = session.execute(select(Event.subject).where(Event.event_id == t2_sale)).scalar()
    assert held == busy.sold_at_t2["sale_id"]


def test_flagged_lists_the_stores_flags_from_every_till_and_no_other_stores(
    chain: Chain, busy: Day, day: date
) -> None:
    flagged = till_day(chain, "T2", day)["flagged"]  # T2 flagged nothing: it sees T1's

    assert [(f["till"], f["type"], f["flag"], f["subject"]) for f in flagged] == [
        ("T1", "sale_completed", "overspent", busy.overspent["sale_id"]),
        ("T1", "sale_returned", "approval-missing", busy.back["return_id"]),
        ("T1", "audit_recorded", "unknown-staff", busy.audit_id),
    ]
    assert flagged[0]["event_id"] == busy.t1[0]
    assert datetime.fromisoformat(flagged[0]["occurred_at"]) == minsk(day, 9, 0)
    other = till_day(chain, "T3", day)
    assert [(f["till"], f["flag"]) for f in other["flagged"]] == [("T3", "price-mismatch")]
    assert other["flagged"][0]["subject"] == busy.elsewhere["sale_id"]


def test_the_sale_of_a_return_made_elsewhere_counts_where_it_was_sold(
    chain: Chain, busy: Day, day: date
) -> None:
    totals = till_day(chain, "T2", day)["totals"]
    assert (totals["receipts"], totals["returns"], totals["money_back"]) == (1, 0, 0)
    assert totals["revenue"] == {"bank_card": 2499_00}
    assert totals["points_earned"] == 75_00


def test_the_day_is_minsks_not_utcs(chain: Chain, till: Sequencer, day: date) -> None:
    nxt = day + timedelta(days=1)
    times = {
        "late": minsk(day, 23, 59),  # 20:59 UTC
        "early": minsk(nxt, 0, 1),  # 21:01 UTC, still the same UTC day
        "small hours": minsk(day, 2, 30),  # 23:30 UTC of the day before
        "after midnight": minsk(nxt, 0, 30),  # 21:30 UTC
    }
    events = {name: till.event("sale_completed", at, sale(None, at)) for name, at in times.items()}
    accepted(post(chain, list(events.values())))

    first, second = till_day(chain, "T1", day), till_day(chain, "T1", nxt)

    assert first["events"] == [events["late"]["event_id"], events["small hours"]["event_id"]]
    assert second["events"] == [events["early"]["event_id"], events["after midnight"]["event_id"]]
    assert first["totals"]["receipts"] == second["totals"]["receipts"] == 2
    assert first["totals"]["revenue"] == {"cash": 2 * 2499_00}


def test_no_date_means_the_stores_today(chain: Chain, till: Sequencer, day: date) -> None:
    today = chain.clock().astimezone(MINSK).date()
    at = chain.clock() - timedelta(minutes=1)
    accepted(post(chain, [till.event("sale_completed", at, sale(None, at))]))
    answer = till_day(chain, "T1", None)
    assert answer["day"] == today.isoformat()
    assert answer["totals"]["receipts"] == (1 if at.astimezone(MINSK).date() == today else 0)


@pytest.mark.parametrize(
    "asked",
    ["2026-13-01", "2026-02-30", "20261125", "2026-1-5", "yesterday", "", "2026-11-25T00:00"],
)
def test_a_malformed_date_is_refused(chain: Chain, asked: str) -> None:
    for path in ("/v1/tills/me/day", "/v1/stores/me/day"):
        answer = chain.client.get(path, params={"date": asked}, headers=chain.headers())
        assert answer.status_code == 422, (path, asked, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].rsplit("/", 1)[1] in ("invalid-date", "invalid-request")


def test_a_date_too_old_or_too_far_ahead_is_refused(chain: Chain) -> None:
    today = chain.clock().astimezone(MINSK).date()
    for asked, status in (
        (today - timedelta(days=401), 422),
        (today - timedelta(days=400), 200),
        (today + timedelta(days=1), 200),
        (today + timedelta(days=2), 422),
    ):
        answer = chain.client.get(
            "/v1/tills/me/day", params={"date": asked.isoformat()}, headers=chain.headers()
        )
        assert answer.status_code == status, (asked, answer.text)
        if status == 422:
            assert answer.json()["type"].endswith("/date-out-of-range")


def test_a_day_needs_a_till_token(chain: Chain) -> None:
    for path in ("/v1/tills/me/day", "/v1/stores/me/day"):
        assert chain.client.get(path).status_code == 401


# --- a store's day ------------------------------------------------------------------------


def test_a_store_day_gives_every_till_and_the_stores_flags(
    chain: Chain, busy: Day, day: date
) -> None:
    answer = store_day(chain, "T2", day)

    assert (answer["store"], answer["day"]) == ("S1", day.isoformat())
    by_till = {t["till"]: t["totals"] for t in answer["tills"]}
    assert list(by_till) == ["T1", "T2"]
    assert by_till["T1"] == till_day(chain, "T1", day)["totals"]
    assert by_till["T2"] == till_day(chain, "T2", day)["totals"]
    assert answer["flagged"] == till_day(chain, "T1", day)["flagged"]


def test_another_stores_till_sees_only_its_own_store(chain: Chain, busy: Day, day: date) -> None:
    answer = chain.client.get(
        "/v1/stores/me/day",
        params={"date": day.isoformat(), "store": "S1"},  # no such parameter: ignored
        headers=chain.headers("T3"),
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["store"] == "S2"
    assert [t["till"] for t in body["tills"]] == ["T3"]
    assert body["tills"][0]["totals"]["receipts"] == 1
    assert [f["till"] for f in body["flagged"]] == ["T3"]
    mine = till_day(chain, "T3", day)
    assert (mine["store"], mine["till"], len(mine["events"])) == ("S2", "T3", 1)


# --- HQ's report --------------------------------------------------------------------------


def _url(chain: Chain) -> str:
    return chain.db.engine.url.render_as_string(hide_password=False)


def test_the_report_prints_each_stores_tills_and_their_flags(
    chain: Chain, busy: Day, day: date, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", _url(chain), "report", "--date", day.isoformat()]) == 0
    out = capsys.readouterr().out

    s1, s2 = out.split("\n\n")
    assert s1.startswith(f"S1 — {day.isoformat()} (Europe/Minsk)")
    header, t1, t2, together = s1.splitlines()[1:]
    assert header.split()[:3] == ["till", "receipts", "returns"]
    # till receipts returns cash bank_card installment_card credit revenue money-back earned
    # spent given taken offline over-limit corrections points flagged
    assert t1.replace("\u00a0", "").split() == [
        "T1", "4", "1", "3398,00", "268,00", "0,00", "0,00", "3666,00", "2499,00", "106,50",
        "30,00", "0,00", "75,00", "2", "30,00", "1", "20,00", "3",
    ]  # fmt: skip
    assert (t2.split()[:3], t2.split()[-1]) == (["T2", "1", "0"], "0")
    assert (together.split()[:3], together.split()[-1]) == (["all", "5", "1"], "3")
    assert s2.splitlines()[2].split()[:2] == ["T3", "1"]
    assert s2.splitlines()[2].split()[-1] == "1"

    assert main(["--database-url", _url(chain), "report", "--date", str(day), "--store", "S2"]) == 0
    assert capsys.readouterr().out.startswith("S2 — ")
    assert main(["--database-url", _url(chain), "report", "--date", str(day), "--store", "S9"]) == 2
    assert "no store S9" in capsys.readouterr().err


def test_the_report_csv_has_a_row_per_till_with_every_figure(
    chain: Chain, busy: Day, day: date, tmp_path: Path
) -> None:
    admin_command(chain.db, "add-till", store="S2", till="-SUM")  # a code a sheet would run
    path = tmp_path / "day.csv"
    url = _url(chain)
    assert main(["--database-url", url, "report", "--date", str(day), "--csv", str(path)]) == 0

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [(r["store"], r["till"]) for r in rows] == [
        ("S1", "T1"), ("S1", "T2"), ("S2", "'-SUM"), ("S2", "T3")
    ]  # fmt: skip
    t1 = rows[0]
    assert t1 == {
        "day": day.isoformat(),
        "store": "S1",
        "till": "T1",
        "receipts": "4",
        "returns": "1",
        "revenue_cash": "3398,00",
        "revenue_bank_card": "268,00",
        "revenue_installment_card": "0,00",
        "revenue_credit": "0,00",
        "revenue": "3666,00",
        "money_back": "2499,00",
        "points_earned": "106,50",
        "points_spent": "30,00",
        "points_given_back": "0,00",
        "points_taken_back": "75,00",
        "offline_sales": "2",
        "offline_over_limit": "30,00",
        "corrections": "1",
        "corrections_points": "20,00",
        "flagged": "3",
    }
    assert (rows[3]["receipts"], rows[3]["revenue_cash"], rows[3]["flagged"]) == ("1", "99,00", "1")


def test_a_negative_correction_is_written_as_a_negative_number(
    chain: Chain, till: Sequencer, day: date, anna: str, tmp_path: Path
) -> None:
    olga = hire(chain.db, "S1", "Петрова Ольга", "manager")
    body = correction(anna, -12_50, minsk(day, 8, 0), staff_id=olga, key=key_of(chain.db, olga))
    accepted(post(chain, [till.event("balance_adjusted", minsk(day, 8, 0), body)]))
    path = tmp_path / "day.csv"
    assert (
        main(["--database-url", _url(chain), "report", "--date", str(day), "--csv", str(path)]) == 0
    )
    with path.open(encoding="utf-8", newline="") as handle:
        [t1, *_] = csv.DictReader(handle, delimiter=";")
    assert (t1["corrections"], t1["corrections_points"]) == ("1", "-12,50")


# --- a big day ----------------------------------------------------------------------------


def test_a_day_of_two_thousand_sales_answers_in_well_under_a_second(
    chain: Chain, till: Sequencer, day: date
) -> None:
    at = minsk(day, 0, 5)
    body = sale(None, at)
    [first] = accepted(post(chain, [till.event("sale_completed", at, body)]))
    with chain.db.sessions() as session, session.begin():
        template = session.get_one(Sale, body["sale_id"])
        tills = {code: till_id for code, till_id in session.execute(select(Till.code, Till.id))}
        sales, events = [], []
        # 2 000 more sales that day, and as many the day before, the day after and at T2
        # that day: the day's statements must find the day's rows without reading those.
        for n in range(8000):
            till_id = tills["T2"] if n >= 6000 else tills["T1"]
            when = at + timedelta(seconds=12 * (n // 4 + 1), days=(n % 3) - 1 if n < 6000 else 0)
            sale_id = str(uuid.uuid4())
            sales.append({
                "id": sale_id, "till_id": till_id, "customer_id": None, "occurred_at": when,
                "total": template.total, "spent": 0, "earned": 0,
                "activates_on": template.activates_on, "offline": False, "hold_id": None,
                "flag": None, "body": template.body, "staff_id": None,
            })  # fmt: skip
            events.append({
                "event_id": str(uuid.uuid4()), "till_id": till_id, "seq": 1000 + n,
                "type": "sale_completed", "occurred_at": when, "received_at": when,
                "payload_hash": "0" * 64, "status": "accepted", "problem": None, "flag": None,
                "staff_id": None, "subject": sale_id,
            })  # fmt: skip
        session.execute(insert(Sale), sales)
        session.execute(insert(Event), events)
    mine = [e for e in events if e["till_id"] == tills["T1"] and e["occurred_at"].date() == day]
    assert len(mine) == 2000

    started = timer.perf_counter()
    answer = till_day(chain, "T1", day)
    took = timer.perf_counter() - started

    assert answer["totals"]["receipts"] == 2001
    assert answer["totals"]["revenue"] == {"cash": 2001 * 2499_00}
    assert answer["events"] == [first["event_id"], *(e["event_id"] for e in mine)]
    assert took < 0.5, f"{took:.2f} s"


def test_the_days_statements_use_the_till_and_time_indexes(chain: Chain, day: date) -> None:
    start, end = minsk(day, 0, 0), minsk(day + timedelta(days=1), 0, 0)
    sqlite = chain.db.engine.dialect.name == "sqlite"
    explain = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"

    def bound(at: datetime) -> datetime | str:
        # SQLite keeps UTC wall-clock text (data/types.py).
        return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if sqlite else at

    with chain.db.engine.connect() as connection:
        if not sqlite:
            # Its planner reads a table this small whole, indexes or not: asked not to, it
            # shows which index serves the statement.
            connection.execute(text("SET enable_seqscan = off"))
        for table in ("sales", "returns", "events", "adjustments"):
            plan = connection.execute(
                text(
                    f"{explain} SELECT * FROM {table}"
                    " WHERE till_id IN (1, 2) AND occurred_at >= :start AND occurred_at < :end"
                ),
                {"start": bound(start), "end": bound(end)},
            )
            text_of_plan = " ".join(str(row[-1]) for row in plan)
            assert f"ix_{table}_till_day" in text_of_plan, text_of_plan


# --- older rows -----------------------------------------------------------------------------


def _migrate_again(chain: Chain) -> None:
    """Back to before 0009 and up again: every row now looks as if recorded before it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for step, revision in ((command.downgrade, "0008"), (command.upgrade, "head")):
        with chain.db.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)


def test_the_migration_finds_the_till_and_subject_of_rows_recorded_before(
    chain: Chain, busy: Day, day: date
) -> None:
    def held() -> tuple[dict[str, int | None], dict[str, tuple[str, str | None]]]:
        with chain.db.sessions() as session:
            returns = session.execute(select(Return.id, Return.till_id))
            events = session.execute(select(Event.event_id, Event.type, Event.subject))
            return {r: t for r, t in returns}, {e: (t, s) for e, t, s in events}

    returns, events = held()
    _migrate_again(chain)
    returns_after, events_after = held()

    assert returns_after == returns
    assert returns[busy.back["return_id"]] is not None
    # Every accepted event's subject is found again but a sign-up's: no row names its event.
    for event_id, (kind, subject) in events.items():
        expected = None if kind == "customer_registered" else subject
        assert events_after[event_id] == (kind, expected), kind
    assert till_day(chain, "T1", day)["totals"]["returns"] == 1
    assert [f["subject"] for f in till_day(chain, "T1", day)["flagged"]] == [
        busy.overspent["sale_id"], busy.back["return_id"], busy.audit_id
    ]  # fmt: skip


def test_two_returns_of_one_instant_are_left_to_no_till_rather_than_guessed(
    chain: Chain, till: Sequencer, day: date, anna: str
) -> None:
    t2 = Sequencer()
    at, back_at = minsk(day, 10, 0), minsk(day, 11, 0)
    line = {"line_no": 1, "quantity": 1, "money_back": 149_00, "taken_back": 4_50,
            "given_back": 0}  # fmt: skip
    for code, seq in (("T1", till), ("T2", t2)):
        bought = sale(anna, at, (HEADPHONES,))
        accepted(post(chain, [seq.event("sale_completed", at, bought)], till=code))
        accepted(
            post(
                chain,
                [seq.event("sale_returned", back_at, returned(bought, back_at, [line]))],
                till=code,
            )
        )
    _migrate_again(chain)
    with chain.db.sessions() as session:
        tills = session.execute(select(Return.till_id)).scalars().all()
    assert tills == [None, None]
    assert till_day(chain, "T1", day)["totals"]["returns"] == 0
