"""The event fuzzer's material: real tills' outboxes, and a server to post them to.

`build_pool()` runs real `bonuspos.services.Till`s in temporary folders against a server
of its own: the office signs customers up and gives them opening balances, each till
pulls the cards, then sells offline for days (cards and none, points spent, every tender
and channel, a discounted line, sign-ups, full, partial and repeated partial returns).
Their outboxes, turned into wire events by the sync code itself, are the honest streams
the mutations start from.

`fuzz_server()` is the server the mutated streams go to (the FastAPI app in-process, on
SQLite or PostgreSQL) with the same tills, price list and clock; `reset()` empties it back
to what `setup()` left: the office's customers and their opening balances.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select, text, update

from bonuspos import paths
from bonuspos.domain.cart import Cart, Channel, Tender, TenderKind
from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger.models import OutboxEvent
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services import events
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.services.views import CardView, Receipt
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.pull import pull_all
from bonuspos.sync.push import _protocol
from bonuspos_server.admin import commands as admin
from bonuspos_server.admin import corrections
from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.data.models import Customer
from bonuspos_server.data.models import Till as ServerTill
from bonuspos_server.settings import Settings
from bonuspos_server.web.app import create_app
from tests import support
from tests.server.live import add_tills
from tests.support import MINSK, RELEASED_LONG_AGO

Event = dict[str, Any]

# The server's clock in every run: tills sell on the days before it.
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=MINSK)
TODAY: date = DEFAULT_POLICY.store_day(NOW)
INSTALLED = NOW - timedelta(days=30)  # when every till was registered on the server
OFFICE = "OFFICE"  # the office's own till: its customers and their opening balances
STORES = {"S1": (OFFICE, "T1", "T2"), "S2": ("T3",)}
TILLS = ("T1", "T2", "T3")  # the tills whose streams are fuzzed
STORE_OF = {till: store for store, tills in STORES.items() for till in tills}
# Tables that hold the server's configuration rather than what tills sent it.
KEPT = {
    "stores",
    "tills",
    "policies",
    "products",
    "price_lists",
    "product_prices",
    "feed_counter",
    "alembic_version",
}


@dataclass(frozen=True)
class Opening:
    """An office customer's opening balance (from the old card system)."""

    customer_uid: str
    points: int
    at: datetime
    adjustment_id: str
    event_id: str
    seq: int


@dataclass
class Pool:
    """Every honest event, by till, and what the mutations need to know about them."""

    office: list[Event]  # the office's customer registrations
    openings: list[Opening]
    streams: dict[str, list[Event]]  # till code → its outbox, in seq order
    cards: list[str] = field(default_factory=list)  # every customer uid
    sales: dict[str, Event] = field(default_factory=dict)  # sale_id → sale_completed payload

    def __post_init__(self) -> None:
        for event in [*self.office, *(e for s in self.streams.values() for e in s)]:
            payload = event["payload"]
            if event["type"] == "customer_registered":
                self.cards.append(payload["customer_uid"])
            if event["type"] == "sale_completed":
                self.sales[payload["sale_id"]] = payload


@dataclass
class FuzzServer:
    """The server under test, as tills reach it: tokens by till code, a fixed clock."""

    db: ServerDatabase
    client: TestClient
    tokens: dict[str, str]
    tables: list[str]  # what reset() empties, children first
    baseline: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def post(self, sender: str, events: list[Event], names: str | None = None) -> httpx.Response:
        """POST a batch with `sender`'s token; the batch names `names` (default: the sender)."""
        named = names or sender
        body = {"store": STORE_OF[named], "till": named, "events": events}
        answer: httpx.Response = self.client.post(
            "/v1/events", json=body, headers={"Authorization": f"Bearer {self.tokens[sender]}"}
        )
        return answer

    def setup(self, pool: Pool) -> None:
        """The office's customers and their opening balances: what reset() goes back to."""
        self.baseline = {}
        self.reset()
        answer = self.post(OFFICE, pool.office)
        assert answer.status_code == 200, answer.text
        assert all(r["status"] == "accepted" for r in answer.json()["results"]), answer.text
        open_balances(self, pool.openings)
        with self.db.engine.connect() as conn:
            # Raw rows, as the driver gives them: written back as they were read.
            self.baseline = {
                name: [dict(row._mapping) for row in conn.execute(text(f"SELECT * FROM {name}"))]
                for name in self.tables
            }

    def reset(self) -> None:
        """Back to the tills, price list and policy, with what setup() left (if it ran)."""
        with self.db.engine.begin() as conn:
            for name in self.tables:
                conn.execute(text(f"DELETE FROM {name}"))
            for name in reversed(self.tables):
                rows = self.baseline.get(name)
                if rows:
                    columns = list(rows[0])
                    conn.execute(
                        text(
                            f"INSERT INTO {name} ({', '.join(columns)})"
                            f" VALUES ({', '.join(':' + c for c in columns)})"
                        ),
                        rows,
                    )
            # The office sends no ledger hashes: no till has a chain after setup().
            conn.execute(update(ServerTill).values(chain_head=None))


