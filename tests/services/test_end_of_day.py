"""Closing a day against a server in memory: the till's figures, the comparison, the words.

The server's side here is a stub answering in the protocol's shapes (tests/services/
day_stub.py); tests/sync/test_end_of_day_sync.py closes days against the real server.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bonuspos import paths
from bonuspos.domain.cart import TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.day import CorrectionLine, DayTotals
from bonuspos.domain.money import Money, Points
from bonuspos.domain.staff import Action
from bonuspos.headless import DAY_AGREES, DAY_DISAGREES, DAY_RESENT, DAY_UNREACHABLE, day_status
from bonuspos.ledger.day import DayEvent
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import Flag
from bonuspos.services.clock import ManualClock
from bonuspos.services.end_of_day import (
    COMPARING,
    CSV_NAME,
    JSON_NAME,
    RECEIVING,
    SAVING,
    SENDING,
    UNKNOWN_FLAG,
    WHAT_TO_DO,
    DayReport,
    Progress,
    missing_on_server,
    unknown_to_till,
    what_to_do,
)
from bonuspos.services.slip import WIDTH, format_day_slip
from bonuspos.services.till import Till
from tests.services.day_stub import StubServer, stub_till
from tests.support import CASHIER_PIN, MANAGER_PIN, cashier, give_back, manager, minsk, sell

DAY = date(2026, 11, 25)


@pytest.fixture
def server() -> StubServer:
    return StubServer()


@pytest.fixture
def shop(tmp_path: Path, clock: ManualClock, server: StubServer) -> Iterator[Till]:
    with stub_till(tmp_path / "till", clock, server) as till:
        till.catalog.load_csv(paths.demo_catalog())
        yield till


def a_day(till: Till, clock: ManualClock) -> DayTotals:
    """A sign-up, a cash sale on the card, a bank-card sale, a return and a correction;
    the day's figures worked out from the receipts, not from the ledger."""
    clock.set(minsk(2026, 11, 25, 9, 30))
    anna = till.registration.register(
        CustomerForm("Сверкина Анна", "+375 29 555-12-01", True, True)
    )
    tv = sell(till, {"TV-55Q": 1, "HP-BT": 1}, card=anna)
    clock.set(minsk(2026, 11, 25, 14, 5))
    cable = sell(till, {"CB-USBC": 2}, kind=TenderKind.BANK_CARD)
    back = give_back(till, tv.sale_id, {2: 1})
    shift = till.staff.sign_in(cashier(till).staff_id, CASHIER_PIN)
    fix = till.corrections.correct(
        shift, anna.customer_uid, Points(12_00), "Баллы за акцию не начислились",
        manager(till).staff_id, MANAGER_PIN,
    )  # fmt: skip
    return DayTotals(
        receipts=2,
        returns=1,
        revenue={TenderKind.CASH: tv.due, TenderKind.BANK_CARD: cable.due},
        money_back=back.money_back,
        points_earned=tv.earned + cable.earned,
        points_spent=tv.spent + cable.spent,
        points_given_back=back.points_given_back,
        points_taken_back=back.points_taken_back,
        offline_sales=2,  # a till with no holds sells offline
        corrections=(CorrectionLine(fix.adjustment_id, fix.points, fix.reason),),
    )


