"""The background worker: keeps trying while the server is away, drains when it is back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.worker import Backoff, SyncState, SyncWorker
from tests.support import sell
from tests.sync.conftest import Central

QUICK = Backoff(first=0.05, longest=0.2, idle=0.1)


class Cable(httpx.BaseTransport):
    """The till's network cable: unplugged, every request fails to connect."""

    def __init__(self) -> None:
        self.plugged = True
        self._through = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.plugged:
            raise httpx.ConnectError("cable unplugged", request=request)
        return self._through.handle_request(request)

    def close(self) -> None:
        self._through.close()


@pytest.fixture
def cable() -> Iterator[Cable]:
    cable = Cable()
    yield cable
    cable.close()


def _worker(shop: Till, config: SyncConfig, cable: Cable) -> SyncWorker:
    return SyncWorker(
        shop.db.path,
        config,
        shop.clock.now,
        backoff=QUICK,
        client_factory=lambda c: ServerClient(c, transport=cable),
    )


def _until(worker: SyncWorker, condition: Callable[[SyncState], bool]) -> SyncState:
    deadline = time.monotonic() + 10
    while not condition(worker.state):
        assert time.monotonic() < deadline, f"never happened; state: {worker.state}"
        time.sleep(0.02)  # another thread's state: nothing to wait on but time
    return worker.state


def test_while_the_server_is_away_the_worker_says_offline_and_loses_nothing(
    central: Central, shop: Till, cable: Cable
) -> None:
    anna = shop.registration.register(CustomerForm("Орлова Анна", "+375 29 555-03-01", True, True))
    sell(shop, {"TV-55Q": 1}, card=anna)
    cable.plugged = False
    worker = _worker(shop, central.new_till(), cable)
    worker.start()
    try:
        away = _until(worker, lambda s: s.online is False)
        assert away.waiting == 2
        assert away.last_error is not None
        assert "нет связи" in away.last_error

        cable.plugged = True
        worker.wake()
        back = _until(worker, lambda s: s.online is True and s.waiting == 0)
    finally:
        worker.stop()
    assert back.last_error is None
    assert back.last_sync is not None


def test_a_completed_sale_wakes_the_worker_and_reaches_the_server(
    central: Central, shop: Till, cable: Cable
) -> None:
    worker = _worker(shop, central.new_till(), cable)
    worker.start()
    try:
        _until(worker, lambda s: s.online is True)
        sell(shop, {"HP-BT": 1})
        worker.wake()
        drained = _until(worker, lambda s: s.waiting == 0 and s.last_sync is not None)
    finally:
        worker.stop()
    assert drained.dead_letters == 0


def test_a_till_clock_minutes_off_the_servers_is_flagged(
    central: Central, shop: Till, cable: Cable, now_clock: ManualClock
) -> None:
    now_clock.advance(timedelta(minutes=3))  # ahead, but within what the server accepts
    worker = _worker(shop, central.new_till(), cable)
    worker.start()
    try:
        state = _until(worker, lambda s: s.clock_skew is not None)
    finally:
        worker.stop()
    assert state.clock_wrong


def test_backoff_grows_with_failures_and_obeys_the_servers_retry_after() -> None:
    backoff = Backoff(first=2.0, longest=300.0)
    assert 1.0 <= backoff.delay(1) <= 2.0
    assert 4.0 <= backoff.delay(3) <= 8.0
    assert 150.0 <= backoff.delay(20) <= 300.0
    assert backoff.delay(5, asked=7.0) == 7.0
