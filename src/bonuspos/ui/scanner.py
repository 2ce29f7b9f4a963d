"""Keyboard-wedge scanners: a burst of keys far faster than any hand, ending in Enter.

A scanner types its code into whatever has the focus. The filter watches every key the
application gets and tells a scan by the till's `ScannerSettings`:

- by speed: Enter (or the suffix) closes a run of at least `min_length` characters that
  came at most `gap_ms` apart. The keys have gone into the focused field by then: it
  gets back exactly the text it had before the burst, and the Enter goes nowhere;
- by its marks, when the scanner is programmed to send a prefix: everything between the
  prefix and the suffix (or Enter) is the code, whatever the speed, and none of those
  keys reaches the field.

Either way `scanned` carries the code to the screen.

The scanner presses keys, not characters: the keyboard layout makes text of them, and
under the Russian layout the key of "M" types "Ь" and that of "." types "ю". So the code
is read from the physical key (the native scan code), as the US layout would type it,
and only where the platform gives none from Qt's key code; never from the layout's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median
from time import monotonic

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit

from bonuspos.domain.scanner import CODE_CHARACTERS, DEFAULT_GAP_MS, ScannerSettings

GAP = DEFAULT_GAP_MS / 1000  # seconds: the default longest pause inside a scanner's burst
# Enter may come a little after a scanner's last character (some pause before their
# terminator); a person's Enter after typing comes later still.
ENTER_PAUSE = 3
# A prefixed burst the scanner never finished (a cashier who typed the prefix by hand):
# no scanner pauses this long inside a code, so the keys after it are typing again.
PREFIXED_PATIENCE = 2.0
# A person's key just before a scan joins the burst when it came within the gap; it is
# told by a pause standing out from the scanner's even beat: more than twice the beat's
# median and this much more (seconds), so that a scanner's own uneven first key (USB
# polls every 1-8 ms, a busy PC adds more) is never cut off its code.
STANDOUT = 0.025

# Set 1 scan codes of the US keyboard's typing keys, as (unshifted, shifted) characters.
# Windows reports these; X11 and Wayland report evdev's numbers plus 8, and Linux
# numbered its keys after set 1, so one table serves both.
_ROWS = (
    (0x02, "1234567890-=", "!@#$%^&*()_+"),
    (0x10, "qwertyuiop[]", "QWERTYUIOP{}"),
    (0x1E, "asdfghjkl;'`", 'ASDFGHJKL:"~'),
    (0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?"),
)
# The numeric keypad's (with Num Lock on: off, these keys type no text and are not read).
_KEYPAD = {0x37: "*", 0x47: "7", 0x48: "8", 0x49: "9", 0x4A: "-", 0x4B: "4", 0x4C: "5"}
_KEYPAD |= {0x4D: "6", 0x4E: "+", 0x4F: "1", 0x50: "2", 0x51: "3", 0x52: "0", 0x53: "."}
US_KEYS: dict[int, tuple[str, str]] = {
    first + i: (plain, shifted)
    for first, plains, shifteds in _ROWS
    for i, (plain, shifted) in enumerate(zip(plains, shifteds, strict=True))
} | {code: (char, char) for code, char in _KEYPAD.items()}
# What a platform adds to a set 1 scan code in QKeyEvent.nativeScanCode().
SCAN_CODE_OFFSET = {"xcb": 8, "wayland": 8, "windows": 0}
# Windows: the key a program sends as a Unicode character (VK_PACKET) carries that
# character whatever the layout, and no key of its own.
VK_PACKET = 0xE7


def us_character(event: QKeyEvent, platform: str) -> str | None:
    """The character the key pressed types on a US keyboard; None for a key typing none.

    Letters keep the case they came in: the layout's text has it (Shift or Caps Lock),
    Cyrillic or not, and where it is no letter Shift decides.
    """
    text = event.text()
    if len(text) != 1 or not text.isprintable():
        return None  # Backspace, arrows, F-keys, Ctrl+letter, the keypad without Num Lock
    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    upper = text.isupper() if text.lower() != text.upper() else shift
    if platform == "windows" and event.nativeVirtualKey() == VK_PACKET:
        return text
    offset = SCAN_CODE_OFFSET.get(platform)
    if offset is not None and event.nativeScanCode():
        keys = US_KEYS.get(event.nativeScanCode() - offset)
        if keys is not None:
            plain, shifted = keys
            if plain.isalpha():
                return plain.upper() if upper else plain
            return shifted if shift else plain
    key = event.key()
    if 0x20 < key < 0x7F:  # Qt's code of a Latin key is its character (letters in capitals)
        char = chr(key)
        return char if not char.isalpha() or upper else char.lower()
    return text if text.isascii() else None


@dataclass(frozen=True)
class _Field:
    """A focused field's text and cursor, to put back when a burst turns out a scan."""

    text: str
    cursor: int

    @staticmethod
    def of(widget: QObject) -> _Field | None:
        if isinstance(widget, QLineEdit):
            return _Field(widget.text(), widget.cursorPosition())
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            return _Field(widget.toPlainText(), widget.textCursor().position())
        return None

    def restore(self, widget: QObject) -> None:
        if isinstance(widget, QLineEdit):
            widget.setText(self.text)
            widget.setCursorPosition(self.cursor)
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            widget.setPlainText(self.text)
            cursor = widget.textCursor()
            cursor.setPosition(self.cursor)
            widget.setTextCursor(cursor)


