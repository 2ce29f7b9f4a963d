"""The end of the day: a manager's PIN, the bar as events go, the report, its slip and PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressBar
from pytestqt.qtbot import QtBot

from bonuspos.services.clock import ManualClock
from bonuspos.services.slip import format_day_slip
from bonuspos.ui.app import Running
from bonuspos.ui.day_report import DISAGREES_FILL
from bonuspos.ui.end_of_day import EndOfDayScreen
from bonuspos.ui.printing import PdfPrinter
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN
from tests.ui.conftest import open_screens, prepared_till
from tests.ui.day_fake import EARLIER, FakeEndOfDay
from tests.ui.staff_keys import approve


class Printer(PdfPrinter):
    """Prints as the till does, and keeps each slip's text for the test to read."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.slips: list[str] = []

    def print_slip(self, text: str, code: str | None = None) -> str:
        self.slips.append(text)
        return super().print_slip(text, code)


@pytest.fixture
def day_printer(tmp_path: Path) -> Printer:
    return Printer(tmp_path / "receipts")


@pytest.fixture
def fake() -> FakeEndOfDay:
    return FakeEndOfDay()


@pytest.fixture
def till_screens(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, day_printer: Printer, fake: FakeEndOfDay
) -> Iterator[Running]:
    prepared_till(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, day_printer)
    running.window.end_of_day.days = fake
    yield running
    for _ in range(3):
        fake.go.release()  # a test that failed half-way leaves no worker waiting
    running.close()


def open_end_of_day(qtbot: QtBot, running: Running) -> EndOfDayScreen:
    qtbot.keyClick(running.window.lookup.phone, Qt.Key.Key_F11)
    screen = running.window.end_of_day
    assert running.window.stack.currentWidget() is screen
    return screen


def close_the_day(qtbot: QtBot, running: Running, fake: FakeEndOfDay) -> EndOfDayScreen:
    screen = open_end_of_day(qtbot, running)
    approve(qtbot, MANAGER, MANAGER_PIN)
    for _ in range(3):
        fake.go.release()
    qtbot.waitUntil(lambda: screen.report is not None, timeout=5_000)
    return screen


def test_a_managers_pin_closes_the_day_with_the_bar_moving_as_events_go(
    qtbot: QtBot, till_screens: Running, fake: FakeEndOfDay
) -> None:
    screen = open_end_of_day(qtbot, till_screens)
    approve(qtbot, MANAGER, MANAGER_PIN)

    bar: QProgressBar = screen.progress
    qtbot.waitUntil(lambda: bar.isVisible() and bar.maximum() == 3 and bar.value() == 0)
    assert screen.busy
    assert screen.stage.text() == "Отправка событий на сервер"
    qtbot.keyClick(screen, Qt.Key.Key_Escape)  # nothing leaves a day half-closed
    assert till_screens.window.stack.currentWidget() is screen
    for sent in (1, 2, 3):
        fake.go.release()
        qtbot.waitUntil(lambda sent=sent: bar.value() == sent)  # type: ignore[misc]
    qtbot.waitUntil(lambda: screen.report is not None)

    assert not bar.isVisible()
    assert [a.approver.full_name for a in fake.approvals] == [MANAGER]
    assert screen.heading.text() == "Итоги дня 27.11.2026"
    assert screen.place.text() == "Магазин MINSK-CENTRAL-01, касса T3 · составлен 27.11.2026 21:05"
    assert screen.verdict.text() == "Касса и сервер расходятся: что делать — ниже"
    assert screen.unsent.text() == "Все события кассы отправлены на сервер"
    notes = screen.notes.toPlainText()
    assert "Возвратов: на сервере нет возврата ret-5c1e" in notes
    assert "Сервер не получил событий кассы: 1 (ret-5c1e)" in notes
    assert "Что делать: Проверьте чек и при необходимости спишите лишние баллы" in notes
    assert len(screen.chart.bars) == 24


def test_a_row_the_till_and_the_server_disagree_on_is_marked(
    qtbot: QtBot, till_screens: Running, fake: FakeEndOfDay
) -> None:
    figures = close_the_day(qtbot, till_screens, fake).figures
    rows = {
        figures.item(row, 0).text(): [figures.item(row, c) for c in range(4)]
        for row in range(figures.rowCount())
    }

    returns = rows["Возвратов"]
    assert [cell.text() for cell in returns] == ["Возвратов", "1", "0", "+1"]
    assert all(cell.background().color() == DISAGREES_FILL for cell in returns)
    assert all(cell.font().bold() for cell in returns)
    money_back = [cell.text() for cell in rows["Выдано по возвратам"]]
    assert money_back == ["Выдано по возвратам", "149,00 BYN", "0,00 BYN", "+149,00 BYN"]
    receipts = rows["Чеков продажи"]
    assert [cell.text() for cell in receipts] == ["Чеков продажи", "14", "14", ""]
    assert receipts[0].background().style() == Qt.BrushStyle.NoBrush


