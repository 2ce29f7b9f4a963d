"""The end of the day: a manager's PIN, the till's events sent with a bar that moves, then the
till's figures beside the server's, what to do where they part, and the day by the hour.

Every figure and every word about the day is the service's (`DayReport`): the screen lays
them out, prints the service's slip and draws the PDF. Closing runs off the GUI thread (it
waits on the server); its progress comes back through a queued signal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from bonuspos.domain.errors import DomainError
from bonuspos.domain.staff import Action
from bonuspos.services.end_of_day import PDF_NAME, DayReport, EndOfDay, HourBar, Progress
from bonuspos.services.slip import format_day_slip
from bonuspos.services.staff import StaffService
from bonuspos.services.views import Approval, Shift
from bonuspos.ui import day_report
from bonuspos.ui.approval import ask_approval
from bonuspos.ui.printing import PrintFailed, SlipPrinter
from bonuspos.ui.tasks import run_in_background
from bonuspos.ui.texts import day, refusal, tr
from bonuspos.ui.widgets import label, restyle

# P prints, S saves: Qt's code of the Latin letter, or of the Cyrillic one on the same key
# (З, Ы) when the keyboard is switched to Russian.
PRINT_KEYS = frozenset({int(Qt.Key.Key_P), 0x0417})
SAVE_KEYS = frozenset({int(Qt.Key.Key_S), 0x042B})


def _is(keys: frozenset[int], key: int, text: str) -> bool:
    return key in keys or (len(text) == 1 and ord(text.upper()) in keys)


class HourChart(QWidget):
    """The day's sales and points earned by hour, drawn by `day_report.paint_hours`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: tuple[HourBar, ...] = ()
        self.setAccessibleName(tr("Продажи и баллы по часам"))

    def show_bars(self, bars: tuple[HourBar, ...]) -> None:
        self.bars = bars
        self.update()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        # Room for 24 pairs of bars and the hours under every third of them.
        return QSize(300, 170)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(480, 220)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.bars:
            return
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.75)  # axis labels, not reading text
        day_report.paint_hours(painter, self.rect().toRectF(), self.bars, font)
        painter.end()


class _ProgressRelay(QObject):
    """Carries the service's progress from the worker thread to the GUI thread."""

    progressed = Signal(object)


