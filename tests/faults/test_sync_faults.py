"""Faults between the till's outbox and the server: every sale reaches it exactly once.

The till drains its outbox to a real `bonuspos-server` through the faults a shop's network
and power produce: the server answering 500 and 503, nobody listening, a connection cut
before the answer, the server committing and its answer lost (reset, or never arriving),
a fault between two batches, and the sync process SIGKILLed at random moments mid-drain.
After each fault the outbox still holds every event the server did not answer, marked
exactly as before; after the next drain the server holds every sale once: a card's
pending points there equal what the till earned, and its rows match the till's.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import random
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from enum import Enum
from pathlib import Path
from typing import IO, Any, ClassVar, NoReturn

import httpx
import pytest

from bonuspos import paths
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync import config as sync_config
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient, ServerUnavailable
from bonuspos.sync.config import SyncConfig
from bonuspos.sync.push import Pushed, push_all
from tests.server.live import ROOT, LiveServer, bearer, free_port
from tests.support import sell
from tests.sync import conftest as sync_fixtures
from tests.sync.conftest import Central, day_of_sales

# The sync tests' fixtures, bound here by name: this module gets its own server (module
# scope), and a till whose clock is now, since the server refuses events older than a till.
central = sync_fixtures.central
shop = sync_fixtures.shop
now_clock = sync_fixtures.now_clock

# Long enough for a loaded CI machine, short enough that a hang fails the test quickly.
TIMEOUT = httpx.Timeout(10.0, connect=2.0)
# How long the till waits for a stalled answer: far above the ~10 ms a relayed probe takes.
GIVE_UP = httpx.Timeout(2.0, connect=2.0)
# A proxy or child that says nothing for this long is broken, not slow.
SILENCE = 30.0
# A SIGKILLed drain caught inside fsync (synchronous=FULL) dies only when the disk answers;
# a shared VM's disk flushing someone's gigabyte took longer than SILENCE once (CI, kill 14
# of 20). Reaping it cannot hang for ever, so this only has to outlast a slow disk.
REAPED = 180.0

KILLS = int(os.environ.get("BONUSPOS_SYNC_KILLS", "20"))
FIRST_SALES = 200
# Small batches, so that a kill lands between batches, mid-post and mid-record alike: at
# five events a batch takes about 60 ms here, so a drain of 50 outlasts the longest delay.
KILL_BATCH = 5
MAX_KILL_DELAY = 0.3
# The cashier sells more whenever the queue runs this low, so every kill lands mid-drain.
TOP_UP_BELOW = 50
TOP_UP = 50


# --- what the till and the server hold ---------------------------------------------------


def _then_sent_once(
    central: Central, config: SyncConfig, shop: Till, phone: str, earned: int
) -> None:
    """Nothing of the day reached the server; the next drain sends all of it, once."""
    _assert_unknown_to_server(central, config, phone)
    with ServerClient(config, timeout=TIMEOUT) as client:
        assert push_all(shop.db, client, shop.clock.now) == Pushed(accepted=4)
    assert _pending_on_server(central, config, phone) == earned
    assert _server_rows(central, config) == _till_rows(shop.db.path)


def _outbox(db_path: Path) -> list[tuple[Any, ...]]:
    """Every event with its mark: what a fault must leave exactly as it was."""
    with closing(sqlite3.connect(db_path)) as db:
        return db.execute(
            "SELECT seq, event_id, acked_at, outcome, problem FROM outbox ORDER BY seq"
        ).fetchall()


def _waiting(db_path: Path) -> int:
    with closing(sqlite3.connect(db_path)) as db:
        (count,) = db.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL").fetchone()
        return int(count)


def _card(central: Central, config: SyncConfig, phone: str) -> httpx.Response:
    return httpx.get(
        f"{central.server.base_url}/v1/customers/{phone}",
        headers=bearer(config.token),
        timeout=TIMEOUT,
    )


def _pending_on_server(central: Central, config: SyncConfig, phone: str) -> int:
    answer = _card(central, config, phone)
    assert answer.status_code == 200, answer.text
    pending: int = answer.json()["pending"]
    return pending


def _assert_unknown_to_server(central: Central, config: SyncConfig, phone: str) -> None:
    """The card's registration never reached the server, so nothing behind it did either."""
    answer = _card(central, config, phone)
    assert answer.status_code == 404, answer.text


