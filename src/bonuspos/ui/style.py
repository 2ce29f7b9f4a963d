"""Large type and touch-sized controls: a cashier reads the screen at arm's length."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 14

SHEET = """
QWidget { font-size: 14pt; }
QPushButton { min-height: 48px; padding: 4px 16px; }
QLineEdit, QSpinBox, QComboBox { min-height: 40px; }
QCheckBox { min-height: 40px; }
QCheckBox::indicator { width: 28px; height: 28px; }
QLabel#title { font-size: 20pt; font-weight: 600; }
QLabel#big { font-size: 22pt; font-weight: 600; }
QLabel#error { color: #b00020; }
QLabel#hint { color: #555555; }
QLabel#ok { color: #2e7d32; }
QFrame#card { border: 2px solid #2e7d32; border-radius: 8px; padding: 8px; }
QLabel#online { color: #2e7d32; font-weight: 600; }
QLabel#offline { color: #b00020; font-weight: 600; }
QTableWidget { font-size: 14pt; }
QStatusBar QLabel { font-size: 12pt; }
"""


def apply(app: QApplication) -> None:
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(SHEET)
