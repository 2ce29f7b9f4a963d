"""Closing a store day: everything sent, the till's figures beside the server's, and why not.

The manager presses one button (or IT runs `bonuspos end-of-day`): the outbox is drained,
the changes pulled, the server's own account of this till's day fetched and set beside
the till's, row by row, to the kopeck. Each difference is said in words with what to do,
every event the server flagged for the store that day is listed with who does what, and
the report is kept on disk (CSV for the office, JSON to print it again) whether or not
the server was reached: a day closed offline still has the till's side on paper.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bonuspos.domain.day import DayTotals, Row, agree, compare
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.staff import Action
from bonuspos.ledger.day import UNSENT, DayEvent, TillDay
from bonuspos.ledger.db import Database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import DayAnswer, Flag, FlaggedEvent
from bonuspos.services import audit
from bonuspos.services.clock import Clock
from bonuspos.services.errors import NotFound, storage_problems
from bonuspos.services.views import Approval, Shift
from bonuspos.sync.errors import ServerRefused, ServerUnavailable

if TYPE_CHECKING:
    from bonuspos.sync.client import ServerClient

log = logging.getLogger(__name__)

REPORTS = "reports"
CSV_NAME = "day-report.csv"
JSON_NAME = "day-report.json"
PDF_NAME = "day-report.pdf"  # drawn by the screens' layer (Qt), beside the other two
_FORMAT = 1  # the saved JSON's layout; a later one may read this and older

# Progress stages, as the screen shows them.
SENDING = "Отправка событий на сервер"
RECEIVING = "Получение изменений с сервера"
COMPARING = "Сверка итогов с сервером"
SAVING = "Сохранение отчёта"

NOT_CONFIGURED = "касса не подключена к серверу (bonuspos configure, это делает ИТ)"


@dataclass(frozen=True)
class Progress:
    """Where closing the day is: `total` 0 while the amount of work is not known yet."""

    stage: str
    sent: int
    total: int


@dataclass(frozen=True)
class FlagNote:
    event_id: str
    till: str
    type: str
    occurred_at: datetime
    flag: str  # the server's flags, comma-joined
    subject: str
    what_to_do: str


@dataclass(frozen=True)
class HourBar:
    hour: int  # the store's hour, 0..23
    sales: Money
    points: Points


@dataclass(frozen=True)
class DayReport:
    day: date
    store: str
    till: str
    made_at: datetime
    till_totals: DayTotals
    server_totals: DayTotals | None  # None: the server was not reached
    rows: tuple[Row, ...]
    flagged: tuple[FlagNote, ...]
    unsent: int
    unsent_why: str  # "" when unsent == 0
    missing_on_server: tuple[str, ...]  # sent by the till, not held by the server
    unknown_to_till: tuple[str, ...]  # held by the server from this till, not known here
    resent: int  # events the drain sent again: the server had lost them
    by_hour: tuple[HourBar, ...]  # 24 bars: the till's own sales and points earned
    problems: tuple[str, ...]  # each difference in words, with the fix
    agrees: bool  # all sent, rows agree, nothing missing either side


# --- what a flag asks of whom ------------------------------------------------------------

WHAT_TO_DO: Mapping[str, str] = {
    Flag.OVERSPENT: (
        "Списано баллов больше, чем было на карте (продажа без связи или на двух кассах "
        "сразу). Менеджер: сверьте чек и карту с покупателем; ошибку исправляет "
        "корректировка баллов с причиной."
    ),
    Flag.OFFLINE_LIMIT: (
        "Без связи с карты списано больше дневного лимита. Менеджер: выясните, почему "
        "касса была без связи; если связи не было дольше часа — заявка в ИТ."
    ),
    Flag.CHAIN_BROKEN: (
        "Журнал баллов кассы не сходится с сервером (база кассы правлена или восстановлена "
        "из копии). Ничего не исправляйте на кассе: сразу сообщите в ИТ."
    ),
    Flag.PRICE_MISMATCH: (
        "Цена на кассе не совпала с прайсом сервера; баллы начислены по прайсу сервера. "
        "Менеджер: проверьте ценник товара и синхронизацию кассы (bonuspos sync --once)."
    ),
    Flag.MERGED: (
        "Две карты одного покупателя объединены в одну. Действий не нужно; покупателю "
        "назовите общий баланс."
    ),
    Flag.PHONE_CONFLICT: (
        "Телефон уже был на другой карте. Менеджер: уточните у покупателя, какой картой он "
        "пользуется, и передайте в офис программы, если карты нужно объединить."
    ),
    Flag.HOLD_LAPSED: (
        "Резерв баллов истёк раньше, чем продажа дошла до сервера. Кассир: завершайте "
        "оплату баллами сразу; если так часто — заявка в ИТ о связи кассы."
    ),
    Flag.HOLD_MISMATCH: (
        "Списано не столько баллов, сколько было зарезервировано. Менеджер: сверьте чек с "
        "картой; ошибку исправляет корректировка баллов с причиной."
    ),
    Flag.UNKNOWN_STAFF: (
        "Сотрудника из события нет в магазине на сервере. Менеджер: проверьте список "
        "персонала (принять на сервере или отключить на кассе) и кто работал на кассе."
    ),
    Flag.UNAPPROVED: (
        "Нет подтверждения менеджера, которого требуют правила (или оно не прошло проверку). "
        "Менеджер: выясните у кассира, кто разрешил, и подтвердите своим PIN."
    ),
}
UNKNOWN_FLAG = "Незнакомая отметка сервера: передайте отчёт в ИТ."


def what_to_do(flags: str) -> str:
    """The advice for each of an event's flags (comma-joined, as the server sends them)."""
    kinds = [f.strip() for f in flags.split(",") if f.strip()]
    advice = [WHAT_TO_DO.get(kind, UNKNOWN_FLAG) for kind in kinds]
    return " ".join(dict.fromkeys(advice))  # one piece of advice once, in the flags' order