@dataclasses.dataclass(frozen=True)
class Rows:
    """One till's rows, on the till or on the server: equal when every event landed once."""

    events: list[str]  # event ids
    sales: list[str]
    ledger: list[tuple[str, int, int]]  # kind, entries, points


def _till_rows(db_path: Path) -> Rows:
    with closing(sqlite3.connect(db_path)) as db:
        return Rows(
            _column(db, "SELECT event_id FROM outbox ORDER BY event_id"),
            _column(db, "SELECT id FROM sales ORDER BY id"),
            db.execute(
                "SELECT kind, count(*), sum(points) FROM ledger_entries GROUP BY kind ORDER BY kind"
            ).fetchall(),
        )


def _answered_on_till(db_path: Path) -> set[str]:
    with closing(sqlite3.connect(db_path)) as db:
        return set(_column(db, "SELECT event_id FROM outbox WHERE acked_at IS NOT NULL"))


def _server_rows(central: Central, config: SyncConfig) -> Rows:
    """Read from the server's own file, read-only: no API can hide a row counted twice."""
    database = central.db.engine.url.database
    assert database, "the central fixture serves SQLite"
    with closing(sqlite3.connect(f"{Path(database).as_uri()}?mode=ro", uri=True)) as db:
        (till_id,) = db.execute(
            "SELECT tills.id FROM tills JOIN stores ON stores.id = tills.store_id"
            " WHERE stores.code = ? AND tills.code = ?",
            (config.store, config.till),
        ).fetchone()
        return Rows(
            _column(db, "SELECT event_id FROM events WHERE till_id = ? ORDER BY 1", till_id),
            _column(db, "SELECT id FROM sales WHERE till_id = ? ORDER BY id", till_id),
            db.execute(
                "SELECT kind, count(*), sum(points) FROM ledger_entries WHERE till_id = ?"
                " GROUP BY kind ORDER BY kind",
                (till_id,),
            ).fetchall(),
        )


def _column(db: sqlite3.Connection, sql: str, *params: Any) -> list[str]:
    return [str(value) for (value,) in db.execute(sql, params)]


# --- faults on the HTTP level --------------------------------------------------------------


class ScriptedFaults(httpx.BaseTransport):
    """Answers batches of events from a script (a status, or None to let one through).

    Only POST /v1/events is scripted, since that is where a fault can lose or double an
    event; the till's other requests, and every batch after the script, reach the server.
    The faked answers come from in front of the server, as a load balancer's would: the
    server never sees those batches.
    """

    def __init__(self, script: Sequence[int | None]) -> None:
        self._script = deque(script)
        self._real = httpx.HTTPTransport()
        self.forwarded: list[str] = []  # the paths let through to the server

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        batch = request.method == "POST" and request.url.path == "/v1/events"
        status = self._script.popleft() if batch and self._script else None
        if status is None:
            self.forwarded.append(request.url.path)
            return self._real.handle_request(request)
        request.read()
        if status == 503:
            return httpx.Response(
                503,
                headers={"Retry-After": "7"},
                json={"type": "about:blank", "title": "Service Unavailable", "status": 503},
                request=request,
            )
        return httpx.Response(status, text="<html>Internal Server Error</html>", request=request)

    def close(self) -> None:
        self._real.close()


# --- faults on the TCP level ---------------------------------------------------------------


class Fault(Enum):
    RESET_UNSENT = "reads the request, then resets the connection; the server never sees it"
    CLOSE_UNSENT = "reads the request, then closes the connection without a word"
    RESET_ANSWER = "forwards the request, reads the whole answer, then resets the connection"
    STALL_ANSWER = "forwards the request, reads the whole answer, and never relays it"
    GONE_AFTER_PROBE = "relays the till's first request, then stops listening for good"

    @property
    def forwards(self) -> bool:
        return self in (Fault.RESET_ANSWER, Fault.STALL_ANSWER)


