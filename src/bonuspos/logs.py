"""The till's log files: rotating, in the user's log folder, with no customer in them.

Set up once at start by `bonuspos.cli` for the screens and every command. A log line
may end up in a ticket, a chat or a diagnostics zip: phones are masked as the screens
mask them and people's names are dropped, whatever module or library wrote the line.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from bonuspos.domain.privacy import NAME_HIDDEN, personal_data_masked
from bonuspos.paths import APP

__all__ = ["NAME_HIDDEN", "files", "log_dir", "private_data_masked", "setup"]

LOG_NAME = "bonuspos.log"
MAX_BYTES = 2 * 1024 * 1024
KEEP = 5  # files besides the current one: about 12 MB in all
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"

# Libraries that write row data at INFO or DEBUG: SQLAlchemy echoes every statement with
# its parameters (phones, names, in any case) once its logger is enabled for INFO.
QUIET = {"sqlalchemy": logging.WARNING, "httpcore": logging.INFO, "alembic": logging.INFO}


def log_dir() -> Path:
    """BONUSPOS_LOG_DIR overrides the platform's folder (tests, a support engineer's copy)."""
    override = os.environ.get("BONUSPOS_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP, appauthor=False))


# The masking lives in the domain: the server's logs use the same, and so do screens.
private_data_masked = personal_data_masked


class PrivateData(logging.Filter):
    """Phones masked, names and tokens dropped, in the message and in any traceback.

    Set on the handlers, not on loggers, so it sees what every library logs too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = private_data_masked(trace), None
        elif record.exc_text:
            record.exc_text = private_data_masked(record.exc_text)
        record.msg, record.args = private_data_masked(record.getMessage()), None
        return True


class _TillLog(RotatingFileHandler):
    """Ours, told apart from handlers others (pytest, a host application) installed."""


def setup(level: str | int | None = None) -> Path | None:
    """Log to `<log folder>/bonuspos.log` from now on; the file, or None if it can't be.

    Idempotent: a second call for the same folder changes only the level. A folder that
    cannot be written to leaves the till without a log, never without a till.
    `level`: else BONUSPOS_LOG_LEVEL, else INFO.
    """
    chosen = level or os.environ.get("BONUSPOS_LOG_LEVEL", "").upper() or logging.INFO
    root = logging.getLogger()
    path = log_dir() / LOG_NAME
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    for handler in list(root.handlers):
        if isinstance(handler, _TillLog):
            if Path(handler.baseFilename) == path.absolute():
                root.setLevel(chosen)
                return path
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _TillLog(path, maxBytes=MAX_BYTES, backupCount=KEEP, encoding="utf-8")
    except OSError:
        return None
    handler.addFilter(PrivateData())
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(chosen)
    return path


def files() -> list[Path]:
    """The log files there are, the current one first."""
    folder = log_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{LOG_NAME}*"), key=lambda p: (p.name != LOG_NAME, p.name))
