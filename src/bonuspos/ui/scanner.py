"""Keyboard-wedge scanners: a burst of keys far faster than any hand, ending in Enter.

A scanner types its code into whatever has the focus. The filter watches every key the
application gets; when Enter closes a run of at least `MIN_LENGTH` characters that came
less than `GAP` apart, it is a scan: the focused field gets back the text it had before
the burst, the Enter goes nowhere, and `scanned` carries the code to the screen.
"""

from __future__ import annotations

from time import monotonic

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

GAP = 0.030  # seconds between a scanner's keys; people take 80 ms and more
MIN_LENGTH = 6


class ScannerFilter(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._burst = ""
        self._last = 0.0
        self._field: QLineEdit | None = None
        self._before = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if watched is not QApplication.focusWidget():
            return False  # a key passes the window and each parent too: count it once
        now = monotonic()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code, fast = self._burst, now - self._last < GAP * 3
            self._burst = ""
            if len(code) >= MIN_LENGTH and fast:
                if self._field is not None:
                    self._field.setText(self._before)
                self.scanned.emit(code)
                return True
            return False
        text = event.text()
        if not text or not text.isprintable():
            return False
        if now - self._last > GAP or not self._burst:
            focused = QApplication.focusWidget()
            self._field = focused if isinstance(focused, QLineEdit) else None
            self._before = self._field.text() if self._field is not None else ""
            self._burst = ""
        self._burst += text
        self._last = now
        return False
