"""The commands IT and managers run without the screens: configure, sync --once, status.

Each prints what a person needs in one line or a few, in Russian, and exits 0 only when
the thing asked for is done (`sync --once`: the server reached and every event answered).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bonuspos import paths
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.ledger.db import open_database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import SystemClock
from bonuspos.services.clock_guard import ClockGuard
from bonuspos.services.till import DB_NAME, Till
from bonuspos.sync import config as sync_config
from bonuspos.sync import status as sync_status
from bonuspos.sync.client import ServerClient, ServerRefused, ServerUnavailable
from bonuspos.sync.cycle import sync_round
from bonuspos.sync.pull import Pulled

if TYPE_CHECKING:
    from bonuspos.services.end_of_day import DayReport, Progress
    from bonuspos.services.self_test import Check


def configure(args: argparse.Namespace) -> int:
    server = (args.server, args.store, args.till, args.token_file)
    scanner = (args.scanner_gap_ms, args.scanner_min_length, args.scanner_prefix)
    if any(value is not None for value in (*scanner, args.scanner_suffix)):
        _configure_scanner(args)
        if not any(server) and args.shared_data_dir is None:
            return 0
    if args.shared_data_dir is not None:
        _share_data_dir(Path(args.shared_data_dir))
        if not any(server):
            return 0
    if not all(server):
        raise InvalidInput(
            "Для подключения к серверу нужны --server, --store, --till и --token-file"
        )
    try:
        token = Path(args.token_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"Не удалось прочитать файл токена {args.token_file}: {exc.strerror}"
        ) from None
    settings = sync_config.checked(args.server, args.store, args.till, token, args.ca_file)
    where = sync_config.save(settings)
    # Never the token itself: this line may end up in a ticket or a screenshot.
    till = f"{settings.store}/{settings.till}"
    print(f"Касса {till} подключена к {settings.server}; настройки: {where}")
    return 0


def _configure_scanner(args: argparse.Namespace) -> None:
    """Change the settings given, keep the others (a broken file: from the defaults)."""
    from dataclasses import replace

    from bonuspos.domain.scanner import ScannerSettings, checked_scanner

    try:
        now = sync_config.load_scanner()
    except InvalidInput:
        now = ScannerSettings()
    given = {
        "gap_ms": args.scanner_gap_ms,
        "min_length": args.scanner_min_length,
        "prefix": args.scanner_prefix,
        "suffix": args.scanner_suffix,
    }
    wanted = replace(now, **{name: value for name, value in given.items() if value is not None})
    settings = checked_scanner(wanted.gap_ms, wanted.min_length, wanted.prefix, wanted.suffix)
    where = sync_config.save_scanner(settings)
    print(f"Сканер: {settings.describe()}; настройки: {where}")


def _share_data_dir(folder: Path) -> None:
    """Record one database folder for every login on this PC.

    Its permissions are IT's: every cashier's Windows account must be able to write there.
    """
    folder = folder.absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        settings = paths.machine_settings()
        settings["data_dir"] = str(folder)
        where = paths.save_machine_settings(settings)
    except OSError as exc:
        raise InvalidInput(
            f"Не удалось записать общие настройки кассы ({exc.strerror}):"
            " запустите команду от имени администратора"
        ) from None
    print(f"Папка базы кассы для всех пользователей: {folder}; настройки: {where}")
    if os.environ.get("BONUSPOS_DATA_DIR"):
        print("ВНИМАНИЕ: задана BONUSPOS_DATA_DIR, она важнее этой настройки")


def sync(args: argparse.Namespace) -> int:
    settings = sync_config.load()
    with (
        Till(args.data_dir or paths.data_dir()) as till,
        ServerClient(settings) as client,
    ):
        try:
            pushed, pulled = sync_round(till.db, client, till.clock.now, _receiving)
        except (ServerUnavailable, ServerRefused) as failed:
            waiting = sync_status.read(till.db).waiting
            print(f"bonuspos sync: {failed}; в очереди {waiting} событий", file=sys.stderr)
            return 1
        left = sync_status.read(till.db)
    line = (
        f"Отправлено: принято {pushed.accepted}, уже было на сервере {pushed.duplicate},"
        f" отклонено {pushed.rejected}; в очереди {left.waiting};"
        f" получено: покупателей {pulled.customers}, товаров {pulled.products}"
    )
    if pushed.recovered:
        lost = pushed.recovered
        line += f"; сервер потерял {lost} событий (восстановлен из копии?), они отправлены снова"
    if left.dead_letters:
        line += f"; отклонённых всего {left.dead_letters} (bonuspos status --dead-letters)"
    print(line)
    return 0 if left.waiting == 0 else 1


def _receiving(pulled: Pulled) -> None:
    # A first fill runs for a minute or more: IT sees it move, every 50,000 cards or so.
    if pulled.pages > 1 and pulled.pages % 10 == 0:
        print(
            f"Загрузка: получено покупателей {pulled.customers:,}".replace(",", " "),
            file=sys.stderr,
        )


def backup(args: argparse.Namespace) -> int:
    """A copy while the till sells: no lock needed, SQLite's backup API reads a snapshot."""
    from bonuspos.ledger.backup import inspect
    from bonuspos.services import backups

    data_dir = args.data_dir or paths.data_dir()
    made = backups.backup_now(data_dir, args.file, SystemClock().now())
    found = inspect(made)
    print(f"Резервная копия: {made} (продаж {found.sales}, не отправлено событий {found.unsent})")
    return 0