def flag_notes(flagged: Sequence[FlaggedEvent]) -> tuple[FlagNote, ...]:
    return tuple(
        FlagNote(
            event_id=str(f["event_id"]),
            till=str(f["till"]),
            type=str(f["type"]),
            occurred_at=datetime.fromisoformat(str(f["occurred_at"])),
            flag=str(f["flag"]),
            subject=str(f["subject"]),
            what_to_do=what_to_do(str(f["flag"])),
        )
        for f in flagged
    )


# --- the two sides of the events ---------------------------------------------------------

HELD = frozenset({"accepted", "duplicate"})  # the server said it has them


def missing_on_server(events: Sequence[DayEvent], on_server: Sequence[str]) -> tuple[str, ...]:
    """The till's events of the day the server answered for but no longer lists."""
    server = set(on_server)
    return tuple(e.event_id for e in events if e.outcome in HELD and e.event_id not in server)


def unknown_to_till(on_server: Sequence[str], known: set[str]) -> tuple[str, ...]:
    """The server's events from this till that the till has no outbox row for."""
    return tuple(event_id for event_id in dict.fromkeys(on_server) if event_id not in known)


# --- each difference in words ------------------------------------------------------------

_RESEND = "часть событий дня ещё не на сервере: восстановите связь и закройте день ещё раз."
_MONEY_FIX = (
    "Сверьте с отчётом кассового аппарата за день; если расхождение остаётся — передайте "
    "этот отчёт в ИТ."
)
_POINTS_FIX = (
    "Сервер считает баллы по своему прайсу и правилам: смотрите отмеченные события ниже; "
    "для покупателей действует расчёт сервера."
)
_FIXES: Mapping[str, str] = {
    "Баллов начислено": _POINTS_FIX,
    "Баллов списано": _POINTS_FIX,
    "Баллов возвращено на карты": _POINTS_FIX,
    "Баллов снято возвратами": _POINTS_FIX,
    "Списано без связи сверх лимита": (
        "Сервер нашёл списания без связи сверх лимита (касса их не видит): менеджер "
        "проверяет карты из отмеченных событий."
    ),
    "Корректировки баллов": (
        "Сверьте корректировки дня с журналом кассы и отмеченными событиями; спорную "
        "корректировку менеджер передаёт в офис программы."
    ),
}


def row_problem(row: Row, events_behind: bool) -> str:
    fix = "Не всё отправлено: " + _RESEND if events_behind else _FIXES.get(row.what, _MONEY_FIX)
    # Points end in "б." already: no second full stop after them.
    stop = " " if row.difference.endswith(".") else ". "
    return (
        f"{row.what}: на кассе {row.till}, на сервере {row.server}, "
        f"разница {row.difference}{stop}{fix}"
    )


