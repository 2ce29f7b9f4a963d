"""Pulling the changes feed into the till's cache: cards with balances, the catalog, the policy.

Page by page from the saved cursor; each page and the cursor after it are written in one
transaction, so an interrupted fill resumes where it stopped and never applies a page
twice. A new policy takes effect when the till next starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

from bonuspos.domain.policy import DEFAULT_POLICY, Policy
from bonuspos.domain.staff import KdfParams, PinRecord, Role, check_name
from bonuspos.ledger.cache import ServerCard
from bonuspos.ledger.db import Database
from bonuspos.ledger.repositories import POLICY_SETTING, PRICE_LIST_SETTING
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import ChangesPage, CustomerChange, StaffChange
from bonuspos.sync.client import ServerClient
from bonuspos.sync.status import CURSOR

PAGE = 5_000  # the server's largest page


@dataclass(frozen=True, slots=True)
class Pulled:
    pages: int = 0
    customers: int = 0
    products: int = 0
    policy: int | None = None  # the version received, if one was


def pull_all(
    db: Database,
    client: ServerClient,
    now: Callable[[], datetime],
    *,
    page_size: int = PAGE,
    progress: Callable[[Pulled], None] | None = None,
) -> Pulled:
    done = Pulled()
    with UnitOfWork(db.reading) as uow:
        cursor = uow.settings.get(CURSOR)
    # The next page is fetched while this one is written: a first fill of a million
    # cards takes as long as the slower of the two, not their sum.
    with ThreadPoolExecutor(1, thread_name_prefix="bonuspos-pull") as fetcher:
        page = client.changes(cursor, page_size)
        while True:
            following = (
                fetcher.submit(client.changes, page["cursor"], page_size)
                if page["has_more"]
                else None
            )
            done = _store(db, page, now(), done)
            if progress is not None:
                progress(done)
            if following is None:
                return done
            page = following.result()


def _store(db: Database, page: ChangesPage, at: datetime, done: Pulled) -> Pulled:
    body = page.get("policy")
    policy = Policy.from_dict(body) if body else None
    today = (policy or DEFAULT_POLICY).store_day(at)
    with UnitOfWork(db.writing) as uow:
        products = page["products"]
        uow.catalog.store(
            [
                {k: product[k] for k in ("sku", "name", "price", "points", "promotional")}
                for product in products
            ],
            [
                {"code": code, "sku": product["sku"]}
                for product in products
                for code in product["barcodes"]
            ],
        )
        mine = uow.cache.unanswered(today)
        # The till's own unanswered points stay on top of the server's figures.
        uow.cache.store([_card(raw) for raw in page["customers"]], at, mine)
        for person in page.get("staff", []):
            _store_staff(uow, person)
        if policy is not None:
            uow.settings.set(POLICY_SETTING, json.dumps(policy.to_dict()))
        if page.get("price_list"):
            uow.settings.set(PRICE_LIST_SETTING, str(page["price_list"]))
        uow.settings.set(CURSOR, page["cursor"])
        uow.commit()
    return Pulled(
        done.pages + 1,
        done.customers + len(page["customers"]),
        done.products + len(page["products"]),
        policy.version if policy else done.policy,
    )


def _store_staff(uow: UnitOfWork, raw: StaffChange) -> None:
    """A person of this till's store: the PIN's verifier, never the key, and any lockout
    another till of the store reported."""
    pin = PinRecord(raw["kdf"], raw["verifier"])
    KdfParams.decode(pin.kdf)  # a record a till could never check is refused whole
    locked = raw.get("locked_until")
    uow.staff.store_from_server(
        raw["staff_id"],
        check_name(raw["full_name"]),
        Role(raw["role"]),
        bool(raw["active"]),
        pin,
        datetime.fromisoformat(locked) if locked else None,
    )


def _card(raw: CustomerChange) -> ServerCard:
    return ServerCard(
        uid=raw["uid"],
        phone=raw["phone"],
        full_name=raw["full_name"],
        total=raw["total"],
        pending={date.fromisoformat(day): points for day, points in raw["pending"]},
        aliases=tuple(raw["aliases"]),
        plastic_cards=tuple(raw["plastic_cards"]),
        erased=bool(raw.get("erased", False)),
    )
