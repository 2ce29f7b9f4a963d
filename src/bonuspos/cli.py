"""The `bonuspos` command: the till's entry point for cashiers, managers and IT."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bonuspos import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bonuspos", description="Касса программы «Любимый покупатель»"
    )
    parser.add_argument("--version", action="version", version=f"bonuspos {__version__}")
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser("demo", help="пройти сценарий программы на демо-кассе")
    demo.add_argument(
        "--data-dir", type=Path, help="папка демо-базы (по умолчанию новая временная)"
    )
    args = parser.parse_args(argv)
    from bonuspos.domain.errors import DomainError
    from bonuspos.ledger.till_lock import TillAlreadyRunning

    try:
        if args.command == "demo":
            from bonuspos import demo as demo_module

            demo_module.run(data_dir=args.data_dir)
            return 0
    except (DomainError, TillAlreadyRunning) as refused:
        print(f"bonuspos: {refused}", file=sys.stderr)
        return 2
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