def _problems(
    rows: Sequence[Row],
    *,
    reached: bool,
    why: str,
    unsent: int,
    rejected: int,
    missing: Sequence[str],
    unknown: Sequence[str],
    resent: int,
) -> tuple[str, ...]:
    out: list[str] = []
    if not reached:
        out.append(
            f"Сверки с сервером не было: {why}. Итоги кассы сохранены. Проверьте связь "
            "(кабель, Wi-Fi, интернет) и закройте день ещё раз; если снова не выйдет — "
            "заявка в ИТ. События хранятся на кассе и не потеряются."
        )
    elif unsent:
        out.append(f"Не отправлено событий дня: {unsent}. {why}")
    if resent:
        out.append(
            f"Сервер потерял {resent} событий этой кассы (восстановлен из резервной копии?): "
            "касса отправила их снова. Закройте день ещё раз, чтобы убедиться, что всё сошлось."
        )
    behind = bool(unsent or missing)
    out.extend(row_problem(row, behind) for row in rows if not row.agrees)
    if missing:
        out.append(
            f"Сервер подтверждал, но не хранит {len(missing)} событий дня: выполните "
            "bonuspos sync --once и закройте день ещё раз; если не исчезнет — заявка в ИТ "
            "с номерами событий из отчёта."
        )
    if unknown:
        out.append(
            f"На сервере {len(unknown)} событий от имени этой кассы, которых касса не знает "
            "(касса восстановлена из копии или её токен используют в другом месте): "
            "сразу сообщите в ИТ — токен кассы нужно заменить."
        )
    if rejected:
        out.append(
            f"Сервер отклонил {rejected} событий дня: список — bonuspos status "
            "--dead-letters; передайте его в ИТ."
        )
    return tuple(out)


# --- the service -------------------------------------------------------------------------


@dataclass(frozen=True)
class _ServerDay:
    store: str
    till: str
    totals: DayTotals
    events: tuple[str, ...]
    flagged: tuple[FlagNote, ...]


def _parsed(answer: DayAnswer) -> _ServerDay:
    """The server's day read whole before any of it is believed."""
    try:
        return _ServerDay(
            store=answer["store"],
            till=answer["till"],
            totals=DayTotals.from_dict(answer["totals"]),
            events=tuple(str(e) for e in answer["events"]),
            flagged=flag_notes(answer["flagged"]),
        )
    except (InvalidInput, KeyError, TypeError, ValueError) as exc:
        raise ServerUnavailable("сервер ответил не по протоколу (итоги дня)") from exc


