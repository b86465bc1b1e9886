"""The Exhibitors page (展商): the factory list with TOP100 and category filters, and the selected
factory's catalogue, editable in a table, imported from and exported to XLSX."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from expo.errors import ExpoError
from expo.models import StationKind
from expo.progress import Progress
from expo.services.catalogue import list_products, save_catalogue
from expo.services.catalogue_files import (
    CatalogueImportResult,
    export_catalogue,
    import_catalogue,
)
from expo.services.events import list_categories
from expo.services.factories import FactorySummary, get_factory, list_factories
from ui.context import AppContext
from ui.exhibitors.models import CatalogueTableModel, FactoryTableModel
from ui.widgets.factory_files import ask_xlsx_path, export_factory_file, show_status

PHOTO_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp)"


class CategoryDelegate(QStyledItemDelegate):
    """The category cell is edited with a list of the fair's categories (type to jump)."""

    def __init__(self, categories: list[tuple[str, str, str, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.categories = categories

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        combo = QComboBox(parent)
        combo.addItem("", "")
        for _code, zh, en, _colour in self.categories:
            combo.addItem(f"{zh} {en}", zh)
        return combo

    def setEditorData(self, editor, index) -> None:  # noqa: N802 - Qt API
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802 - Qt API
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ExhibitorsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        with ctx.db.session() as session:
            self.categories = list_categories(session)
        category_names = {code: zh for code, zh, _, _ in self.categories}
        self.factory: FactorySummary | None = None
        self.last_import: CatalogueImportResult | None = None

        # -- the factory list
        self.top100_only = QCheckBox(self.tr("TOP100"))
        self.top100_only.setToolTip(self.tr("只看宝藏工厂 TOP100 factories only"))
        self.category_filter = QComboBox()
        self.category_filter.addItem(self.tr("全部类目 All categories"), "")
        for code, zh, en, _ in self.categories:
            self.category_filter.addItem(f"{zh} {en}", code)
        self.name_filter = QLineEdit()
        self.name_filter.setPlaceholderText(self.tr("筛选工厂 Filter by name, booth, id"))
        self.name_filter.setClearButtonEnabled(True)
        self.factory_model = FactoryTableModel(category_names, self)
        self.factory_proxy = QSortFilterProxyModel(self)
        self.factory_proxy.setSourceModel(self.factory_model)
        self.factory_proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.factory_proxy.setFilterKeyColumn(-1)
        self.factory_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.factory_table = QTableView()
        self.factory_table.setObjectName("factoryTable")
        self.factory_table.setModel(self.factory_proxy)
        self.factory_table.setSortingEnabled(True)
        self.factory_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.factory_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.factory_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.factory_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.factory_table.verticalHeader().hide()
        self.factory_table.setAlternatingRowColors(True)
        header = self.factory_table.horizontalHeader()
        for column, width in enumerate((40, 200, 72, 60, 56, 44)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.factory_count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.top100_only)
        filters.addWidget(self.category_filter, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.name_filter)
        left_layout.addWidget(self.factory_table, 1)
        left_layout.addWidget(self.factory_count)

        # -- the selected factory's catalogue
        self.factory_title = QLabel(self.tr("选择一家工厂 Choose a factory"))
        self.factory_title.setObjectName("factoryTitle")
        self.factory_title.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.factory_details = QLabel()
        self.factory_details.setStyleSheet("color: #5c6b7a;")
        self.catalogue = CatalogueTableModel(self.categories, self)
        self.catalogue_table = QTableView()
        self.catalogue_table.setObjectName("catalogueTable")
        self.catalogue_table.setModel(self.catalogue)
        self.catalogue_table.setItemDelegateForColumn(
            self.catalogue.column_of("category"), CategoryDelegate(self.categories, self)
        )
        self.catalogue_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.catalogue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.catalogue_table.setAlternatingRowColors(True)
        cat_header = self.catalogue_table.horizontalHeader()
        for column, width in enumerate((90, 170, 90, 80, 90, 90, 84, 50, 70, 100)):
            cat_header.resizeSection(column, width)
        cat_header.setStretchLastSection(True)

        self.add_button = QPushButton(self.tr("新增 Add"))
        self.add_button.setToolTip("Ctrl+N")
        self.delete_button = QPushButton(self.tr("删除 Delete"))
        self.photo_button = QPushButton(self.tr("图片 Photo…"))
        self.save_button = QPushButton(self.tr("保存 Save"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setObjectName("saveCatalogue")
        self.revert_button = QPushButton(self.tr("撤销 Revert"))
        self.import_button = QPushButton(self.tr("导入 Import…"))
        self.import_button.setToolTip(self.tr("Import products from an XLSX file (matched by SKU)"))
        self.export_button = QPushButton(self.tr("导出 Export…"))
        self.export_button.setToolTip(self.tr("Export the catalogue to an XLSX file"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button, self.photo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.import_button, self.export_button, self.revert_button):
            buttons.addWidget(button)
        buttons.addWidget(self.save_button)

        self.message = QLabel()
        self.message.setObjectName("catalogueMessage")
        self.message.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setObjectName("importReport")
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(110)
        self.report.hide()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.factory_title)
        right_layout.addWidget(self.factory_details)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.catalogue_table, 1)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.report)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([470, 800])
        title = QLabel(self.tr("展商 Exhibitors"))
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

        # -- wiring
        self.top100_only.toggled.connect(self.reload_factories)
        self.category_filter.currentIndexChanged.connect(self.reload_factories)
        self.name_filter.textChanged.connect(self._filter_names)
        self.factory_table.selectionModel().selectionChanged.connect(self._factory_selected)
        self.catalogue.problem.connect(self.show_error)
        self.catalogue.dirtyChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_product)
        self.delete_button.clicked.connect(self.delete_selected)
        self.photo_button.clicked.connect(self.choose_photo)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.import_button.clicked.connect(self._ask_import)
        self.export_button.clicked.connect(self._ask_export)
        for sequence, slot in (
            (QKeySequence.StandardKey.Save, self.save),
            (QKeySequence.StandardKey.New, self.add_product),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.catalogue_table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        self._loaded = False
        self._update_buttons()

    # -- the factory list
    def activated(self) -> None:
        if not self._loaded:
            self.reload_factories()

    def reload_factories(self) -> None:
        with self.ctx.db.session() as session:
            factories = list_factories(
                session,
                top100=self.top100_only.isChecked(),
                category=self.category_filter.currentData() or None,
            )
        self._loaded = True
        self.factory_model.set_factories(factories)
        self._update_count()
        if self.factory is not None:
            self.select_factory(self.factory.id, keep_edits=True)

    def _filter_names(self, text: str) -> None:
        self.factory_proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown = self.factory_proxy.rowCount()
        self.factory_count.setText(self.tr("{n} 家工厂 factories").format(n=shown))

    def select_factory(self, factory_id: int, *, keep_edits: bool = False) -> bool:
        """Select the factory in the list (if the filters show it) and show its catalogue."""
        row = self.factory_model.row_of(factory_id)
        if row is None:
            return False
        proxy_index = self.factory_proxy.mapFromSource(self.factory_model.index(row, 0))
        if not proxy_index.isValid():
            return False
        if keep_edits and self.factory is not None and self.factory.id == factory_id:
            self.factory_table.selectionModel().blockSignals(True)
            self.factory_table.selectRow(proxy_index.row())
            self.factory_table.selectionModel().blockSignals(False)
            return True
        self.factory_table.selectRow(proxy_index.row())
        return self.factory is not None and self.factory.id == factory_id

    def _factory_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        factory = self.factory_model.factory(self.factory_proxy.mapToSource(indexes[0]).row())
        if self.factory is not None and factory.id == self.factory.id:
            return
        if self.catalogue.dirty and not self._confirm_discard():
            if self.factory is not None:  # stay on the factory whose edits were kept
                self.select_factory(self.factory.id, keep_edits=True)
            return
        self.show_factory(factory)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("The catalogue has unsaved changes. Save them first?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def show_factory(self, factory: FactorySummary) -> None:
        self.factory = factory
        top = f"★ TOP100 #{factory.top100_rank}  " if factory.top100 else ""
        self.factory_title.setText(f"{factory.name}")
        category = next((zh for code, zh, _, _ in self.categories if code == factory.category), "")
        self.factory_details.setText(
            f"{top}ID {factory.id} · {category} · {factory.city or ''} · "
            f"{self.tr('展位 Booth')} {factory.booth or '—'}"
        )
        self.report.hide()
        self.show_message("")
        self.load_catalogue()

    def load_catalogue(self) -> None:
        if self.factory is None:
            return
        with self.ctx.db.session() as session:
            products = list_products(session, self.factory.id)
            self.factory = get_factory(session, self.factory.id)
        self.catalogue.set_products(products)
        self._update_buttons()

    # -- editing
    def _update_buttons(self, *_args: object) -> None:
        has_factory = self.factory is not None
        for button in (
            self.add_button,
            self.delete_button,
            self.photo_button,
            self.import_button,
            self.export_button,
        ):
            button.setEnabled(has_factory)
        self.save_button.setEnabled(has_factory and self.catalogue.dirty)
        self.revert_button.setEnabled(has_factory and self.catalogue.dirty)

    def add_product(self) -> None:
        if self.factory is None:
            return
        row = self.catalogue.add_product()
        index = self.catalogue.index(row, 0)
        self.catalogue_table.setCurrentIndex(index)
        self.catalogue_table.edit(index)

    def delete_selected(self) -> None:
        rows = sorted({i.row() for i in self.catalogue_table.selectedIndexes()}, reverse=True)
        if not rows and self.catalogue_table.currentIndex().isValid():
            rows = [self.catalogue_table.currentIndex().row()]
        for row in rows:
            self.catalogue.remove_product(row)

    def choose_photo(self) -> None:
        index = self.catalogue_table.currentIndex()
        if not index.isValid():
            self.show_error(self.tr("Select a product first, then choose its photo."))
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Product photo"), "", PHOTO_FILTER)
        if path:
            self.set_photo(index.row(), path)

    def set_photo(self, row: int, path: str) -> bool:
        column = self.catalogue.column_of("photo_path")
        return self.catalogue.setData(self.catalogue.index(row, column), path)

    def revert(self) -> None:
        self.load_catalogue()
        self.show_message(self.tr("Changes discarded."))

    def save(self) -> bool:
        """Save the catalogue's edits in one transaction; False (and why) if refused."""
        if self.factory is None or not self.catalogue.dirty:
            return True
        problems = self.catalogue.check_all()
        if problems:
            self.show_error(
                self.tr("Nothing was saved: fix the rows marked red (hover a row for its problem).")
            )
            self.show_report([self.tr("未保存 Not saved:"), *problems])
            return False
        try:
            with self.ctx.write(StationKind.OFFICE) as session:
                result = save_catalogue(
                    session, self.factory.id, self.catalogue.edits(), self.catalogue.deleted_ids()
                )
        except ExpoError as exc:
            self.show_error(str(exc))
            return False
        self.report.hide()
        self.load_catalogue()
        self.reload_factories()
        self.show_message(
            self.tr("已保存 Saved: {c} new, {u} changed, {d} deleted.").format(
                c=result.created, u=result.updated, d=result.deleted
            )
        )
        return True

    # -- files
    def _ask_import(self) -> None:
        if self.factory is None:
            return
        if self.catalogue.dirty and not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import catalogue"), "", "Excel (*.xlsx *.xlsm *.xls *.ods)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import ``path`` into the selected factory off the GUI thread, then show the report."""
        assert self.factory is not None
        factory_id = self.factory.id
        ctx = self.ctx

        def run(progress: Progress) -> CatalogueImportResult:
            with ctx.write(StationKind.OFFICE) as session:
                return import_catalogue(session, factory_id, path, progress=progress)

        (
            self.ctx.tasks.op(run)
            .writes()
            .with_progress(self.tr("Importing {name}…").format(name=path.name), self)
            .on_success(self._imported)
            .on_failure(lambda exc: self.show_error(str(exc)))
            .run()
        )

    def _imported(self, result: CatalogueImportResult) -> None:
        self.last_import = result
        self.load_catalogue()
        self.reload_factories()
        self.show_message(
            self.tr("导入 Imported: {c} new, {u} updated, {n} unchanged, {r} rejected.").format(
                c=result.created, u=result.updated, n=result.unchanged, r=len(result.rejected)
            )
        )
        if result.rejected:
            lines = [
                self.tr("未导入的行 Rows not imported (fix them in the file and import again):")
            ]
            lines += [f"  {self.tr('Row')} {r.row}: {r.reason}" for r in result.rejected]
            self.show_report(lines)
        else:
            self.report.hide()

    def _ask_export(self) -> None:
        if self.factory is None:
            return
        suggested = f"catalogue-{self.factory.id}.xlsx"
        path = ask_xlsx_path(self, self.tr("Export catalogue"), suggested)
        if path:
            self.export_file(path)

    def export_file(self, path: Path) -> None:
        assert self.factory is not None
        export_factory_file(
            self.ctx,
            self.factory.id,
            path,
            export_catalogue,
            lambda count: self.show_message(
                self.tr("导出 Exported {n} products to {path}.").format(n=count, path=path)
            ),
            self.show_error,
        )

    # -- messages
    def show_report(self, lines: list[str]) -> None:
        self.report.setPlainText("\n".join(lines))
        self.report.show()

    def show_message(self, text: str) -> None:
        show_status(self.message, text)

    def show_error(self, text: str) -> None:
        show_status(self.message, text, error=True)
