"""A table over every visitor that holds only ids and loads rows a page at a time.

Sorting asks the core for ids in the new order (one indexed SQL query); ``data()`` loads the
page of rows around the requested row on first use and keeps a bounded number of pages.

Reading every id takes 0.2 to 1 s at 200,000 visitors, too long for the GUI thread: given a
``background`` runner (the page passes the task runner), ``reload()`` and ``sort()`` read the ids
on a worker and show them when they arrive; a newer request or ``set_ids`` makes an older
answer that arrives late be dropped. Without one, they read at once (the model's own tests).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from expo.services.visitor_list import VisitorRow, VisitorSort
from expo.text.labels import SOURCE_LABELS, visitor_type_label

IdsFetcher = Callable[[VisitorSort, bool], list[int]]
RowsFetcher = Callable[[Sequence[int]], list[VisitorRow]]
# Runs the job (on a worker thread) and hands its result to the callback (on the GUI thread).
BackgroundRunner = Callable[[Callable[[], list[int]], Callable[[list[int]], None]], None]

_Index = QModelIndex | QPersistentModelIndex
_ROLES_SHOWN = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole})


class VisitorTableModel(QAbstractTableModel):
    loading_changed = Signal(bool)  # True while ids are being read in the background

    # (title, sort key, how a row shows in the column)
    COLUMNS: tuple[tuple[str, VisitorSort, Callable[[VisitorRow], str]], ...] = (
        ("ID", VisitorSort.ID, lambda r: str(r.id)),
        ("姓名 Name", VisitorSort.NAME, lambda r: r.name),
        ("公司 Company", VisitorSort.COMPANY, lambda r: r.company or ""),
        ("类型 Type", VisitorSort.TYPE, lambda r: visitor_type_label(r.visitor_type)),
        ("手机 Phone", VisitorSort.PHONE, lambda r: r.phone_masked),
        ("城市 City", VisitorSort.CITY, lambda r: r.city or ""),
        ("登记号 Reg. no.", VisitorSort.REGISTRATION_NO, lambda r: r.registration_no or ""),
        ("来源 Source", VisitorSort.REGISTERED_AT, lambda r: SOURCE_LABELS[r.source][0]),
        ("签到 Checked in", VisitorSort.CHECKED_IN, lambda r: "✓ 已签到" if r.checked_in else ""),
    )

    def __init__(
        self,
        fetch_ids: IdsFetcher,
        fetch_rows: RowsFetcher,
        *,
        page_size: int = 200,
        max_pages: int = 64,
        background: BackgroundRunner | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_ids = fetch_ids
        self._background = background
        self._generation = 0  # bumped by every request for ids; older answers are dropped
        self._pending: tuple[VisitorSort, bool, str] | None = None
        self._fetch_rows = fetch_rows
        self._page_size = page_size
        self._max_pages = max_pages
        self._ids: list[int] = []
        self._pages: OrderedDict[int, list[VisitorRow]] = OrderedDict()
        self._sort = VisitorSort.ID
        self._descending = False
        self.pages_loaded = 0  # for tests and benchmarks: how much was fetched

    # -- loading
    def reload(self) -> None:
        """Read every id again in the current order (in the background when it can)."""
        self._request_ids("reset")

    def set_ids(self, ids: list[int]) -> None:
        """Show exactly these visitors, in this order (a search result, a filter)."""
        self._cancel_pending()
        self._reset_to(list(ids))

    @property
    def loading(self) -> bool:
        return self._pending is not None

    def _request_ids(self, how: str) -> None:
        """Ask for the ids in the current order; ``how`` they are shown: "reset" or "layout".

        The same request while one is on its way is not started twice (the page's first
        showing asks several times)."""
        wanted = (self._sort, self._descending, how)
        if self._pending == wanted:
            return
        self._generation += 1
        generation = self._generation
        sort, descending = self._sort, self._descending

        def deliver(ids: list[int]) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return  # the page is gone, or a newer request or set_ids came first
            self._set_pending(None)
            if how == "layout":
                self._relayout_to(ids)
            else:
                self._reset_to(ids)

        if self._background is None:
            deliver(self._fetch_ids(sort, descending))
            return
        self._set_pending(wanted)
        self._background(lambda: self._fetch_ids(sort, descending), deliver)

    def loading_failed(self) -> None:
        """The background read failed (reported elsewhere): stop waiting for it."""
        self._cancel_pending()

    def _cancel_pending(self) -> None:
        self._generation += 1
        self._set_pending(None)

    def _set_pending(self, pending: tuple[VisitorSort, bool, str] | None) -> None:
        was_loading = self._pending is not None
        self._pending = pending
        if was_loading != (pending is not None):
            self.loading_changed.emit(pending is not None)

    def _reset_to(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def _relayout_to(self, ids: list[int]) -> None:
        if len(ids) != len(self._ids):
            self._reset_to(ids)  # visitors came or went meanwhile: a layout change cannot say so
            return
        self.layoutAboutToBeChanged.emit()
        self._ids = ids
        self._pages.clear()
        self.layoutChanged.emit()

    def reload_rows(self) -> None:
        """Read the shown rows again (a visitor was edited); the ids and order stay."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.COLUMNS) - 1)
            )

    def visitor_id(self, row: int) -> int:
        return self._ids[row]

    def _row(self, row: int) -> VisitorRow | None:
        page_number = row // self._page_size
        page = self._pages.get(page_number)
        if page is None:
            start = page_number * self._page_size
            ids = self._ids[start : start + self._page_size]
            fetched = {r.id: r for r in self._fetch_rows(ids)}
            page = [fetched.get(i) for i in ids]  # type: ignore[misc]
            self._pages[page_number] = page
            self.pages_loaded += 1
            if len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page[row % self._page_size]

    # -- Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for a dozen roles per cell on every repaint; the ones not shown leave first.
        if role not in _ROLES_SHOWN or not index.isValid():
            return None
        if not 0 <= index.row() < len(self._ids):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._row(index.row())
            if row is None:
                return ""  # deleted since the ids were read
            return self.COLUMNS[index.column()][2](row)
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = self.COLUMNS[column][1]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._request_ids("layout")