def open_balances(server: FuzzServer, openings: list[Opening]) -> None:
    """Opening balances, as HQ gives them (`bonuspos-server adjust`): tills cannot."""
    with server.db.sessions() as session, session.begin():
        for o in openings:
            phone = session.execute(
                select(Customer.phone).where(Customer.uid == o.customer_uid)
            ).scalar_one()
            corrections.adjust(
                session,
                phone,
                Points(o.points),
                "начальный баланс из старой системы карт",
                os_user="hq",
                by_name=None,
                limit=Points(o.points),
                now=o.at,
            )


@contextmanager
def fuzz_server(url: str) -> Iterator[FuzzServer]:
    """A fresh server on `url` with the chain's tills, the demo price list and NOW's clock."""
    db = open_server_database(url)
    try:
        tokens: dict[str, str] = {}
        for store, tills in STORES.items():
            tokens |= add_tills(db, store, tills)
        with db.sessions() as session, session.begin():
            session.execute(update(ServerTill).values(registered_at=INSTALLED))
            admin.import_catalog(session, argparse.Namespace(csv=paths.demo_catalog()))
        meta = MetaData()
        meta.reflect(db.engine)
        tables = [t.name for t in reversed(meta.sorted_tables) if t.name not in KEPT]
        settings = Settings(url, clock=lambda: NOW, rate_per_second=1e9, rate_burst=10**9)
        with TestClient(create_app(db, settings)) as client:
            yield FuzzServer(db, client, tokens, tables)
    finally:
        db.dispose()


# --- the honest streams ------------------------------------------------------------------

MOST = -1  # spend the most points the till offers (F6)


def _at(day: int, hour: int) -> datetime:
    """`day` days before NOW's store day, at `hour` in Minsk."""
    base = datetime.combine(TODAY - timedelta(days=day), datetime.min.time(), MINSK)
    return base + timedelta(hours=hour)


def ring(
    till: Till,
    items: dict[str, int],
    card: CardView | None = None,
    *,
    spend: int = 0,
    kind: TenderKind = TenderKind.CASH,
    channel: Channel = Channel.IN_STORE,
    order_ref: str = "",
    discount: dict[str, int] | None = None,
) -> Receipt:
    """Ring up `items` (sku → units) as a cashier would, and complete the sale."""
    cart = Cart()
    for sku, units in items.items():
        line = till.catalog.find(sku).line(units)
        if discount and sku in discount:
            line = replace(line, discount=Money(discount[sku]))
        cart = cart.add(line)
    uid = card.customer_uid if card else None
    points = till.checkout.quote(cart, uid, [kind]).quote.cap if spend == MOST else Points(spend)
    due = cart.total - points.as_money()
    tenders = (Tender(kind, due),) if due.minor > 0 else ()
    request = SaleRequest(
        new_sale_id(), cart, tenders, points, uid, channel=channel, order_ref=order_ref
    )
    return till.checkout.complete(request)


def give_back(till: Till, receipt: Receipt, lines: dict[int, int]) -> None:
    support.give_back(till, receipt.sale_id, lines)


def card(till: Till, phone: str) -> CardView:
    found = till.lookup.find(phone)
    assert found is not None, phone
    return found


def sign_up(till: Till, name: str, phone: str, plastic: str = "") -> CardView:
    return till.registration.register(CustomerForm(name, phone, True, True), plastic)


OFFICE_CUSTOMERS = (  # phone, name, opening balance
    ("+375 29 700-00-01", "Петрова Анна", 300_00),
    ("+375 29 700-00-02", "Сидоров Илья", 120_00),
    ("+375 44 700-00-03", "Орлова Вера", 40_00),
    ("+375 25 700-00-04", "Жуков Олег", 0),
)
C1, C2, C3, C4 = (phone for phone, _, _ in OFFICE_CUSTOMERS)


