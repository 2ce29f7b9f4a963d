"""The `bonuspos` command: the till's entry point for cashiers, managers and IT."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bonuspos import __version__

# The commands without the screens, in bonuspos.headless under their names with "_".
HEADLESS = (
    "configure",
    "sync",
    "status",
    "add-staff",
    "end-of-day",
    "backup",
    "restore",
    "self-test",
    "diagnostics",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bonuspos", description="Касса программы «Любимый покупатель»"
    )
    parser.add_argument("--version", action="version", version=f"bonuspos {__version__}")
    commands = parser.add_subparsers(dest="command")
    # Given before the command or after it: the command's own option must not overwrite
    # the first with its default (argparse's subparsers would), hence SUPPRESS there.
    parser.add_argument("--data-dir", type=Path, help="папка базы кассы")
    parser.add_argument("--lang", choices=("ru", "en"), default="ru", help="язык экранов")
    fullscreen = "во весь экран, без заголовка окна и панели задач (киоск)"
    parser.add_argument("--fullscreen", action="store_true", help=fullscreen)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="открыть экраны, дождаться первого экрана, вывести его и выйти (проверка сборки)",
    )
    demo = commands.add_parser(
        "demo", help="демо-касса с демо-сервером, каталогом и покупателями на этом ПК"
    )
    demo.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="папка демо (по умолчанию новая временная)",
    )
    demo.add_argument(
        "--text", action="store_true", help="сценарий программы в терминале, без экранов"
    )
    # Unset unless given here: `bonuspos --fullscreen demo` keeps the option given before.
    demo.add_argument(
        "--fullscreen", action="store_true", default=argparse.SUPPRESS, help=fullscreen
    )
    configure = commands.add_parser(
        "configure", help="подключить кассу к серверу (делает ИТ, один раз на ПК)"
    )
    # Each part may be given alone: the server, or the shared data folder, or both.
    configure.add_argument("--server", help="адрес сервера, https://…")
    configure.add_argument("--store", help="код магазина")
    configure.add_argument("--till", help="код кассы")
    configure.add_argument(
        "--token-file", type=Path, help="файл с токеном из bonuspos-server add-till"
    )
    configure.add_argument(
        "--data-dir",
        dest="shared_data_dir",
        type=Path,
        help="общая папка базы для всех пользователей Windows этой кассы (от администратора)",
    )
    configure.add_argument("--ca-file", type=Path, help="сертификат собственного УЦ сети (PEM)")
    # The scanner's settings, each alone too; what is not given keeps its value.
    configure.add_argument(
        "--scanner-gap-ms", type=int, help="самый долгий промежуток между знаками сканера, мс"
    )
    configure.add_argument(
        "--scanner-min-length", type=int, help="самый короткий код, принимаемый за скан"
    )
    configure.add_argument(
        "--scanner-prefix", help='знак, который сканер шлёт перед кодом ("" — без него)'
    )
    configure.add_argument(
        "--scanner-suffix", help='знак, который сканер шлёт после кода ("" — без него)'
    )
    sync = commands.add_parser("sync", help="отправить на сервер события из очереди")
    sync.add_argument("--once", action="store_true", required=True, help="один проход и выход")
    sync.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы")
    status = commands.add_parser("status", help="очередь событий и последняя синхронизация")
    status.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы")
    status.add_argument(
        "--dead-letters", action="store_true", help="показать события, отклонённые сервером"
    )
    end_of_day = commands.add_parser(
        "end-of-day", help="закрыть день: отправить всё, сверить итоги с сервером, отчёт"
    )
    end_of_day.add_argument("--date", help="день ГГГГ-ММ-ДД (по умолчанию сегодня, по Минску)")
    end_of_day.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы"
    )
    add_staff = commands.add_parser(
        "add-staff", help="добавить сотрудника на кассу без сервера (первый менеджер)"
    )
    add_staff.add_argument("full_name", help="фамилия и имя")
    add_staff.add_argument("--role", choices=("cashier", "manager"), required=True)
    add_staff.add_argument(
        "--pin-stdin", action="store_true", help="прочитать PIN из первой строки ввода"
    )
    add_staff.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы"
    )
    backup = commands.add_parser(
        "backup", help="резервная копия базы кассы (можно при открытой кассе)"
    )
    backup.add_argument(
        "file", type=Path, nargs="?", help="куда (по умолчанию папка backups рядом с базой)"
    )
    backup.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы")
    restore = commands.add_parser(
        "restore", help="восстановить базу кассы из копии (касса должна быть закрыта)"
    )
    restore.add_argument("file", type=Path, help="файл резервной копии")
    restore.add_argument(
        "--force", action="store_true", help="даже если в текущей базе есть неотправленные события"
    )
    restore.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы"
    )
    self_test = commands.add_parser("self-test", help="проверить, готова ли касса к работе")
    self_test.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы"
    )
    diagnostics = commands.add_parser(
        "diagnostics", help="zip для поддержки: журналы, версии, настройки без токена"
    )
    diagnostics.add_argument("--out", type=Path, help="файл zip (по умолчанию в текущей папке)")
    diagnostics.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы"
    )
    tags = commands.add_parser("price-tags", help="ценники на полки: PDF листов A4 по 14 этикеток")
    chosen = tags.add_mutually_exclusive_group(required=True)
    chosen.add_argument(
        "--sku", action="append", help="артикул или штрихкод товара (можно несколько раз)"
    )
    chosen.add_argument("--all", action="store_true", help="весь каталог кассы, по названию")
    tags.add_argument("--out", type=Path, required=True, help="файл PDF")
    tags.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="папка базы кассы")
    args = parser.parse_args(argv)
    from bonuspos import logs

    logs.setup()
    logging.getLogger(__name__).info("bonuspos %s: %s", __version__, args.command or "screens")
    from bonuspos.domain.errors import DomainError
    from bonuspos.ledger.till_lock import TillAlreadyRunning

    try:
        if args.command == "demo":
            if args.text:
                from bonuspos.demo import walkthrough

                walkthrough.run(data_dir=args.data_dir)
                return 0
            from bonuspos.demo import gui

            return gui.run(args.data_dir, args.lang, fullscreen=args.fullscreen)
        if args.command is None:
            return _screens(args)
        if args.command == "price-tags":
            return _price_tags(args)
        if args.command in HEADLESS:
            from bonuspos import headless

            name = args.command.replace("-", "_")
            command: Callable[[argparse.Namespace], int] = getattr(headless, name)
            return command(args)
    except (DomainError, TillAlreadyRunning) as refused:
        logging.getLogger(__name__).warning("refused: %s", refused)
        print(f"bonuspos: {refused}", file=sys.stderr)
        return 2
    except Exception:
        # Into the log file with its traceback: a windowed till has no console to show it.
        logging.getLogger(__name__).exception("bonuspos %s failed", args.command or "screens")
        raise
    parser.print_help()
    return 0


def _price_tags(args: argparse.Namespace) -> int:
    """Shelf labels of the products named, or of the whole catalog, into one PDF."""
    from bonuspos import paths
    from bonuspos.price_tags import ACROSS, DOWN, render
    from bonuspos.services.till import Till

    with Till(args.data_dir or paths.data_dir()) as till:
        tags = till.catalog.price_tags(args.sku or ())
    try:
        args.out.write_bytes(render(tags))
    except OSError as exc:
        print(f"bonuspos: ценники не записаны в {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    sheets = -(-len(tags) // (ACROSS * DOWN))
    print(f"Ценников: {len(tags)}, листов A4: {sheets}: {args.out}")
    bare = [tag.sku for tag in tags if tag.ean is None]
    if bare:
        print(f"Без штрихкода (в прайс-листе нет EAN-13): {', '.join(bare)}")
    return 0


def _screens(args: argparse.Namespace) -> int:
    """The cashier's screens; a till IT has not connected yet works offline."""
    from bonuspos import paths
    from bonuspos.sync import config as sync_config

    try:
        config = sync_config.load()
    except sync_config.NotConfigured:
        config = None
    from bonuspos.domain.errors import InvalidInput

    try:
        scanning = sync_config.load_scanner()
    except InvalidInput as broken:
        # The till still sells: with the defaults, which a scanner at 35 ms or faster suits.
        logging.getLogger(__name__).warning("scanner settings: %s", broken)
        scanning = None
    from bonuspos.ui import app

    return app.run(
        args.data_dir or paths.data_dir(),
        config,
        language=args.lang,
        fullscreen=args.fullscreen,
        smoke=args.smoke,
        scanning=scanning,
    )


if __name__ == "__main__":
    sys.exit(main())
