"""Work that may wait on the network or a disk runs off the GUI thread; its answer comes back.

`run_in_background(fn, done, failed)` runs `fn` on Qt's thread pool and calls `done(result)`
or `failed(exc)` on the GUI thread through a queued signal, so a slow server never
freezes the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # the GUI thread decides what the cashier reads
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


_running: set[_Relay] = set()  # a relay lives until its answer has been delivered


def run_in_background(
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[Exception], None],
) -> None:
    relay = _Relay()
    _running.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(relay)
        callback(value)

    relay.done.connect(lambda value: finish(done, value))
    relay.failed.connect(lambda exc: finish(failed, exc))
    QThreadPool.globalInstance().start(_Job(work, relay))
