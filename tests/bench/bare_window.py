"""The bare PySide6 window bench_bundle times beside the built till, frozen the same way.

A QApplication, a 1280×800 QMainWindow holding one focused QLineEdit; once that field
has painted and the event loop is idle again, it prints `{"usable_ns": ...}` (the wall
clock, as `bonuspos --smoke` does) and exits. Built by tests/bench/bare_window.spec.
"""

import json
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow


class FirstPaint(QObject):
    def __init__(self, target: QLineEdit) -> None:
        super().__init__()
        self.target = target
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self.seen and watched is self.target and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, usable)
        return False


def usable() -> None:
    print(json.dumps({"usable_ns": time.time_ns()}), flush=True)
    app.quit()


app = QApplication(["bare"])
window = QMainWindow()
line = QLineEdit()
window.setCentralWidget(line)
window.resize(1280, 800)
watcher = FirstPaint(line)
app.installEventFilter(watcher)
window.showMaximized()  # as the till's window shows itself
line.setFocus()
sys.exit(app.exec())
