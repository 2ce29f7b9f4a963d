"""Shared fixtures: a real till on a temporary folder, with a hand-set clock in Minsk."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import minsk


def pytest_configure(config: pytest.Config) -> None:
    # `bonuspos.cli.main` sets up its log file, reads the machine-wide settings and the
    # key for customers' phones: in a test run, all in a scratch folder, never the
    # developer's own or /etc's.
    scratch = Path(tempfile.mkdtemp(prefix="bonuspos-tests-"))
    os.environ.setdefault("BONUSPOS_LOG_DIR", str(scratch / "logs"))
    os.environ.setdefault("BONUSPOS_MACHINE_CONFIG_DIR", str(scratch / "machine"))
    os.environ.setdefault("BONUSPOS_KEY_DIR", str(scratch / "keys"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(minsk(2026, 11, 25, 12, 0))


@pytest.fixture
def till(tmp_path: Path, clock: ManualClock) -> Iterator[Till]:
    with Till(tmp_path / "till", clock) as t:
        t.catalog.load_csv(paths.demo_catalog())
        yield t


@pytest.fixture
def anna(till: Till) -> CardView:
    return till.registration.register(
        CustomerForm("Иванова Анна Сергеевна", "+375 29 123-45-67", True, True)
    )