class FaultyProxy:
    """A loopback TCP proxy in front of the server that spoils every batch with `fault`.

    Only POST /v1/events is spoiled; the till's other requests are relayed as they are.
    One connection at a time, one request per connection (the proxy asks the server to
    close after each answer, and relays that): the till sends one request at a time.
    """

    def __init__(self, upstream: LiveServer, fault: Fault) -> None:
        self.fault = fault
        self.relayed = 0
        self.spoiled = 0
        self.withheld: list[str] = []  # status lines of the server's answers never relayed
        self.errors: list[str] = []
        self._upstream = upstream.port
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # how often the accept loop looks at _stop
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, name="faulty-proxy", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:  # the listener is closed: the server went away
                break
            conn.settimeout(SILENCE)
            try:
                self._spoil(conn)
            except Exception:
                self.errors.append(traceback.format_exc())
            finally:
                conn.close()

    def _spoil(self, conn: socket.socket) -> None:
        head, body = _read_request(conn)
        if not head.startswith(b"POST /v1/events "):
            answer = self._forward(head, body)
            if self.fault is Fault.GONE_AFTER_PROBE:
                # Gone before the answer goes out, so the batch that follows finds nobody.
                self._listener.close()
            conn.sendall(answer)
            self.relayed += 1
            return
        self.spoiled += 1
        if self.fault.forwards:
            answer = self._forward(head, body)
            self.withheld.append(answer.split(b"\r\n", 1)[0].decode("latin-1"))
        if self.fault is Fault.CLOSE_UNSENT:
            conn.shutdown(socket.SHUT_RDWR)
        elif self.fault is Fault.STALL_ANSWER:
            # Hold the connection open, silent, until the till gives up and hangs up.
            while conn.recv(65536):
                pass
        else:
            _reset(conn)

    def _forward(self, head: bytes, body: bytes) -> bytes:
        """The server's whole answer: read to the end, so it has surely committed."""
        lines = [
            line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")
        ]
        # Connection: close makes the server end its answer by closing: no framing to parse.
        request = b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body
        with socket.create_connection(("127.0.0.1", self._upstream), timeout=SILENCE) as up:
            up.sendall(request)
            answer = b""
            while chunk := up.recv(65536):
                answer += chunk
        return answer

    def close(self) -> None:
        """Stop after the exchange in hand is over; its thread's failures fail the test."""
        self._stop.set()
        self._thread.join(timeout=2 * SILENCE)
        self._listener.close()
        assert not self._thread.is_alive(), "the proxy is stuck in an exchange"
        assert not self.errors, "the proxy failed:\n" + "\n".join(self.errors)