def restore(args: argparse.Namespace) -> int:
    from bonuspos.services import backups

    data_dir = args.data_dir or paths.data_dir()
    done = backups.restore(data_dir, args.file, SystemClock().now(), force=args.force)
    if done.kept is not None:
        print(f"Прежняя база сохранена: {done.kept}")
    print(f"База кассы восстановлена из {args.file} (схема {done.revision})")
    if done.unsent:
        # push.py moves them above the server's last seq on the next round.
        print(f"Неотправленных событий в копии: {done.unsent}; они уйдут при синхронизации")
    print("Выполните bonuspos sync --once, чтобы касса получила с сервера всё новое")
    return 0


def self_test(args: argparse.Namespace) -> int:
    """Is this till ready to sell? Exit 0 only when no check failed (warnings are allowed)."""
    from bonuspos.services import self_test as checks

    data_dir = args.data_dir or paths.data_dir()
    found = [checks.database(data_dir), checks.migrations()]
    configured, config = checks.configuration()
    found += [configured, checks.token_file(), checks.scanner()]
    found += _qt_checks(data_dir)
    found += checks.server(config, SystemClock().now)
    found.append(checks.disk(data_dir))
    for check in found:
        print(check.line())
    failed = sum(check.level is checks.Level.FAILED for check in found)
    print("Касса готова к работе" if not failed else f"Касса НЕ готова: ошибок {failed}")
    return 0 if not failed else 1


def _qt_checks(data_dir: Path) -> list[Check]:
    """Translations and the printer setting: the screens' layer, loaded only for this."""
    from bonuspos.services.self_test import Check, Level

    try:
        from PySide6.QtCore import QTranslator

        from bonuspos.ui.app import LANGUAGES
    except ImportError as exc:
        return [Check("Экраны (Qt)", Level.FAILED, f"не загружаются: {exc}")]
    found = []
    folder = paths.resources_dir() / "i18n"
    for language in LANGUAGES:
        if language == "ru":  # the source language: nothing to load
            continue
        qm = folder / f"bonuspos_{language}.qm"
        if not qm.is_file():
            found.append(Check(f"Перевод {language}", Level.FAILED, f"нет файла {qm}"))
        elif not QTranslator().load(str(qm)):
            found.append(Check(f"Перевод {language}", Level.FAILED, f"Qt не читает {qm}"))
        else:
            found.append(Check(f"Перевод {language}", Level.OK, str(qm)))
    good, text = _printer_setting(data_dir)
    found.append(Check("Принтер чеков", Level.OK if good else Level.FAILED, text))
    return found


