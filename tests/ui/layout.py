"""What a cashier would see cut off: the checks behind tests/ui/test_layout.py.

`clipped_widgets(window)` looks at every visible widget of a shown window and describes
each one that is clipped: partly outside the window or the parent that holds it, too
narrow or too short for its own text, or lying over a sibling. Qt lays widgets out
without complaint in all of these cases; the screen just shows half a button.

The widgets inside an item view or a text box (viewport, scroll bars, headers) are Qt's
own and scroll by design; the views themselves are checked, and so are their columns.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionFrame,
    QTableView,
    QWidget,
)

# A field must show this much of what is typed, in its own font: a phone number or a
# short name without scrolling. Narrower, the cashier cannot check what was typed.
FIELD_MIN_TEXT = "0" * 8
# QLineEdit's own gap between its contents rectangle and the text (Qt's private constant).
LINE_EDIT_MARGIN = 2
_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly


def clipped_widgets(window: QWidget) -> list[str]:
    """Every problem in `window` as it is shown now, one line each; empty when none."""
    problems: list[str] = []
    for widget in _shown(window):
        problems += _outside(widget, window)
        problems += _too_small(widget)
        problems += _columns_cut(widget)
    for parent in [window, *_shown(window)]:
        problems += _overlaps(parent)
    return problems


def describe(widget: QWidget) -> str:
    """The widget as a reader finds it: class, object name, and its text if it has one."""
    name = type(widget).__name__
    if widget.objectName():
        name += f"#{widget.objectName()}"
    text = _text(widget)
    if text:
        short = text if len(text) <= 40 else text[:39] + "…"
        name += f" «{short}»"
    return name


def _shown(window: QWidget) -> list[QWidget]:
    """The visible widgets under `window`, leaving out what scroll areas hold."""
    found: list[QWidget] = []

    def walk(parent: QWidget) -> None:
        for child in parent.findChildren(QWidget, options=_DIRECT):
            if child.isWindow() or not child.isVisible():
                continue  # a popup or a dialog is a window of its own
            found.append(child)
            if not isinstance(child, QAbstractScrollArea):
                walk(child)

    walk(window)
    return found


def _outside(widget: QWidget, window: QWidget) -> list[str]:
    """A widget reaching past an ancestor's edge is cut there (the window is one of them)."""
    ancestor = widget.parentWidget()
    while ancestor is not None:
        rect = QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())
        if not ancestor.rect().contains(rect):
            where = "the window" if ancestor is window else describe(ancestor)
            return [
                f"{describe(widget)} at {_geometry(widget, window)} is cut off by {where}"
                f" ({ancestor.width()}×{ancestor.height()})"
            ]
        if ancestor is window:
            break
        ancestor = ancestor.parentWidget()
    return []


def _too_small(widget: QWidget) -> list[str]:
    width, height = widget.width(), widget.height()
    if isinstance(widget, QLabel):
        if not widget.text():
            return []
        if widget.property("elides"):  # short on purpose, it says so with its `…`
            minimum = widget.minimumSizeHint()
            if width < minimum.width():
                return [f"{describe(widget)} is {width}px, shows less than its {minimum.width()}"]
            return []
        if widget.wordWrap():
            needed = widget.heightForWidth(width)
            if needed > height:
                return [f"{describe(widget)} needs {needed}px of height, has {height}px"]
            return []
        return _hint_fits(widget)
    if isinstance(widget, QAbstractButton | QComboBox):
        return _hint_fits(widget)
    if isinstance(widget, QLineEdit):
        return _field_fits(widget)
    minimum = widget.minimumSizeHint()
    if minimum.isValid() and (width < minimum.width() or height < minimum.height()):
        return [
            f"{describe(widget)} is {width}×{height}, smaller than its minimum"
            f" {minimum.width()}×{minimum.height()}"
        ]
    return []


def _hint_fits(widget: QWidget) -> list[str]:
    """A label, button or list box narrower or lower than its size hint cuts its text."""
    hint = widget.sizeHint()
    if widget.width() < hint.width() or widget.height() < widget.minimumSizeHint().height():
        return [
            f"{describe(widget)} is {widget.width()}×{widget.height()},"
            f" its text needs {hint.width()}×{widget.minimumSizeHint().height()}"
        ]
    return []


def _field_fits(field: QLineEdit) -> list[str]:
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    contents = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    margins = field.textMargins()
    room = contents.width() - margins.left() - margins.right() - 2 * LINE_EDIT_MARGIN
    metrics = field.fontMetrics()
    shown = field.text() and field.echoMode() == QLineEdit.EchoMode.Normal
    # What was typed may scroll; the hint that says what to type must not.
    must_show = [FIELD_MIN_TEXT] + ([] if shown else [field.placeholderText()])
    needed = max(metrics.horizontalAdvance(text) for text in must_show)
    problems = []
    if room < needed:
        problems.append(f"{describe(field)} shows {room}px of text, needs {needed}px")
    if field.height() < field.minimumSizeHint().height():
        problems.append(
            f"{describe(field)} is {field.height()}px high,"
            f" needs {field.minimumSizeHint().height()}px"
        )
    return problems


def _columns_cut(widget: QWidget) -> list[str]:
    """A table whose columns do not fit scrolls sideways; a column narrower than its
    contents shows `…` where the cashier reads a name or an amount."""
    if not isinstance(widget, QAbstractItemView):
        return []
    problems = []
    if widget.horizontalScrollBar().maximum() > 0:
        problems.append(f"{describe(widget)} scrolls sideways: its columns are too wide")
    if isinstance(widget, QTableView):
        header: QHeaderView = widget.horizontalHeader()
        for column in range(header.count()):
            needed = header.sectionSizeHint(column)
            if not widget.wordWrap():  # with wrapping a narrow cell grows taller instead
                needed = max(needed, widget.sizeHintForColumn(column))
            if not header.isSectionHidden(column) and header.sectionSize(column) < needed:
                title = widget.model().headerData(column, header.orientation())
                problems.append(
                    f"{describe(widget)} column «{title}» is {header.sectionSize(column)}px,"
                    f" its contents need {needed}px"
                )
        for row in range(widget.model().rowCount()):
            if widget.rowHeight(row) < widget.sizeHintForRow(row):
                problems.append(
                    f"{describe(widget)} row {row + 1} is {widget.rowHeight(row)}px high,"
                    f" its wrapped text needs {widget.sizeHintForRow(row)}px"
                )
    elif widget.model() is not None and widget.model().rowCount():
        needed = widget.sizeHintForColumn(0)
        if needed > widget.viewport().width():
            problems.append(
                f"{describe(widget)} rows need {needed}px, it shows {widget.viewport().width()}px"
            )
    return problems


def _overlaps(parent: QWidget) -> list[str]:
    if isinstance(parent, QAbstractScrollArea):
        return []
    children = [
        child
        for child in parent.findChildren(QWidget, options=_DIRECT)
        if child.isVisible() and not child.isWindow()
    ]
    problems = []
    for i, first in enumerate(children):
        for second in children[i + 1 :]:
            if first.geometry().intersects(second.geometry()):
                problems.append(f"{describe(first)} overlaps {describe(second)}")
    return problems


def _text(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
        return widget.text().replace("\n", " ")
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def _geometry(widget: QWidget, window: QWidget) -> str:
    at = widget.mapTo(window, widget.rect().topLeft())
    return f"({at.x()},{at.y()} {widget.width()}×{widget.height()})"