@dataclass
class _Burst:
    """Keys come fast into one field: each character, the pause before it, and the
    field as it was before it (the code may start after the first of them)."""

    target: QObject
    chars: list[str] = field(default_factory=list)
    pauses: list[float] = field(default_factory=list)
    befores: list[_Field | None] = field(default_factory=list)

    def add(self, char: str, pause: float) -> None:
        self.befores.append(_Field.of(self.target))
        self.chars.append(char)
        self.pauses.append(pause)

    def start(self) -> int:
        """Where the scanner's keys begin: after any person's keys, whose pauses stand out
        from the scanner's beat (see STANDOUT)."""
        between = self.pauses[1:]
        if not between:
            return 0
        limit = 2 * median(between) + STANDOUT
        first = 0
        while first < len(between) and between[first] > limit:
            first += 1
        return first


class ScannerFilter(QObject):
    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        settings: ScannerSettings | None = None,
        *,
        clock: Callable[[], float] = monotonic,
        platform: str | None = None,
    ) -> None:
        """`clock` (seconds) times keys that carry no time of their own; `platform`
        (Qt's platform name) says how to read native scan codes, the running one's if None."""
        super().__init__(parent)
        self.settings = settings or ScannerSettings()
        self.clock = clock
        self.platform = platform
        self._burst: _Burst | None = None  # by speed: a scan once Enter ends it fast
        self._marked: _Burst | None = None  # after the prefix: a scan whatever the speed
        self._last_clock = 0.0
        self._last_stamp = 0
        self._swallow_enter = False  # the Enter some scanners still send after the suffix
        self._shifted = 0.0  # the pause before a capital's Shift, counted as the capital's

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if watched is not QApplication.focusWidget():
            return False  # a key passes the window and each parent too: count it once
        pause = self._pause(event)
        key = event.key()
        if key == Qt.Key.Key_Shift:
            # A capital's Shift: part of the burst, and the time runs from it.
            if self._burst or self._marked:
                self._shifted += pause
                self._stamp(event)
            return False
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self._swallow_enter:
            self._swallow_enter = False
            return pause <= self._gap * ENTER_PAUSE
        self._swallow_enter = False
        char = None if enter else us_character(event, self._platform_name())
        since_char, self._shifted = self._shifted + pause, 0.0
        if self._marked is not None:
            if pause <= PREFIXED_PATIENCE:
                return self._marked_key(watched, event, enter, char)
            self._marked = None
        prefix, suffix = self.settings.prefix, self.settings.suffix
        if prefix and char == prefix:
            self._marked, self._burst = _Burst(watched), None
            self._stamp(event)
            return True
        if enter or (suffix and char == suffix):
            return self._ended(watched, event, pause, by_suffix=not enter)
        if char is None or char not in CODE_CHARACTERS or prefix:
            # Any other key (F10, a comma, Backspace) ends a burst; with a prefix
            # programmed, speed alone makes no scan.
            self._burst = None
            return False
        if self._burst is None or pause > self._gap or watched is not self._burst.target:
            self._burst = _Burst(watched)
        self._burst.add(char, since_char)
        self._stamp(event)
        return False

    def _marked_key(
        self, watched: QObject, event: QKeyEvent, enter: bool, char: str | None
    ) -> bool:
        """A key after the prefix: the code's, its end, or (any other key) not a scan."""
        marked = self._marked
        assert marked is not None
        if watched is not marked.target or (char is None and not enter):
            self._marked = None
            return False
        self._stamp(event)
        if enter or char == self.settings.suffix:
            self._marked = None
            if marked.chars:
                self._swallow_enter = not enter
                self.scanned.emit("".join(marked.chars))
            return True
        marked.chars.append(char or "")
        return True

    def _ended(self, watched: QObject, event: QKeyEvent, pause: float, *, by_suffix: bool) -> bool:
        """Enter or the suffix: a scan if a fast enough, long enough burst came before it."""
        burst, self._burst = self._burst, None
        if burst is None or watched is not burst.target or pause > self._gap * ENTER_PAUSE:
            return False
        first = burst.start()
        code = "".join(burst.chars[first:])
        if len(code) < self.settings.min_length:
            return False
        before = burst.befores[first]
        if before is not None:
            before.restore(watched)
        self._swallow_enter = by_suffix
        self._stamp(event)  # the Enter after a suffix is timed from it
        self.scanned.emit(code)
        return True

    @property
    def _gap(self) -> float:
        return self.settings.gap_ms / 1000

    def _platform_name(self) -> str:
        if self.platform is None:
            self.platform = QGuiApplication.platformName()
        return self.platform

    def _pause(self, event: QKeyEvent) -> float:
        """Seconds since the last key. The window system's time of each key where it
        gives one: a screen busy redrawing after one key handles the next late, but the
        scanner sent it on time. The clock where a key carries no time (synthetic keys)."""
        stamp = event.timestamp()
        if stamp and self._last_stamp and stamp >= self._last_stamp:
            return (stamp - self._last_stamp) / 1000
        return self.clock() - self._last_clock

    def _stamp(self, event: QKeyEvent) -> None:
        self._last_stamp = event.timestamp()
        self._last_clock = self.clock()
