"""Refreshing a page when a committed change touches what it shows, instead of on a timer.

A page that is hidden only remembers that it is stale and refreshes when shown again, so a
burst of check-ins at the desk costs the hidden Visitors page nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from expo.unit_of_work import ChangeSet
from ui.context import AppContext


class RefreshOnChange(QObject):
    def __init__(
        self,
        ctx: AppContext,
        page: QWidget,
        tables: tuple[str, ...],
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(page)
        self._page = page
        self._tables = tables
        self._refresh = refresh
        self.stale = False
        ctx.changes.changed.connect(self._changed)

    def _changed(self, changes: ChangeSet) -> None:
        if not changes.touches(*self._tables):
            return
        if self._page.isVisible():
            self._refresh()
        else:
            self.stale = True

    def shown(self) -> bool:
        """Call when the page is shown: refreshes if something changed meanwhile."""
        if not self.stale:
            return False
        self.stale = False
        self._refresh()
        return True
