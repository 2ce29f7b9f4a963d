"""Copies of the till's database: SQLite's online backup, checks, restore, the daily set.

The online backup API copies a consistent snapshot while the till keeps selling: it reads
under one read transaction (WAL lets the writer go on beside it), so a copy holds each
sale whole or not at all. It needs no till lock, only the database file. Plain `sqlite3`
here, not the engine: a backup must also work on a file no engine of ours has opened.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bonuspos.domain.errors import InvalidInput
from bonuspos.ledger.db import BUSY_TIMEOUT_MS, HEAD, known

BACKUPS = "backups"
DAILY_PREFIX = "daily-"
SUFFIX = ".sqlite3"
DEFAULT_KEEP = 7
log = logging.getLogger(__name__)
_DAILY = re.compile(r"^daily-(\d{4}-\d{2}-\d{2})\.sqlite3$")


class NotATillDatabase(InvalidInput):
    """The file is not a BonusPOS database, or a damaged one."""


class BackupFailed(InvalidInput):
    """SQLite could not make the copy (disk full, the file locked too long)."""


@dataclass(frozen=True, slots=True)
class Inspected:
    revision: str
    unsent: int  # events the server has not answered yet
    sales: int


def keep_count() -> int:
    """How many daily copies to keep: BONUSPOS_BACKUPS_KEEP, else a week's worth."""
    value = os.environ.get("BONUSPOS_BACKUPS_KEEP", "").strip()
    return max(1, int(value)) if value.isdigit() else DEFAULT_KEEP


@contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    if read_only:
        # mode=ro: checking a file must never create it, nor change it.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        connection = sqlite3.connect(path)
    with closing(connection):
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        yield connection


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of `source` at `target`, a single file (no -wal beside it).

    Written to a temporary name and renamed: a copy cut short by a power cut is never
    mistaken for a good one.
    """
    if not source.is_file():
        raise InvalidInput(f"Нет базы кассы: {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Named by process and thread: the start-up copy and the sync worker's may race.
    partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        with _connect(source) as src, closing(sqlite3.connect(partial)) as dst:
            # All pages in one step, under one read transaction: a consistent snapshot.
            src.backup(dst)
            # The copy inherits WAL mode; a copy kept on a USB stick should be one file.
            dst.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupFailed(f"Не удалось скопировать базу {source}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def inspect(path: Path) -> Inspected:
    """What a file holds, if it is a sound BonusPOS database; NotATillDatabase otherwise."""
    if not path.is_file():
        raise NotATillDatabase(f"Файл не найден: {path}")
    try:
        with _connect(path, read_only=True) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
            if problems != ["ok"]:
                raise NotATillDatabase(
                    f"Файл {path} повреждён (integrity_check: {'; '.join(problems[:3])})"
                )
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if not {"alembic_version", "outbox", "sales"} <= tables:
                raise NotATillDatabase(f"Файл {path} — не база кассы BonusPOS")
            revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
            unsent = db.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL").fetchone()
            sales = db.execute("SELECT count(*) FROM sales").fetchone()
    except sqlite3.DatabaseError as exc:
        raise NotATillDatabase(f"Файл {path} — не база SQLite или повреждён ({exc})") from None
    if revision is None or not known(str(revision[0])):
        found = revision[0] if revision else "нет"
        raise NotATillDatabase(
            f"Файл {path} записан более новой версией BonusPOS (схема {found},"
            f" эта версия знает схемы до {HEAD}): восстановите его новой версией"
        )
    return Inspected(str(revision[0]), int(unsent[0]), int(sales[0]))


def restore(source: Path, database: Path, kept: Path) -> None:
    """Put `source` in the place of `database`; the replaced one is copied to `kept` first.

    The caller holds the till lock and has checked `source` (inspect). The pages go in
    through the backup API too, so SQLite itself deals with the old file's -wal and -shm.
    """
    if database.is_file():
        copy_database(database, kept)
        try:
            with _connect(source, read_only=True) as src, _connect(database) as dst:
                src.backup(dst)
        except sqlite3.Error as exc:
            raise BackupFailed(f"Не удалось восстановить базу из {source}: {exc}") from None
    else:
        copy_database(source, database)


def backups_dir(data_dir: Path) -> Path:
    return data_dir / BACKUPS


def daily_copy(database: Path, folder: Path, day: date, keep: int) -> Path | None:
    """Today's copy, unless there is one already; then only the newest `keep` are kept.

    One copy per store day, named by it: the check is a file's existence, cheap enough to
    make on every start and every sync round.
    """
    target = folder / f"{DAILY_PREFIX}{day.isoformat()}{SUFFIX}"
    if target.exists() or not database.is_file():
        return None
    copy_database(database, target)
    dailies = sorted(p for p in folder.iterdir() if _DAILY.match(p.name))
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)
    return target


def daily(database: Path, day: date) -> Path | None:
    """`daily_copy` into the database's own backups folder; a failure is logged, never
    raised: a till that cannot back up must still start and sell."""
    try:
        made = daily_copy(database, backups_dir(database.parent), day, keep_count())
    except (OSError, InvalidInput) as exc:
        log.warning("daily backup failed: %s", exc)
        return None
    if made is not None:
        log.info("daily backup written: %s", made.name)
    return made


def stamped(folder: Path, prefix: str, at: datetime) -> Path:
    """A file name for a copy made by hand or before a restore: never overwrites another."""
    return folder / f"{prefix}{at.strftime('%Y-%m-%d-%H%M%S')}{SUFFIX}"
