"""A real X server for the benchmarks that time windows: DISPLAY, or an Xvfb of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def x_display() -> Iterator[str]:
    """DISPLAY as given, or an Xvfb started here for the run."""
    given = os.environ.get("DISPLAY")
    if given:
        yield given
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("No DISPLAY and no Xvfb: apt-get install -y xvfb (see the docstring)")
    number = next(n for n in range(91, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Xvfb :{number} did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)