class EndOfDay:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: Policy,
        data_dir: Path,
        server: Callable[[], ServerClient] | None,
        store: str = "",
        till: str = "",
    ) -> None:
        """`server` makes a client for the whole close (None: a till never connected)."""
        self._db = db
        self._clock = clock
        self._policy = policy
        self._reports = data_dir / REPORTS
        self._server = server
        self._store = store
        self._till = till

    def report_dir(self, day: date) -> Path:
        """Where the day's files are kept: the CSV, the JSON, and the PDF the screens draw."""
        return self._reports / day.isoformat()

    def close_day(
        self,
        day: date | None = None,
        progress: Callable[[Progress], None] | None = None,
        shift: Shift | None = None,
        approval: Approval | None = None,
    ) -> DayReport:
        tell = progress or (lambda _: None)
        day = day or self._policy.store_day(self._clock.now())
        answer: _ServerDay | None = None
        resent = [0]  # set by the drain, kept if a later step fails
        why = NOT_CONFIGURED
        if self._server is not None:
            try:
                answer = self._exchange(day, tell, resent)
            except (ServerUnavailable, ServerRefused) as failed:
                log.info("day %s not compared with the server (%s)", day, failed)
                why = str(failed)
        tell(Progress(COMPARING, 0, 0))
        with storage_problems(), UnitOfWork(self._db.reading) as uow:
            ours = uow.day.figures(day, self._policy.timezone)
            known = uow.day.known(answer.events) if answer else set()
        report = self._report(day, ours, answer, known, resent[0], why)
        tell(Progress(SAVING, 0, 0))
        self._save(report)
        self._audit(report, shift, approval)
        return report

    def _exchange(
        self, day: date, tell: Callable[[Progress], None], resent: list[int]
    ) -> _ServerDay:
        """Drain, pull, then ask for the day: what the server holds once it has everything."""
        from bonuspos.sync.pull import Pulled, pull_all
        from bonuspos.sync.push import Pushed, push_all, reached

        def sending(done: Pushed, waiting: int) -> None:
            tell(Progress(SENDING, done.answered, done.answered + waiting))

        def receiving(done: Pulled) -> None:
            tell(Progress(RECEIVING, done.pages, 0))

        assert self._server is not None
        with self._server() as client:
            tell(Progress(SENDING, 0, 0))
            # The drain itself finds what a server restored from a backup lost (its last
            # seq below the till's) and sends it again: those are the report's `resent`.
            resent[0] = push_all(self._db, client, self._clock.now, progress=sending).recovered
            tell(Progress(RECEIVING, 0, 0))
            pull_all(self._db, client, self._clock.now, progress=receiving)
            reached(self._db, self._clock.now(), client.server_date)
            tell(Progress(COMPARING, 0, 0))
            return _parsed(client.day(day))

    def _report(
        self,
        day: date,
        ours: TillDay,
        answer: _ServerDay | None,
        known: set[str],
        resent: int,
        why: str,
    ) -> DayReport:
        server = answer.totals if answer else None
        rows = compare(ours.totals, server) if server else ()
        unsent = sum(1 for e in ours.events if e.outcome == UNSENT)
        rejected = sum(1 for e in ours.events if e.outcome == "rejected")
        missing = missing_on_server(ours.events, answer.events) if answer else ()
        unknown = unknown_to_till(answer.events, known) if answer else ()
        if answer and unsent:
            why = "события появились, пока день закрывался: закройте день ещё раз."
        return DayReport(
            day=day,
            store=answer.store if answer else self._store,
            till=answer.till if answer else self._till,
            made_at=self._clock.now(),
            till_totals=ours.totals,
            server_totals=server,
            rows=rows,
            flagged=answer.flagged if answer else (),
            unsent=unsent,
            unsent_why=(why if unsent else ""),
            missing_on_server=missing,
            unknown_to_till=unknown,
            resent=resent,
            by_hour=tuple(HourBar(h.hour, h.sales, h.points) for h in ours.by_hour),
            problems=_problems(
                rows,
                reached=answer is not None,
                why=why,
                unsent=unsent,
                rejected=rejected,
                missing=missing,
                unknown=unknown,
                resent=resent,
            ),
            agrees=bool(
                answer is not None and not unsent and agree(rows) and not missing and not unknown
            ),
        )

    # --- kept on disk ----------------------------------------------------------------------

    def _save(self, report: DayReport) -> None:
        folder = self.report_dir(report.day)
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / JSON_NAME, json.dumps(to_json(report), ensure_ascii=False, indent=1))
        _write(folder / CSV_NAME, to_csv(report), encoding="utf-8-sig")

    def saved_days(self) -> tuple[date, ...]:
        if not self._reports.is_dir():
            return ()
        days = []
        for folder in self._reports.iterdir():
            try:
                day = date.fromisoformat(folder.name)
            except ValueError:
                continue  # not ours: someone's copy, say
            if (folder / JSON_NAME).is_file():
                days.append(day)
        return tuple(sorted(days))

    def saved(self, day: date) -> DayReport:
        path = self.report_dir(day) / JSON_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFound(
                f"Отчёт за {day:%d.%m.%Y} не сохранялся: день не закрывали",
                "day-report-missing",
                {"day": day},
            ) from None
        try:
            return from_json(json.loads(text))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"Файл отчёта {path} повреждён: закройте день ещё раз") from exc

    def _audit(self, report: DayReport, shift: Shift | None, approval: Approval | None) -> None:
        detail = (
            "итоги сходятся с сервером"
            if report.agrees
            else (f"расхождений: {len(report.problems)}")
        )
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            audit.record(
                uow,
                self._clock.now(),
                Action.DAY_CLOSED,
                staff_id=shift.staff.staff_id if shift else None,
                approved_by=approval.approver.staff_id if approval else None,
                subject=report.day.isoformat(),
                detail=detail,
            )
            uow.commit()


