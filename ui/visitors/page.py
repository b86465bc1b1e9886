"""The Visitors page: every registered visitor in one lazily loaded, SQL-sorted table.

A search box above the table narrows it as you type (name, pinyin, initials, phone or its last
four digits, company, registration or badge code); the table then holds the hits, best first,
until a column header sorts them. Import, walk-in registration and export start here.
Searching runs on the GUI thread: it is a few indexed look-ups, milliseconds at 200,000
visitors (benchmarks/bench_visitor_search.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from expo.services.registry import search_visitors, visitor_hits
from expo.services.visitor_export import ExportResult, export_visitors
from expo.services.visitor_list import VisitorRow, VisitorSort, visitor_ids, visitor_rows
from ui.context import AppContext
from ui.visitors.import_dialog import ImportDialog
from ui.visitors.table_model import VisitorTableModel
from ui.visitors.walkin_form import WalkInForm
from ui.widgets.refresh import RefreshOnChange

SEARCH_LIMIT = 500  # hits shown in the table; a query finding more is refined by typing on
TYPING_PAUSE_MS = 80


def visitor_hit_ids(ctx: AppContext, query: str) -> list[int]:
    """``#123``: the visitor with that id, if there is one."""
    with ctx.db.session() as session:
        return [hit.id for hit in visitor_hits(session, [int(query[1:])])]


class WalkInDialog(QDialog):
    """The walk-in form in a dialog of its own, for the Visitors page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("现场登记 Walk-in registration"))
        self.form = WalkInForm(ctx, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.resize(560, 360)


class VisitorsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._query = ""
        self._hit_ids: list[int] | None = None  # None: every visitor
        self.model = VisitorTableModel(self._fetch_ids, self._fetch_rows, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
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
        self.search = QLineEdit()
        self.search.setObjectName("visitorFilter")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.search.setPlaceholderText(
            self.tr("搜索 姓名 / 拼音 / 首字母 / 手机尾号 / 公司 / 登记号 (Ctrl+F)")
        )
        self.import_button = QPushButton(self.tr("导入 Import…"))
        self.import_button.setObjectName("visitorImport")
        self.import_button.clicked.connect(self.choose_import_file)
        self.walkin_button = QPushButton(self.tr("现场登记 Walk-in… (Ctrl+N)"))
        self.walkin_button.setObjectName("visitorWalkIn")
        self.walkin_button.clicked.connect(self.open_walk_in)
        self.export_button = QPushButton(self.tr("导出 Export…"))
        self.export_button.setObjectName("visitorExport")
        self.export_button.clicked.connect(self.choose_export_file)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.addWidget(self.import_button)
        actions.addWidget(self.walkin_button)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("visitorStatus")
        actions.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self._focus_search)
        walk_in = QShortcut(QKeySequence("Ctrl+N"), self)
        walk_in.activated.connect(self.open_walk_in)

        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)
        self._update_count()
        self._shown_once = False
        # A walk-in at the desk, an import, an edit: the list follows while it is on screen.
        self.follows_changes = RefreshOnChange(ctx, self, ("visitor",), self.refresh)

    # -- data
    def _fetch_ids(self, sort: VisitorSort, descending: bool) -> list[int]:
        with self.ctx.db.session() as session:
            ordered = visitor_ids(session, sort, descending)
        if self._hit_ids is None:
            return ordered
        wanted = set(self._hit_ids)
        return [visitor_id for visitor_id in ordered if visitor_id in wanted]

    def _fetch_rows(self, ids: Sequence[int]) -> list[VisitorRow]:
        with self.ctx.db.session() as session:
            return visitor_rows(session, ids)

    def shown_ids(self) -> list[int]:
        return [self.model.visitor_id(row) for row in range(self.model.rowCount())]

    # -- search
    def apply_search(self) -> None:
        self._timer.stop()
        query = self.search.text().strip()
        if query == self._query and (self._hit_ids is not None or not query):
            return
        self._query = query
        if not query:
            self._hit_ids = None
            self.model.reload()
            return
        if query.startswith("#") and query[1:].isdigit():
            self._hit_ids = visitor_hit_ids(self.ctx, query)
            self.model.set_ids(self._hit_ids)
            return
        with self.ctx.db.session() as session:
            hits = search_visitors(session, query, SEARCH_LIMIT)
        self._hit_ids = [hit.id for hit in hits]
        self.model.set_ids(self._hit_ids)  # best matches first, until a header sorts them
        if hits:
            self.table.selectRow(0)

    def set_search(self, text: str) -> None:
        self.search.setText(text)
        self.apply_search()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _update_count(self) -> None:
        count = self.model.rowCount()
        if self._hit_ids is None:
            text = self.tr("{count} 位观众 visitors").format(count=f"{count:,}")
        else:
            more = "+" if count >= SEARCH_LIMIT else ""
            text = self.tr("找到 {count}{more} found").format(count=f"{count:,}", more=more)
        self.count_label.setText(text)

    def refresh(self) -> None:
        """Read the visitors again (after an import or a walk-in, or another station's work)."""
        self._query = ""
        self._hit_ids = None
        if self.search.text().strip():
            self.apply_search()
        else:
            self.model.reload()

    def activated(self) -> None:
        # Fresh figures each time the page is shown (other stations may have added visitors);
        # the first showing already has them from the initial sort.
        if self._shown_once:
            self.refresh()
        self._shown_once = True

    # -- import
    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import visitors"),
            "",
            self.tr("Registration lists (*.xlsx *.xls *.xlsm *.ods *.csv *.txt)"),
        )
        if path:
            self.open_import(path)

    def open_import(self, path: str | Path) -> ImportDialog:
        dialog = ImportDialog(self.ctx, self)
        dialog.imported.connect(lambda _report: self.refresh())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.load(path)
        return dialog

    # -- walk-ins
    def open_walk_in(self) -> WalkInDialog:
        dialog = WalkInDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.form.saved.connect(self._walk_in_saved)
        dialog.form.existing_chosen.connect(lambda visitor_id: self._show_visitor(visitor_id))
        dialog.form.existing_chosen.connect(lambda _id: dialog.accept())
        dialog.show()
        dialog.form.setFocus()
        return dialog

    def _walk_in_saved(self, visitor_id: int) -> None:
        self.status.setText(self.tr("Walk-in saved as #{id}").format(id=visitor_id))
        self._show_visitor(visitor_id)

    def _show_visitor(self, visitor_id: int) -> None:
        """Show one visitor alone in the table, selected (the search box says ``#id``)."""
        self.set_search(f"#{visitor_id}")
        self.table.selectRow(0)

    # -- export
    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export visitors"), "visitors.xlsx", self.tr("Excel (*.xlsx)")
        )
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.export_to(path)

    def export_to(self, path: str | Path) -> None:
        """Export what the table shows (a search's hits, or everyone) off the GUI thread."""
        ids = self.shown_ids() if self._hit_ids is not None else None

        def run(progress) -> ExportResult:  # type: ignore[no-untyped-def]
            with self.ctx.db.session() as session:
                return export_visitors(session, path, ids=ids, progress=progress)

        (
            self.ctx.tasks.op(run)
            .with_progress(self.tr("Exporting visitors…"), self)
            .on_success(self._exported)
            .run()
        )

    def _exported(self, result: ExportResult) -> None:
        self.status.setText(
            self.tr("Exported {count} visitors to {name}").format(
                count=f"{result.exported:,}", name=result.path.name
            )
        )
