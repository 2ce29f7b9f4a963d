"""`bonuspos-server`: run the central server and administer stores, tills and data."""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bonuspos_server.admin import commands as admin
from bonuspos_server.admin import customers, health
from bonuspos_server.admin import staff as staff_admin
from bonuspos_server.admin.corrections import ENV_LIMIT
from bonuspos_server.data.db import ENV_URL, default_url, open_server_database
from bonuspos_server.data.urls import ENV_URL_FILE, UrlFileError, read_url_file
from bonuspos_server.settings import (
    CODE_SECRET,
    LIMITS,
    LOG_LEVEL,
    METRICS_ALLOW,
    MULTIPROC_DIR,
    THREADS,
    Settings,
    page_secret_from_environment,
)


def _located(args: argparse.Namespace) -> tuple[str, Path | None]:
    """The database URL, and the file it was read from if it was (see data/urls.py)."""
    given = getattr(args, "serve_url", None) or args.database_url
    if given:
        return given, None
    if args.database_url_file:
        file = Path(args.database_url_file)
    elif os.environ.get(ENV_URL):
        return os.environ[ENV_URL], None
    elif os.environ.get(ENV_URL_FILE):
        file = Path(os.environ[ENV_URL_FILE])
    else:
        return default_url(), None
    return read_url_file(file), file


