"""The Visitors page: every registered visitor in one lazily loaded, SQL-sorted table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from expo.services.visitor_list import VisitorRow, VisitorSort, visitor_ids, visitor_rows
from ui.context import AppContext
from ui.visitors.table_model import VisitorTableModel


class VisitorsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = VisitorTableModel(self._fetch_ids, self._fetch_rows, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # The indicator first: enabling sorting then sorts once (one SQL query for the ids).
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        # Fixed row heights: Qt never measures 100,000 rows, so scrolling stays instant.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((70, 110, 260, 120, 120, 80, 130, 90)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)

        self.count_label = QLabel()
        self.count_label.setObjectName("visitorCount")
        title = QLabel(self.tr("Visitors 观众"))
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)
        self._update_count()
        self._shown_once = False

    def _fetch_ids(self, sort: VisitorSort, descending: bool) -> list[int]:
        with self.ctx.db.session() as session:
            return visitor_ids(session, sort, descending)

    def _fetch_rows(self, ids: Sequence[int]) -> list[VisitorRow]:
        with self.ctx.db.session() as session:
            return visitor_rows(session, ids)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(self.tr("{count} 位观众 visitors").format(count=f"{count:,}"))

    def activated(self) -> None:
        # Fresh figures each time the page is shown (other stations may have added visitors);
        # the first showing already has them from the initial sort.
        if self._shown_once:
            self.model.reload()
        self._shown_once = True