def _read_request(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the client hung up before its request's headers ended")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = [line.lower() for line in head.split(b"\r\n")[1:]]
    # httpx sends a bytes body with its length; never chunked, which this proxy cannot read.
    assert not any(f.startswith(b"transfer-encoding:") for f in fields), head.split(b"\r\n")[0]
    lengths = [int(f.split(b":", 1)[1]) for f in fields if f.startswith(b"content-length:")]
    while len(body) < sum(lengths):
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the client hung up before its request's body ended")
        body += chunk
    return head, body


def _reset(conn: socket.socket) -> None:
    # Linger on, timeout 0: close() sends RST instead of FIN, as a crashed middlebox does.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


@contextmanager
def faulty_proxy(upstream: LiveServer, fault: Fault) -> Iterator[FaultyProxy]:
    proxy = FaultyProxy(upstream, fault)
    try:
        yield proxy
    finally:
        proxy.close()


# --- the tests -----------------------------------------------------------------------------


def test_a_server_answering_500_then_503_marks_nothing_and_the_next_drain_sends_each_once(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    phone = "+375 29 555-11-01"
    earned = day_of_sales(shop, phone)
    before = _outbox(shop.db.path)
    faults = ScriptedFaults([500, 503])

    with ServerClient(config, timeout=TIMEOUT, transport=faults) as client:
        with pytest.raises(ServerUnavailable) as broken:
            push_all(shop.db, client, shop.clock.now)
        assert "HTTP 500" in broken.value.reason
        assert _outbox(shop.db.path) == before
        with pytest.raises(ServerUnavailable) as busy:
            push_all(shop.db, client, shop.clock.now)
        assert "HTTP 503" in busy.value.reason
        assert busy.value.retry_after == 7
        assert _outbox(shop.db.path) == before
        assert status.read(shop.db).last_sync is None
        _assert_unknown_to_server(central, config, phone)

        pushed = push_all(shop.db, client, shop.clock.now)

    assert pushed == Pushed(accepted=4)
    assert faults.forwarded.count("/v1/events") == 1
    assert _pending_on_server(central, config, phone) == earned
    assert _server_rows(central, config) == _till_rows(shop.db.path)
    assert status.read(shop.db).waiting == 0


def test_a_fault_between_two_batches_keeps_the_first_sent_and_sends_it_never_again(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    phone = "+375 29 555-11-02"
    earned = day_of_sales(shop, phone)
    faults = ScriptedFaults([None, 503])

    with ServerClient(config, timeout=TIMEOUT, transport=faults) as client:
        with pytest.raises(ServerUnavailable):
            push_all(shop.db, client, shop.clock.now, batch=2)
        marks = [outcome for _, _, _, outcome, _ in _outbox(shop.db.path)]
        assert marks == ["accepted", "accepted", None, None]
        assert status.read(shop.db).last_sync is None

        rest = push_all(shop.db, client, shop.clock.now, batch=2)

    # No duplicates: the batch answered before the fault was not sent a second time.
    assert rest == Pushed(accepted=2)
    assert _pending_on_server(central, config, phone) == earned
    assert _server_rows(central, config) == _till_rows(shop.db.path)


@pytest.mark.parametrize(
    ("gone_after_probe", "phone"),
    [(False, "+375 29 555-11-03"), (True, "+375 29 555-11-08")],
    ids=["from-the-start", "after-the-probe"],
)
def test_a_server_nobody_listens_on_leaves_the_queue_as_it_was_until_one_does(
    central: Central, shop: Till, gone_after_probe: bool, phone: str
) -> None:
    config = central.new_till()
    earned = day_of_sales(shop, phone)
    before = _outbox(shop.db.path)

    with ExitStack() as stack:
        if gone_after_probe:
            # The drain asks the server what it holds first: the batch must find it gone.
            proxy = stack.enter_context(faulty_proxy(central.server, Fault.GONE_AFTER_PROBE))
            url = proxy.url
        else:
            url = f"http://127.0.0.1:{free_port()}"
        nobody = dataclasses.replace(config, server=url)
        with (
            ServerClient(nobody, timeout=TIMEOUT) as client,
            pytest.raises(ServerUnavailable) as down,
        ):
            push_all(shop.db, client, shop.clock.now)
    if gone_after_probe:
        assert (proxy.relayed, proxy.spoiled) == (1, 0)

    assert "нет связи" in down.value.reason
    assert _outbox(shop.db.path) == before
    assert status.read(shop.db).last_sync is None
    _then_sent_once(central, config, shop, phone, earned)


@pytest.mark.parametrize(
    ("fault", "phone"),
    [(Fault.RESET_UNSENT, "+375 29 555-11-04"), (Fault.CLOSE_UNSENT, "+375 29 555-11-05")],
    ids=["reset", "closed"],
)
def test_a_connection_cut_before_the_answer_loses_nothing_and_the_retry_counts_once(
    central: Central, shop: Till, fault: Fault, phone: str
) -> None:
    config = central.new_till()
    earned = day_of_sales(shop, phone)
    before = _outbox(shop.db.path)

    with faulty_proxy(central.server, fault) as proxy:
        cut = dataclasses.replace(config, server=proxy.url)
        with ServerClient(cut, timeout=TIMEOUT) as client, pytest.raises(ServerUnavailable) as lost:
            push_all(shop.db, client, shop.clock.now)

    assert "нет связи" in lost.value.reason
    assert proxy.spoiled == 1
    assert _outbox(shop.db.path) == before
    _then_sent_once(central, config, shop, phone, earned)


@pytest.mark.parametrize(
    ("fault", "timeout", "reason", "phone"),
    [
        (Fault.RESET_ANSWER, TIMEOUT, "нет связи", "+375 29 555-11-06"),
        (Fault.STALL_ANSWER, GIVE_UP, "не ответил вовремя", "+375 29 555-11-07"),
    ],
    ids=["reset", "stalled"],
)
def test_an_answer_lost_after_the_server_committed_is_resent_and_answered_duplicate(
    central: Central, shop: Till, fault: Fault, timeout: httpx.Timeout, reason: str, phone: str
) -> None:
    config = central.new_till()
    earned = day_of_sales(shop, phone)
    before = _outbox(shop.db.path)

    with faulty_proxy(central.server, fault) as proxy:
        lossy = dataclasses.replace(config, server=proxy.url)
        with (
            ServerClient(lossy, timeout=timeout) as client,
            pytest.raises(ServerUnavailable) as lost,
        ):
            push_all(shop.db, client, shop.clock.now)

    assert reason in lost.value.reason
    # The server did answer, and had committed: the till just never heard it.
    assert proxy.withheld == ["HTTP/1.1 200 OK"]
    assert _pending_on_server(central, config, phone) == earned
    assert _outbox(shop.db.path) == before
    with ServerClient(config, timeout=TIMEOUT) as client:
        resent = push_all(shop.db, client, shop.clock.now)
    assert resent == Pushed(duplicate=4)
    assert _pending_on_server(central, config, phone) == earned
    assert _server_rows(central, config) == _till_rows(shop.db.path)
    assert {outcome for _, _, _, outcome, _ in _outbox(shop.db.path)} == {"duplicate"}


# --- the till killed mid-drain -------------------------------------------------------------


def zygote_main(data_dir: str) -> None:
    """The kill test's child: on "run", fork a drain of the outbox; on "kill", kill and reap it.

    Importing SQLAlchemy, Alembic and httpx takes about a second, so it is done once here
    and each drain is forked: the random moment lands in the drain, not in Python's start.
    The zygote SIGKILLs the drain before it reaps it, so the pid it kills is never reused.
    """
    pid = 0
    while command := sys.stdin.readline():
        if command == "run\n":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _drain_and_exit(Path(data_dir))
        elif command == "kill\n":
            os.kill(pid, signal.SIGKILL)
            _, wait_status = os.waitpid(pid, 0)
            _say(f"EXIT {os.waitstatus_to_exitcode(wait_status)}")


def _drain_and_exit(data_dir: Path) -> NoReturn:
    try:
        # What `bonuspos sync --once` does, in batches small enough to kill between.
        with Till(data_dir) as till, ServerClient(sync_config.load(), timeout=TIMEOUT) as client:
            _say("READY")
            push_all(till.db, client, till.clock.now, batch=KILL_BATCH)
            _say("DONE")
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        _say("FAILED")
        os._exit(1)
    os._exit(0)  # never back into the zygote's loop


def _say(line: str) -> None:
    print(line, flush=True)


class SyncZygote:
    """The parent's end of `zygote_main`: run a drain, let it go for a while, kill it."""

    def __init__(self, data_dir: Path, env: dict[str, str], log: Path) -> None:
        self._log_path = log
        self._log = log.open("w", encoding="utf-8")
        code = (
            f"from tests.faults.test_sync_faults import zygote_main; zygote_main({str(data_dir)!r})"
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-W", "error", "-c", code],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            encoding="utf-8",
        )
        assert self._proc.stdout is not None
        self._lines: queue.Queue[str | None] = queue.Queue()
        # A reader thread, so that a silent child fails the test instead of hanging it.
        self._reader = threading.Thread(
            target=_pump, args=(self._proc.stdout, self._lines), daemon=True
        )
        self._reader.start()

    def run_and_kill(self, delay: float) -> bool:
        """Start a drain, SIGKILL it `delay` s after it opened the till; False if it ended first."""
        self._send("run")
        ready = self._next()
        assert ready == "READY", self._failure(f"the drain did not start: {ready}")
        time.sleep(delay)  # the random moment is the point
        self._send("kill")
        said: list[str] = []
        while not (line := self._next(REAPED)).startswith("EXIT "):
            said.append(line)
        code = int(line.split()[1])
        assert code in (0, -signal.SIGKILL), self._failure(f"the drain ended {code}: {said}")
        assert said in ([], ["DONE"]), self._failure(f"the drain said {said}")
        return not said

    def _send(self, command: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(command + "\n")
        self._proc.stdin.flush()

    def _next(self, silence: float = SILENCE) -> str:
        try:
            line = self._lines.get(timeout=silence)
        except queue.Empty:
            raise AssertionError(
                self._failure(f"the zygote said nothing for {silence:g} s")
            ) from None
        assert line is not None, self._failure("the zygote died")
        return line

    def _failure(self, what: str) -> str:
        self._log.flush()
        return f"{what}\n--- child stderr ---\n{self._log_path.read_text(encoding='utf-8')}"

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=SILENCE)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=SILENCE)
        assert self._proc.stdout is not None
        self._proc.stdout.close()
        self._log.close()


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)  # the zygote is gone


class Cashier:
    """Sells on the kill test's till between drains, as a till keeps selling while it syncs.

    Sales rotate over three cards and none; `earned` is each card's points on the till,
    which the server must show as pending once everything is on it.
    """

    PEOPLE: ClassVar[dict[str, str]] = {
        "+375 29 555-12-01": "Орлова Мария",
        "+375 29 555-12-02": "Соколов Иван",
        "+375 29 555-12-03": "Лебедева Ольга",
    }
    SKUS = ("HP-BT", "CB-USBC", "PB-10K", "SD-64", "KT-1.7")

    def __init__(self, data_dir: Path, clock: ManualClock) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.sold = 0
        self.earned = dict.fromkeys(self.PEOPLE, 0)
        with Till(data_dir, clock) as till:
            till.catalog.load_csv(paths.demo_catalog())
            for phone, name in self.PEOPLE.items():
                till.registration.register(CustomerForm(name, phone, True, True))

    def sell(self, count: int) -> None:
        phones = list(self.PEOPLE)
        with Till(self.data_dir, self.clock) as till:
            cards = [till.lookup.find(phone) for phone in phones]
            assert None not in cards, "a card the cashier registered is gone"
            for k in range(self.sold, self.sold + count):
                card = cards[k % 4] if k % 4 < len(cards) else None
                receipt = sell(till, {self.SKUS[k % len(self.SKUS)]: 1 + k % 3}, card=card)
                if card is not None:
                    self.earned[phones[k % 4]] += receipt.earned.minor
        self.sold += count


def _bonuspos(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "bonuspos.cli", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def _configured(config: SyncConfig, folder: Path) -> dict[str, str]:
    """The environment of a PC where IT ran `bonuspos configure` for this till."""
    token_file = folder / "token.txt"
    token_file.write_text(config.token + "\n", encoding="utf-8")
    env = dict(os.environ)
    env["BONUSPOS_CONFIG_DIR"] = str(folder / "config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = _bonuspos(
        env,
        "configure",
        "--server",
        config.server,
        "--store",
        config.store,
        "--till",
        config.till,
        "--token-file",
        str(token_file),
    )
    assert done.returncode == 0, done.stderr
    return env


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="Windows has neither SIGKILL nor os.fork")
def test_a_sync_killed_at_random_moments_mid_drain_leaves_every_sale_on_the_server_once(
    central: Central, now_clock: ManualClock, tmp_path: Path
) -> None:
    seed = int(os.environ.get("BONUSPOS_SYNC_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    note = f"BONUSPOS_SYNC_SEED={seed}"
    config = central.new_till()
    data_dir = tmp_path / "till"
    db_path = data_dir / DB_NAME
    cashier = Cashier(data_dir, now_clock)
    cashier.sell(FIRST_SALES)
    env = _configured(config, tmp_path)
    began = time.perf_counter()
    killed = mid_drain = 0

    zygote = SyncZygote(data_dir, env, tmp_path / "zygote.log")
    try:
        for kill in range(1, KILLS + 1):
            try:
                if _waiting(db_path) < TOP_UP_BELOW:
                    cashier.sell(TOP_UP)
                waiting = _waiting(db_path)
                if zygote.run_and_kill(rng.uniform(0, MAX_KILL_DELAY)):
                    killed += 1
                    left = _waiting(db_path)
                    assert left <= waiting, f"a killed drain left {left} waiting of {waiting}"
                    mid_drain += int(left > 0)
                # The rule at every instant, not just at the end: the till never marks an
                # event answered that the server does not hold.
                unheard = _answered_on_till(db_path) - set(_server_rows(central, config).events)
                assert not unheard, f"{len(unheard)} events marked answered, not on the server"
            except AssertionError as exc:
                exc.add_note(f"kill {kill} of {KILLS}; {note}")
                raise
    finally:
        zygote.close()
    finished = _bonuspos(env, "sync", "--once", "--data-dir", str(data_dir))

    assert finished.returncode == 0, f"{finished.stdout}{finished.stderr}\n{note}"
    assert "в очереди 0" in finished.stdout, note
    # A loop whose kills all came after the queue was empty proved nothing about drains.
    assert mid_drain > 0 or not KILLS, f"no kill landed mid-drain; {note}"
    with Till(data_dir) as till:
        state = status.read(till.db)
    assert (state.waiting, state.dead_letters) == (0, 0), note
    for phone, points in cashier.earned.items():
        assert _pending_on_server(central, config, phone) == points, f"{phone}; {note}"
    server, till_side = _server_rows(central, config), _till_rows(db_path)
    assert server == till_side, note
    assert len(server.sales) == cashier.sold, note
    outcomes = [outcome for _, _, _, outcome, _ in _outbox(db_path)]
    print(
        f"\nsync kill test: {KILLS} runs in {time.perf_counter() - began:.1f} s,"
        f" {killed} killed, {mid_drain} of them with events still waiting; {cashier.sold} sales;"
        f" {outcomes.count('duplicate')} of {len(outcomes)} events answered duplicate"
        f" (the server had committed a batch the killed till never recorded); {note}"
    )
