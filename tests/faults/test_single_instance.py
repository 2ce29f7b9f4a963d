"""One copy of the app per till: a second one refuses to start, and a dead one frees the till."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bonuspos.ledger.till_lock import TillAlreadyRunning
from bonuspos.services.till import Till

CHILD = Path(__file__).with_name("crash_child.py")
# Windows refuses to read a locked byte range, so there the message cannot name the holder.
NAMES_HOLDER = sys.platform != "win32"


class Holder:
    """Another copy of the app, in its own process, with the till open."""

    def __init__(self, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-W", "error", str(CHILD), "hold", str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if ready != f"READY {self.proc.pid}\n":
            self.close()
            raise AssertionError(f"the other copy did not open the till: {ready!r}")

    def quit(self) -> int:
        """Close the app as a cashier would; its exit code."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout=30)

    def kill(self) -> int:
        self.proc.kill()  # SIGKILL on POSIX
        return self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "till"


@pytest.fixture
def holder(data_dir: Path) -> Iterator[Holder]:
    h = Holder(data_dir)
    try:
        yield h
    finally:
        h.close()


def opens(data_dir: Path) -> bool:
    with Till(data_dir):
        return True


def test_a_second_copy_refuses_to_start_naming_the_running_one(
    data_dir: Path, holder: Holder
) -> None:
    with pytest.raises(TillAlreadyRunning, match="уже запущен") as refused:
        Till(data_dir)
    if NAMES_HOLDER:
        assert f"(процесс {holder.proc.pid})" in str(refused.value)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGKILL")
def test_a_copy_killed_with_sigkill_leaves_the_till_free_to_start(
    data_dir: Path, holder: Holder
) -> None:
    assert holder.kill() == -signal.SIGKILL
    assert opens(data_dir)


def test_a_copy_closed_normally_leaves_the_till_free_to_start(
    data_dir: Path, holder: Holder
) -> None:
    assert holder.quit() == 0
    assert opens(data_dir)


def test_a_second_till_in_the_same_process_refuses_to_open(data_dir: Path) -> None:
    with Till(data_dir):
        with pytest.raises(TillAlreadyRunning, match="уже запущен") as refused:
            Till(data_dir)
        if NAMES_HOLDER:
            assert f"(процесс {os.getpid()})" in str(refused.value)
    assert opens(data_dir)


def test_a_refused_copy_leaves_the_lock_with_the_running_one(data_dir: Path) -> None:
    with Till(data_dir):
        for _ in range(2):
            with pytest.raises(TillAlreadyRunning, match="уже запущен"):
                Till(data_dir)
        other = subprocess.run(
            [sys.executable, "-W", "error", str(CHILD), "hold", str(data_dir)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            timeout=60,
            check=False,
        )
    assert other.returncode == 1
    assert "TillAlreadyRunning: BonusPOS уже запущен на этой кассе" in other.stderr
    if NAMES_HOLDER:
        assert f"(процесс {os.getpid()})" in other.stderr
