"""The till's cache from the changes feed: a first fill of many pages, resumable; refreshes.

A real server on loopback; the cards are put in its database as the chain's own import or
another store's sales would leave them, each with its place in the feed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ColumnElement, select, update

from bonuspos import paths
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger import custody
from bonuspos.ledger import models as till_models
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient, ServerUnavailable
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.pull import Pulled, pull_all
from bonuspos.sync.status import CURSOR
from bonuspos_server.data.models import Customer, CustomerAlias, PendingPoints, PlasticCard
from bonuspos_server.feeds.changes import next_feed_position
from tests.support import MINSK, sell
from tests.sync.conftest import Central, sync

CARDS = 230
PAGE = 50


def phone_of(n: int) -> str:
    return f"+37533{n:07d}"


def plastic_of(n: int) -> str:
    body = f"2{n:011d}"
    odd, even = sum(map(int, body[0::2])), sum(map(int, body[1::2]))
    return body + str((10 - (odd + 3 * even) % 10) % 10)


@pytest.fixture(scope="module")
def chain(central: Central) -> list[dict[str, Any]]:
    """CARDS customers on the server: every third with points becoming active tomorrow,
    every fifth with a plastic card, every seventh known under a second (merged) uid."""
    tomorrow = DEFAULT_POLICY.store_day(datetime.now(MINSK)) + timedelta(days=1)
    cards = []
    with central.db.sessions() as session, session.begin():
        position = next_feed_position(session)
        for n in range(1, CARDS + 1):
            pending = 5_00 + n if n % 3 == 0 else 0
            customer = Customer(
                uid=str(uuid.uuid4()),
                phone=phone_of(n),
                full_name=f"Ковалёва{n:03d} Мария",
                rules_version=1,
                registered_at=datetime.now(MINSK),
                total=100_00 + n + pending,
                change_seq=position,
            )
            session.add(customer)
            session.flush()
            if pending:
                session.add(
                    PendingPoints(customer_id=customer.id, active_from=tomorrow, points=pending)
                )
            if n % 5 == 0:
                session.add(PlasticCard(number=plastic_of(n), customer_id=customer.id))
            if n % 7 == 0:
                session.add(CustomerAlias(uid=str(uuid.uuid4()), customer_id=customer.id))
            cards.append({"n": n, "uid": customer.uid, "active": 100_00 + n, "pending": pending})
    return cards


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    with Till(tmp_path / "till", ManualClock(datetime.now(MINSK))) as opened:
        yield opened


class Interrupted(ServerClient):
    """The network goes away after `pages` pages of the feed."""

    def __init__(self, config: SyncConfig, pages: int) -> None:
        super().__init__(config)
        self.asked: list[str | None] = []
        self._pages = pages

    def changes(self, cursor: str | None, limit: int) -> dict[str, Any]:
        self.asked.append(cursor)
        if len(self.asked) > self._pages:
            raise ServerUnavailable("нет связи с сервером (ConnectError)")
        return super().changes(cursor, limit)


def change_on_server(central: Central, which: ColumnElement[bool], **values: Any) -> None:
    """Change a card as the server's own use cases do: with the next place in the feed."""
    with central.db.sessions() as session, session.begin():
        session.execute(
            update(Customer).where(which).values(**values, change_seq=next_feed_position(session))
        )


def local_cards(till: Till) -> int:
    with UnitOfWork(till.db.reading) as uow:
        return len(uow.session.execute(select(till_models.Customer.id)).all())


def test_a_new_till_fills_every_card_page_by_page_and_reports_progress(
    central: Central, chain: list[dict[str, Any]], till: Till
) -> None:
    config = central.new_till()
    seen: list[Pulled] = []
    with ServerClient(config) as client:
        pulled = pull_all(till.db, client, till.clock.now, page_size=PAGE, progress=seen.append)

    assert pulled.customers == CARDS
    assert pulled.pages == len(seen) >= CARDS // PAGE
    assert [p.customers for p in seen] == sorted(p.customers for p in seen)
    assert local_cards(till) == CARDS
    for card in chain:
        found = till.lookup.find(phone_of(card["n"]))
        assert found is not None
        assert found.full_name == f"Ковалёва{card['n']:03d} Мария"
        assert found.balance.active.minor == card["active"]
        assert found.balance.pending.minor == card["pending"]
        if card["n"] % 5 == 0:
            by_plastic = till.lookup.find(plastic_of(card["n"]))
            assert by_plastic is not None
            assert by_plastic.customer_uid == found.customer_uid
    assert [c.full_name for c in till.lookup.search("ковалева042").cards] == ["Ковалёва042 Мария"]


