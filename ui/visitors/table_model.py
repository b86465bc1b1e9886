"""A table over every visitor that holds only ids and loads rows a page at a time.

Sorting asks the core for ids in the new order (one indexed SQL query); ``data()`` loads the
page of rows around the requested row on first use and keeps a bounded number of pages.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from expo.services.visitor_list import VisitorRow, VisitorSort
from expo.text.labels import SOURCE_LABELS, visitor_type_label

IdsFetcher = Callable[[VisitorSort, bool], list[int]]
RowsFetcher = Callable[[Sequence[int]], list[VisitorRow]]

_Index = QModelIndex | QPersistentModelIndex


class VisitorTableModel(QAbstractTableModel):
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
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_ids = fetch_ids
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
        self.beginResetModel()
        self._ids = self._fetch_ids(self._sort, self._descending)
        self._pages.clear()
        self.endResetModel()

    def set_ids(self, ids: list[int]) -> None:
        """Show exactly these visitors, in this order (a search result, a filter)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

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
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
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
        self.layoutAboutToBeChanged.emit()
        self._ids = self._fetch_ids(self._sort, self._descending)
        self._pages.clear()
        self.layoutChanged.emit()