def _printer_setting(data_dir: Path) -> tuple[bool, str]:
    """Whether BONUSPOS_PRINTER is one `ui.printing.configured` understands, and what.

    `configured` falls back to PDF files on anything it does not know: right for a till
    that must sell, but the self-test has to say the setting was mistyped. Here, not
    beside it: a message for IT, in Russian only, not a screen's text to translate.
    """
    choice = os.environ.get("BONUSPOS_PRINTER", "").strip()
    kind, _, target = choice.partition(":")
    if not choice:
        return True, f"не задан: чеки в PDF, папка {data_dir / 'receipts'}"
    if kind == "system":
        return True, "принтер Windows по умолчанию"
    if kind == "pdf":
        return True, f"чеки в PDF, папка {target or data_dir / 'receipts'}"
    if kind.startswith("escpos-"):
        if not target:
            return False, f"BONUSPOS_PRINTER={choice}: после «:» нужен адрес принтера"
        if kind == "escpos-usb":
            ids = target.split(":")
            try:
                if len(ids) != 2 or not all(0 <= int(part, 16) <= 0xFFFF for part in ids):
                    raise ValueError(target)
            except ValueError:
                return False, (
                    f"BONUSPOS_PRINTER={choice}: для USB нужно escpos-usb:VID:PID,"
                    " например escpos-usb:0416:5011"
                )
        try:
            import escpos  # noqa: F401 - only whether this build has it
        except ImportError:
            return False, f"BONUSPOS_PRINTER={choice}: в сборке нет python-escpos"
        return True, f"чековый принтер ESC/POS ({kind.removeprefix('escpos-')} {target})"
    return False, (
        f"BONUSPOS_PRINTER={choice}: неизвестный принтер"
        " (escpos-usb:VID:PID, escpos-net:адрес, system, pdf:папка)"
    )


def diagnostics(args: argparse.Namespace) -> int:
    """A zip for support: logs, versions, settings without the token, status, self-test."""
    import contextlib
    import io
    import zipfile

    from bonuspos import logs

    now = SystemClock().now().astimezone(DEFAULT_POLICY.zone)
    out = Path(args.out or f"bonuspos-diagnostics-{now:%Y-%m-%d-%H%M%S}.zip")
    try:
        token = sync_config.load().token
    except InvalidInput:
        token = ""

    def captured(command: Callable[[argparse.Namespace], int], **options: object) -> str:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            try:
                code = command(argparse.Namespace(data_dir=args.data_dir, **options))
                buffer.write(f"\nкод выхода: {code}\n")
            except Exception as exc:  # the zip is wanted most when something is broken
                buffer.write(f"\nошибка: {type(exc).__name__}: {exc}\n")
        return buffer.getvalue()

    entries = {
        "versions.txt": _versions(args.data_dir or paths.data_dir()),
        "settings.json": _settings_without_token(),
        "status.txt": captured(status, dead_letters=True),
        "self-test.txt": captured(self_test),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, _without(token, text))
        for log_file in logs.files():
            text = log_file.read_text(encoding="utf-8", errors="replace")
            archive.writestr(f"logs/{log_file.name}", _without(token, text))
    print(f"Диагностика: {out}")
    return 0


def _without(token: str, text: str) -> str:
    # The logs and the settings already leave it out; this is the last line of defence.
    return text.replace(token, "***") if token else text


def _versions(data_dir: Path) -> str:
    import platform
    import sqlite3

    from bonuspos import __version__

    lines = [
        f"bonuspos {__version__}",
        f"Python {sys.version}",
        f"SQLite {sqlite3.sqlite_version}",
        f"ОС {platform.platform()}",
        f"сборка: {'PyInstaller' if getattr(sys, 'frozen', False) else 'из исходников/пакета'}",
        f"папка базы: {data_dir}",
    ]
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        lines.append(f"Qt {qVersion()}, PySide6 {PySide6.__version__}")
    except ImportError as exc:
        lines.append(f"Qt не загружается: {exc}")
    return "\n".join(lines) + "\n"


