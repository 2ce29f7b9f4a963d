"""A real `bonuspos-server` on a loopback port, in its own process, for tests and benchmarks.

`live_server()` starts `bonuspos-server serve` exactly as an operator would (with
`--workers N` for several processes), waits until `/healthz` answers, and stops it
(SIGTERM, then SIGKILL) on the way out; its output goes to a log file whose tail is
quoted if it fails to start.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from bonuspos import paths
from bonuspos.domain.money import Points
from bonuspos_server.admin import commands as admin
from bonuspos_server.admin import corrections
from bonuspos_server.data.db import ENV_URL, ServerDatabase
from bonuspos_server.data.models import Customer, PlasticCard, Store

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60.0


class ServerFailed(RuntimeError):
    """The server process did not come up, or died."""


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_command(port: int, workers: int, access_log: bool) -> list[str]:
    """The command line; the database URL goes in the environment (ENV_URL), because the
    server refuses a URL with a password on its command line."""
    script = Path(sys.executable).with_name("bonuspos-server")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "bonuspos_server.admin.cli"]
    return [
        *head,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "info" if access_log else "warning",
    ]


@contextmanager
def live_server(
    database_url: str,
    log_dir: Path,
    *,
    workers: int = 1,
    access_log: bool = True,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[LiveServer]:
    """The server, serving `database_url` on a free loopback port until the block ends;
    `extra_env` is laid over its environment last."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"server-{port}.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env[ENV_URL] = database_url
    env.update(extra_env or {})
    with log.open("wb") as out:
        process = subprocess.Popen(
            serve_command(port, workers, access_log),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", port, log, process)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(process)


def _wait_until_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(base_url=server.base_url, timeout=2.0) as client:
        while True:
            if server.process.poll() is not None:
                raise ServerFailed(
                    f"the server exited with {server.process.returncode}:\n{server.log_tail()}"
                )
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(f"no /healthz after {STARTUP_SECONDS:g} s:\n{server.log_tail()}")
            time.sleep(0.05)  # an outside process starting up: nothing to wait on but its port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def add_tills(db: ServerDatabase, store: str, tills: Sequence[str]) -> dict[str, str]:
    """Register `store` (if new) and its `tills`, as `bonuspos-server add-till` does; tokens."""
    tokens = {}
    with db.sessions() as session, session.begin():
        if session.execute(select(Store).where(Store.code == store)).first() is None:
            admin.add_store(session, argparse.Namespace(code=store, name=""))
        for till in tills:
            out = admin.add_till(session, argparse.Namespace(store=store, till=till))
            tokens[till] = out.splitlines()[-1]
    return tokens


def import_demo_catalog(db: ServerDatabase) -> None:
    """The demo price list as the server's catalog, as `bonuspos-server import-catalog` does.

    The server credits the points its own catalog gives: tills selling the demo goods
    need it there.
    """
    with db.sessions() as session, session.begin():
        admin.import_catalog(session, argparse.Namespace(csv=paths.demo_catalog()))


def credit(db: ServerDatabase, phone: str, points: int) -> None:
    """Points given to a card by HQ (`bonuspos-server adjust`), active at once."""
    with db.sessions() as session, session.begin():
        corrections.adjust(
            session,
            phone,
            Points(points),
            "начальный баланс теста",
            os_user="test",
            by_name=None,
            limit=Points(abs(points)),
            now=utc_now(),
        )


def plastic_proof(db: ServerDatabase, phone: str, number: str = "2000000000015") -> dict[str, str]:
    """Gives the card a plastic card; the `verification` of a sale that scanned it, which
    lets an offline sale spend above the policy's verification threshold."""
    with db.sessions() as session, session.begin():
        customer = session.scalars(select(Customer).where(Customer.phone == phone)).one()
        session.merge(PlasticCard(number=number, customer_id=customer.id))
    return {"method": "plastic_card", "card_number": number}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def utc_now() -> datetime:
    return datetime.now(UTC)
