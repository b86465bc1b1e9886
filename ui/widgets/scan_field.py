"""The field a USB barcode scanner types into: one ``scanned`` signal per scan.

Scanners in keyboard mode type the payload in a burst (a few ms per key) and end it with
Enter or Tab, or with nothing at all. So a scan ends on Enter or Tab (Tab never moves the
focus away), or when a fast burst of at least ``min_length`` characters is followed by a
short silence. A person typing a registration number by hand is slower than the burst speed
and ends with Enter. Full-width characters from an active Chinese input method (``ＥＸＰＯ１。``)
are folded back by ``normalise_scan``. The field takes the focus back whenever it loses it
to something that is not another text input, so the next scan never goes astray.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from expo.badges.codes import normalise_scan

_TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
# Widgets that may keep the focus: the desk's search box and walk-in form fields.
_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)


class ScanField(QLineEdit):
    """A line edit that emits ``scanned(payload)`` with the normalised payload of each scan."""

    scanned = Signal(str)
    # Enter on an empty field: "yes" to a question on screen (the desk's confirmation).
    submitted_empty = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        gap_ms: int = 80,
        burst_key_ms: float = 35.0,
        min_length: int = 6,
        keep_focus: bool = True,
    ) -> None:
        super().__init__(parent)
        self.gap_ms = gap_ms
        self.burst_key_ms = burst_key_ms
        self.min_length = min_length
        self.keep_focus = keep_focus
        self._key_times: list[float] = []
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.setInterval(gap_ms)
        self._gap.timeout.connect(self._gap_elapsed)
        self.textEdited.connect(self._edited)
        self.setPlaceholderText(self.tr("Scan a badge or type a registration number, then Enter"))
        self.setClearButtonEnabled(False)

    # -- ending a scan
    def event(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Tab is taken before QWidget's focus chain sees it: for scanners it ends a scan.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in _TERMINATORS and not (
                event.modifiers()
                & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            ):
                empty_enter = event.key() != Qt.Key.Key_Tab and not self.text().strip()
                self.finish_scan()
                if empty_enter:
                    self.submitted_empty.emit()
                event.accept()
                return True
        return super().event(event)

    def _edited(self, text: str) -> None:
        if not text:
            self._key_times.clear()
            self._gap.stop()
            return
        self._key_times.append(time.monotonic())
        self._gap.setInterval(self.gap_ms)
        self._gap.start()

    def _is_burst(self) -> bool:
        """Did the current text arrive at scanner speed?"""
        if len(self.text()) < self.min_length or len(self._key_times) < 2:
            return False
        span_ms = (self._key_times[-1] - self._key_times[0]) * 1000.0
        return span_ms / (len(self._key_times) - 1) <= self.burst_key_ms

    def _gap_elapsed(self) -> None:
        if self._is_burst():
            self.finish_scan()

    def finish_scan(self) -> None:
        """End the current scan now: emit its payload (if any) and clear the field."""
        self._gap.stop()
        payload = normalise_scan(self.text())
        self._key_times.clear()
        self.clear()
        if payload:
            self.scanned.emit(payload)

    # -- keeping the focus
    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        if self.keep_focus and event.reason() != Qt.FocusReason.PopupFocusReason:
            QTimer.singleShot(0, self, self._reclaim_focus)  # cancelled if self is deleted

    def _reclaim_focus(self) -> None:
        if not self.keep_focus or not self.isVisible() or not self.isEnabled():
            return
        window = self.window()
        if not window.isActiveWindow() and QApplication.activeWindow() is not None:
            return  # a dialog or another window is in front: leave it alone
        focused = QApplication.focusWidget()
        if focused is self:
            return
        if focused is not None and isinstance(focused, _TEXT_INPUTS) and focused.isVisible():
            return
        self.setFocus(Qt.FocusReason.OtherFocusReason)
