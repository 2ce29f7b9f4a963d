"""A day's work logged at DEBUG leaves no customer's phone or name in the log files."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bonuspos import logs, paths
from bonuspos.cli import main
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from tests.support import give_back, sell
from tests.sync.conftest import Central

# Each customer registered as the cashier typed the phone; each phone searched in every
# way people write it.
CUSTOMERS = {
    "Лебедева Ольга Игоревна": "+375 29 731-48-26",
    "Жуковский Пётр": "80447315962",
    "Новикова-Белая Ирина": "+375 (33) 618-20-47",
}
NAME_PARTS = ("Лебедева", "Жуковский", "Новикова", "Ольга Игоревна")


def _formats(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)[-9:]
    op, a, b, c = digits[:2], digits[2:5], digits[5:7], digits[7:]
    return [
        f"+375{digits}",
        f"375{digits}",
        f"80{digits}",
        f"+375 {op} {a}-{b}-{c}",
        f"+375 ({op}) {a}-{b}-{c}",
        f"8 0{op} {a} {b} {c}",
        f"{a}-{b}-{c}",
        f"{a}{b}{c}",
    ]


@pytest.fixture
def debug_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv("BONUSPOS_LOG_DIR", str(folder))
    monkeypatch.setenv("BONUSPOS_LOG_LEVEL", "DEBUG")
    root = logging.getLogger()
    level = root.level
    assert logs.setup() is not None
    yield folder
    for handler in list(root.handlers):
        if isinstance(handler, logs._TillLog):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_registration_sales_sync_and_a_return_leave_no_phone_or_name_in_the_logs(
    central: Central,
    debug_log: Path,
    tmp_path: Path,
    now_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(tmp_path / "config"))
    config = central.new_till()
    token_file = tmp_path / "token.txt"
    token_file.write_text(config.token, encoding="utf-8")
    argv = ["--server", config.server, "--store", "S1", "--till", config.till]
    assert main(["configure", *argv, "--token-file", str(token_file)]) == 0
    data_dir = tmp_path / "till"
    with Till(data_dir, now_clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        receipts = []
        for name, phone in CUSTOMERS.items():
            card = till.registration.register(CustomerForm(name, phone, True, True))
            receipts.append(sell(till, {"TV-55Q": 1, "HP-BT": 1}, card=card))
            for typed in _formats(phone)[:6]:
                assert till.lookup.find(typed) is not None
        # Whatever a developer might log one day goes through the same filter.
        logging.getLogger("bonuspos.test").debug(
            "customer %s %s", next(iter(CUSTOMERS)), CUSTOMERS["Жуковский Пётр"]
        )
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    with Till(data_dir, now_clock) as till:
        give_back(till, receipts[0].sale_id, {1: 1})
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    assert main(["status", "--data-dir", str(data_dir)]) == 0

    lines = [
        line
        for path in sorted(debug_log.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    text = "\n".join(lines)
    assert "DEBUG" in text  # the level really was DEBUG
    assert "bonuspos sync" in text or "sync" in text
    assert "+375 44 ***-**-62" in text  # the deliberate line, masked
    assert logs.NAME_HIDDEN in text
    for phone in CUSTOMERS.values():
        for written in _formats(phone):
            assert written not in text, written
    for name in (*CUSTOMERS, *NAME_PARTS):
        assert name.lower() not in text.lower(), name
    assert config.token not in text
