"""Which server this till talks to, as IT configured it once per PC (`bonuspos configure`).

The file lives in the platform's config folder and holds the till's token, so it is
written readable by its owner only, and the token never appears in a message or a log.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.scanner import ScannerSettings, checked_scanner
from bonuspos.paths import APP

FILE_NAME = "sync.json"
# Beside the server's: a till may have a scanner before it has a server, or never one.
SCANNER_FILE = "scanner.json"
CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


class NotConfigured(InvalidInput):
    """The till has no server yet: it sells offline until IT runs `bonuspos configure`."""


@dataclass(frozen=True)
class SyncConfig:
    server: str  # base URL, no trailing slash
    store: str
    till: str
    token: str = field(repr=False)
    ca_file: Path | None = None  # the chain's own CA; None: the system's trusted roots


def config_dir() -> Path:
    """BONUSPOS_CONFIG_DIR overrides the platform's folder (tests, several tills on one PC)."""
    override = os.environ.get("BONUSPOS_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP, appauthor=False))


def checked(
    server: str, store: str, till: str, token: str, ca_file: Path | None = None
) -> SyncConfig:
    """A configuration from what IT typed, or InvalidInput saying what is wrong (in Russian)."""
    parts = urlsplit(server.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput(
            "Адрес сервера должен начинаться с https://, например https://bonus.example.by"
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        # Tokens and customers' phones must not cross a network in clear text.
        raise InvalidInput(
            "Сервер в сети должен работать по https://; http:// — только для этой машины"
        )
    for what, code in (("магазина", store), ("кассы", till)):
        if not code or len(code) > 32 or not set(code) <= CODE_CHARACTERS:
            raise InvalidInput(
                f"Код {what} — латинские буквы, цифры, «_», «.», «-», не длиннее 32 знаков"
            )
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise InvalidInput(
            "Файл токена пуст или повреждён: возьмите токен из bonuspos-server add-till"
        )
    if ca_file is not None and not ca_file.is_file():
        raise InvalidInput(f"Файл сертификата не найден: {ca_file}")
    return SyncConfig(server.strip().rstrip("/"), store, till, token, ca_file)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def save(config: SyncConfig, folder: Path | None = None) -> Path:
    folder = folder or config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    body = {
        "server": config.server,
        "store": config.store,
        "till": config.till,
        "token": config.token,
        "ca_file": str(config.ca_file) if config.ca_file else None,
    }
    temporary = path.with_suffix(".tmp")
    # Created owner-only from the start: never a moment when others could read the token.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(body, out, ensure_ascii=False, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    return path


def load(folder: Path | None = None) -> SyncConfig:
    path = (folder or config_dir()) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotConfigured(
            "Касса не подключена к серверу: выполните bonuspos configure (это делает ИТ)"
        ) from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"Файл настроек {path} повреждён: выполните bonuspos configure") from exc
    try:
        ca_file = data.get("ca_file")
        return checked(
            data["server"],
            data["store"],
            data["till"],
            data["token"],
            Path(ca_file) if ca_file else None,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"Файл настроек {path} повреждён: выполните bonuspos configure") from exc


def save_scanner(settings: ScannerSettings, folder: Path | None = None) -> Path:
    """How this till tells its scanner's keys from a cashier's (`bonuspos configure`)."""
    folder = folder or config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SCANNER_FILE
    body = {
        "gap_ms": settings.gap_ms,
        "min_length": settings.min_length,
        "prefix": settings.prefix,
        "suffix": settings.suffix,
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, path)
    return path


def load_scanner(folder: Path | None = None) -> ScannerSettings:
    """The till's scanner settings; the defaults where IT set none."""
    path = (folder or config_dir()) / SCANNER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ScannerSettings()
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"Файл настроек сканера {path} повреждён: {_RECONFIGURE}") from exc
    defaults = ScannerSettings()
    try:
        values = (
            data.get("gap_ms", defaults.gap_ms),
            data.get("min_length", defaults.min_length),
            data.get("prefix", defaults.prefix),
            data.get("suffix", defaults.suffix),
        )
    except AttributeError as exc:
        raise InvalidInput(f"Файл настроек сканера {path} повреждён: {_RECONFIGURE}") from exc
    gap_ms, min_length, prefix, suffix = values
    if not (_whole(gap_ms) and _whole(min_length)) or not (
        isinstance(prefix, str) and isinstance(suffix, str)
    ):
        raise InvalidInput(f"Файл настроек сканера {path} повреждён: {_RECONFIGURE}")
    return checked_scanner(gap_ms, min_length, prefix, suffix)


_RECONFIGURE = "задайте сканер заново: bonuspos configure --scanner-gap-ms …"


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
