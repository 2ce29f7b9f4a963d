"""The end-of-day report on paper: an A4 PDF, and the hourly chart the screen draws as well.

Everything here is drawn with QPainter, so the same `paint_hours` puts the chart on the
screen's widget and on the PDF page, and the same words (`verdict`, `facts`, `flag_lines`)
head both. The figures are the service's (`DayReport`): only the geometry of the drawing
is worked out here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from bonuspos.domain.day import Row, compare
from bonuspos.domain.money import Money, Points
from bonuspos.services.end_of_day import DayReport, FlagNote, HourBar
from bonuspos.ui.texts import day, moment, tr

SALES_COLOUR = QColor("#1565c0")
POINTS_COLOUR = QColor("#ef6c00")
GRID_COLOUR = QColor("#c8c8c8")
AXIS_COLOUR = QColor("#555555")
BAD_COLOUR = QColor("#b00020")
GOOD_COLOUR = QColor("#2e7d32")
TEXT_COLOUR = QColor("black")
DISAGREES_FILL = QColor("#ffd9d9")  # a row where the till and the server part
HEADER_FILL = QColor("#e8e8e8")
GRID_LINES = 4  # both scales share them, so each scale's ticks are round numbers
PDF_DPI = 300
MARGIN_MM = 15.0
CHART_MM = 75.0


# --- the words both the screen and the paper use ------------------------------------------


def verdict(report: DayReport) -> tuple[str, bool]:
    """The report's one-line answer, and whether it is good news."""
    if report.server_totals is None:
        return tr("Сервер не ответил: итоги кассы без сравнения с сервером"), False
    if report.agrees:
        return tr("Касса и сервер сходятся"), True
    return tr("Касса и сервер расходятся: что делать — ниже"), False


def title(report: DayReport) -> str:
    return tr("Итоги дня {0}").format(day(report.day))


def place(report: DayReport) -> str:
    if not report.store:  # a till never connected knows no codes of its own
        return tr("Касса без сервера · составлен {0}").format(moment(report.made_at))
    return tr("Магазин {0}, касса {1} · составлен {2}").format(
        report.store, report.till, moment(report.made_at)
    )


def unsent_line(report: DayReport) -> tuple[str, bool]:
    """Events still on the till: none is the only good answer."""
    if not report.unsent:
        return tr("Все события кассы отправлены на сервер"), True
    # The service's why is a clause ("касса не подключена…"), sometimes with its own stop.
    return (
        tr(
            "Не отправлено на сервер событий: {0} — {1}. Когда касса будет на связи,"
            " закройте день ещё раз"
        ).format(report.unsent, report.unsent_why.rstrip(".")),
        False,
    )


def facts(report: DayReport) -> list[tuple[str, bool]]:
    """What each side holds that the other does not, in words; and whether each is good."""
    out: list[tuple[str, bool]] = []
    if report.missing_on_server:
        out.append(
            (
                tr(
                    "Сервер не получил событий кассы: {0} ({1}). Закройте день ещё раз:"
                    " касса отправит их снова"
                ).format(len(report.missing_on_server), _some(report.missing_on_server)),
                False,
            )
        )
    if report.unknown_to_till:
        out.append(
            (
                tr(
                    "На сервере есть события этой кассы, которых касса не знает: {0} ({1})."
                    " Сообщите в техподдержку"
                ).format(len(report.unknown_to_till), _some(report.unknown_to_till)),
                False,
            )
        )
    if report.resent:
        out.append(
            (
                tr(
                    "Сервер потерял события кассы, они отправлены снова: {0}."
                    " Закройте день ещё раз, чтобы проверить"
                ).format(report.resent),
                False,
            )
        )
    if not out and report.server_totals is not None:
        out.append((tr("Все события кассы есть на сервере, лишних на сервере нет"), True))
    return out


def flag_lines(note: FlagNote) -> tuple[str, str]:
    """A flagged event as what happened and what to do about it."""
    return (
        tr("{0} · касса {1} · {2} · {3} · {4}").format(
            moment(note.occurred_at), note.till, note.type, note.flag, note.subject
        ),
        tr("Что делать: {0}").format(note.what_to_do),
    )


def _some(ids: Sequence[str]) -> str:
    """The first few ids: enough to find them in the log, never a page of them."""
    shown = ", ".join(ids[:3])
    return shown + (" …" if len(ids) > 3 else "")


def shown_rows(report: DayReport) -> tuple[Row, ...]:
    """The table's rows; with no server to compare, the till's own figures, server blank."""
    if report.rows or report.server_totals is not None:
        return report.rows
    return tuple(
        Row(row.what, row.till, "—", "", True)
        for row in compare(report.till_totals, report.till_totals)
    )


def table_headers() -> tuple[str, str, str, str]:
    return tr("Показатель"), tr("Касса"), tr("Сервер"), tr("Разница")


