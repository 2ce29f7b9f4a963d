"""HQ corrects a balance on the server; the till learns it from its next pull, and can spend it."""

from __future__ import annotations

import pytest

from bonuspos.domain.customer import CustomerForm
from bonuspos.domain.money import Points
from bonuspos.services.till import Till
from bonuspos_server.admin.cli import main
from tests.support import sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL


def test_a_till_pulling_the_changes_sees_the_corrected_balance_and_may_spend_it(
    central: Central, shop: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    config = central.new_till()
    card = shop.registration.register(
        CustomerForm("Гришина Ольга", "+375 29 555-07-01", True, True)
    )
    sync(shop, config)
    assert shop.lookup.find("295550701") == card  # nothing to spend yet

    url = central.db.engine.url.render_as_string(hide_password=False)
    adjusted = main(["--database-url", url, "adjust", "295550701", "40", "--reason", "акция"])
    assert adjusted == 0, capsys.readouterr().err
    sync(shop, config)

    found = shop.lookup.find("295550701")
    assert found is not None
    assert found.balance.active == Points(40_00)  # active at once, not tomorrow
    receipt = sell(shop, {"HP-BT": 1}, card=found, spend=Points(25_00))
    assert receipt.spent == Points(25_00)