def _settings_without_token() -> str:
    path = sync_config.config_dir() / sync_config.FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {"_": "касса не подключена к серверу"}
    except (OSError, ValueError) as exc:
        data = {"_": f"файл настроек не читается: {exc}"}
    if isinstance(data, dict) and "token" in data:
        data["token"] = "(скрыт)"
    machine = paths.machine_settings()
    return json.dumps({"sync": data, "machine": machine}, ensure_ascii=False, indent=2) + "\n"


def status(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or paths.data_dir()
    if not (data_dir / DB_NAME).exists():
        raise InvalidInput(f"В папке {data_dir} нет базы кассы")
    # No till lock: a manager may ask while the cashier's screen is open.
    db = open_database(data_dir / DB_NAME)
    try:
        state = sync_status.read(db)
        oldest = f", самое старое от {_local(state.oldest_unsent)}" if state.oldest_unsent else ""
        last = _local(state.last_sync) if state.last_sync else "не было"
        print(f"В очереди: {state.waiting} событий{oldest}")
        print(f"Последняя синхронизация: {last}")
        print(f"Отклонено сервером: {state.dead_letters}")
        print(f"Курсор изменений: {state.cursor or 'нет (кэш не загружался)'}")
        if state.clock_wrong and state.clock_skew is not None:
            minutes = round(state.clock_skew.total_seconds() / 60)
            way = "спешат" if minutes > 0 else "отстают"
            print(f"ВНИМАНИЕ: часы кассы {way} на {abs(minutes)} мин относительно сервера")
        with UnitOfWork(db.reading) as uow:
            wrong = ClockGuard(SystemClock(), DEFAULT_POLICY).problem(uow)
        if wrong is not None:
            print(f"ВНИМАНИЕ: {wrong.message}")
        if args.dead_letters:
            with UnitOfWork(db.reading) as uow:
                for event in uow.outbox.dead_letters():
                    when = _local(event.occurred_at)
                    print(f"  #{event.seq} {event.type} {when}: {_why(event.problem)}")
    finally:
        db.dispose()
    return 0


def _local(moment: datetime) -> str:
    return moment.astimezone(DEFAULT_POLICY.zone).strftime("%d.%m.%Y %H:%M")


def _why(problem: str | None) -> str:
    try:
        body = json.loads(problem or "{}")
    except ValueError:
        return "причина не записана"
    return str(body.get("detail") or body.get("title") or "причина не записана")


def add_staff(args: argparse.Namespace) -> int:
    """A person for a till with no server yet: IT's first manager, say."""
    from bonuspos.domain.staff import Role

    pin = _read_pin(args.pin_stdin)
    with Till(args.data_dir or paths.data_dir()) as till:
        person = till.staff.add_local(args.full_name, Role(args.role), pin)
    role = "менеджер" if person.is_manager else "кассир"
    print(f"Добавлен: {person.full_name} ({role}), код {person.staff_id}")
    return 0


def _read_pin(from_stdin: bool) -> str:
    """Never from the command line, where every user of the PC can read it."""
    if from_stdin:
        return sys.stdin.readline().strip()
    import getpass

    first = getpass.getpass("PIN: ")
    if getpass.getpass("PIN ещё раз: ") != first:
        raise InvalidInput("PIN не совпали: ничего не добавлено")
    return first


# `bonuspos end-of-day` exit statuses (2, refused input, is the CLI's for every command).
DAY_AGREES = 0
DAY_UNREACHABLE = 1  # the server not reached, or events of the day left unsent
DAY_RESENT = 3  # the server had lost events; they went again: run once more to confirm
DAY_DISAGREES = 4


def end_of_day(args: argparse.Namespace) -> int:
    """Close a store day: drain, compare with the server, keep and print the report."""
    from bonuspos.services.end_of_day import CSV_NAME, JSON_NAME, PDF_NAME

    settings = sync_config.load()
    day = _day(args.date) if args.date else None
    with Till(
        args.data_dir or paths.data_dir(),
        server=lambda: ServerClient(settings),
        store=settings.store,
        till=settings.till,
    ) as till:
        report = till.end_of_day.close_day(day, progress=_closing())
        folder = till.end_of_day.report_dir(report.day)
    _print_report(report)
    print(f"Сохранено: {folder / CSV_NAME}")
    print(f"Сохранено: {folder / JSON_NAME}")
    _pdf(report, folder / PDF_NAME)
    return day_status(report)


def day_status(report: DayReport) -> int:
    if report.server_totals is None or report.unsent:
        return DAY_UNREACHABLE
    if report.resent:
        return DAY_RESENT
    return DAY_AGREES if report.agrees else DAY_DISAGREES


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"Дата дня — ГГГГ-ММ-ДД, например 2026-12-01, а не «{text}»") from None


