"""Two tills, one reassigned phone: a newcomer's points wait on a held card until HQ decides.

Till A signs up Иванова Анна and syncs. Till B, offline, signs up Петрова Мария on the
same number (it passed to her) and sells her a TV. B syncs: the sign-up is accepted and
held, Иванова's card keeps only her own points, and HQ gives the phone to Петрова or
joins the two cards, after which server and tills find the phone's holder with her points.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bonuspos import paths
from bonuspos.domain.card import Phone
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.config import SyncConfig
from bonuspos_server.admin.cli import main
from bonuspos_server.data.models import Event
from bonuspos_server.data.models import Till as ServerTill
from tests.support import MINSK, sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL

_NUMBERS = itertools.count(1)


@dataclass
class Shops:
    a: Till
    b: Till
    config_a: SyncConfig
    config_b: SyncConfig
    phone: str  # E.164, new to the server in each test


@pytest.fixture
def shops(central: Central, tmp_path: Path) -> Iterator[Shops]:
    now = datetime.now(MINSK)
    a, b = central.new_till(timedelta(days=3)), central.new_till(timedelta(days=3))
    with (
        Till(tmp_path / "a", ManualClock(now)) as till_a,
        Till(tmp_path / "b", ManualClock(now)) as till_b,
    ):
        for till in (till_a, till_b):
            till.catalog.load_csv(paths.demo_catalog())
        yield Shops(till_a, till_b, a, b, f"+37529555{next(_NUMBERS):04d}")


@dataclass(frozen=True)
class Story:
    anna_uid: str
    newcomer_uid: str  # as till B knows her
    anna_points: int  # what Иванова earned at till A
    newcomer_points: int  # what the newcomer earned at till B


def newcomer_signs_up_offline(shops: Shops, name: str) -> Story:
    """A signs up Иванова, sells her headphones and syncs; B, which has never synced, signs
    up `name` on the same phone, sells a TV on that card, then syncs."""
    anna = shops.a.registration.register(CustomerForm("Иванова Анна", shops.phone, True, True))
    anna_points = sell(shops.a, {"HP-BT": 1}, card=anna).earned.minor
    sync(shops.a, shops.config_a)
    newcomer = shops.b.registration.register(CustomerForm(name, shops.phone, True, True))
    newcomer_points = sell(shops.b, {"TV-55Q": 1}, card=newcomer).earned.minor
    sync(shops.b, shops.config_b)
    return Story(anna.customer_uid, newcomer.customer_uid, anna_points, newcomer_points)


def server_card(central: Central, shops: Shops) -> Any:
    answer = httpx.get(
        f"{central.server.base_url}/v1/customers/{shops.phone}",
        headers={"Authorization": f"Bearer {shops.config_a.token}"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def sign_up_flag(central: Central, config: SyncConfig) -> str | None:
    """The flag the server answered a till's sign-up with."""
    with central.db.sessions() as session:
        return session.execute(
            select(Event.flag)
            .join(ServerTill, ServerTill.id == Event.till_id)
            .where(ServerTill.code == config.till, Event.type == "customer_registered")
        ).scalar_one()


def hq(central: Central, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """`bonuspos-server --database-url URL …` as HQ runs it: what it printed."""
    url = central.db.engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    assert main(["--database-url", url, *args]) == 0
    return capsys.readouterr().out


def test_a_reassigned_phone_holds_the_newcomers_points_until_hq_gives_her_the_phone(
    central: Central, shops: Shops, capsys: pytest.CaptureFixture[str]
) -> None:
    story = newcomer_signs_up_offline(shops, "Петрова Мария")

    assert sign_up_flag(central, shops.config_b) == "phone-conflict"
    holder = server_card(central, shops)
    assert (holder["customer_uid"], holder["full_name"]) == (story.anna_uid, "Иванова Анна")
    assert holder["active"] + holder["pending"] == story.anna_points  # hers alone
    listing = hq(central, capsys, "conflicts")
    [line] = [line for line in listing.splitlines() if story.newcomer_uid in line]
    masked = Phone(shops.phone).masked()
    held = Points(story.newcomer_points).number()
    for shown in (masked, "Иванова Анна", "Петрова Мария", f"held points: {held}"):
        assert shown in line
    assert f"S1/{shops.config_b.till}" in line
    assert shops.phone not in listing

    report = hq(central, capsys, "resolve-conflict", story.newcomer_uid, "--new-holder")
    assert report.startswith(f"new holder: {masked} now finds Петрова Мария's card")

    holder = server_card(central, shops)
    assert (holder["customer_uid"], holder["full_name"]) == (story.newcomer_uid, "Петрова Мария")
    assert holder["active"] + holder["pending"] == story.newcomer_points
    sync(shops.a, shops.config_a)
    on_a = shops.a.lookup.find(shops.phone)
    assert on_a is not None
    assert on_a.full_name == "Петрова Мария"
    assert on_a.balance.total.minor == story.newcomer_points
    # Till A sells to her under the uid it has always filed the phone under: her card.
    more = sell(shops.a, {"HP-BT": 1}, card=on_a).earned.minor
    sync(shops.a, shops.config_a)
    holder = server_card(central, shops)
    assert holder["active"] + holder["pending"] == story.newcomer_points + more
    sync(shops.b, shops.config_b)
    on_b = shops.b.lookup.find(shops.phone)
    assert on_b is not None
    assert (on_b.full_name, on_b.balance.total.minor) == (
        "Петрова Мария",
        story.newcomer_points + more,
    )


def test_a_held_sign_up_hq_finds_was_the_holder_after_all_joins_her_card(
    central: Central, shops: Shops, capsys: pytest.CaptureFixture[str]
) -> None:
    # The cashier at B typed her maiden name: HQ checks and finds it is Иванова.
    story = newcomer_signs_up_offline(shops, "Сидорова Анна")
    assert sign_up_flag(central, shops.config_b) == "phone-conflict"

    report = hq(central, capsys, "resolve-conflict", story.newcomer_uid, "--attach")
    assert report.startswith("attached: Сидорова Анна's held card joined the card of")

    both = story.anna_points + story.newcomer_points
    holder = server_card(central, shops)
    assert holder["customer_uid"] == story.anna_uid
    assert holder["active"] + holder["pending"] == both
    sync(shops.b, shops.config_b)
    on_b = shops.b.lookup.find(shops.phone)
    assert on_b is not None
    assert (on_b.full_name, on_b.balance.total.minor) == ("Иванова Анна", both)
    # Till B's uid for her is one of her card's uids now.
    more = sell(shops.b, {"HP-BT": 1}, card=on_b).earned.minor
    sync(shops.b, shops.config_b)
    assert server_card(central, shops)["pending"] + server_card(central, shops)["active"] == (
        both + more
    )
    sync(shops.a, shops.config_a)
    on_a = shops.a.lookup.find(shops.phone)
    assert on_a is not None
    assert on_a.balance.total.minor == both + more
    assert story.newcomer_uid not in hq(central, capsys, "conflicts")


def test_the_same_person_signed_up_at_two_tills_is_still_one_card(
    central: Central, shops: Shops
) -> None:
    story = newcomer_signs_up_offline(shops, "ИВАНОВА анна")
    assert sign_up_flag(central, shops.config_b) == "merged"
    holder = server_card(central, shops)
    assert holder["customer_uid"] == story.anna_uid
    assert holder["active"] + holder["pending"] == story.anna_points + story.newcomer_points
