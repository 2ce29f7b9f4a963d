"""`bonuspos self-test`: is this till ready to sell? One line per check, in Russian.

The checks that need Qt (translations, the printer setting) are the command's, in
`bonuspos.headless`; these are the ones any build of the till can make.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from bonuspos.domain.errors import InvalidInput
from bonuspos.ledger.backup import inspect
from bonuspos.ledger.db import HEAD, open_database, revision
from bonuspos.services.till import DB_NAME
from bonuspos.sync import config as sync_config
from bonuspos.sync.state import CLOCK_WARNING

MB = 1024 * 1024
DISK_WARNING = 1024 * MB
DISK_FAILURE = 200 * MB
SERVER_TIMEOUT = 5.0


class Level(StrEnum):
    OK = "OK"
    WARNING = "ВНИМАНИЕ"
    FAILED = "ОШИБКА"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    level: Level
    text: str

    def line(self) -> str:
        return f"{self.level:<8} {self.name}: {self.text}"


def ready(checks: Iterable[Check]) -> bool:
    """Warnings are for IT to read; only a failure keeps the till from selling."""
    return all(check.level is not Level.FAILED for check in checks)


def database(data_dir: Path) -> Check:
    path = data_dir / DB_NAME
    name = "База кассы"
    if not path.exists():
        return Check(name, Level.WARNING, f"ещё нет ({path}); создастся при первом запуске")
    try:
        found = inspect(path)
    except InvalidInput as wrong:
        return Check(name, Level.FAILED, wrong.message)
    if found.revision != HEAD:
        # Not a fault: the till migrates it when it next opens.
        return Check(
            name,
            Level.WARNING,
            f"схема {found.revision}, обновится до {HEAD} при следующем запуске кассы",
        )
    return Check(
        name,
        Level.OK,
        f"{path}, схема {HEAD}, продаж {found.sales}, не отправлено {found.unsent}",
    )


def migrations() -> Check:
    """A new database built to HEAD in a scratch folder: the migrations ship with this build."""
    name = "Миграции базы"
    try:
        with tempfile.TemporaryDirectory(prefix="bonuspos-selftest-") as scratch:
            db = open_database(Path(scratch) / DB_NAME)
            try:
                built = revision(db.engine)
            finally:
                db.dispose()
    except Exception as exc:  # any failure here is what the check is for
        return Check(name, Level.FAILED, f"новая база не создаётся: {type(exc).__name__}: {exc}")
    if built != HEAD:
        return Check(name, Level.FAILED, f"новая база получила схему {built}, а не {HEAD}")
    return Check(name, Level.OK, f"новая база создаётся, схема {HEAD}")


def configuration() -> tuple[Check, sync_config.SyncConfig | None]:
    name = "Настройки сервера"
    try:
        config = sync_config.load()
    except sync_config.NotConfigured:
        return Check(name, Level.WARNING, "касса не подключена: работает только офлайн"), None
    except InvalidInput as wrong:
        return Check(name, Level.FAILED, wrong.message), None
    return Check(name, Level.OK, f"касса {config.store}/{config.till}, {config.server}"), config


def token_file() -> Check:
    """The settings file holds the till's token: readable by this user and no one else."""
    name = "Файл токена"
    path = sync_config.config_dir() / sync_config.FILE_NAME
    if not path.exists():
        return Check(name, Level.OK, "нет (касса не подключена к серверу)")
    if not os.access(path, os.R_OK):
        return Check(name, Level.FAILED, f"{path} не читается этим пользователем")
    if sys.platform == "win32":
        return Check(
            name, Level.OK, f"{path}; права в Windows не проверяются (их задаёт папка профиля)"
        )
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid != os.getuid():
        return Check(name, Level.FAILED, f"{path} принадлежит другому пользователю")
    if mode & 0o077:
        return Check(
            name,
            Level.FAILED,
            f"{path} доступен другим пользователям (права {mode:o}): chmod 600 {path}",
        )
    return Check(name, Level.OK, f"{path}, только для владельца")


def scanner() -> Check:
    """How the screens will tell a scan; a broken file is a warning: the defaults serve."""
    name = "Сканер штрихкодов"
    try:
        settings = sync_config.load_scanner()
    except InvalidInput as broken:
        return Check(name, Level.WARNING, f"{broken.message}; до тех пор — по умолчанию")
    return Check(name, Level.OK, settings.describe())


def server(config: sync_config.SyncConfig | None, now: Callable[[], datetime]) -> list[Check]:
    """The server answers, accepts this till's token, and its clock agrees with ours."""
    if config is None:
        return []
    import httpx

    from bonuspos.sync.client import ServerClient, ServerRefused, ServerUnavailable

    name = "Сервер"
    timeout = httpx.Timeout(SERVER_TIMEOUT, connect=SERVER_TIMEOUT)
    try:
        with ServerClient(config, timeout=timeout) as client:
            engine = client.health()
            client.last_seq()  # needs the token: /healthz alone would not prove it works
            asked_at = now()
            server_date = client.server_date
    except ServerUnavailable as exc:
        return [Check(name, Level.FAILED, f"{config.server}: {exc.reason}")]
    except ServerRefused as exc:
        return [Check(name, Level.FAILED, f"{config.server}: {exc.reason}")]
    checks = [Check(name, Level.OK, f"{config.server} отвечает (база {engine}), токен принят")]
    if server_date is None:
        checks.append(Check("Часы", Level.WARNING, "сервер не сообщил своё время"))
        return checks
    skew = (asked_at - server_date).total_seconds()
    # The Date header has whole seconds and the request takes some: a second or two is noise.
    if abs(skew) > CLOCK_WARNING.total_seconds():
        way = "спешат" if skew > 0 else "отстают"
        checks.append(
            Check(
                "Часы",
                Level.FAILED,
                f"{way} на {abs(round(skew / 60))} мин относительно сервера:"
                " исправьте дату и время компьютера",
            )
        )
    else:
        checks.append(Check("Часы", Level.OK, f"расхождение с сервером {abs(round(skew))} с"))
    return checks


def disk(data_dir: Path) -> Check:
    name = "Место на диске"
    folder = data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    text = f"свободно {free // MB} МБ ({folder})"
    if free < DISK_FAILURE:
        return Check(name, Level.FAILED, f"{text}: меньше {DISK_FAILURE // MB} МБ")
    if free < DISK_WARNING:
        return Check(name, Level.WARNING, f"{text}: меньше 1 ГБ")
    return Check(name, Level.OK, text)
