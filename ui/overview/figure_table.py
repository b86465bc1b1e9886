"""A figure table (expo/services/reports/tables.py) in a table view: a small read-only model,
sortable, whose rows know the drill key of what they count."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from expo.services.reports.tables import FigureTable

Index = QModelIndex | QPersistentModelIndex


class FigureTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: FigureTable | None = None

    def set_table(self, table: FigureTable) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() or self.table is None else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() or self.table is None else len(self.table.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid():
            return None
        value = self.table.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "—"
            if isinstance(value, float):
                return f"{value:,.1f}"
            if isinstance(value, int):
                return f"{value:,}"
            return str(value)
        if role == Qt.ItemDataRole.UserRole:  # the sort key: numbers as numbers
            return value if isinstance(value, int | float) else str(value or "")
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and self.table is not None
        ):
            return self.table.headers[section]
        return None

    def key(self, row: int) -> str | None:
        if self.table is None or row >= len(self.table.keys):
            return None
        return self.table.keys[row]


class FigureTableView(QTableView):
    """Emits ``rowActivated(key, label)`` when a row is clicked."""

    rowActivated = Signal(str, str)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = FigureTableModel(self)
        self.proxy = QSortFilterProxyModel(self)  # a few hundred rows at most
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as computed
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setResizeContentsPrecision(40)  # 500 factories: measure 40
        self.setMinimumHeight(90)
        self.clicked.connect(self._clicked)

    def set_table(self, table: FigureTable) -> None:
        first = self.source.table is None
        self.source.set_table(table)
        if first:  # widths from the header and the first rows, once: a refresh keeps them
            self.resizeColumnsToContents()

    def row_of(self, key: str) -> int:
        """The view row showing ``key`` (after sorting), -1 if none."""
        if self.source.table is None or key not in self.source.table.keys:
            return -1
        source_row = self.source.table.keys.index(key)
        return self.proxy.mapFromSource(self.source.index(source_row, 0)).row()

    def _clicked(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        key = self.source.key(source.row())
        if key is not None:
            label = str(self.source.data(self.source.index(source.row(), 0)))
            self.rowActivated.emit(key, label)
