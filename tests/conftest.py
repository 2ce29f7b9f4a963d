"""Shared fixtures: a real till on a temporary folder, with a hand-set clock in Minsk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import minsk


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
