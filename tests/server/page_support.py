"""The customers' page over a chain's server: a card with points, and a way to sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from bonuspos.domain.card import Phone
from tests.server.builders import HEADPHONES, TV, Sequencer, sale
from tests.server.builders import PHONE as SMARTPHONE
from tests.server.conftest import Chain, post

SECRET = b"a test key for the page, long enough: 0123456789"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class FakeCodes:
    """Codes as the SMS would carry them: each good once."""

    sent: list[tuple[str, str]] = field(default_factory=list)  # (uid, code)
    _live: dict[str, str] = field(default_factory=dict)

    def send(self, uid: str, phone: Phone) -> None:
        code = f"{len(self.sent) + 1:06d}"
        self.sent.append((uid, code))
        self._live[uid] = code

    def check(self, uid: str, code: str) -> bool:
        if self._live.get(uid) != code:
            return False
        del self._live[uid]
        return True


def shopping(chain: Chain, till: Sequencer, uid: str) -> None:
    """Anna's purchases: a TV three days ago (active now), then today headphones paid
    partly in points and a smartphone (both pending until tomorrow)."""
    before = chain.clock() - timedelta(minutes=30)
    sales = [till.event("sale_completed", before, sale(uid, before, (TV,)))]
    chain.clock.advance(timedelta(days=3))
    today = chain.clock() - timedelta(minutes=30)
    sales.append(till.event("sale_completed", today, sale(uid, today, (HEADPHONES,), spend=10_00)))
    sales.append(till.event("sale_completed", today, sale(uid, today, (SMARTPHONE,))))
    assert [r["status"] for r in post(chain, sales)] == ["accepted"] * 3


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, page
    return found[1]