class DayFigures(QTableWidget):
    """Till | server | difference, a row a figure; the rows that disagree stand out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels(list(day_report.table_headers()))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Smaller than the cashier's screens: all of a day's rows fit over the notes and chart.
        self.setStyleSheet("QTableWidget { font-size: 12pt; }")
        # An amount on one line always: a wrapped «10 000,00 BYN» reads as two figures.
        self.setWordWrap(False)
        # As tall as its rows and no taller; on a short screen it gives way and scrolls.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def show_rows(self, report: DayReport) -> None:
        rows = day_report.shown_rows(report)
        self.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for index, row in enumerate(rows):
            for column, text in enumerate((row.what, row.till, row.server, row.difference)):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if not row.agrees:
                    item.setBackground(QBrush(day_report.DISAGREES_FILL))
                    item.setFont(bold)
                    item.setToolTip(tr("Касса и сервер расходятся"))
                self.setItem(index, column, item)
        self.resizeRowsToContents()
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        rows = sum(self.rowHeight(row) for row in range(self.rowCount()))
        frame = 2 * self.frameWidth()
        return QSize(super().sizeHint().width(), self.horizontalHeader().height() + rows + frame)


class EndOfDayScreen(QWidget):
    closed = Signal()  # back to the lookup
    day_closed = Signal(object)  # DayReport: the day was closed just now

    def __init__(
        self,
        days: EndOfDay,
        staff: StaffService,
        printer: SlipPrinter,
        shift: Callable[[], Shift | None],
        folder: Callable[[date], Path],
        today: Callable[[], date],
        parent: QWidget | None = None,
    ) -> None:
        """`folder`: where a day's files are (the service's CSV); its PDF goes beside them.
        `today`: the store's day now, the one a manager closes."""
        super().__init__(parent)
        self.days = days  # the service; public so a test can stand in for the server
        self._staff = staff
        self._printer = printer
        self._shift = shift
        self._folder = folder
        self._today = today
        self.report: DayReport | None = None
        self.busy = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self.show_progress)

        self.heading = label(tr("Закрытие дня"), name="title")
        self.place = label(name="hint", wrap=True)
        self.verdict = label(wrap=True)
        self.unsent = label(wrap=True)
        self.stage = label(wrap=True)
        self.progress = QProgressBar()
        self.progress.setFormat(tr("%v из %m"))
        self.figures = DayFigures()
        self.notes = QTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notes.setAccessibleName(tr("Расхождения и отмеченные события"))
        self.chart = HourChart()
        self.message = label(name="error", wrap=True)
        self.done = label(name="hint", wrap=True)
        self.keys = label(name="hint", wrap=True)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.place, 1)
        answers = QHBoxLayout()
        answers.addWidget(self.verdict, 1)
        answers.addWidget(self.unsent, 1)
        lower = QHBoxLayout()
        lower.addWidget(self.notes, 1)
        lower.addWidget(self.chart, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(answers)
        layout.addWidget(self.stage)
        layout.addWidget(self.progress)
        layout.addWidget(self.figures)
        layout.addLayout(lower, 1)
        for line in (self.message, self.done, self.keys):
            layout.addWidget(line)
        self._clear()

    # --- closing the day --------------------------------------------------------------

    def start(self) -> None:
        """Opened from the lookup: a manager's PIN first; Esc on it goes back."""
        self._clear()
        self.heading.setText(tr("Закрытие дня"))
        self.place.setText("")
        self.stage.setText(tr("Закрыть день может только менеджер: нужен его PIN"))
        self.stage.show()
        self.keys.setText(tr("Enter — PIN менеджера · Esc — назад"))
        self.setFocus()
        self.ask_manager()

    def ask_manager(self) -> None:
        shift = self._shift()
        if self.busy or shift is None:
            return
        closing = self._today()
        dialog = ask_approval(
            self,
            tr("Закрытие дня {0}: касса отправит все события и сверит итоги с сервером").format(
                day(closing)
            ),
            self._staff.roster(),
            lambda staff_id, pin: self._staff.approve(
                shift, staff_id, pin, Action.DAY_CLOSED, closing.isoformat()
            ),
            lambda approval: self._close_day(closing, approval),
        )
        dialog.rejected.connect(self._not_approved)

    def _not_approved(self) -> None:
        if self.report is None and not self.busy:
            self.closed.emit()

    def _close_day(self, closing: date, approval: Approval) -> None:
        """The day approved is the day closed, even if midnight passes while the PIN is typed."""
        shift = self._shift()
        self.busy = True
        _say(self.message, "")
        self.stage.setText(tr("Отправляем события кассы на сервер…"))
        self.stage.show()
        self.progress.setRange(0, 0)  # busy until the service says how many
        self.progress.show()
        self.keys.setText(tr("Подождите: день закрывается"))
        run_in_background(
            lambda: self.days.close_day(
                closing, progress=self._relay.progressed.emit, shift=shift, approval=approval
            ),
            self._closed,
            self._failed,
        )

    def show_progress(self, progress: Progress) -> None:
        self.stage.setText(progress.stage)
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.sent)
        else:
            self.progress.setRange(0, 0)

    def _closed(self, report: DayReport) -> None:
        self.busy = False
        self.progress.hide()
        self.stage.hide()
        self.show_report(report)
        self.save_pdf()  # kept with the day's CSV at once: the manager hands in the PDF
        self.day_closed.emit(report)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.progress.hide()
        self.stage.hide()
        _say(
            self.message,
            refusal(exc) if isinstance(exc, DomainError) else tr("День не закрыт: {0}").format(exc),
        )
        self.keys.setText(tr("Enter — закрыть день ещё раз · Esc — назад"))
        self.setFocus()

    # --- the report --------------------------------------------------------------------

    def show_report(self, report: DayReport) -> None:
        self.report = report
        _say(self.message, "")
        _say(self.done, "")
        self.heading.setText(day_report.title(report))
        self.place.setText(day_report.place(report))
        said, good = day_report.verdict(report)
        self.verdict.setText(said)
        restyle(self.verdict, "ok" if good else "error")
        self.verdict.show()
        self.figures.show_rows(report)
        self.figures.show()
        said, good = day_report.unsent_line(report)
        self.unsent.setText(said)
        restyle(self.unsent, "ok" if good else "error")
        self.unsent.show()
        self.notes.setHtml(_notes_html(report))
        self.notes.show()
        self.chart.show_bars(report.by_hour)
        self.chart.show()
        self.keys.setText(
            tr(
                "P — печать · S — сохранить PDF · ← → — другой день ·"
                " ↑↓, PgUp, PgDn — листать · Esc — назад"
            )
        )
        self.setFocus()

    def print_slip(self) -> None:
        if self.report is None:
            return
        try:
            said = self._printer.print_slip(format_day_slip(self.report))
            restyle(self.done, "hint")
            _say(self.done, said)
        except PrintFailed as failed:
            restyle(self.done, "error")
            _say(self.done, tr("Итоги не напечатаны: {0}. P — ещё раз").format(failed))

    def save_pdf(self) -> Path | None:
        if self.report is None:
            return None
        path = self._folder(self.report.day) / PDF_NAME
        try:
            day_report.write_pdf(self.report, path)
        except OSError as failed:
            restyle(self.done, "error")
            _say(self.done, tr("PDF не сохранён: {0}").format(failed))
            return None
        restyle(self.done, "hint")
        _say(self.done, tr("PDF сохранён: {0}").format(path))
        return path

    def other_day(self, later: bool) -> None:
        """The saved day before (or after) the one shown; the ends say there is no more."""
        if self.report is None or self.busy:
            return
        try:
            days = self.days.saved_days()
        except DomainError as refused:
            _say(self.message, refusal(refused))
            return
        shown = self.report.day
        candidates = [d for d in days if (d > shown if later else d < shown)]
        if not candidates:
            _say(
                self.message,
                tr("Позже {0} сохранённых дней нет").format(day(shown))
                if later
                else tr("Раньше {0} сохранённых дней нет").format(day(shown)),
            )
            return
        wanted = min(candidates) if later else max(candidates)
        try:
            self.show_report(self.days.saved(wanted))
        except DomainError as refused:
            _say(self.message, refusal(refused))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key, text = event.key(), event.text()
        if self.busy:
            return
        if key == Qt.Key.Key_Escape:
            self.closed.emit()
        elif self.report is None:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.ask_manager()
            else:
                super().keyPressEvent(event)
        elif _is(PRINT_KEYS, key, text):
            self.print_slip()
        elif _is(SAVE_KEYS, key, text):
            self.save_pdf()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.other_day(later=key == Qt.Key.Key_Right)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            # Neither box takes the focus (the keys are the screen's): they scroll from here.
            self.figures.verticalScrollBar().triggerAction(
                QAbstractSlider.SliderAction.SliderSingleStepAdd
                if key == Qt.Key.Key_Down
                else QAbstractSlider.SliderAction.SliderSingleStepSub
            )
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.notes.verticalScrollBar().triggerAction(
                QAbstractSlider.SliderAction.SliderPageStepAdd
                if key == Qt.Key.Key_PageDown
                else QAbstractSlider.SliderAction.SliderPageStepSub
            )
        else:
            super().keyPressEvent(event)

    def _clear(self) -> None:
        self.report = None
        self.busy = False
        for hidden in (self.verdict, self.progress, self.figures, self.unsent, self.notes):
            hidden.hide()
        self.chart.hide()
        self.stage.hide()
        for cleared in (self.message, self.done):
            _say(cleared, "")


def _say(line: QLabel, text: str) -> None:
    """A line that is there only while it says something: an empty one would take a row."""
    line.setText(text)
    line.setVisible(bool(text))


def _notes_html(report: DayReport) -> str:
    """What the manager must act on, worst first: the service's problems, each side's
    missing events, the flagged events with what to do."""
    bad, good = day_report.BAD_COLOUR.name(), day_report.GOOD_COLOUR.name()
    parts: list[str] = []
    if report.problems:
        parts.append(f"<b>{escape(tr('Расхождения и что делать'))}</b>")
        parts += [f'<p style="color:{bad}">• {escape(p)}</p>' for p in report.problems]
    for said, fine in day_report.facts(report):
        parts.append(f'<p style="color:{good if fine else bad}">{escape(said)}</p>')
    parts.append(
        "<b>"
        + escape(tr("Отмеченные сервером события магазина: {0}").format(len(report.flagged)))
        + "</b>"
    )
    for note in report.flagged:
        what, todo = day_report.flag_lines(note)
        parts.append(f'<p>{escape(what)}<br><span style="color:{bad}">{escape(todo)}</span></p>')
    return "".join(parts)
