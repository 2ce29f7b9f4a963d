"""HQ keeps customer records right on the server; a till learns each from its next pull.

A till signs customers up and sells to them, and syncs. HQ then merges two cards of one
person, gives a card a new phone, blocks a lost plastic card and erases a customer on
request. After one more pull the till finds the merged card with both balances, does
not find the old phone or the lost card, and holds nothing that names the erased person.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.receipt_code import receipt_code
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from bonuspos_server.admin.cli import main
from tests.support import sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL


def hq(central: Central, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    url = central.db.engine.url.render_as_string(hide_password=False)
    code = main(["--database-url", url, "customer", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def sign_up(shop: Till, name: str, phone: str, plastic: str = "", email: str = "") -> CardView:
    return shop.registration.register(CustomerForm(name, phone, True, True, email), plastic)


def every_row(path: Path) -> str:
    """Every row of every table of the till's database, as text."""
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"')
        )


def test_a_synced_till_learns_merges_new_phones_blocked_cards_and_erasures(
    central: Central, shop: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    config = central.new_till()
    keep = sign_up(shop, "Ковалёва Дарья", "+375 29 555-08-01")
    other = sign_up(shop, "Ковалёва Дарья", "+375 29 555-08-02")
    moving = sign_up(shop, "Зайцева Ирина", "+375 29 555-08-03", plastic="2000000000046")
    gone = sign_up(shop, "Громова Вера", "+375 29 555-08-05", email="gromova@example.by")
    sold = {
        card.customer_uid: sell(shop, codes, card=card)
        for card, codes in ((keep, {"HP-BT": 1}), (other, {"TV-55Q": 1}), (gone, {"HP-BT": 2}))
    }
    sync(shop, config)
    before = {card.customer_uid: shop.lookup.find(str(card.phone.e164)) for card in (keep, other)}
    both = sum((c.balance.pending for c in before.values() if c), Points(0))
    assert both.minor > 0

    printed = [
        hq(central, capsys, "merge", keep.customer_uid, other.customer_uid),
        hq(central, capsys, "change-phone", "295550803", "+375 29 555-08-04"),
        hq(central, capsys, "block-card", "295550804", "2000000000046"),
        hq(central, capsys, "issue-card", "295550804", "2000000000053"),
        hq(central, capsys, "erase", "295550805"),
    ]
    sync(shop, config)

    merged = shop.lookup.find("295550801")
    assert merged is not None
    assert merged.customer_uid == keep.customer_uid
    assert merged.balance.pending == both
    assert shop.lookup.find("295550802") is None

    assert shop.lookup.find("295550803") is None
    moved = shop.lookup.find("295550804")
    assert moved is not None
    assert moved.customer_uid == moving.customer_uid
    assert shop.lookup.find("2000000000046") is None
    found = shop.lookup.find("2000000000053")
    assert found is not None
    assert found.customer_uid == moving.customer_uid

    assert shop.lookup.find("295550805") is None
    held = every_row(shop.db.path)
    for named in ("Громова", "Вера", "295550805", "555-08-05", "gromova@"):
        assert named not in held, named
    assert "Ковалёва" in held  # the other customers are still there, by name
    logs = central.server.log.read_text(encoding="utf-8") + "".join(printed)
    for named in ("Громова", "295550805", "gromova@"):
        assert named not in logs, named  # the server's log, and what HQ's commands printed
    # Their sale is still the till's, for a return: it names no card now.
    sale = shop.returns.find(receipt_code(sold[gone.customer_uid].sale_id))
    assert sale.card is None
    assert sale.number == sold[gone.customer_uid].number


def test_a_number_passed_from_one_card_to_another_moves_on_the_till_in_one_pull(
    central: Central, shop: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    config = central.new_till()
    first = sign_up(shop, "Орлова Нина", "+375 29 555-09-01")
    second = sign_up(shop, "Орлов Пётр", "+375 29 555-09-02")
    sync(shop, config)
    # The first card gives up its number, the second takes it, and the first changes
    # again: the feed then brings the second card before the first.
    hq(central, capsys, "change-phone", "295550901", "295550903")
    hq(central, capsys, "change-phone", "295550902", "295550901")
    hq(central, capsys, "change-phone", "295550903", "295550904")
    sync(shop, config)

    took = shop.lookup.find("295550901")
    assert took is not None
    assert took.customer_uid == second.customer_uid
    moved = shop.lookup.find("295550904")
    assert moved is not None
    assert moved.customer_uid == first.customer_uid
    assert shop.lookup.find("295550902") is None
    assert shop.lookup.find("295550903") is None