def _till_one(t: Till, clock: ManualClock) -> None:
    clock.set(_at(4, 10))
    with_c1 = ring(t, {"TV-55Q": 1, "HP-BT": 1}, card(t, C1), spend=MOST)  # the offline limit
    ring(t, {"KT-1.7": 2})  # no card
    olga = sign_up(t, "Новикова Ольга", "+375 29 700-00-11")
    ring(t, {"TV-55Q": 1}, olga)  # earns 75,00, usable tomorrow
    mixed = ring(t, {"HP-BT": 3, "CB-USBC": 2, "VC-ROB": 1}, card(t, C2), spend=30_00)
    give_back(t, mixed, {1: 1})
    clock.set(_at(3, 11))
    ring(t, {"LP-14": 1}, card(t, "+375 29 700-00-11"), spend=MOST)  # yesterday's points
    give_back(t, mixed, {1: 1})
    give_back(t, mixed, {1: 1})  # the line is back in full, in three steps
    give_back(t, mixed, {2: 2, 3: 1})
    give_back(t, with_c1, {1: 1, 2: 1})
    ring(t, {"PH-A15": 1}, card(t, C3), kind=TenderKind.INSTALLMENT_CARD)  # earns nothing
    clock.set(_at(0, 13))
    pending = ring(t, {"PH-A15": 1, "SD-64": 2}, card(t, "+375 29 700-00-11"))
    give_back(t, pending, {2: 1})  # taken from pending points


def _till_two(t: Till, clock: ManualClock) -> None:
    clock.set(_at(4, 12))
    ring(t, {"PB-10K": 2}, card(t, C1), spend=MOST)
    web = ring(t, {"MW-20": 1}, card(t, C4), channel=Channel.WEB_PICKUP, order_ref="W-1001")
    cut = ring(t, {"MW-20": 1, "SD-64": 1}, card(t, C4), discount={"MW-20": 20_00})
    ring(t, {"KT-1.7": 1}, card(t, C2), channel=Channel.PHONE, kind=TenderKind.BANK_CARD)
    clock.set(_at(3, 12))
    ring(t, {"TV-55Q": 1}, card(t, C1), spend=MOST, kind=TenderKind.BANK_CARD)
    give_back(t, web, {1: 1})
    give_back(t, cut, {1: 1})


def _till_three(t: Till, clock: ManualClock) -> None:
    clock.set(_at(4, 9))
    pavel = sign_up(t, "Козлов Павел", "+375 33 700-00-33", plastic="2000000000022")
    ring(t, {"LP-14": 1}, pavel)  # earns 66,00
    ring(t, {"PH-A15": 1}, card(t, C3), spend=MOST)  # the whole opening balance
    clock.set(_at(1, 16))
    three = ring(t, {"SD-64": 3, "HP-BT": 1}, card(t, "2000000000022"), spend=MOST)
    give_back(t, three, {1: 2})
    give_back(t, three, {1: 1, 2: 1})


SCRIPTS: dict[str, Callable[[Till, ManualClock], None]] = {
    "T1": _till_one,
    "T2": _till_two,
    "T3": _till_three,
}


def _office(at: datetime) -> tuple[list[Event], list[Opening]]:
    registered: list[Event] = []
    openings: list[Opening] = []
    for seq, (phone, name, _) in enumerate(OFFICE_CUSTOMERS, 1):
        uid = str(uuid.uuid4())
        payload = events.customer_registered(
            uid, accept(CustomerForm(name, phone, True, True)), at, None
        )
        envelope = {"event_id": str(uuid.uuid4()), "seq": seq, "occurred_at": at.isoformat()}
        registered.append({**envelope, "type": "customer_registered", "payload": payload})
    for (_, _, points), signed_up in zip(OFFICE_CUSTOMERS, registered, strict=True):
        if points:
            seq = len(registered) + len(openings) + 1
            uid = signed_up["payload"]["customer_uid"]
            openings.append(Opening(uid, points, at, str(uuid.uuid4()), str(uuid.uuid4()), seq))
    return registered, openings


def build_pool(folder: Path) -> Pool:
    """Real tills sell on cards the office opened; their outboxes are the honest streams."""
    office, openings = _office(_at(7, 9))
    streams: dict[str, list[Event]] = {}
    with fuzz_server(f"sqlite:///{folder / 'pool.sqlite3'}") as server:
        server.setup(Pool(office, openings, {}))
        transport = server.client._transport
        for code, script in SCRIPTS.items():
            clock = ManualClock(_at(4, 8))
            with Till(folder / code, clock, released=RELEASED_LONG_AGO) as till:
                till.catalog.load_csv(paths.demo_catalog())
                config = SyncConfig("http://testserver", STORE_OF[code], code, server.tokens[code])
                with ServerClient(config, transport=transport) as client:
                    pull_all(till.db, client, clock.now)  # the office's cards, with balances
                script(till, clock)
                with UnitOfWork(till.db.reading) as uow:
                    rows = uow.session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))
                    streams[code] = [_protocol(row) for row in rows]
    return Pool(office, openings, streams)
