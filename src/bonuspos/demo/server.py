"""A demo central server on this PC: its own SQLite file, the demo catalog and customers.

Started as a child process (`bonuspos-server serve` on a free loopback port), stopped with
the demo. The customers join through an "office" till's events, as a real store's would,
and get opening balances as HQ gives them (`bonuspos-server adjust`, run in this process),
so the first sale can spend points.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import httpx

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points
from bonuspos.protocol import CustomerRegisteredPayload, WireEvent
from bonuspos.services import events
from bonuspos.sync.client import ServerClient
from bonuspos.sync.config import SyncConfig

STORE, TILL, OFFICE = "DEMO", "T1", "OFFICE"

# Who signs in on the demo till, and with what PIN (the README names them): kept on the
# demo server like a store's staff, so the manager's approvals verify there.
DEMO_STAFF = (
    ("Анна Кассирова", "cashier", "2580"),
    ("Мария Менеджерова", "manager", "246810"),
)


@dataclass
class DemoServer:
    process: subprocess.Popen[bytes]
    config: SyncConfig
    log: BinaryIO

    def stop(self) -> None:
        """Stop the server (again: nothing happens); its log stays in the demo folder."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _server(database_url: str, *args: str) -> list[str]:
    """A `bonuspos-server` command line on the demo's database, with this Python."""
    return [
        sys.executable,
        "-m",
        "bonuspos_server.admin.cli",
        "--database-url",
        database_url,
        *args,
    ]


def _admin(database_url: str, *args: str) -> str:
    done = subprocess.run(_server(database_url, *args), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InvalidInput(f"Демо-сервер: {' '.join(args[:1])} не удался: {done.stderr.strip()}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path) -> DemoServer:
    """Start (and on first use, fill) the demo server whose files live in `folder`."""
    if importlib.util.find_spec("fastapi") is None:
        raise InvalidInput("Для демо с сервером установите его: pip install -e '.[server]'")
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    saved = folder / "tokens.json"
    first_run = not saved.exists()
    if first_run:
        _admin(url, "migrate")
        _admin(url, "add-store", STORE, "--name", "Демо-магазин")
        tokens = {
            till: _admin(url, "add-till", STORE, till).splitlines()[-1] for till in (TILL, OFFICE)
        }
        # The server's price list has the till's columns: the same demo file serves both.
        _admin(url, "import-catalog", str(paths.demo_catalog()))
        saved.write_text(json.dumps(tokens), encoding="utf-8")
    tokens = json.loads(saved.read_text(encoding="utf-8"))
    port = _free_port()
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(
        _server(url, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    server = DemoServer(process, SyncConfig(base, STORE, TILL, tokens[TILL]), log)
    try:
        _wait_healthy(base, process)
        if first_run:
            balances = _join_demo_customers(SyncConfig(base, STORE, OFFICE, tokens[OFFICE]))
            _give_opening_balances(url, balances)
            _hire_demo_staff(url)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise InvalidInput("Демо-сервер не запустился: см. server.log в папке демо")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise InvalidInput("Демо-сервер не ответил за 30 с")


def _join_demo_customers(office: SyncConfig) -> dict[str, Points]:
    """Sign the demo customers up through the office till; their opening balances, by phone."""
    now = datetime.now().astimezone()
    batch: list[tuple[str, CustomerRegisteredPayload]] = []
    balances: dict[str, Points] = {}
    with paths.demo_customers().open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows, delimiter=";"):
            new = accept(CustomerForm(row["full_name"], row["phone"], True, True))
            uid = str(uuid.uuid4())
            batch.append(("customer_registered", events.customer_registered(uid, new, now, None)))
            points = Points.parse(row["points"])
            if points:
                balances[new.phone.e164] = points
    sent: list[WireEvent] = [
        {
            "event_id": str(uuid.uuid4()),
            "seq": seq,
            "occurred_at": now.isoformat(),
            "type": kind,
            "payload": payload,
        }
        for seq, (kind, payload) in enumerate(batch, 1)
    ]
    with ServerClient(office) as client:
        answers = client.post_events(sent)
    refused = [a for a in answers if a.get("status") != "accepted"]
    if refused:
        raise InvalidInput(f"Демо-сервер не принял демо-покупателей: {refused[0]}")
    return balances


def _give_opening_balances(database_url: str, balances: dict[str, Points]) -> None:
    """HQ's corrections, as `bonuspos-server adjust` makes them: tills cannot mint points."""
    from bonuspos_server.admin import corrections
    from bonuspos_server.data.db import open_server_database

    db = open_server_database(database_url)
    try:
        for phone, points in balances.items():
            with db.sessions() as session, session.begin():
                corrections.adjust(
                    session,
                    phone,
                    points,
                    "демо: начальный баланс",
                    os_user="demo",
                    by_name=None,
                    limit=corrections.limit_of(None),
                    now=datetime.now(UTC),
                )
    except corrections.CorrectionRefused as exc:
        raise InvalidInput(f"Демо-сервер не начислил начальные баллы: {exc}") from exc
    finally:
        db.dispose()


def _hire_demo_staff(database_url: str) -> None:
    """As `bonuspos-server add-staff` does; the till learns of them through the feed."""
    import argparse

    from bonuspos_server.admin import staff
    from bonuspos_server.data.db import open_server_database

    db = open_server_database(database_url)
    try:
        with db.sessions() as session, session.begin():
            for name, role, pin in DEMO_STAFF:
                staff.add_staff(
                    session, argparse.Namespace(store=STORE, full_name=name, role=role, pin=pin)
                )
    finally:
        db.dispose()