def test_with_no_server_the_tills_figures_stand_alone_and_unsent_events_are_red(
    qtbot: QtBot, till_screens: Running, fake: FakeEndOfDay
) -> None:
    fake.offline = True
    screen = close_the_day(qtbot, till_screens, fake)

    assert screen.verdict.text() == "Сервер не ответил: итоги кассы без сравнения с сервером"
    assert screen.place.text() == "Касса без сервера · составлен 27.11.2026 21:05"
    assert screen.unsent.objectName() == "error"
    assert screen.unsent.text() == (
        "Не отправлено на сервер событий: 2 — касса не подключена к серверу."
        " Когда касса будет на связи, закройте день ещё раз"
    )
    figures = screen.figures
    first = [figures.item(0, column).text() for column in range(4)]
    assert first == ["Чеков продажи", "14", "—", ""]
    assert "Сверки с сервером не было" in screen.notes.toPlainText()


def test_a_cashiers_pin_is_refused_and_the_day_stays_open(
    qtbot: QtBot, till_screens: Running, fake: FakeEndOfDay
) -> None:
    screen = open_end_of_day(qtbot, till_screens)
    dialog = approve(qtbot, CASHIER, CASHIER_PIN)

    assert dialog.message.text()  # the staff service's refusal, on the dialog
    assert QApplication.activeModalWidget() is dialog
    assert not screen.busy
    assert screen.report is None
    assert fake.approvals == []
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: till_screens.window.stack.currentWidget() is till_screens.window.lookup)


def test_p_prints_the_days_slip_and_an_earlier_day_is_reprinted(
    qtbot: QtBot, till_screens: Running, fake: FakeEndOfDay, day_printer: Printer
) -> None:
    screen = close_the_day(qtbot, till_screens, fake)
    today = screen.report
    assert today is not None

    qtbot.keyClick(screen, Qt.Key.Key_P)
    assert day_printer.slips == [format_day_slip(today)]
    assert screen.done.text().startswith("Чек сохранён: ")

    qtbot.keyClick(screen, Qt.Key.Key_Left)
    assert screen.report is fake.days[EARLIER]
    assert screen.heading.text() == "Итоги дня 26.11.2026"
    assert screen.verdict.text() == "Касса и сервер сходятся"
    qtbot.keyClick(screen, Qt.Key.Key_Left)
    assert screen.message.text() == "Раньше 26.11.2026 сохранённых дней нет"
    qtbot.keyClick(screen, Qt.Key.Key_P)
    assert day_printer.slips[-1] == format_day_slip(fake.days[EARLIER])

    qtbot.keyClick(screen, Qt.Key.Key_Right)
    assert screen.report is today
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert till_screens.window.stack.currentWidget() is till_screens.window.lookup


def test_s_saves_an_a4_pdf_of_the_report_beside_the_days_files(
    qtbot: QtBot, till_screens: Running, fake: FakeEndOfDay, tmp_path: Path
) -> None:
    screen = close_the_day(qtbot, till_screens, fake)
    qtbot.keyClick(screen, Qt.Key.Key_S)

    pdf = tmp_path / "till" / "reports" / "2026-11-27" / "day-report.pdf"
    assert screen.done.text() == f"PDF сохранён: {pdf}"
    assert pdf.stat().st_size > 0
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdftotext and pdfinfo (poppler-utils) read the PDF back")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert int(fields["Pages"]) >= 1
    assert "(A4)" in fields["Page size"]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Итоги дня 27.11.2026" in text
    assert "Касса и сервер расходятся" in text
    for row in fake.days[max(fake.days)].rows:
        assert row.what in text
    assert "+149,00 BYN" in text
    assert "Что делать: Проверьте чек" in text


def test_the_real_service_closes_the_day_and_a_missing_sale_on_the_server_shows(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, day_printer: Printer
) -> None:
    """The screen over the real end-of-day service and a server that counts one sale less."""
    from bonuspos.domain.day import DayTotals
    from bonuspos.services.end_of_day import EndOfDay
    from tests.services.day_stub import StubServer

    prepared_till(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, day_printer)
    try:
        till = running.online_till.till
        server = StubServer()
        till_day = till.end_of_day  # the Till's own, made without a server: keep its place
        days = EndOfDay(
            till.db, till.clock, till.policy, tmp_path / "till", server.client, "S1", "T1"
        )
        running.window.end_of_day.days = days
        mine = days.saved_days()
        assert mine == till_day.saved_days() == ()
        # Today, on the till: no sale yet (Anna's TV was yesterday); the server says one.
        server.totals = DayTotals(receipts=1)

        screen = open_end_of_day(qtbot, running)
        approve(qtbot, MANAGER, MANAGER_PIN)
        qtbot.waitUntil(lambda: screen.report is not None, timeout=10_000)

        report = screen.report
        assert report is not None
        assert not report.agrees
        (receipts,) = [row for row in report.rows if row.what == "Чеков продажи"]
        assert (receipts.till, receipts.server, receipts.difference) == ("0", "1", "-1")
        assert days.saved_days() == (report.day,)  # the CSV and JSON are kept
    finally:
        running.close()