def _carries_password(url: str) -> bool:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False  # not a URL at all: opening the database says so
    return bool(parsed.password) or "password" in parsed.query


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bonuspos-server", description=__doc__)
    parser.add_argument(
        "--database-url",
        help=f"SQLAlchemy URL (default: ${ENV_URL}, the file ${ENV_URL_FILE} names, or a"
        " SQLite file); without a password, which libpq finds in ~/.pgpass or $PGPASSFILE",
    )
    parser.add_argument(
        "--database-url-file",
        type=Path,
        help="a file holding the URL, password and all; not readable by every user",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--database-url", dest="serve_url", help="as the global option")
    serve.add_argument(
        "--workers", type=int, default=1, help="processes (default 1; about one per core)"
    )
    serve.add_argument(
        "--threads", type=int, default=4, help="requests at work at once per process (default 4)"
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="'info' logs every request as one JSON line",
    )
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser(
        "check",
        help="for monitoring: database, migrations, settings, policy, stores; one line each,"
        " exit 0 only when all are good",
    )
    store = commands.add_parser("add-store", help="register a store")
    store.add_argument("code")
    store.add_argument("--name", default="")
    till = commands.add_parser("add-till", help="register a till and print its token once")
    till.add_argument("store")
    till.add_argument("till")
    revoke = commands.add_parser("revoke-till", help="revoke a till's token at once")
    revoke.add_argument("store")
    revoke.add_argument("till")
    catalog = commands.add_parser("import-catalog", help="load a price list (CSV, ';')")
    catalog.add_argument("csv", type=Path)
    people = commands.add_parser("import-customers", help="load customers (CSV, ';')")
    people.add_argument("csv", type=Path)
    export = commands.add_parser("export-ledger", help="write the points ledger as CSV")
    export.add_argument("csv", type=Path)
    commands.add_parser("conflicts", help="list sign-ups held for a phone someone else holds")
    resolve = commands.add_parser("resolve-conflict", help="decide a phone conflict")
    resolve.add_argument("uid", help="the held sign-up's customer uid, as `conflicts` lists it")
    decision = resolve.add_mutually_exclusive_group(required=True)
    decision.add_argument(
        "--attach", action="store_true", help="the same person: move the held card onto theirs"
    )
    decision.add_argument(
        "--new-holder",
        action="store_true",
        help="the number passed to the newcomer: their card takes it, the old card is blocked",
    )
    adjust = commands.add_parser(
        "adjust", help="correct a card's balance (HQ): POINTS like 150, 12,50 or -5"
    )
    adjust.add_argument("card", help="phone in any form, or a plastic card number")
    adjust.add_argument("points", help="signed points: 150, 12,50, -5 (-12,50 after --)")
    adjust.add_argument("--reason", help="why, for the record (required)")
    adjust.add_argument("--by", help="the person it is done for or by, besides the OS user")
    adjust.add_argument(
        "--limit", help=f"largest correction allowed (default ${ENV_LIMIT} or 1000,00)"
    )
    listing = commands.add_parser("adjustments", help="list HQ's balance corrections")
    listing.add_argument(
        "--since", type=date.fromisoformat, help="from this day on (YYYY-MM-DD, Minsk)"
    )
    person = commands.add_parser(
        "add-staff", help="add a cashier or manager to a store; prints their id"
    )
    person.add_argument("store")
    person.add_argument("full_name")
    person.add_argument("--role", required=True, choices=["cashier", "manager"])
    person.add_argument("--pin-stdin", action="store_true", help=_PIN_HELP)
    reset = commands.add_parser("reset-pin", help="give a staff member a new PIN; ends a lockout")
    reset.add_argument("staff_id")
    reset.add_argument("--pin-stdin", action="store_true", help=_PIN_HELP)
    disable = commands.add_parser("disable-staff", help="no more sign-ins or approvals")
    disable.add_argument("staff_id")
    roster = commands.add_parser("staff", help="list a store's staff (never their keys)")
    roster.add_argument("--store", required=True)
    trail = commands.add_parser("audit", help="a store's audit trail of one day (Minsk)")
    trail.add_argument("--store", required=True)
    trail.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    trail.add_argument("--csv", type=Path, help="write it to this file (';'-separated)")
    figures = commands.add_parser(
        "report", help="each till's figures of one Minsk day, and its flagged events"
    )
    figures.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    figures.add_argument("--store", help="only this store (default: every store)")
    figures.add_argument("--csv", type=Path, help="write one row per till to this file (';')")
    customers.add_commands(commands)
    tags = commands.add_parser(
        "price-tags", help="shelf labels as a PDF of A4 sheets (14 labels a sheet)"
    )
    chosen = tags.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--sku", action="append", help="a product's SKU (repeatable)")
    chosen.add_argument("--all", action="store_true", help="the whole catalog, by name")
    tags.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    args = parser.parse_args(_negative_points_last(list(sys.argv[1:] if argv is None else argv)))

    given = [url for url in (args.database_url, getattr(args, "serve_url", None)) if url]
    if any(_carries_password(url) for url in given):
        # Any user of the machine can read a process's command line (`ps`).
        print(
            "bonuspos-server: a password in --database-url would show in `ps` to every user"
            f" of this machine. Put the URL in ${ENV_URL}, or the password in ~/.pgpass"
            " (PGPASSFILE), and give the URL without it.",
            file=sys.stderr,
        )
        return 2
    try:
        url, file = _located(args)
    except UrlFileError as exc:
        print(f"bonuspos-server: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(args, url, file)
    if args.command == "check":
        # Reads only: a check that migrated would hide the very thing it looks for.
        return health.report(url, os.environ)
    if args.command in ("add-staff", "reset-pin"):
        try:  # before the database: nobody types a PIN while a write lock is held
            args.pin = staff_admin.read_pin(args.pin_stdin)
        except staff_admin.StaffError as exc:
            print(f"bonuspos-server: {exc}", file=sys.stderr)
            return 2
    db = open_server_database(url)
    try:
        return admin.run(db, args)
    except admin.AdminError as exc:
        print(f"bonuspos-server: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


_PIN_HELP = "read the PIN as one line of stdin (default: typed twice on the terminal)"
_NEGATIVE_POINTS = re.compile(r"^-[0-9][0-9\u00a0 ]*[,.][0-9]{1,2}$")
_TAKES_VALUE = ("--reason", "--by", "--limit", "--database-url", "--database-url-file")


def _negative_points_last(argv: list[str]) -> list[str]:
    """`adjust PHONE -12,50`: argparse reads -12,50 as an option; it goes after `--` instead.

    Only -5 and -12.50 look like numbers to argparse; the comma is how the chain writes points.
    """
    if "adjust" not in argv or "--" in argv:
        return argv
    start = argv.index("adjust") + 1
    for n in range(start, len(argv)):
        if _NEGATIVE_POINTS.match(argv[n]) and argv[n - 1] not in _TAKES_VALUE:
            return [*argv[:n], *argv[n + 1 :], "--", argv[n]]
    return argv


def _serve(args: argparse.Namespace, url: str, file: Path | None) -> int:
    import uvicorn

    try:  # read here: a worker that cannot read them is restarted by uvicorn for ever
        Settings(url).with_limits(os.environ.get(LIMITS, "")).with_metrics_allow(
            os.environ.get(METRICS_ALLOW)
        ).with_page_secret(page_secret_from_environment(os.environ))
    except ValueError as exc:
        print(f"bonuspos-server: {exc}", file=sys.stderr)
        return 2
    open_server_database(url).dispose()  # migrate once, before any worker starts
    # Workers are separate processes: they find the database through the environment, by
    # the file's name when it came from a file, so the password stays in that file alone.
    if file is None:
        os.environ[ENV_URL] = url
    else:
        os.environ.pop(ENV_URL, None)
        os.environ[ENV_URL_FILE] = str(file.resolve())
    os.environ[LOG_LEVEL] = args.log_level.upper()
    # One-time codes are hashed under a secret every worker must share; without one set, a
    # secret for this run (codes live minutes, so a restart only costs the live ones).
    os.environ.setdefault(CODE_SECRET, secrets.token_hex(32))
    os.environ[THREADS] = str(args.threads)
    private = _metrics_folder(args.workers)
    try:
        uvicorn.run(
            "bonuspos_server.web.app:from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            # The app logs each request as JSON with its request id; uvicorn's access log
            # would repeat each request without it.
            access_log=False,
            log_config=None,
        )
    finally:
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)
    return 0


def _metrics_folder(workers: int) -> Path | None:
    """Readies prometheus_client's multiprocess folder; the private one it made, if any.

    Several workers each count their own requests: without a shared folder /metrics would
    show whichever process answered. Counts left from an earlier run are removed, or they
    would be added to this run's.
    """
    given = os.environ.get(MULTIPROC_DIR)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink(missing_ok=True)
        return None
    if workers < 2:
        return None
    private = Path(tempfile.mkdtemp(prefix="bonuspos-metrics-"))
    os.environ[MULTIPROC_DIR] = str(private)
    return private


if __name__ == "__main__":
    sys.exit(main())
