"""Type like a barcode scanner or like a person: key events with the window system's timestamps,
sent where the keyboard's keys would go (the focus widget, or an open popup)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

SCANNER_KEY_MS = 4  # xdotool type --delay 4; USB scanners take 2 to 10 ms a key
PERSON_KEY_MS = 140  # a quick typist


class Keyboard:
    """Sends keys with increasing timestamps (ms), as X11 stamps them."""

    def __init__(self, start_ms: int = 1_000_000) -> None:
        self.now = start_ms

    def _receiver(self) -> QWidget:
        receiver = QApplication.activePopupWidget() or QApplication.focusWidget()
        assert receiver is not None, "no widget has the keyboard focus"
        return receiver

    def key(
        self,
        key: int,
        text: str = "",
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        after_ms: int = SCANNER_KEY_MS,
    ) -> None:
        self.now += after_ms
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, modifiers, text)
            event.setTimestamp(self.now if kind == QEvent.Type.KeyPress else self.now + 1)
            QApplication.sendEvent(self._receiver(), event)

    def type(self, text: str, *, every_ms: int) -> None:
        for char in text:
            shift = (
                Qt.KeyboardModifier.ShiftModifier
                if char.isupper()
                else Qt.KeyboardModifier.NoModifier
            )
            if shift:  # a scanner presses Shift around a capital, as a keyboard does
                self.key(Qt.Key.Key_Shift, "", shift, after_ms=1)
            self.key(ord(char.upper()), char, shift, after_ms=every_ms)

    def scan(self, payload: str, end: str | None = "Return") -> None:
        """A scanner's burst: ``payload`` then Enter, Tab or nothing (``end=None``)."""
        self.type(payload, every_ms=SCANNER_KEY_MS)
        if end == "Return":
            self.key(Qt.Key.Key_Return, "\r")
        elif end == "Tab":
            self.key(Qt.Key.Key_Tab, "\t")

    def person(self, text: str) -> None:
        self.type(text, every_ms=PERSON_KEY_MS)