# --- the hourly chart ------------------------------------------------------------------------


def _nice_step(top: int, floor: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ (at least `floor`) that GRID_LINES times covers `top`."""
    wanted = max(floor, math.ceil(top / GRID_LINES))
    power = int(10 ** (len(str(wanted)) - 1))  # int(): mypy types ** of two ints as Any
    for factor in (1, 2, 5, 10):
        if factor * power >= wanted:
            return factor * power
    return 10 * power


def _whole(minor: int, points: bool) -> str:
    text = (Points(minor) if points else Money(minor)).number()
    return text.removesuffix(",00")


def paint_hours(painter: QPainter, area: QRectF, bars: Sequence[HourBar], font: QFont) -> None:
    """Sales and points earned by hour as two bars an hour, each on its own scale (sales on
    the left, points on the right: points are a few percent of sales and would not show on
    one scale), hours under them, a legend above."""
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, on=False)
        painter.setFont(font)
        metrics = QFontMetricsF(font, painter.device())
        line = metrics.height()
        gap = metrics.horizontalAdvance(" ")
        sales_step = _nice_step(max((bar.sales.minor for bar in bars), default=0), 100)
        points_step = _nice_step(max((bar.points.minor for bar in bars), default=0), 100)
        left_labels = [_whole(sales_step * i, False) for i in range(GRID_LINES + 1)]
        right_labels = [_whole(points_step * i, True) for i in range(GRID_LINES + 1)]
        left_width = max(metrics.horizontalAdvance(t) for t in [*left_labels, "BYN"]) + gap
        points_unit = tr("б.")
        right_width = max(metrics.horizontalAdvance(t) for t in [*right_labels, points_unit]) + gap

        _legend(painter, QRectF(area.left(), area.top(), area.width(), line), metrics)
        plot = QRectF(
            area.left() + left_width,
            area.top() + 2.5 * line,
            area.width() - left_width - right_width,
            area.height() - 4 * line,
        )
        if plot.width() <= 0 or plot.height() <= 0:
            return
        painter.setPen(AXIS_COLOUR)
        painter.drawText(
            QRectF(area.left(), area.top() + line, left_width - gap, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            "BYN",
        )
        painter.drawText(
            QRectF(plot.right() + gap, area.top() + line, right_width - gap, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            points_unit,
        )
        for i in range(GRID_LINES + 1):
            y = plot.bottom() - plot.height() * i / GRID_LINES
            painter.setPen(QPen(GRID_COLOUR if i else AXIS_COLOUR, 0))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(SALES_COLOUR)
            painter.drawText(
                QRectF(area.left(), y - line / 2, left_width - gap, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                left_labels[i],
            )
            painter.setPen(POINTS_COLOUR)
            painter.drawText(
                QRectF(plot.right() + gap, y - line / 2, right_width - gap, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                right_labels[i],
            )

        slots = max(1, len(bars))
        slot = plot.width() / slots
        # Every hour labelled if its number fits under its bars, else every second or third.
        every = next(
            (n for n in (1, 2, 3, 4, 6) if slot * n >= metrics.horizontalAdvance("00") + gap), 12
        )
        for index, bar in enumerate(bars):
            x = plot.left() + slot * index
            for value, step, colour, offset in (
                (bar.sales.minor, sales_step, SALES_COLOUR, 0.12),
                (bar.points.minor, points_step, POINTS_COLOUR, 0.5),
            ):
                height = plot.height() * value / (step * GRID_LINES)
                if value:
                    painter.fillRect(
                        QRectF(x + slot * offset, plot.bottom() - height, slot * 0.38, height),
                        colour,
                    )
            if bar.hour % every == 0:
                painter.setPen(AXIS_COLOUR)
                painter.drawText(
                    QRectF(x - slot, plot.bottom() + line * 0.2, slot * 3, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    str(bar.hour),
                )
        painter.setPen(AXIS_COLOUR)
        painter.drawText(
            QRectF(area.left(), plot.bottom() + line * 0.2, left_width - gap, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
            tr("час"),
        )
        if not any(bar.sales.minor or bar.points.minor for bar in bars):
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, tr("Продаж за день не было"))
    finally:
        painter.restore()


def _legend(painter: QPainter, row: QRectF, metrics: QFontMetricsF) -> None:
    side = metrics.ascent() * 0.8
    x = row.left()
    for colour, text in (
        (SALES_COLOUR, tr("Продажи, BYN")),
        (POINTS_COLOUR, tr("Баллов начислено, б.")),
    ):
        painter.fillRect(QRectF(x, row.center().y() - side / 2, side, side), colour)
        x += side + metrics.horizontalAdvance(" ")
        painter.setPen(AXIS_COLOUR)
        painter.drawText(
            QRectF(x, row.top(), row.right() - x, row.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        x += metrics.horizontalAdvance(text) + 2 * metrics.horizontalAdvance("  ")


# --- the A4 page -----------------------------------------------------------------------------


@dataclass
class _Page:
    """Where the next line goes on the page, turning to a new page when one is full."""

    writer: QPdfWriter
    painter: QPainter
    area: QRectF
    y: float

    def room(self, height: float) -> None:
        if self.y + height > self.area.bottom() and self.y > self.area.top():
            self.writer.newPage()
            self.y = self.area.top()

    def text(self, text: str, font: QFont, colour: QColor = TEXT_COLOUR) -> None:
        self.painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        bounds = self.painter.boundingRect(
            QRectF(self.area.left(), 0, self.area.width(), 1e6), int(flags), text
        )
        self.room(bounds.height())
        self.painter.setPen(colour)
        self.painter.drawText(
            QRectF(self.area.left(), self.y, self.area.width(), bounds.height()), int(flags), text
        )
        self.y += bounds.height()

    def space(self, lines: float, font: QFont) -> None:
        self.y += QFontMetricsF(font, self.writer).height() * lines


def write_pdf(report: DayReport, path: Path) -> Path:
    """The report as an A4 PDF at `path` (its folder made if missing); `path` back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setCreator("BonusPOS")
    writer.setTitle(title(report))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(tr("Не удалось записать PDF: {0}").format(path))
    try:
        _paint_report(writer, painter, report)
    finally:
        painter.end()
    return path


def _fonts() -> tuple[QFont, QFont, QFont, QFont]:
    body = QFont("DejaVu Sans")
    body.setPointSizeF(10)
    bold = QFont(body)
    bold.setBold(True)
    big = QFont(body)
    big.setPointSizeF(16)
    big.setBold(True)
    small = QFont(body)
    small.setPointSizeF(8)
    return body, bold, big, small


def _paint_report(writer: QPdfWriter, painter: QPainter, report: DayReport) -> None:
    body, bold, big, small = _fonts()
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    page = _Page(writer, painter, QRectF(0, 0, rect.width(), rect.height()), 0)

    page.text(title(report), big)
    page.text(place(report), body)
    said, good = verdict(report)
    page.text(said, bold, GOOD_COLOUR if good else BAD_COLOUR)
    page.space(0.5, body)

    _table(page, report, body, bold)
    page.space(0.5, body)
    said, good = unsent_line(report)
    page.text(said, bold if not good else body, GOOD_COLOUR if good else BAD_COLOUR)
    for said, good in facts(report):
        page.text(said, body, GOOD_COLOUR if good else BAD_COLOUR)
    page.space(0.5, body)

    chart = CHART_MM * writer.resolution() / 25.4
    page.text(tr("Продажи и баллы по часам (касса)"), bold)
    page.room(chart)
    paint_hours(
        painter, QRectF(page.area.left(), page.y, page.area.width(), chart), report.by_hour, small
    )
    page.y += chart
    page.space(0.5, body)

    if report.problems:
        page.text(tr("Расхождения и что делать"), bold)
        for problem in report.problems:
            page.text("• " + problem, body, BAD_COLOUR)
        page.space(0.5, body)
    page.text(
        tr("Отмеченные сервером события магазина за день: {0}").format(len(report.flagged)), bold
    )
    for note in report.flagged:
        what, todo = flag_lines(note)
        page.text(what, body)
        page.text("   " + todo, body, BAD_COLOUR)
    if not report.flagged:
        page.text(tr("Нет"), body)


def _table(page: _Page, report: DayReport, body: QFont, bold: QFont) -> None:
    painter = page.painter
    metrics = QFontMetricsF(body, page.writer)
    height = metrics.height() * 1.5
    pad = metrics.horizontalAdvance(" ")
    shares = (0.43, 0.19, 0.19, 0.19)
    widths = [page.area.width() * share for share in shares]
    lefts = [page.area.left() + sum(widths[:i]) for i in range(len(widths))]

    def row(cells: Sequence[str], font: QFont, fill: QColor | None) -> None:
        page.room(height)
        if fill is not None:
            painter.fillRect(QRectF(page.area.left(), page.y, page.area.width(), height), fill)
        painter.setFont(font)
        painter.setPen(TEXT_COLOUR)
        for column, text in enumerate(cells):
            align = Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignRight
            painter.drawText(
                QRectF(lefts[column] + pad, page.y, widths[column] - 2 * pad, height),
                int(align | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        painter.setPen(QPen(GRID_COLOUR, 0))
        bottom = page.y + height
        painter.drawLine(QPointF(page.area.left(), bottom), QPointF(page.area.right(), bottom))
        page.y = bottom

    row(table_headers(), bold, HEADER_FILL)
    for shown in shown_rows(report):
        row(
            (shown.what, shown.till, shown.server, shown.difference),
            body if shown.agrees else bold,
            None if shown.agrees else DISAGREES_FILL,
        )
