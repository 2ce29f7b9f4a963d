"""`bonuspos-server`: run the central server and administer stores, tills and data."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bonuspos_server import admin
from bonuspos_server.db import ENV_URL, default_url, open_server_database


def _url(args: argparse.Namespace) -> str:
    return args.database_url or os.environ.get(ENV_URL) or default_url()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bonuspos-server", description=__doc__)
    parser.add_argument(
        "--database-url", help=f"SQLAlchemy URL (default: ${ENV_URL} or a SQLite file)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--database-url", dest="serve_url", help="as the global option")
    commands.add_parser("migrate", help="bring the database schema up to date")
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
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        from bonuspos_server.app import create_app
        from bonuspos_server.settings import Settings

        url = args.serve_url or _url(args)
        db = open_server_database(url)
        # One JSON object per line (the access log writes JSON itself); uvicorn's own
        # access log would repeat each request without its request id.
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
        uvicorn.run(
            create_app(db, Settings(url)),
            host=args.host,
            port=args.port,
            access_log=False,
            log_config=None,
        )
        return 0
    db = open_server_database(_url(args))
    try:
        return admin.run(db, args)
    except admin.AdminError as exc:
        print(f"bonuspos-server: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
