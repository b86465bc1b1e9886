"""Pick a combo box item by typing, also when its text starts in Chinese.

Qt's own keyboard search matches the start of the visible text only, so "淘宝店主  Taobao shop
owner" cannot be reached by typing anything a Latin keyboard sends. Here typing matches the
start of the text, of any word in it, or the pinyin (full or initials) of its Chinese part:
"t", "tb", "taobao" and "淘" all find it. Keys typed within a second add up ("ta" then "o").
"""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox

from expo.text.pinyin import name_keys

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9A-Za-z]+")
TYPING_PAUSE_S = 1.0


def label_keys(text: str) -> tuple[str, ...]:
    """What typing may start with to find ``text``: the text, its words, pinyin and initials."""
    keys = [text.lower()]
    keys += [word.lower() for word in _WORD.findall(text)]
    for run in _HAN_RUN.findall(text):
        keys.append(run)
        keys += list(name_keys(run).keys)
    return tuple(dict.fromkeys(key for key in keys if key))


class ComboTypeSearch(QObject):
    """The event filter behind ``make_type_searchable``."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo
        self._typed = ""
        self._last = 0.0

    def find(self, typed: str) -> int:
        """The first row whose keys start with ``typed`` (-1 if none)."""
        needle = typed.lower()
        for row in range(self.combo.count()):
            if any(key.startswith(needle) for key in label_keys(self.combo.itemText(row))):
                return row
        return -1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        if (
            len(text) != 1
            or not (text.isalnum())
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            return False
        now = time.monotonic()
        typed = (self._typed if now - self._last < TYPING_PAUSE_S else "") + text
        self._last = now
        row = self.find(typed)
        if row < 0 and len(typed) > 1:  # a fresh start: the new key alone
            typed = text
            row = self.find(typed)
        self._typed = typed
        if row >= 0:
            if self.combo.view().isVisible():
                self.combo.view().setCurrentIndex(self.combo.model().index(row, 0))
            else:
                self.combo.setCurrentIndex(row)
        return True


def make_type_searchable(combo: QComboBox) -> ComboTypeSearch:
    """Let ``combo`` (not editable) be driven by typing pinyin, initials or any word."""
    search = ComboTypeSearch(combo)
    combo.installEventFilter(search)
    combo.view().installEventFilter(search)
    return search
