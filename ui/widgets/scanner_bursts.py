"""Recognise a barcode scanner's burst of keystrokes anywhere in the application.

A USB scanner in keyboard mode is a keyboard: its keys go wherever the focus is (a search box,
the booth's factory chooser, the Cancel button of a progress dialog). ``ScannerBursts`` is an
application-wide event filter that tells a scanner from a person by speed alone: a scan is at
least ``min_length`` printable keys, each within ``key_gap_ms`` of the one before (scanners
type a key every 2-10 ms; people, even fast typists, take 60 ms and more), that form a badge
code or a registration number (``expo.badges.codes.looks_like_scan``), ended by Enter, Tab or
a short silence. A recognised scan is emitted as ``scanned(payload)``; the window routes it to
the page on screen.

How keystrokes are kept from landing in the wrong place:
- the first key of a possible burst goes to a text input as usual (a person typing must see it
  at once); if the burst turns out to be a scan, that input is put back as it was;
- in anything that is not a text input (a button, a list, a progress dialog, a menu) the first
  key is held back too, and given to the widget only when no burst follows;
- every further key that arrives at scanner speed is held back; when the burst is not a scan
  (too short, not a code, a slower key follows) the held keys are given to the focus widget in
  their order, so fast typing is never lost, only delayed by a few tens of milliseconds;
- Enter or Tab ending a scan never reaches a widget (so it cannot press a default button).

Key times come from the window system's event timestamps where there are any, so a GUI thread
that was busy for a moment does not make a person's queued keys look like a burst.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from expo.badges.codes import looks_like_scan, normalise_scan

TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
# Scanners (and xdotool) press Shift around each capital letter: it is part of the burst.
_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
}
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass
class _Key:
    key: int
    text: str
    modifiers: Qt.KeyboardModifier
    at_ms: float


class _InputState:
    """What a text input held before the first key of a burst, to put it back after a scan."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.edit: QLineEdit | None = None
        self.text = ""
        self.cursor = 0
        if isinstance(widget, QLineEdit):
            self.edit = widget
        elif isinstance(widget, QComboBox) and widget.isEditable():
            self.edit = widget.lineEdit()
        elif isinstance(widget, QAbstractSpinBox):
            self.edit = widget.findChild(QLineEdit)
        if self.edit is not None:
            self.text = self.edit.text()
            self.cursor = self.edit.cursorPosition()
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            self.text = widget.toPlainText()
            self.cursor = widget.textCursor().position()

    def restore(self) -> None:
        widget = self.widget
        if self.edit is not None:
            if self.edit.text() != self.text:
                self.edit.setText(self.text)
                self.edit.setCursorPosition(self.cursor)
            if isinstance(widget, QAbstractSpinBox):
                widget.interpretText()
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            if widget.toPlainText() != self.text:
                widget.setPlainText(self.text)
                cursor = widget.textCursor()
                cursor.setPosition(min(self.cursor, len(self.text)))
                widget.setTextCursor(cursor)


def is_text_input(widget: QWidget | None) -> bool:
    """Does a printable key typed into ``widget`` show up as text (that a scan must take back)?"""
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not (isinstance(widget, QLineEdit) and widget.isReadOnly())
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return not widget.isReadOnly()
    return False


@dataclass
class _Burst:
    target: QWidget | None
    keys: list[_Key] = field(default_factory=list)
    first_delivered: bool = False
    state: _InputState | None = None


class ScannerBursts(QObject):
    """The application's scanner: emits ``scanned(payload)`` for each scanner burst."""

    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        key_gap_ms: float = 30.0,
        end_gap_ms: int = 60,
        min_length: int = 6,
    ) -> None:
        super().__init__(parent)
        self.key_gap_ms = key_gap_ms
        self.min_length = min_length
        self._burst: _Burst | None = None
        self._swallow_releases: list[int] = []
        self._replaying = False
        self._installed_on: QApplication | None = None
        self._end = QTimer(self)
        self._end.setSingleShot(True)
        self._end.setInterval(end_gap_ms)
        self._end.timeout.connect(self._silence)

    # -- installing
    def install(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._installed_on is None:
            app.installEventFilter(self)
            self._installed_on = app
            self.destroyed.connect(lambda *_: None)

    def uninstall(self) -> None:
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None
        self._end.stop()
        self._burst = None

    # -- the filter
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or self._replaying:
            return False
        if not isinstance(watched, QWidget) or not isinstance(event, QKeyEvent):
            return False
        if not self._first_receiver(watched):
            return False  # the same key propagating to a parent: already seen
        if kind == QEvent.Type.KeyRelease:
            return self._release(event)
        return self._press(watched, event)

    @staticmethod
    def _first_receiver(watched: QWidget) -> bool:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            return watched is popup or popup.isAncestorOf(watched)
        focus = QApplication.focusWidget()
        if focus is not None:
            return watched is focus
        return watched.isWindow()

    def _release(self, event: QKeyEvent) -> bool:
        if event.key() in self._swallow_releases:
            self._swallow_releases.remove(event.key())
            return True
        return False

    def _press(self, watched: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        now = _stamp(event)
        text = event.text()
        burst = self._burst
        if burst is not None and now - burst.keys[-1].at_ms > self.key_gap_ms:
            self._finish()  # too slow to belong to the burst: it ended before this key
            burst = None
        command = bool(event.modifiers() & _COMMAND_MODIFIERS)
        printable = len(text) == 1 and text.isprintable() and not text.isspace()
        if burst is not None:
            if key in TERMINATORS and not command:
                if self._finish():
                    self._swallow_releases.append(key)
                    return True
                return False
            if printable and not command and not event.isAutoRepeat():
                burst.keys.append(_Key(key, text, event.modifiers(), now))
                self._swallow_releases.append(key)
                self._end.start()
                return True
            self._finish()  # an arrow, Esc, a shortcut: whatever came before was typing
            return False
        if not printable or command or event.isAutoRepeat() or not text.isalnum():
            return False
        # A key that may start a scan: text inputs show it now, anything else waits for it.
        target = QApplication.focusWidget() or watched
        delivered = is_text_input(target)
        burst = _Burst(target=target, first_delivered=delivered)
        burst.keys.append(_Key(key, text, event.modifiers(), now))
        if delivered:
            burst.state = _InputState(target)
        else:
            self._swallow_releases.append(key)
        self._burst = burst
        self._end.start()
        return not delivered

    def _silence(self) -> None:
        self._finish()

    # -- ending a burst
    def _finish(self) -> bool:
        """End the current burst: emit it if it is a scan (True), else give its keys back."""
        self._end.stop()
        burst, self._burst = self._burst, None
        if burst is None:
            return False
        payload = normalise_scan("".join(k.text for k in burst.keys))
        if len(burst.keys) >= self.min_length and looks_like_scan(payload):
            if burst.state is not None:
                burst.state.restore()
            self.scanned.emit(payload)
            return True
        held = burst.keys[1:] if burst.first_delivered else burst.keys
        self._replay(held)
        return False

    def _replay(self, keys: list[_Key]) -> None:
        if not keys:
            return
        self._replaying = True
        try:
            for held in keys:
                receiver = QApplication.activePopupWidget() or QApplication.focusWidget()
                if receiver is None:
                    break
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        receiver, QKeyEvent(kind, held.key, held.modifiers, held.text)
                    )
        finally:
            self._replaying = False


def _stamp(event: QKeyEvent) -> float:
    """When the key was pressed, in ms: the window system's time, else now."""
    stamp = event.timestamp()
    return float(stamp) if stamp else time.monotonic() * 1000.0