def test_a_day_that_agrees_is_sent_compared_saved_and_audited(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    expected = a_day(shop, clock)
    server.totals = expected
    heard: list[Progress] = []
    shift = shop.staff.sign_in(manager(shop).staff_id, MANAGER_PIN)
    approval = shop.staff.approve(
        shift, manager(shop).staff_id, MANAGER_PIN, Action.DAY_CLOSED, DAY.isoformat()
    )
    clock.set(minsk(2026, 11, 25, 21, 0))

    report = shop.end_of_day.close_day(DAY, heard.append, shift, approval)

    assert report.till_totals == expected
    assert report.server_totals == expected
    assert report.agrees
    assert all(row.agrees for row in report.rows)
    assert (report.unsent, report.unsent_why, report.resent) == (0, "", 0)
    assert report.missing_on_server == report.unknown_to_till == report.problems == ()
    assert (report.store, report.till, report.day) == ("S1", "T1", DAY)
    assert [bar.hour for bar in report.by_hour] == list(range(24))
    assert report.by_hour[9].sales.minor > 0
    assert report.by_hour[14].sales.minor > 0
    assert sum(b.points.minor for b in report.by_hour) == expected.points_earned.minor
    stages = list(dict.fromkeys(p.stage for p in heard))
    assert stages == [SENDING, RECEIVING, COMPARING, SAVING]
    drained = [p for p in heard if p.stage == SENDING and p.total]
    assert drained[-1].sent == drained[-1].total == len(server.held)
    folder = shop.end_of_day.report_dir(DAY)
    assert (folder / CSV_NAME).is_file()
    assert (folder / JSON_NAME).is_file()
    assert shop.end_of_day.saved(DAY) == report
    assert shop.end_of_day.saved_days() == (DAY,)
    with shop.db.engine.connect() as conn:
        entry = conn.execute(
            text("SELECT staff_id, approved_by, subject FROM audit_log WHERE action = 'day_closed'")
        ).one()
    assert tuple(entry) == (shift.staff.staff_id, approval.approver.staff_id, DAY.isoformat())
    assert day_status(report) == DAY_AGREES


def test_the_csv_opens_in_a_russian_excel_with_rows_flags_and_problems(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    server.totals = replace(a_day(shop, clock), receipts=1)
    report = shop.end_of_day.close_day(DAY)
    sheet = (shop.end_of_day.report_dir(DAY) / CSV_NAME).read_bytes()

    assert sheet.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    body = sheet.decode("utf-8-sig")
    assert "Чеков продажи;2;1;+1;НЕТ" in body
    assert report.problems[0] in body


def test_events_the_server_lost_are_sent_again_and_counted_as_resent(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    server.totals = a_day(shop, clock)
    first = shop.end_of_day.close_day(DAY)
    assert first.agrees
    assert first.resent == 0
    lost = server.forget_after(3)  # restored from a backup taken three events in

    again = shop.end_of_day.close_day(DAY)
    last = shop.end_of_day.close_day(DAY)

    assert lost > 0
    assert again.resent == lost
    assert again.agrees  # all back on the server
    assert any("потерял" in problem for problem in again.problems)
    assert day_status(again) == DAY_RESENT
    assert (last.resent, day_status(last)) == (0, DAY_AGREES)


def test_events_missing_on_the_server_and_unknown_to_the_till_are_named(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    server.totals = a_day(shop, clock)
    shop.end_of_day.close_day(DAY)
    gone = next(iter(server.held))
    server.hidden.add(gone)
    server.extra.append("9f0c7a52-0000-4000-8000-000000000001")

    report = shop.end_of_day.close_day(DAY)

    assert report.missing_on_server == (gone,)
    assert report.unknown_to_till == ("9f0c7a52-0000-4000-8000-000000000001",)
    assert not report.agrees
    assert any("не хранит 1 событий" in p for p in report.problems)
    assert any("токен кассы нужно заменить" in p for p in report.problems)
    assert day_status(report) == DAY_DISAGREES


def test_a_difference_is_said_in_words_and_the_servers_flags_say_who_does_what(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    ours = a_day(shop, clock)
    server.totals = replace(ours, points_earned=ours.points_earned - Points(1_50))
    server.flagged = [
        {
            "event_id": "e-1",
            "till": "T2",
            "type": "sale_completed",
            "occurred_at": minsk(2026, 11, 25, 11, 0).isoformat(),
            "flag": "price-mismatch,overspent",
            "subject": "sale-1",
        }
    ]

    report = shop.end_of_day.close_day(DAY)

    earned = next(row for row in report.rows if row.what == "Баллов начислено")
    assert (earned.agrees, earned.difference) == (False, "+1,50 б.")
    assert [p for p in report.problems if p.startswith("Баллов начислено")] == [
        f"Баллов начислено: на кассе {earned.till}, на сервере {earned.server}, разница "
        "+1,50 б. Сервер считает баллы по своему прайсу и правилам: смотрите отмеченные "
        "события ниже; для покупателей действует расчёт сервера."
    ]
    (note,) = report.flagged
    assert note.what_to_do == f"{WHAT_TO_DO[Flag.PRICE_MISMATCH]} {WHAT_TO_DO[Flag.OVERSPENT]}"
    assert note.occurred_at == minsk(2026, 11, 25, 11, 0)
    assert not report.agrees
    assert day_status(report) == DAY_DISAGREES
    assert shop.end_of_day.saved(DAY) == report


def test_an_unreachable_server_still_gives_the_tills_side_saved_and_says_what_to_do(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    ours = a_day(shop, clock)
    server.reachable = False

    report = shop.end_of_day.close_day(DAY)

    assert report.server_totals is None
    assert report.rows == ()
    assert report.till_totals == ours
    assert not report.agrees
    with shop.db.engine.connect() as conn:
        waiting = conn.execute(text("SELECT count(*) FROM outbox WHERE acked_at IS NULL"))
        # All but the day's own closing entry, queued after the report was made.
        assert report.unsent == waiting.scalar_one() - 1
    assert "нет связи с сервером" in report.unsent_why
    assert report.problems[0].startswith("Сверки с сервером не было: нет связи с сервером")
    assert "закройте день ещё раз" in report.problems[0]
    assert shop.end_of_day.saved(DAY) == report
    assert day_status(report) == DAY_UNREACHABLE
    assert "Сервер не ответил" in format_day_slip(report)


def test_a_day_answer_in_the_wrong_shape_counts_as_no_answer(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    a_day(shop, clock)
    server.broken_day = True

    report = shop.end_of_day.close_day(DAY)

    assert report.server_totals is None
    assert "не по протоколу" in report.problems[0]


def test_a_till_never_connected_closes_its_day_on_its_own_figures(
    tmp_path: Path, clock: ManualClock
) -> None:
    with stub_till(tmp_path / "alone", clock, None) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sell(till, {"HP-BT": 1})
        report = till.end_of_day.close_day(DAY)
    assert report.till_totals.receipts == 1
    assert report.server_totals is None
    assert report.unsent == 1
    assert "bonuspos configure" in report.unsent_why
    assert day_status(report) == DAY_UNREACHABLE


def test_a_day_never_closed_cannot_be_reprinted(shop: Till) -> None:
    from bonuspos.services.errors import NotFound

    with pytest.raises(NotFound, match="не сохранялся"):
        shop.end_of_day.saved(DAY)
    assert shop.end_of_day.saved_days() == ()


# --- the store's day on the till: Minsk's midnight, whatever the PC's own zone ------------


@pytest.fixture
def pc_in_another_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The PC set to Los Angeles: eleven hours behind Minsk, a day apart at midnight."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_sales_a_minute_either_side_of_minsk_midnight_fall_in_different_days(
    pc_in_another_zone: None, shop: Till, clock: ManualClock
) -> None:
    assert time.strftime("%Z") in ("PST", "PDT")
    clock.set(minsk(2026, 11, 25, 23, 59))
    late = sell(shop, {"HP-BT": 1})
    clock.set(minsk(2026, 11, 26, 0, 1))
    early = sell(shop, {"CB-USBC": 1})

    with UnitOfWork(shop.db.reading) as uow:
        first = uow.day.figures(DAY, "Europe/Minsk")
        second = uow.day.figures(DAY + timedelta(days=1), "Europe/Minsk")

    assert first.totals.revenue == {TenderKind.CASH: late.due}
    assert second.totals.revenue == {TenderKind.CASH: early.due}
    assert first.by_hour[23].sales == late.total
    assert second.by_hour[0].sales == early.total
    assert [e.type for e in first.events] == ["sale_completed"]
    assert [e.type for e in second.events] == ["sale_completed"]


# --- the parts on their own ----------------------------------------------------------------


def test_missing_counts_only_what_the_server_answered_for_and_unknown_what_the_till_lacks() -> None:
    events = [
        DayEvent("a", "sale_completed", "accepted"),
        DayEvent("b", "sale_completed", "duplicate"),
        DayEvent("c", "sale_completed", "rejected"),  # never held: not missing
        DayEvent("d", "sale_completed", "unsent"),  # not sent yet: unsent, not missing
        DayEvent("e", "audit_recorded", "accepted"),
    ]
    assert missing_on_server(events, ["a", "x"]) == ("b", "e")
    assert missing_on_server(events, ["a", "b", "e"]) == ()
    assert unknown_to_till(["a", "x", "y", "x"], {"a", "b"}) == ("x", "y")
    assert unknown_to_till([], set()) == ()


def test_every_flag_the_server_sends_has_its_own_practical_advice_in_russian() -> None:
    assert set(WHAT_TO_DO) == set(Flag)
    texts = [WHAT_TO_DO[flag] for flag in Flag]
    assert len(set(texts)) == len(texts)
    for advice in texts:
        assert re.search("[а-яА-Я]", advice)
        assert not re.search("[a-zA-Z]{4,}", advice.replace("bonuspos sync --once", ""))
        assert re.search(r"Менеджер|Кассир|ИТ|Действий не нужно", advice), advice
        assert len(advice) < 260  # read at a glance on the screen and the slip
    assert what_to_do("overspent") == WHAT_TO_DO[Flag.OVERSPENT]
    assert what_to_do("merged, merged") == WHAT_TO_DO[Flag.MERGED]
    assert what_to_do("no-such-flag") == UNKNOWN_FLAG


def test_the_day_slip_fits_42_columns_and_stops_the_eye_at_a_difference(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    ours = a_day(shop, clock)
    server.totals = replace(ours, money_back=ours.money_back + Money(1))
    report: DayReport = shop.end_of_day.close_day(DAY)

    slip = format_day_slip(report)

    lines = slip.splitlines()
    assert all(len(line) <= WIDTH for line in lines), [x for x in lines if len(x) > WIDTH]
    assert lines[0].strip() == "ИТОГИ ДНЯ"
    assert "25.11.2026" in lines[1]
    assert any(line.startswith("  РАЗНИЦА") and line.endswith("-0,01 BYN") for line in lines)
    assert "НЕ СХОДИТСЯ" in slip
    assert "б." in slip  # points as «баллы», the programme's word


def test_the_saved_json_is_plain_data_and_a_broken_one_is_refused(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    from bonuspos.domain.errors import InvalidInput

    server.totals = a_day(shop, clock)
    shop.end_of_day.close_day(DAY)
    path = shop.end_of_day.report_dir(DAY) / JSON_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["agrees"] is True
    assert data["day"] == "2026-11-25"
    assert isinstance(data["till_totals"]["revenue"]["cash"], int)  # kopecks, whole

    path.write_text("{", encoding="utf-8")
    with pytest.raises(InvalidInput, match="повреждён"):
        shop.end_of_day.saved(DAY)


def test_no_time_in_a_saved_report_is_naive(
    shop: Till, clock: ManualClock, server: StubServer
) -> None:
    server.totals = a_day(shop, clock)
    report = shop.end_of_day.saved(shop.end_of_day.close_day(DAY).day)
    assert report.made_at.utcoffset() is not None
    assert isinstance(report.made_at, datetime)
    assert os.environ.get("TZ") != "America/Los_Angeles"  # the zone fixture cleaned up


# --- `bonuspos end-of-day` --------------------------------------------------------------------


def test_the_command_prints_the_tills_side_saves_it_and_exits_1_with_no_server(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bonuspos.cli import main
    from bonuspos.sync import config as sync_config
    from bonuspos.sync.config import SyncConfig
    from tests.server.live import free_port

    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(tmp_path / "config"))
    sync_config.save(SyncConfig(f"http://127.0.0.1:{free_port()}", "S1", "T1", "bpt_x"))
    with stub_till(tmp_path / "till", clock, None) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sell(till, {"HP-BT": 1})
    argv = ["end-of-day", "--date", DAY.isoformat(), "--data-dir", str(tmp_path / "till")]

    assert main(argv) == DAY_UNREACHABLE

    out = capsys.readouterr().out
    assert re.search(r"^Чеков продажи +\| +1 \| нет связи", out, re.M)
    assert "ПРОБЛЕМА: Сверки с сервером не было: нет связи с сервером" in out
    assert f"Сохранено: {tmp_path / 'till' / 'reports' / '2026-11-25' / CSV_NAME}" in out
    assert main(["end-of-day", "--date", "25.11.2026", "--data-dir", str(tmp_path / "till")]) == 2
    assert "ГГГГ-ММ-ДД" in capsys.readouterr().err
