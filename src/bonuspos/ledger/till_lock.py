"""One copy of the app per till: an OS file lock beside the database.

The OS drops the lock when the process dies, however it dies, so a till killed mid-sale
restarts without anyone deleting a stale lock file by hand.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Self


class TillAlreadyRunning(RuntimeError):
    def __init__(self, path: Path, holder: str) -> None:
        who = f" (процесс {holder})" if holder else ""
        super().__init__(
            f"BonusPOS уже запущен на этой кассе{who}. "
            "Переключитесь на открытое окно программы или закройте его и запустите снова."
        )
        self.path = path


class TillLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held for the app's life
        try:
            _lock(handle)
        except OSError:
            holder = _read_holder(handle)
            handle.close()
            raise TillAlreadyRunning(self.path, holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(handle: IO[str]) -> str:
    try:
        handle.seek(0)
        return handle.read().strip()
    except OSError:  # Windows refuses to read a locked byte range
        return ""


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
