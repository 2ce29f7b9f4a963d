"""The `bonuspos` command: the till's entry point for cashiers, managers and IT."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
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
    configure = commands.add_parser(
        "configure", help="подключить кассу к серверу (делает ИТ, один раз на ПК)"
    )
    configure.add_argument("--server", required=True, help="адрес сервера, https://…")
    configure.add_argument("--store", required=True, help="код магазина")
    configure.add_argument("--till", required=True, help="код кассы")
    configure.add_argument(
        "--token-file", type=Path, required=True, help="файл с токеном из bonuspos-server add-till"
    )
    configure.add_argument("--ca-file", type=Path, help="сертификат собственного УЦ сети (PEM)")
    sync = commands.add_parser("sync", help="отправить на сервер события из очереди")
    sync.add_argument("--once", action="store_true", required=True, help="один проход и выход")
    sync.add_argument("--data-dir", type=Path, help="папка базы кассы")
    status = commands.add_parser("status", help="очередь событий и последняя синхронизация")
    status.add_argument("--data-dir", type=Path, help="папка базы кассы")
    status.add_argument(
        "--dead-letters", action="store_true", help="показать события, отклонённые сервером"
    )
    args = parser.parse_args(argv)
    from bonuspos.domain.errors import DomainError
    from bonuspos.ledger.till_lock import TillAlreadyRunning

    try:
        if args.command == "demo":
            from bonuspos import demo as demo_module

            demo_module.run(data_dir=args.data_dir)
            return 0
        if args.command in ("configure", "sync", "status"):
            from bonuspos import headless

            command: Callable[[argparse.Namespace], int] = getattr(headless, args.command)
            return command(args)
    except (DomainError, TillAlreadyRunning) as refused:
        print(f"bonuspos: {refused}", file=sys.stderr)
        return 2
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
