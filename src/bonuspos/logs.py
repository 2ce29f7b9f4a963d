"""The till's log files: rotating, in the user's log folder, with no customer in them.

Set up once at start by `bonuspos.cli` for the screens and every command. A log line
may end up in a ticket, a chat or a diagnostics zip: phones are masked as the screens
mask them and people's names are dropped, whatever module or library wrote the line.
"""

from __future__ import annotations

import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from bonuspos.paths import APP

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


# A Belarusian phone as people type it: "+375 (29) 123-45-67", "80291234567", "8 029 …",
# "(029) …"; without a prefix only a mobile operator's code, or every date would match.
_SEP = r"[ \t\-()]*"
_PREFIX = rf"(?:\+?{_SEP}375|8{_SEP}0|\(?0)"
_PHONE = re.compile(
    rf"(?<!\d)(?:{_PREFIX}{_SEP}(\d{{2}})|\(?(25|29|33|44)){_SEP}"
    rf"\d{{3}}[ \t\-]*\d{{2}}[ \t\-]*(\d{{2}})(?!\d)"
)
# Card numbers and other long bare numbers go too: nothing of ours logs one on purpose.
_LONG = re.compile(r"(?<!\d)\d{9,}(?!\d)")
# Two or more capitalised Cyrillic words in a row: a person's name in a Russian message.
_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_NAME = re.compile(rf"(?<![\w-]){_WORD}(?:[ \t]+{_WORD})+(?![\w-])")
_TOKEN = re.compile(r"bpt_[A-Za-z0-9_\-]+")
NAME_HIDDEN = "[имя скрыто]"


def _phone(match: re.Match[str]) -> str:
    operator = match.group(1) or match.group(2)
    return f"+375 {operator} ***-**-{match.group(3)}"


def private_data_masked(text: str) -> str:
    text = _TOKEN.sub("bpt_***", text)
    text = _LONG.sub("***", _PHONE.sub(_phone, text))
    return _NAME.sub(NAME_HIDDEN, text)


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
