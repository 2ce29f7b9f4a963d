"""`bonuspos demo --text` walks through the programme and shows each rule at work."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos.cli import main


def test_the_demo_shows_earning_refusal_the_same_day_and_spending_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--text", "--data-dir", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "Карта оформлена: Иванова Анна Сергеевна, +375 29 ***-**-67" in out
    assert "Начислено                         76,20 б." in out
    assert "отказ: Списать можно не больше 0,00 б." in out
    assert "Можно списать: 44,70 б. — 30% от суммы товаров без акций" in out
    assert "Оплачено баллами                    -44,70" in out
    slip_cards = [line for line in out.splitlines() if line.startswith("Карта ")]
    assert slip_cards
    assert all("***-**-67" in line for line in slip_cards)


def test_the_demo_servers_opening_balances_are_hq_corrections_not_till_events(
    tmp_path: Path,
) -> None:
    from sqlalchemy import select

    from bonuspos.demo import server
    from bonuspos_server.data.db import open_server_database
    from bonuspos_server.data.models import Adjustment, Customer, Event

    central = server.start(tmp_path / "server")
    central.stop()
    db = open_server_database(f"sqlite:///{tmp_path / 'server' / 'server.sqlite3'}")
    try:
        with db.sessions() as session:
            kinds = set(session.scalars(select(Event.type)))
            given = session.execute(
                select(Customer.phone, Adjustment.points, Adjustment.reason)
                .join(Customer, Customer.id == Adjustment.customer_id)
                .where(Adjustment.event_id.is_(None))
            ).all()
            totals = {
                phone: total
                for phone, total in session.execute(select(Customer.phone, Customer.total))
            }
    finally:
        db.dispose()
    assert kinds == {"customer_registered"}  # no till minted points
    assert ("+375291112233", 150_00, "демо: начальный баланс") in given
    assert totals["+375255551234"] == 980_00
    assert totals["+375336543210"] == 0