def catalog_rows() -> list[str]:
    """The products of the server's catalog (the demo price list), one line each."""
    return paths.demo_catalog().read_text(encoding="utf-8").splitlines()[1:]


def test_an_interrupted_fill_resumes_at_its_cursor_and_stores_no_card_twice(
    central: Central, chain: list[dict[str, Any]], till: Till
) -> None:
    config = central.new_till()
    with Interrupted(config, pages=2) as client, pytest.raises(ServerUnavailable):
        pull_all(till.db, client, till.clock.now, page_size=PAGE)
    # Each page was written whole, with its cursor; the first began with the catalog.
    first_two = 2 * PAGE - len(catalog_rows())
    assert local_cards(till) == first_two
    with UnitOfWork(till.db.reading) as uow:
        saved = uow.settings.get(CURSOR)

    with Interrupted(config, pages=1_000) as client:
        pulled = pull_all(till.db, client, till.clock.now, page_size=PAGE)

    assert client.asked[0] == saved
    assert pulled.customers == CARDS - first_two
    assert local_cards(till) == CARDS


def test_a_card_changed_on_the_server_is_refreshed_in_place(
    central: Central, chain: list[dict[str, Any]], till: Till
) -> None:
    config = central.new_till()
    with ServerClient(config) as client:
        pull_all(till.db, client, till.clock.now)
    before = till.lookup.find(phone_of(11))
    assert before is not None

    change_on_server(
        central,
        Customer.uid == chain[10]["uid"],
        full_name="Ковалёва-Счастливая Мария",
        phone="+375297770011",
        total=Customer.total + 7_00,
    )
    with ServerClient(config) as client:
        pulled = pull_all(till.db, client, till.clock.now)

    assert pulled.customers == 1
    assert local_cards(till) == CARDS
    assert till.lookup.find(phone_of(11)) is None
    after = till.lookup.find("+375 29 777-00-11")
    assert after is not None
    assert after.customer_uid == before.customer_uid
    assert after.balance.active.minor == before.balance.active.minor + 7_00
    assert till.lookup.search("ковалева011").cards == ()
    assert [c.phone.e164 for c in till.lookup.search("счастливая").cards] == ["+375297770011"]


def test_the_tills_own_unsent_points_stay_on_top_of_the_servers_figures(
    central: Central, chain: list[dict[str, Any]], till: Till
) -> None:
    config = central.new_till()
    with ServerClient(config) as client:
        pull_all(till.db, client, till.clock.now)
    till.catalog.load_csv(paths.demo_catalog())
    card = till.lookup.find(phone_of(3))
    assert card is not None
    receipt = sell(till, {"TV-55Q": 1}, card=card)  # waits in the outbox, unsent
    assert receipt.earned.minor > 0

    change_on_server(central, Customer.uid == chain[2]["uid"], total=Customer.total + 1_00)
    with ServerClient(config) as client:
        pull_all(till.db, client, till.clock.now)

    after = till.lookup.find(phone_of(3))
    assert after is not None
    assert after.balance.active.minor == chain[2]["active"] + 1_00
    assert after.balance.pending.minor == chain[2]["pending"] + receipt.earned.minor


def test_a_card_the_till_made_and_the_server_merged_stays_one_card(
    central: Central, chain: list[dict[str, Any]], till: Till
) -> None:
    config = central.new_till()
    sync(till, config)  # the whole chain
    with central.db.sessions() as session, session.begin():
        merged = session.execute(select(CustomerAlias.uid, Customer.phone).join(Customer)).first()
    assert merged is not None
    # The till knew this card under the uid the server later kept as an alias.
    with UnitOfWork(till.db.writing) as uow:
        uow.session.execute(
            update(till_models.Customer)
            .where(till_models.Customer.phone == custody.current().phone_key(merged.phone))
            .values(uid=merged.uid)
        )
        uow.commit()
    change_on_server(central, Customer.phone == merged.phone)

    sync(till, config)

    assert local_cards(till) == CARDS
    card = till.lookup.find(merged.phone)
    assert card is not None
    assert card.customer_uid == merged.uid
