"""Backing up and restoring a till's database, as IT and the till itself do it.

Daily copies: one per store day (Minsk), taken when the till starts and by the sync
worker on its rounds, whichever comes first that day; the newest seven (or
BONUSPOS_BACKUPS_KEEP) are kept in `<data>/backups/`. A backup needs no till lock; a
restore takes it, so it never runs under an open till.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger import backup
from bonuspos.ledger.till_lock import TillAlreadyRunning, TillLock
from bonuspos.services.till import DB_NAME, LOCK_NAME

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Restored:
    revision: str
    unsent: int  # the restored copy's events still to send
    kept: Path | None  # where the replaced database went


def backup_now(data_dir: Path, target: Path | None, now: datetime) -> Path:
    """A copy made by hand: to `target`, or stamped with the time in `<data>/backups/`."""
    folder = backup.backups_dir(data_dir)
    where = target or backup.stamped(folder, "manual-", now.astimezone(DEFAULT_POLICY.zone))
    return backup.copy_database(data_dir / DB_NAME, where)


def daily(data_dir: Path, now: datetime) -> Path | None:
    """Today's copy if there is none yet; a failure is logged, never a till that won't start."""
    return backup.daily(data_dir / DB_NAME, DEFAULT_POLICY.store_day(now))


def restore(data_dir: Path, source: Path, now: datetime, *, force: bool = False) -> Restored:
    """Put a copy back in place of the till's database, keeping the one it replaces.

    Refused while the till runs (its lock) and over a database holding events the server
    has not had yet, unless `force`: those sales would be lost from this till for good.
    """
    found = backup.inspect(source)
    database = data_dir / DB_NAME
    try:
        lock = TillLock(data_dir / LOCK_NAME).acquire()
    except TillAlreadyRunning:
        raise InvalidInput(
            "Касса сейчас открыта: закройте программу BonusPOS и повторите восстановление"
        ) from None
    try:
        kept = None
        if database.is_file():
            current = backup.inspect(database)
            if current.unsent and not force:
                raise InvalidInput(
                    f"В текущей базе {current.unsent} событий ещё не отправлены на сервер:"
                    " восстановление их потеряет. Сначала bonuspos sync --once;"
                    " если связи нет и потеря допустима — добавьте --force"
                )
            local = now.astimezone(DEFAULT_POLICY.zone)
            kept = backup.stamped(backup.backups_dir(data_dir), "replaced-", local)
        backup.restore(source, database, kept or database)
    finally:
        lock.release()
    log.warning("database restored from a copy (schema %s)", found.revision)
    return Restored(found.revision, found.unsent, kept)
