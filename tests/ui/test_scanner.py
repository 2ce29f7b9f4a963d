"""A scanner's keys are a scan and a cashier's are typing: by their speed, whatever the
keyboard layout, or by the marks the scanner is programmed to send around its code.

The keys are real QKeyEvents as X11 hands them over: the physical key's keycode, the text
the active layout makes of it, and a time the test sets (the filter's clock), so a
scanner's 35 ms and a person's 80 ms are exact and nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from bonuspos.domain.scanner import ScannerSettings
from bonuspos.services.clock import ManualClock
from bonuspos.ui.app import Running
from bonuspos.ui.printing import SlipPrinter
from bonuspos.ui.scanner import ScannerFilter
from tests.ui.conftest import open_screens, prepared_till
from tests.ui.test_checkout import TV, scan, with_card

CABLE_CODE, KETTLE_SKU = "4810000000043", "KT-1.7"

# The US keyboard's rows: X keycodes of their keys (evdev's numbering plus 8).
ROWS = {"1234567890-=": 10, "qwertyuiop[]": 24, "asdfghjkl;'`": 38, "zxcvbnm,./": 52}
KEYCODE = {char: first + i for row, first in ROWS.items() for i, char in enumerate(row)}
SHIFTED = dict(zip('!@#$%^&*()_+{}:"~<>?', "1234567890-=[];'`,./", strict=True))
UNSHIFTED = {base: char for char, base in SHIFTED.items()}
SHIFT_KEYCODE = 50
# What the Russian layout types on those keys (ЙЦУКЕН); the rest as on the US one.
RUSSIAN = dict(
    zip("qwertyuiop[]asdfghjkl;'zxcvbnm,./", "йцукенгшщзхъфывапролджэячсмитьбю.", strict=True)
)
RUSSIAN_SHIFTED = {"3": "№"}


class Keys:
    """Physical keys pressed at a till: Shift and all, `ms` after the key before."""

    def __init__(self, scanner: ScannerFilter, layout: str = "us") -> None:
        self.layout = layout
        self.now = 1000.0
        scanner.clock = lambda: self.now
        scanner.platform = "xcb"

    def type(
        self, widget: QWidget, chars: str, ms: float, *, shift_ms: float = 0, after: float = 0
    ) -> None:
        """Each of `chars` `ms` after the one before (the first `after` ms after the last
        key, if longer); Shift `shift_ms` before its key."""
        for i, char in enumerate(chars):
            self.press(widget, char, max(ms, after) if i == 0 else ms, shift_ms=shift_ms)

    def press(self, widget: QWidget, char: str, ms: float, *, shift_ms: float = 0) -> None:
        base = SHIFTED.get(char, char.lower())
        shifted = base != char
        text = self._text(base, shifted)
        keycode = KEYCODE[base]
        self.now += (ms - shift_ms) / 1000
        modifiers = Qt.KeyboardModifier.NoModifier
        if shifted:
            self._send(widget, Qt.Key.Key_Shift, modifiers, SHIFT_KEYCODE, "")
            self.now += shift_ms / 1000
            modifiers = Qt.KeyboardModifier.ShiftModifier
        # Qt's key code: the character the layout typed, letters in capitals.
        self._send(widget, Qt.Key(ord(text.upper())), modifiers, keycode, text)

    def enter(self, widget: QWidget, ms: float) -> None:
        self.now += ms / 1000
        self._send(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 36, "\r")

    def _text(self, base: str, shifted: bool) -> str:
        if self.layout == "ru":
            if shifted and base in RUSSIAN_SHIFTED:
                return RUSSIAN_SHIFTED[base]
            text = RUSSIAN.get(base, base)
            return text.upper() if shifted and text.isalpha() else text
        if shifted:
            return base.upper() if base.isalpha() else UNSHIFTED[base]
        return base

    @staticmethod
    def _send(
        widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier, keycode: int, text: str
    ) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, modifiers, keycode, 0, 0, text)
            QApplication.sendEvent(widget, event)


class Field:
    """A field on its own, the scanner filter installed, and what it handed over."""

    def __init__(self, qtbot: QtBot, settings: ScannerSettings | None = None) -> None:
        self.edit = QLineEdit()
        qtbot.addWidget(self.edit)
        self.edit.show()
        self.edit.activateWindow()
        self.edit.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is self.edit)
        self.scanner = ScannerFilter(None, settings)
        self.scans: list[str] = []
        self.scanner.scanned.connect(self.scans.append)
        self.entered = 0
        self.edit.returnPressed.connect(self._entered)
        self.edits: list[str] = []
        self.edit.textEdited.connect(self.edits.append)
        QApplication.instance().installEventFilter(self.scanner)

    def _entered(self) -> None:
        self.entered += 1

    def close(self) -> None:
        QApplication.instance().removeEventFilter(self.scanner)


@pytest.fixture
def field(qtbot: QtBot) -> Iterator[Field]:
    made = Field(qtbot)
    yield made
    made.close()


@pytest.fixture
def marked(qtbot: QtBot) -> Iterator[Field]:
    """A till whose scanner is programmed to send "~" before each code and "#" after it."""
    made = Field(qtbot, ScannerSettings(prefix="~", suffix="#"))
    yield made
    made.close()


@pytest.fixture
def till(
    qtbot: QtBot, tmp_path: Path, clock: ManualClock, printer: SlipPrinter
) -> Iterator[Running]:
    prepared_till(tmp_path / "till", clock)
    running = open_screens(qtbot, tmp_path / "till", clock, printer)
    yield running
    running.close()


def test_a_scanner_35_ms_apart_is_a_scan_and_its_digits_stay_out_of_the_points_field(
    qtbot: QtBot, till: Running
) -> None:
    with_card(qtbot, till)
    scan(qtbot, till, TV)
    checkout = till.window.checkout
    checkout.points.setFocus()
    keys = Keys(till.scanner)
    keys.type(checkout.points, "10", ms=300)  # the cashier: 10,00 б.
    keys.type(checkout.points, CABLE_CODE, ms=35, after=1000)
    keys.enter(checkout.points, ms=35)

    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q", "CB-USBC"]
    assert checkout.points.text() == "10"


def test_under_the_russian_layout_a_code_with_letters_is_read_off_the_keys(
    qtbot: QtBot, till: Running
) -> None:
    with_card(qtbot, till)
    scan(qtbot, till, TV)
    checkout = till.window.checkout
    target = QApplication.focusWidget()
    assert isinstance(target, QLineEdit)
    typed = target.text()
    keys = Keys(till.scanner, layout="ru")
    keys.type(target, KETTLE_SKU, ms=35, after=1000)  # the layout types «ЛЕ-1ю7»
    keys.enter(target, ms=35)

    assert [line.sku for line in checkout.cart.lines] == ["TV-55Q", KETTLE_SKU]
    assert target.text() == typed


def test_the_field_gets_back_its_own_text_after_a_burst_typed_in_cyrillic(
    field: Field,
) -> None:
    field.edit.setText("Ив")
    keys = Keys(field.scanner, layout="ru")
    keys.type(field.edit, "MK-1.7", ms=35)
    keys.enter(field.edit, ms=35)

    assert field.scans == ["MK-1.7"]
    assert field.edit.text() == "Ив"
    assert field.entered == 0


def test_windows_scan_codes_are_read_as_the_us_keys(field: Field) -> None:
    """Windows reports the set 1 scan code itself (X11 adds 8) and its own key times."""
    field.scanner.platform = "windows"
    plain = Qt.KeyboardModifier.NoModifier
    keys = zip((0x32, 0x25, 0x0C, 0x02, 0x34, 0x08, 0x1C), "ьл-1ю7\r", strict=True)
    for i, (code, text) in enumerate(keys):
        key = Qt.Key.Key_Return if text == "\r" else Qt.Key(ord(text.upper()))
        event = QKeyEvent(QEvent.Type.KeyPress, key, plain, code, 0, 0, text)
        event.setTimestamp(5000 + 35 * i)
        QApplication.sendEvent(field.edit, event)

    assert field.scans == ["mk-1.7"]


def test_a_capitals_shift_inside_a_burst_keeps_the_burst_and_makes_it_a_capital(
    field: Field,
) -> None:
    keys = Keys(field.scanner)
    # A scanner that presses Shift as a key of its own, 35 ms before the letter.
    keys.type(field.edit, "TV-55Q", ms=70, shift_ms=35)
    keys.enter(field.edit, ms=35)

    assert field.scans == ["TV-55Q"]
    assert field.edit.text() == ""


def test_between_the_prefix_and_the_suffix_is_the_code_whatever_the_speed(
    marked: Field,
) -> None:
    keys = Keys(marked.scanner)
    marked.edit.setText("12")
    keys.type(marked.edit, "~4810000000043#", ms=150)  # slower than some people type
    keys.enter(marked.edit, ms=20)  # the scanner's Enter after its suffix

    assert marked.scans == ["4810000000043"]
    assert marked.edits == []  # not one of its keys reached the field
    assert marked.edit.text() == "12"
    assert marked.entered == 0


def test_with_a_prefix_programmed_a_fast_run_without_it_is_typing(marked: Field) -> None:
    keys = Keys(marked.scanner)
    keys.type(marked.edit, "4810000000043", ms=10)
    keys.enter(marked.edit, ms=10)

    assert marked.scans == []
    assert marked.edit.text() == "4810000000043"
    assert marked.entered == 1


def test_a_prefixed_code_under_the_russian_layout_is_read_off_the_keys(qtbot: QtBot) -> None:
    field = Field(qtbot, ScannerSettings(prefix="#"))  # Shift+3: «№» on the Russian layout
    try:
        keys = Keys(field.scanner, layout="ru")
        keys.type(field.edit, "#MK-1.7", ms=35)
        keys.enter(field.edit, ms=35)
    finally:
        field.close()

    assert field.scans == ["MK-1.7"]
    assert field.edit.text() == ""


@pytest.mark.parametrize("gap_ms", [60, 79])
def test_a_quick_typists_keys_are_never_a_scan(qtbot: QtBot, gap_ms: int) -> None:
    """People type 80 ms and more apart: never a scan, even at the longest gap allowed."""
    field = Field(qtbot, ScannerSettings(gap_ms=gap_ms))
    try:
        keys = Keys(field.scanner)
        keys.type(field.edit, "4810000000012", ms=80)
        keys.enter(field.edit, ms=80)
    finally:
        field.close()

    assert field.scans == []
    assert field.edit.text() == "4810000000012"
    assert field.entered == 1


def test_a_persons_key_just_before_a_scan_stays_the_persons(field: Field) -> None:
    keys = Keys(field.scanner)
    keys.type(field.edit, "1", ms=500)
    keys.press(field.edit, "4", ms=40)  # the scanner's first key, 40 ms after the person's
    keys.type(field.edit, "810000000043", ms=5)
    keys.enter(field.edit, ms=5)

    assert field.scans == ["4810000000043"]
    assert field.edit.text() == "1"


def test_a_scanners_own_slow_first_key_stays_in_its_code(field: Field) -> None:
    keys = Keys(field.scanner)
    keys.type(field.edit, "4", ms=500)
    keys.type(field.edit, "810000000043", ms=5, after=20)
    keys.enter(field.edit, ms=5)

    assert field.scans == ["4810000000043"]
    assert field.edit.text() == ""


def test_a_busy_screen_does_not_split_a_burst_the_keys_own_times_do(field: Field) -> None:
    """X11 stamps each key when the scanner sent it; the screen may handle it much later."""
    keys = Keys(field.scanner)
    for i, char in enumerate("4810000000043"):
        keys.now += 0.300  # the screen redrew for 300 ms after each key
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key(ord(char)), Qt.KeyboardModifier.NoModifier,
            KEYCODE[char], 0, 0, char,
        )  # fmt: skip
        event.setTimestamp(90_000 + 35 * i)
        QApplication.sendEvent(field.edit, event)
    enter = QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 36, 0, 0, "\r"
    )
    enter.setTimestamp(90_000 + 35 * 13)
    QApplication.sendEvent(field.edit, enter)

    assert field.scans == ["4810000000043"]
    assert field.edit.text() == ""
