"""A whole day at a till against the real server, cut off mid-drain, closed to the kopeck.

Needs the server's GET /v1/tills/me/day: without it every close is "server refused".
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.domain.cart import TenderKind
from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.domain.receipt_code import receipt_code
from bonuspos.domain.staff import Action, return_details
from bonuspos.services.clock import ManualClock
from bonuspos.services.end_of_day import JSON_NAME, PDF_NAME, REPORTS
from bonuspos.services.holds import OnlineHolds
from bonuspos.services.remote_sales import ServerSales
from bonuspos.services.returns import new_return_id
from bonuspos.services.till import Till
from bonuspos.sync import config as sync_config
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient, ServerUnavailable
from bonuspos.sync.push import push_all
from tests.server.staffing import CASHIER_PIN, MANAGER_PIN, hire
from tests.support import MINSK, RELEASED_LONG_AGO, sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL

_PHONES = (f"+375 29 555-31-{n:02d}" for n in itertools.count(1))


class Network(httpx.BaseTransport):
    """The till's cable: up, pulled, or pulled after `cut_after` more batches of events."""

    def __init__(self) -> None:
        self.up = True
        self.cut_after: int | None = None
        self.batches = 0
        self._real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/v1/events" and self.up:
            if self.cut_after is not None and self.batches >= self.cut_after:
                self.up = False
            else:
                self.batches += 1
        if not self.up:
            raise httpx.ConnectError("the cable is out", request=request)
        return self._real.handle_request(request)

    def close(self) -> None:
        """Each client closes its transport when done; the cable outlives them."""

    def unplug_for_good(self) -> None:
        self._real.close()


def test_a_mixed_day_cut_mid_drain_closes_with_till_and_server_agreeing_to_the_kopeck(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier, config = central.new_till(installed=timedelta(days=3)), central.new_till()
    olga = hire(central.db, "S1", "Закрывающая Ольга", "manager")
    ivan = hire(central.db, "S1", "Дневной Иван", "cashier")
    now = datetime.now(MINSK)
    day = now.date()
    # A card with points earned two days ago at another till of the store: spent today
    # online and offline, and that sale brought back here.
    rich_phone, new_phone = next(_PHONES), next(_PHONES)
    two_days_ago = ManualClock(now - timedelta(days=2))
    with Till(tmp_path / "other", two_days_ago, released=RELEASED_LONG_AGO) as other:
        other.catalog.load_csv(paths.demo_catalog())
        vera = other.registration.register(CustomerForm("Давняя Вера", rich_phone, True, True))
        bought = sell(other, {"TV-55Q": 1, "HP-BT": 2}, card=vera)
        sync(other, earlier)

    net = Network()

    def client() -> ServerClient:
        return ServerClient(config, transport=net)

    folder = tmp_path / "till"
    with Till(
        folder,
        ManualClock(now),
        OnlineHolds(client),
        remote=ServerSales(client),
        store=config.store,
        till=config.till,
        server=client,
    ) as till:
        sync(till, config)  # staff, cards and the catalog
        shift = till.staff.sign_in(ivan, CASHIER_PIN)
        nina = till.registration.register(
            CustomerForm("Новая Нина", new_phone, True, True), staff_id=ivan
        )
        rich = till.lookup.find(vera.phone.e164)
        assert rich is not None
        own = sell(till, {"TV-55Q": 1, "HP-BT": 1}, card=nina)
        online = sell(till, {"HP-BT": 1}, card=rich, spend=Points(10_00))
        assert not online.offline
        net.up = False
        offline = sell(till, {"CB-USBC": 1}, card=rich, spend=Points(5_00))
        assert offline.offline
        sell(till, {"PH-A15": 1}, kind=TenderKind.BANK_CARD)
        net.up = True
        for sale_id, lines in ((own.sale_id, {2: 1}), (bought.sale_id, {2: 1})):
            till.returns.find(receipt_code(sale_id))  # the other till's sale is fetched
            return_id = new_return_id()
            approval = till.staff.approve(
                shift, olga, MANAGER_PIN, Action.RETURN, return_id, return_details(sale_id)
            )
            till.returns.return_lines(return_id, sale_id, lines, shift=shift, approval=approval)
        till.corrections.correct(
            shift, nina.customer_uid, Points(15_00), "Баллы за акцию не начислились", olga,
            MANAGER_PIN,
        )  # fmt: skip

        # The cable is pulled after two batches of three: the drain stops part way.
        net.cut_after = net.batches + 2
        with client() as cut, pytest.raises(ServerUnavailable):
            push_all(till.db, cut, till.clock.now, batch=3)
        assert net.batches == net.cut_after  # two went through before the cut
        left = status.read(till.db).waiting
        assert left > 0
        offline_report = till.end_of_day.close_day(day)
        assert offline_report.server_totals is None
        assert offline_report.unsent == left
        net.cut_after = None
        net.up = True  # the cable is back
    net.unplug_for_good()

    config_dir = tmp_path / "config"
    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(config_dir))
    sync_config.save(config, config_dir)
    argv = ["end-of-day", "--date", day.isoformat(), "--data-dir", str(folder)]

    assert main(argv) == 0

    with Till(folder, ManualClock(now), server=lambda: ServerClient(config)) as till:
        report = till.end_of_day.saved(day)
    assert (folder / REPORTS / day.isoformat() / JSON_NAME).is_file()
    assert (folder / REPORTS / day.isoformat() / PDF_NAME).read_bytes().startswith(b"%PDF")
    assert report.server_totals == report.till_totals
    assert report.agrees
    totals = report.till_totals
    assert (totals.receipts, totals.returns, totals.offline_sales) == (4, 2, 3)
    assert totals.points_spent == Points(15_00)
    assert [c.points for c in totals.corrections] == [Points(15_00)]
    assert set(totals.revenue) == {TenderKind.CASH, TenderKind.BANK_CARD}
    assert report.unsent == report.resent == 0
