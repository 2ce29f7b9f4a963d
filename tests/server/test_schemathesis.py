"""Schemathesis fuzzes every operation of /openapi.json in-process: no answer is ever a 5xx.

The app is served over ASGI in the test process (no network). Requests carry a valid
till token, and batches name that till, so generated events get past auth and reach the
ingest code rather than stopping at 403.

Runs on SQLite only: the PostgreSQL variant would double the suite's longest test for
little gain, because the fuzzer exercises the HTTP and validation layers, which are the
same on both back ends (the PostgreSQL-specific refusals are covered in test_bad_input).
Examples per operation and mode: BONUSPOS_SCHEMATHESIS_EXAMPLES (default 100).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from bonuspos_server.admin import commands as admin
from bonuspos_server.data.db import ServerDatabase, open_server_database
from bonuspos_server.settings import Settings
from bonuspos_server.web.app import create_app
from tests.server.conftest import HIGH_LIMITS

EXAMPLES = int(os.environ.get("BONUSPOS_SCHEMATHESIS_EXAMPLES", "100"))

# Every operation the server publishes, and whether it takes input a fuzzer can break
# (a body or a query); operations with only free-form path strings have no negative cases.
OPERATIONS: dict[tuple[str, str], bool] = {
    ("POST", "/v1/events"): True,
    ("GET", "/v1/changes"): True,
    ("POST", "/v1/holds"): True,
    ("POST", "/v1/spend-codes"): True,
    ("DELETE", "/v1/holds/{hold_id}"): False,
    ("GET", "/v1/customers/{card}"): False,
    ("GET", "/v1/sales/{sale_id}"): False,
    ("GET", "/v1/tills/me"): False,
    ("GET", "/v1/tills/me/day"): True,
    ("GET", "/v1/stores/me/day"): True,
    ("GET", "/healthz"): False,
}
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for (method, path), breakable in OPERATIONS.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if breakable or mode is GenerationMode.POSITIVE
]


@dataclass
class Fuzzed:
    schema: Any
    token: str


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    folder = tmp_path_factory.mktemp("schemathesis")
    db: ServerDatabase = open_server_database(f"sqlite:///{folder / 'server.sqlite3'}")
    with db.sessions() as session, session.begin():
        admin.add_store(session, argparse.Namespace(code="S1", name=""))
        out = admin.add_till(session, argparse.Namespace(store="S1", till="T1"))
    app = create_app(db, Settings("test", **HIGH_LIMITS))
    yield Fuzzed(schemathesis.openapi.from_asgi("/openapi.json", app), out.splitlines()[-1])
    db.dispose()


def test_the_schema_lists_exactly_the_operations_fuzzed_here(fuzzed: Fuzzed) -> None:
    published = {
        (result.ok().method.upper(), result.ok().path)
        for result in fuzzed.schema.get_all_operations()
    }
    assert published == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_generated_request_makes_the_server_fail(
    fuzzed: Fuzzed, method: str, path: str, mode: GenerationMode
) -> None:
    operation = fuzzed.schema[path][method]
    strategy = operation.as_strategy(mode, headers={"Authorization": f"Bearer {fuzzed.token}"})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def no_5xx(case: Any) -> None:
        if isinstance(case.body, dict) and {"store", "till"} <= case.body.keys():
            # Name the token's own till, so the batch reaches ingest instead of a 403.
            case.body["store"], case.body["till"] = "S1", "T1"
        response = case.call()
        assert response.status_code < 500, (
            f"{response.status_code} for:\n{case.as_curl_command()}\n{response.text}"
        )

    no_5xx()
