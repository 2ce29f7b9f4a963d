"""A till restored by `bonuspos restore` gets its new sales to the server all the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.cli import main
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient
from bonuspos.sync.push import push_all
from bonuspos_server.data.models import Sale
from tests.support import sell
from tests.sync.conftest import Central, sync


def test_after_a_restore_the_unsent_events_move_above_the_servers(
    central: Central, tmp_path: Path, now_clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    config = central.new_till()
    till_dir, copy = tmp_path / "till", tmp_path / "last-night.sqlite3"
    with Till(till_dir, now_clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        sell(till, {"HP-BT": 1})
        sync(till, config)
    assert main(["backup", str(copy), "--data-dir", str(till_dir)]) == 0
    with Till(till_dir, now_clock) as till:
        sell(till, {"HP-BT": 1})  # reaches the server, then the till's disk dies
        sync(till, config)
    assert main(["restore", str(copy), "--data-dir", str(till_dir)]) == 0
    capsys.readouterr()

    with Till(till_dir, now_clock) as till, ServerClient(config) as client:
        receipt = sell(till, {"TV-55Q": 1})  # its seq is one the server already holds
        pushed = push_all(till.db, client, till.clock.now)
        left = status.read(till.db)

    assert (pushed.accepted, pushed.rejected) == (1, 0)
    assert (left.waiting, left.dead_letters) == (0, 0)
    with central.db.sessions() as session:
        assert session.get(Sale, receipt.sale_id) is not None