def _closing() -> Callable[[Progress], None]:
    """Each stage once, and the drain's count when it is done: a line per batch would
    bury the report."""
    said: set[str] = set()

    def tell(progress: Progress) -> None:
        if progress.total and progress.sent == progress.total:
            print(f"{progress.stage}: {progress.sent} из {progress.total}", file=sys.stderr)
        elif progress.stage not in said:
            print(f"{progress.stage}…", file=sys.stderr)
        said.add(progress.stage)

    return tell


def _print_report(report: DayReport) -> None:
    when = report.day.strftime("%d.%m.%Y")
    print(f"Итоги дня {when}: магазин {report.store}, касса {report.till}")
    rows = [(r.what, r.till, r.server, r.difference or "—") for r in report.rows]
    if report.server_totals is None:
        from bonuspos.domain.day import compare

        rows = [(r.what, r.till, "нет связи", "") for r in compare(*[report.till_totals] * 2)]
    head = ("", "касса", "сервер", "разница")
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(4)]
    for row in [head, *rows]:
        print(f"{row[0]:<{widths[0]}} | {row[1]:>{widths[1]}} | {row[2]:>{widths[2]}}"
              f" | {row[3]:>{widths[3]}}")  # fmt: skip
    if report.flagged:
        print(f"Отмечено сервером: {len(report.flagged)}")
        for note in report.flagged:
            print(f"  {_local(note.occurred_at)} касса {note.till} {note.type} [{note.flag}]"
                  f" {note.subject}: {note.what_to_do}")  # fmt: skip
    if report.resent:
        print(f"Отправлено повторно: {report.resent}")
    if report.unsent:
        print(f"Не отправлено: {report.unsent} ({report.unsent_why})")
    for problem in report.problems:
        print(f"ПРОБЛЕМА: {problem}")
    print("Итоги сходятся с сервером" if report.agrees else "Итоги НЕ сходятся с сервером")


def _pdf(report: DayReport, path: Path) -> None:
    """The PDF is drawn by the screens' layer (Qt), when this build has it."""
    import importlib

    try:
        drawing = importlib.import_module("bonuspos.ui.day_report")
    except ModuleNotFoundError as missing:
        # Only the drawing module or Qt itself absent; a fault inside the module must show.
        if not (missing.name or "").startswith(("bonuspos.ui", "PySide6")):
            raise
        print("PDF не сформирован: в этой сборке нет модуля печати отчёта", file=sys.stderr)
        return
    # No display on a back-office PC or over SSH: Qt draws the PDF off-screen. Fonts and
    # painting need an application object; the screens have one, a scheduled run does not.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    # The widgets' application (not the bare GUI one): the one any later Qt code expects.
    app = QApplication.instance() or QApplication(["bonuspos"])
    drawing.write_pdf(report, path)
    del app
    print(f"Сохранено: {path}")
