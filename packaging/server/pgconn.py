"""The libpq connection for backup.sh and restore.sh, from the server's own settings.

`pgconn.py PASSFILE` prints a `postgresql://` URI without its password (safe on a
command line) and, if the URL has a password, writes it to PASSFILE (mode 0600, libpq's
password-file format) for PGPASSFILE. The URL comes from the environment,
never from arguments, which `ps` shows: $BONUSPOS_BACKUP_DATABASE_URL, else
$BONUSPOS_SERVER_DATABASE_URL, else the file $BONUSPOS_SERVER_DATABASE_URL_FILE names
(refused if every user may read it, as the server refuses it). Standard library only:
it runs with any python3.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit


def _url() -> str:
    for name in ("BONUSPOS_BACKUP_DATABASE_URL", "BONUSPOS_SERVER_DATABASE_URL"):
        if os.environ.get(name):
            return os.environ[name].strip()
    file = os.environ.get("BONUSPOS_SERVER_DATABASE_URL_FILE")
    if not file:
        sys.exit("no database: set BONUSPOS_SERVER_DATABASE_URL or …_URL_FILE (server.env)")
    path = Path(file)
    if path.stat().st_mode & stat.S_IROTH:
        sys.exit(f"{path} is readable by every user of this machine: chmod 600 it")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return next((line for line in lines if line), "")


def split(url: str) -> tuple[str, str]:
    """The libpq URI without a password, and the password."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]  # SQLAlchemy's postgresql+psycopg
    if scheme not in ("postgresql", "postgres"):
        sys.exit(f"not a PostgreSQL URL (scheme {parts.scheme!r}): backups are for PostgreSQL")
    query = parse_qsl(parts.query, keep_blank_values=True)
    password = unquote(parts.password or "")
    password = next((v for k, v in query if k == "password"), password)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    netloc = f"{user}@{hostport}" if user else hostport
    rest = urlencode([(k, v) for k, v in query if k != "password"])
    return urlunsplit(("postgresql", netloc, parts.path, rest, "")), password


def passfile_line(password: str) -> str:
    """A password-file line matching any host, port, database and user."""
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pgconn.py PASSFILE (the URL comes from the environment)")
    uri, secret = split(_url())
    if secret:
        descriptor = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(passfile_line(secret))
    print(uri)
