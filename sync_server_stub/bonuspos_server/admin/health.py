"""`bonuspos-server check`: whether this server is fit to serve, one line per check.

Made for monitoring (a Nagios-style check, a systemd `ExecStartPre=`, a deploy script):
every line starts with `OK` or `FAIL`, and the exit code is 0 only when every check is
OK. It only reads: a check that migrated or created a SQLite file would hide what it is
there to find.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from bonuspos_server.data import policies
from bonuspos_server.data.db import MIGRATIONS, make_engine
from bonuspos_server.data.models import PolicyVersion, Store, Till
from bonuspos_server.settings import LIMITS, METRICS_ALLOW, THREADS, Settings

FAILED = 1


@dataclass(frozen=True, slots=True)
class Finding:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def report(url: str, environ: Mapping[str, str]) -> int:
    """Prints each check's line; 0 when all are OK, 1 otherwise."""
    findings = checks(url, environ)
    for finding in findings:
        print(finding.line())
    sys.stdout.flush()
    return 0 if all(f.ok for f in findings) else FAILED


def checks(url: str, environ: Mapping[str, str]) -> list[Finding]:
    return [_settings(url, environ), *_database(url)]


def _settings(url: str, environ: Mapping[str, str]) -> Finding:
    """The settings every `serve` worker reads: a typo there restarts workers for ever."""
    try:
        threads = int(environ.get(THREADS, str(Settings.threads)))
        if threads < 1:
            raise ValueError(f"{THREADS}: {threads} is not a positive number of threads")
        settings = (
            Settings(url)
            .with_limits(environ.get(LIMITS, ""))
            .with_metrics_allow(environ.get(METRICS_ALLOW))
        )
    except ValueError as exc:
        return Finding("settings", False, str(exc))
    return Finding(
        "settings",
        True,
        f"limits parse (till {settings.rate_burst}/{settings.till_limit.seconds}s,"
        f" body {settings.max_body_bytes} bytes, batch {settings.max_batch});"
        f" /metrics open to {len(settings.metrics_allow)} network(s)",
    )


_NOT_CHECKED = "not checked: {why}"


def _database(url: str) -> list[Finding]:
    unchecked = ("migrations", "policy", "stores")
    try:
        parsed = make_url(url)
    except ArgumentError:
        return _skipped([Finding("database", False, "the URL is not a database URL")], unchecked)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database or "")
        if not path.exists():  # connecting would create it, empty
            return _skipped([Finding("database", False, f"no SQLite file {path}")], unchecked)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            reached = Finding("database", True, f"reachable ({engine.dialect.name})")
            migrations = _migrations(conn)
            if not migrations.ok:
                return _skipped([reached, migrations], ("policy", "stores"))
            with Session(bind=conn) as session:
                return [reached, migrations, _policy(session), _stores(session)]
    except SQLAlchemyError as exc:
        # The driver's own words say why (refused, no such host, authentication); the
        # password is never part of them.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return _skipped([Finding("database", False, f"unreachable: {reason}")], unchecked)
    finally:
        engine.dispose()


def _skipped(findings: list[Finding], names: tuple[str, ...]) -> list[Finding]:
    """`findings`, the last of them failed, and a failing line for each check it stopped."""
    why = f"the {findings[-1].name} check failed"
    return [*findings, *(Finding(name, False, _NOT_CHECKED.format(why=why)) for name in names)]


def _migrations(conn: Connection) -> Finding:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return Finding("migrations", True, f"at head {', '.join(sorted(heads))}")
    at = ", ".join(sorted(current)) or "none (an empty database)"
    return Finding(
        "migrations",
        False,
        f"database at {at}, this code at {', '.join(sorted(heads))}: run `bonuspos-server"
        " migrate` (or restart the service, which migrates first)",
    )


def _policy(session: Session) -> Finding:
    newest = session.execute(select(func.max(PolicyVersion.version))).scalar_one()
    if newest is None:
        return Finding("policy", False, "no policy version in the database")
    try:
        policy = policies.version(session, newest)
    except (ValueError, KeyError, TypeError) as exc:
        return Finding("policy", False, f"version {newest} does not read: {exc}")
    if policy is None:
        return Finding("policy", False, f"version {newest} is missing")
    return Finding("policy", True, f"version {newest}")


def _stores(session: Session) -> Finding:
    stores = session.execute(select(func.count()).select_from(Store)).scalar_one()
    tills = session.execute(
        select(func.count()).select_from(Till).where(Till.revoked_at.is_(None))
    ).scalar_one()
    if not stores:
        return Finding("stores", False, "no store yet: `bonuspos-server add-store CODE`")
    return Finding("stores", True, f"{stores} store(s), {tills} till(s) with a live token")
