"""Where the database URL comes from, so that its password never has to be typed on a
command line (where `ps` shows it to every user of the machine).

In order: `--database-url` (refused if it carries a password), `--database-url-file`,
`$BONUSPOS_SERVER_DATABASE_URL`, `$BONUSPOS_SERVER_DATABASE_URL_FILE`, then a SQLite file
in the platform's data folder. A URL without a password reaches PostgreSQL through libpq,
which finds the password in `~/.pgpass` or the file `$PGPASSFILE` names.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from bonuspos_server.data.db import ENV_URL

ENV_URL_FILE = "BONUSPOS_SERVER_DATABASE_URL_FILE"


class UrlFileError(ValueError):
    """The URL file cannot be used: missing, empty, or readable by everyone."""


def read_url_file(path: Path) -> str:
    """The URL in `path` (its first non-blank line), refusing a file every user can read:
    the file exists to keep the password from them."""
    try:
        mode = path.stat().st_mode
        # Windows has no "other" bits to check; its ACLs keep the file in its profile.
        if os.name != "nt" and mode & stat.S_IROTH:
            raise UrlFileError(
                f"{path} is readable by every user of this machine"
                f" (mode {stat.S_IMODE(mode):04o}), and it holds the database password:"
                f" `chmod 600 {path}` (or 640 with the service's group) and try again"
            )
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UrlFileError(f"cannot read the database URL file {path}: {exc.strerror}") from None
    url = next((line.strip() for line in lines if line.strip()), "")
    if not url:
        raise UrlFileError(f"the database URL file {path} is empty")
    return url


def from_environment(environ: Mapping[str, str] = os.environ) -> str | None:
    """The URL `$BONUSPOS_SERVER_DATABASE_URL` gives, or the file `…_URL_FILE` names."""
    if environ.get(ENV_URL):
        return environ[ENV_URL]
    if environ.get(ENV_URL_FILE):
        return read_url_file(Path(environ[ENV_URL_FILE]))
    return None