def _write(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Whole or not at all: a report half-written by a power cut would be reprinted wrong."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding=encoding, newline="") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


# --- the files -----------------------------------------------------------------------------


def to_csv(report: DayReport) -> str:
    """Rows, flags and problems in one sheet; `;` and a BOM, as Excel opens it in Russian."""
    import io

    out = io.StringIO()
    sheet = csv.writer(out, delimiter=";", lineterminator="\r\n")
    sheet.writerow(["Итоги дня", report.day.isoformat(), report.store, report.till])
    sheet.writerow(["Сформирован", report.made_at.isoformat()])
    sheet.writerow([])
    sheet.writerow(["Показатель", "Касса", "Сервер", "Разница", "Сходится"])
    if report.rows:
        for row in report.rows:
            sheet.writerow([row.what, row.till, row.server, row.difference, _yes(row.agrees)])
    else:
        for what, value in _till_only(report.till_totals):
            sheet.writerow([what, value, "", "", "нет связи"])
    sheet.writerow([])
    sheet.writerow(["Событие", "Касса", "Тип", "Время", "Отметка", "Предмет", "Что делать"])
    for note in report.flagged:
        sheet.writerow(
            [
                note.event_id,
                note.till,
                note.type,
                note.occurred_at.isoformat(),
                note.flag,
                note.subject,
                note.what_to_do,
            ]
        )
    sheet.writerow([])
    sheet.writerow(["Не отправлено", report.unsent, report.unsent_why])
    sheet.writerow(["Отправлено повторно", report.resent])
    sheet.writerow(["Нет на сервере", *report.missing_on_server])
    sheet.writerow(["Неизвестны кассе", *report.unknown_to_till])
    sheet.writerow([])
    sheet.writerow(["Проблемы"])
    for problem in report.problems:
        sheet.writerow([problem])
    sheet.writerow(["Итог", "сходится" if report.agrees else "не сходится"])
    return out.getvalue()


def _yes(agrees: bool) -> str:
    return "да" if agrees else "НЕТ"


def _till_only(totals: DayTotals) -> tuple[tuple[str, str], ...]:
    """The till's side alone, in the report's rows and words: the server was not reached."""
    return tuple((row.what, row.till) for row in compare(totals, totals))


def to_json(report: DayReport) -> dict[str, Any]:
    return {
        "format": _FORMAT,
        "day": report.day.isoformat(),
        "store": report.store,
        "till": report.till,
        "made_at": report.made_at.isoformat(),
        "till_totals": report.till_totals.to_dict(),
        "server_totals": report.server_totals.to_dict() if report.server_totals else None,
        "rows": [
            {
                "what": r.what,
                "till": r.till,
                "server": r.server,
                "difference": r.difference,
                "agrees": r.agrees,
            }
            for r in report.rows
        ],
        "flagged": [
            {
                "event_id": n.event_id,
                "till": n.till,
                "type": n.type,
                "occurred_at": n.occurred_at.isoformat(),
                "flag": n.flag,
                "subject": n.subject,
                "what_to_do": n.what_to_do,
            }
            for n in report.flagged
        ],
        "unsent": report.unsent,
        "unsent_why": report.unsent_why,
        "missing_on_server": list(report.missing_on_server),
        "unknown_to_till": list(report.unknown_to_till),
        "resent": report.resent,
        "by_hour": [[b.hour, b.sales.minor, b.points.minor] for b in report.by_hour],
        "problems": list(report.problems),
        "agrees": report.agrees,
    }


def from_json(data: Mapping[str, Any]) -> DayReport:
    if data.get("format") != _FORMAT:
        raise ValueError(f"unknown report format {data.get('format')!r}")
    server = data["server_totals"]
    return DayReport(
        day=date.fromisoformat(data["day"]),
        store=str(data["store"]),
        till=str(data["till"]),
        made_at=datetime.fromisoformat(data["made_at"]),
        till_totals=DayTotals.from_dict(data["till_totals"]),
        server_totals=DayTotals.from_dict(server) if server is not None else None,
        rows=tuple(
            Row(
                str(r["what"]),
                str(r["till"]),
                str(r["server"]),
                str(r["difference"]),
                bool(r["agrees"]),
            )
            for r in data["rows"]
        ),
        flagged=tuple(
            FlagNote(
                str(n["event_id"]),
                str(n["till"]),
                str(n["type"]),
                datetime.fromisoformat(n["occurred_at"]),
                str(n["flag"]),
                str(n["subject"]),
                str(n["what_to_do"]),
            )
            for n in data["flagged"]
        ),
        unsent=int(data["unsent"]),
        unsent_why=str(data["unsent_why"]),
        missing_on_server=tuple(str(e) for e in data["missing_on_server"]),
        unknown_to_till=tuple(str(e) for e in data["unknown_to_till"]),
        resent=int(data["resent"]),
        by_hour=tuple(
            HourBar(int(h), Money(int(s)), Points(int(p))) for h, s, p in data["by_hour"]
        ),
        problems=tuple(str(p) for p in data["problems"]),
        agrees=bool(data["agrees"]),
    )
