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
# What the chain's codes are made of: EAN-13 goods and plastic cards, SKUs.
SCANNABLE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.")


class ScannerFilter(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._burst = ""
        self._last = 0.0
        self._target: QObject | None = None  # where the burst's keys went
        self._before = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        text = event.text()
        if not enter and (len(text) != 1 or text not in SCANNABLE):
            self._burst = ""  # any other key (F10, a letter of a name) ends a burst
            return False
        if watched is not QApplication.focusWidget():
            return False  # a key passes the window and each parent too: count it once
        now = monotonic()
        if enter:
            code, fast = self._burst, now - self._last < GAP * 3
            self._burst = ""
            if len(code) >= MIN_LENGTH and fast and watched is self._target:
                if isinstance(self._target, QLineEdit):
                    self._target.setText(self._before)
                self.scanned.emit(code)
                return True
            return False
        if now - self._last > GAP or not self._burst or watched is not self._target:
            self._target = watched
            self._before = watched.text() if isinstance(watched, QLineEdit) else ""
            self._burst = ""
        self._burst += text
        self._last = now
        return False
