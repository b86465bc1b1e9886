"""The Booths page: the floor-plan editor, the plan view and the optimised assignment.

Every edit runs an ``expo`` service in one transaction; a refused edit (overlap, outside the
hall ...) changes nothing and says why in the status line. Edits go on a QUndoStack as
before/after snapshots of the hall, so undo puts the hall back exactly. The assignment runs off
the GUI thread with progress (the best objective so far) and Cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QDrag, QKeySequence, QPixmap, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from expo.errors import ExpoError
from expo.models import StationKind
from expo.progress import Progress
from expo.services.booth_assignment import (
    AssignmentResult,
    AssignOptions,
    assign_booths,
    assign_by_hand,
    list_factories_for_plan,
)
from expo.services.booth_exports import (
    export_exhibitors_xlsx,
    export_plan_pdf,
    lighten,
    short_name,
)
from expo.services.events import list_categories
from expo.services.hall_plans import (
    HallSnapshot,
    add_booth,
    add_booth_row,
    delete_booth,
    hall_plan,
    hall_snapshot,
    list_halls,
    merge_booths,
    restore_hall_snapshot,
    set_booth_rect,
    split_booth,
    update_booth,
)
from expo.services.plan_files import ImportResult
from ui.booths.plan_io import (
    EXPORT_FILTERS,
    PLAN_FILTERS,
    DxfOptionsDialog,
    PlanImport,
    export_path,
    preview_plan_import,
    run_plan_export,
    run_plan_import,
)
from ui.booths.properties import BoothPropertiesPanel
from ui.booths.scene import PlanScene
from ui.booths.view import FACTORY_MIME, PlanCallbacks, PlanView, Tool
from ui.context import AppContext

ROW_SIZES = ((3.0, 3.0), (6.0, 3.0), (6.0, 6.0))


def run_assignment(
    ctx: AppContext, time_limit: float, progress: Progress | None = None
) -> AssignmentResult:
    """The background task behind the Assign button: its own unit of work, one transaction."""
    with ctx.write(StationKind.OFFICE) as session:
        return assign_booths(session, AssignOptions(time_limit=time_limit), progress)


class PlanEditCommand(QUndoCommand):
    """An edit already done in the database; undo/redo put the hall's snapshot back."""

    def __init__(self, page: BoothsPage, text: str, before: HallSnapshot, after: HallSnapshot):
        super().__init__(text)
        self.page = page
        self.before = before
        self.after = after
        self._done = True  # pushing calls redo(); the edit is already in the database

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.page.restore(self.after)

    def undo(self) -> None:
        self.page.restore(self.before)


class FactoryList(QListWidget):
    """Factories to drag onto booths (TOP100 first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def startDrag(self, actions) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        item = self.currentItem()
        if item is None:
            return
        data = QMimeData()
        data.setData(FACTORY_MIME, str(item.data(Qt.ItemDataRole.UserRole)).encode())
        data.setText(item.text())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.CopyAction)


class BoothsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.undo_stack = QUndoStack(self)
        self.hall_id: int | None = None
        self.last_result: AssignmentResult | None = None
        self.hall_codes: dict[int, str] = {}
        # The last confirmation or error shown (window-modal, opened without blocking).
        self.message_box: QMessageBox | None = None
        self.scene = PlanScene(self)
        self.view = PlanView(
            self.scene,
            PlanCallbacks(
                add=self.add_booth,
                row=self.add_row,
                move=self.move_booth,
                resize=self.resize_booth,
                drop_factory=self.assign_factory,
            ),
        )
        self._build()
        self.reload_halls()

    # -- layout
    def _build(self) -> None:
        # Two rows, so that the page fits a 1280 px window beside the navigation: the editing
        # tools in a toolbar (whatever does not fit folds into its » menu), the assignment and
        # the files below.
        self.hall_box = QComboBox()
        self.hall_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.hall_box.setToolTip(self.tr("Hall 展馆"))
        self.hall_box.currentIndexChanged.connect(self._hall_chosen)
        self.toolbar = QToolBar()
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.toolbar.addWidget(QLabel(self.tr("Hall 展馆 ")))
        self.toolbar.addWidget(self.hall_box)
        self.toolbar.addSeparator()
        tools = QButtonGroup(self)
        tools.setExclusive(True)
        self.tool_buttons: dict[Tool, QToolButton] = {}
        for tool, label, tip in (
            (
                Tool.SELECT,
                self.tr("Select 选择"),
                self.tr(
                    "Click or drag to select; drag a booth to move it, Shift+drag to resize it"
                ),
            ),
            (Tool.ADD, self.tr("Add 添加"), self.tr("Drag a rectangle on free floor")),
            (Tool.ROW, self.tr("Row 整排"), self.tr("Drag along a line: a row of booths")),
            (Tool.PAN, self.tr("Pan 平移"), self.tr("Drag to move the view; the wheel zooms")),
        ):
            button = QToolButton()
            button.setText(label)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, t=tool: self.view.set_tool(t))
            tools.addButton(button)
            self.tool_buttons[tool] = button
            self.toolbar.addWidget(button)
        self.tool_buttons[Tool.SELECT].setChecked(True)
        self.row_size = QComboBox()
        self.row_size.setToolTip(self.tr("The size of each booth of a row"))
        for width, depth in ROW_SIZES:
            self.row_size.addItem(f"{width:g} x {depth:g} m", (width, depth))
        self.row_size.currentIndexChanged.connect(
            lambda _: setattr(self.view, "row_size", self.row_size.currentData())
        )
        self.toolbar.addWidget(self.row_size)
        self.grid = QDoubleSpinBox()
        self.grid.setRange(0.0, 6.0)
        self.grid.setSingleStep(0.5)
        self.grid.setValue(1.0)
        self.grid.setPrefix(self.tr("Grid "))
        self.grid.setSuffix(" m")
        self.grid.setToolTip(self.tr("Snap to this grid (0: no snapping)"))
        self.grid.valueChanged.connect(lambda value: setattr(self.scene, "grid_m", value))
        self.toolbar.addWidget(self.grid)
        self.toolbar.addSeparator()
        self.edit_buttons: dict[str, QToolButton] = {}
        for key, text, slot in (
            ("split", self.tr("Split 拆分"), self.split_selected),
            ("merge", self.tr("Merge 合并"), self.merge_selected),
            ("delete", self.tr("Delete 删除"), self.delete_selected),
        ):
            button = QToolButton()
            button.setText(text)
            button.clicked.connect(slot)
            self.edit_buttons[key] = button
            self.toolbar.addWidget(button)
        self.toolbar.addSeparator()
        undo = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        redo = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        stack = self.undo_stack
        for key, action, label, keys, can_change, text_change in (
            (
                "undo",
                undo,
                self.tr("Undo 撤销"),
                QKeySequence.StandardKey.Undo,
                stack.canUndoChanged,
                stack.undoTextChanged,
            ),
            (
                "redo",
                redo,
                self.tr("Redo 重做"),
                QKeySequence.StandardKey.Redo,
                stack.canRedoChanged,
                stack.redoTextChanged,
            ),
        ):
            action.setShortcut(keys)
            self.addAction(action)
            # A short fixed label; the action's changing text ("Undo Moved booth A-12")
            # goes into the tooltip rather than widening the toolbar.
            button = QToolButton()
            button.setText(label)
            button.setEnabled(False)
            button.clicked.connect(action.trigger)
            can_change.connect(button.setEnabled)
            text_change.connect(button.setToolTip)
            self.edit_buttons[key] = button
            self.toolbar.addWidget(button)
        QShortcut(QKeySequence.StandardKey.Delete, self, self.delete_selected)

        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(1, 300)
        self.time_limit.setValue(20)
        self.time_limit.setPrefix(self.tr("Time limit "))
        self.time_limit.setSuffix(" s")
        self.assign_button = QPushButton(self.tr("Assign booths 自动分配"))
        self.assign_button.setStyleSheet("font-weight: 600;")
        self.assign_button.clicked.connect(self.start_assignment)
        self.files_button = QToolButton()
        self.files_button.setText(self.tr("Files 文件"))
        self.files_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        files = QMenu(self.files_button)
        files.addAction(self.tr("Floor plan PDF…"), self._export_pdf)
        files.addAction(self.tr("Exhibitor list XLSX…"), self._export_xlsx)
        files.addSeparator()
        self.import_action = files.addAction(self.tr("Import plan… 导入平面图"), self._import_plan)
        self.export_action = files.addAction(self.tr("Export plan… 导出平面图"), self._export_plan)
        self.files_button.setMenu(files)
        second = QHBoxLayout()
        second.addWidget(self.time_limit)
        second.addWidget(self.assign_button)
        second.addWidget(self.files_button)
        second.addStretch(1)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter factories 筛选工厂"))
        self.filter.textChanged.connect(self._filter_factories)
        self.factories = FactoryList()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(self.tr("Drag a factory onto a booth 拖动工厂到展位"))
        hint.setWordWrap(True)
        left_layout.addWidget(hint)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.factories)

        self.legend = QWidget()
        self.legend_layout = QGridLayout(self.legend)
        self.legend_layout.setContentsMargins(4, 4, 4, 4)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        legend_page = QWidget()
        legend_layout = QVBoxLayout(legend_page)
        legend_layout.setContentsMargins(4, 4, 4, 4)
        legend_layout.addWidget(self.legend)
        legend_layout.addWidget(self.result_label)
        legend_layout.addStretch(1)
        legend_scroll = QScrollArea()
        legend_scroll.setWidgetResizable(True)
        legend_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        legend_scroll.setWidget(legend_page)
        self.properties = BoothPropertiesPanel()
        self.properties.apply_requested.connect(self.edit_booth)
        self.properties.derive_requested.connect(self.derive_again)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.properties, self.tr("Booth 展位"))
        self.side_tabs.addTab(legend_scroll, self.tr("Legend 图例"))
        self.legend_tab = legend_scroll
        self.scene.selectionChanged.connect(self._selection_changed)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.addWidget(self.side_tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 620, 260])
        self.splitter = splitter
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(second)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    # -- data
    def activated(self) -> None:
        self.reload_halls()

    def reload_halls(self) -> None:
        with self.ctx.db.session() as session:
            halls = list_halls(session)
            categories = list_categories(session)
        current = self.hall_id
        self.hall_box.blockSignals(True)
        self.hall_box.clear()
        for hall in halls:
            self.hall_box.addItem(f"{hall.code} {hall.name}", hall.id)
        self.hall_codes = {hall.id: hall.code for hall in halls}
        self.hall_box.blockSignals(False)
        ids = [h.id for h in halls]
        self.hall_id = current if current in ids else (ids[0] if ids else None)
        if self.hall_id is not None:
            self.hall_box.setCurrentIndex(ids.index(self.hall_id))
        self._fill_legend(categories)
        self.reload()
        self.view.fit()

    def _fill_legend(self, categories: list[tuple[str, str, str, str]]) -> None:
        while self.legend_layout.count():
            item = self.legend_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        entries = [(f"{zh} {en}", lighten(color), "#555555") for _, zh, en, color in categories]
        entries.append((self.tr("TOP100 宝藏工厂 (★ rank)"), "#F4F4F2", "#C9971C"))
        entries.append((self.tr("Free 空位"), "#F4F4F2", "#555555"))
        for row, (text, fill, border) in enumerate(entries):
            swatch = QLabel()
            pixmap = QPixmap(16, 12)
            pixmap.fill(QColor(fill))
            swatch.setPixmap(pixmap)
            swatch.setStyleSheet(f"border: 2px solid {border};")
            label = QLabel(text)
            label.setWordWrap(True)
            self.legend_layout.addWidget(swatch, row, 0)
            self.legend_layout.addWidget(label, row, 1)

    def _hall_chosen(self, index: int) -> None:
        self.hall_id = self.hall_box.itemData(index)
        self.reload()
        self.view.fit()

    def reload(self) -> None:
        """Redraw the hall and the factory list from the database."""
        with self.ctx.db.session() as session:
            plan = hall_plan(session, self.hall_id) if self.hall_id is not None else None
            factories = list_factories_for_plan(session)
        selected = self._selected_ids()
        self.scene.show_plan(plan)
        self.select_booths(selected)  # the same booths stay selected across edits and undo
        self.factories.clear()
        for factory in factories:
            star = f"★{factory.top100_rank} " if factory.is_top100 else ""
            where = " + ".join(factory.booth_codes) or self.tr("no booth")
            item = QListWidgetItem(
                f"{star}{short_name(factory.name_zh)} · {factory.requested_area_m2} m² · {where}"
            )
            item.setData(Qt.ItemDataRole.UserRole, factory.id)
            item.setToolTip(factory.name_zh)
            self.factories.addItem(item)
        self._filter_factories(self.filter.text())

    def _filter_factories(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.factories.count()):
            item = self.factories.item(row)
            item.setHidden(bool(needle) and needle not in (item.toolTip() + item.text()).lower())

    def restore(self, snapshot: HallSnapshot) -> None:
        with self.ctx.write(StationKind.OFFICE) as session:
            restore_hall_snapshot(session, snapshot)
        self.reload()

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #B00020;" if error else "color: #1f2a36;")
        self.status.setText(text)

    # -- edits (the view's gestures and the buttons call these; tests too)
    def _edit(self, text: str, action: Callable[[Any], object]) -> bool:
        if self.hall_id is None:
            self.say(self.tr("Create or import a hall first."), error=True)
            return False
        try:
            with self.ctx.write(StationKind.OFFICE) as session:
                before = hall_snapshot(session, self.hall_id)
                action(session)
                after = hall_snapshot(session, self.hall_id)
        except ExpoError as exc:
            self.say(str(exc), error=True)
            self.reload()  # puts a dragged item back where the database has it
            return False
        self.undo_stack.push(PlanEditCommand(self, text, before, after))
        self.say(text)
        self.reload()
        return True

    def add_booth(self, x: float, y: float, width: float, depth: float) -> bool:
        hall = self.hall_id
        return self._edit(
            self.tr("Added a booth"), lambda s: add_booth(s, hall, x, y, width, depth)
        )

    def add_row(
        self, x: float, y: float, count: int, width: float, depth: float, vertical: bool = False
    ) -> bool:
        hall = self.hall_id
        return self._edit(
            self.tr("Added a row of %n booth(s)", "", count),
            lambda s: add_booth_row(s, hall, x, y, count, width, depth, vertical=vertical),
        )

    def move_booth(self, booth_id: int, x: float, y: float) -> bool:
        item = self.scene.items_by_booth.get(booth_id)
        if item is None:
            return False
        b = item.booth
        return self._edit(
            self.tr("Moved booth %s") % b.code,
            lambda s: set_booth_rect(s, booth_id, x, y, b.width_m, b.depth_m),
        )

    def resize_booth(self, booth_id: int, width: float, depth: float) -> bool:
        item = self.scene.items_by_booth.get(booth_id)
        if item is None:
            return False
        b = item.booth
        return self._edit(
            self.tr("Resized booth %s") % b.code,
            lambda s: set_booth_rect(s, booth_id, b.x_m, b.y_m, width, depth),
        )

    def _selected_ids(self) -> list[int]:
        return [item.booth_id for item in self.scene.selected_booths()]

    def split_selected(self) -> bool:
        ids = self._selected_ids()
        if len(ids) != 1:
            self.say(self.tr("Select one booth to split."), error=True)
            return False
        return self._edit(self.tr("Split a booth"), lambda s: split_booth(s, ids[0], 2))

    def merge_selected(self) -> bool:
        ids = self._selected_ids()
        return self._edit(self.tr("Merged booths"), lambda s: merge_booths(s, ids))

    def delete_selected(self) -> bool:
        ids = self._selected_ids()
        if not ids:
            return False

        def delete(session: Any) -> None:
            for booth_id in ids:
                delete_booth(session, booth_id)

        return self._edit(self.tr("Deleted %n booth(s)", "", len(ids)), delete)

    def _selection_changed(self) -> None:
        items = self.scene.selected_booths()
        self.properties.show_booth(items[0].booth if len(items) == 1 else None, len(items))

    def edit_booth(self, booth_id: int, changes: dict[str, Any]) -> bool:
        """The properties panel's Apply: one undoable edit; a refused one keeps what was typed."""
        item = self.scene.items_by_booth.get(booth_id)
        code = item.booth.code if item is not None else str(booth_id)
        done = self._edit(
            self.tr("Changed booth %s") % code,
            lambda s: update_booth(s, booth_id, **changes),
        )
        if done:
            self.properties.say(self.tr("Saved. Undo with Ctrl+Z."))
        else:
            self.properties.put(changes)
            self.properties.say(self.status.text(), error=True)
        return done

    def derive_again(self, booth_id: int, field: str) -> bool:
        """Give a value set by hand (``prominence`` or ``near_entrance``) back to the derivation."""
        item = self.scene.items_by_booth.get(booth_id)
        code = item.booth.code if item is not None else str(booth_id)
        if field == "prominence":
            return self._edit(
                self.tr("Derived the prominence of booth %s again") % code,
                lambda s: update_booth(s, booth_id, prominence_manual=False),
            )
        return self._edit(
            self.tr("Derived near-entrance of booth %s again") % code,
            lambda s: update_booth(s, booth_id, near_entrance_manual=False),
        )

    def select_booths(self, booth_ids: list[int]) -> None:
        self.scene.clearSelection()
        for booth_id in booth_ids:
            item = self.scene.items_by_booth.get(booth_id)
            if item is not None:
                item.setSelected(True)

    def assign_factory(self, factory_id: int, booth_id: int) -> bool:
        """A factory dropped on a booth: the same checks as the solver; competitors warn."""
        try:
            with self.ctx.write(StationKind.OFFICE) as session:
                result = assign_by_hand(session, factory_id, [booth_id])
        except ExpoError as exc:
            self.say(str(exc), error=True)
            return False
        self.undo_stack.clear()  # the hand placement may touch another hall's booths
        self.reload()
        if result.warnings:
            self.say("⚠ " + " ".join(result.warnings), error=True)
        else:
            self.say(self.tr("Placed the factory by hand."))
        return True

    # -- the assignment
    def start_assignment(self) -> None:
        self.assign_button.setEnabled(False)
        self.say(self.tr("Assigning booths…"))
        (
            self.ctx.tasks.op(run_assignment, self.ctx, self.time_limit.value())
            .writes()
            .with_progress(self.tr("Assigning booths 正在分配展位…"), self)
            .on_success(self._assigned)
            .on_failure(self._assign_failed)
            .on_cancelled(self._assign_cancelled)
            .run()
        )

    def _assigned(self, result: AssignmentResult) -> None:
        self.assign_button.setEnabled(True)
        self.last_result = result
        self.undo_stack.clear()
        self.side_tabs.setCurrentWidget(self.legend_tab)
        self.reload()
        self.result_label.setText(
            self.tr(
                "Assigned %1 factories, %2 without a booth.\n"
                "Objective %3, bound %4 (gap %5 %).\n"
                "TOP100 in the 100 best booths: %6.\n"
                "Direct competitors next door: %7.\n"
                "%8 s."
            )
            .replace("%1", str(result.assigned))
            .replace("%2", str(len(result.unassigned)))
            .replace("%3", f"{result.objective:,.0f}")
            .replace("%4", f"{result.bound:,.0f}")
            .replace("%5", f"{result.gap * 100:.2f}")
            .replace("%6", str(result.top100_in_best))
            .replace("%7", str(result.adjacent_competitors))
            .replace("%8", f"{result.seconds:.1f}")
        )
        reasons = "; ".join(f"{u.name}: {u.reason}" for u in result.unassigned[:5])
        self.say(self.tr("Assignment saved.") + (f" {reasons}" if reasons else ""))

    def _assign_failed(self, exc: BaseException) -> None:
        self.assign_button.setEnabled(True)
        self.say(str(exc), error=True)

    def _assign_cancelled(self) -> None:
        self.assign_button.setEnabled(True)
        self.say(self.tr("Assignment cancelled; nothing was changed."))

    # -- exports
    def export_pdf(self, path: Path) -> None:
        with self.ctx.db.session() as session:
            result = export_plan_pdf(session, path)
        self.say(
            self.tr("Wrote the floor plan (%1 pages) to %2")
            .replace("%1", str(result.pages))
            .replace("%2", str(path))
        )

    def export_xlsx(self, path: Path) -> None:
        with self.ctx.db.session() as session:
            result = export_exhibitors_xlsx(session, path)
        self.say(
            self.tr("Wrote %1 exhibitors to %2")
            .replace("%1", str(result.pages))
            .replace("%2", str(path))
        )

    def _export_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Floor plan PDF"), "floor-plan.pdf", "PDF (*.pdf)"
        )
        if path:
            self._guard(lambda: self.export_pdf(Path(path)))

    def _export_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Exhibitor list"), "exhibitors.xlsx", "Excel (*.xlsx)"
        )
        if path:
            self._guard(lambda: self.export_xlsx(Path(path)))

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (ExpoError, OSError) as exc:
            self.say(str(exc), error=True)

    # -- plan files (CSV, JSON, DXF)
    def _import_plan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a plan 导入平面图"), "", PLAN_FILTERS
        )
        if not path:
            return
        request = PlanImport(Path(path))
        if request.is_dxf:
            current = self.hall_codes.get(self.hall_id) if self.hall_id is not None else None
            codes = list(self.hall_codes.values())
            dialog = DxfOptionsDialog(request.path.name, codes, current, self)
            if dialog.exec() != DxfOptionsDialog.DialogCode.Accepted:
                return
            request = dialog.request(request.path)
        self.import_plan(request)

    def import_plan(self, request: PlanImport) -> None:
        """Check the file off the GUI thread, ask before replacing booths, then import it."""
        self.say(self.tr("Reading %1…").replace("%1", request.path.name))
        unchanged = self.tr("The plan was not changed.")
        (
            self.ctx.tasks.op(preview_plan_import, self.ctx.db, request)
            .with_progress(self.tr("Reading the plan 正在读取平面图…"), self)
            .on_success(lambda preview: self._confirm_import(request, preview))
            .on_failure(lambda exc: self._plan_file_failed(self.tr("Import plan"), exc, unchanged))
            .on_cancelled(lambda: self.say(self.tr("Import cancelled; nothing was changed.")))
            .run()
        )

    def _confirm_import(self, request: PlanImport, preview: ImportResult) -> None:
        halls = ", ".join(preview.halls)
        text = (
            self.tr(
                "Import %1?\n\nIt replaces the booths of hall(s) %2: %3 new, %4 changed, "
                "%5 removed (with their factories' places). New halls: %6.\n\n"
                "The undo history is cleared."
            )
            .replace("%1", request.path.name)
            .replace("%2", halls)
            .replace("%3", str(preview.booths_created))
            .replace("%4", str(preview.booths_updated))
            .replace("%5", str(preview.booths_removed))
            .replace("%6", str(preview.halls_created))
        )
        box = self._show_message(
            QMessageBox.Icon.Question,
            self.tr("Import plan 导入平面图"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if (
                clicked is not None
                and box.standardButton(clicked) == QMessageBox.StandardButton.Yes
            ):
                self._run_import(request)
            else:
                self.say(self.tr("Import cancelled; nothing was changed."))

        box.finished.connect(answered)

    def _run_import(self, request: PlanImport) -> None:
        unchanged = self.tr("The plan was not changed.")
        (
            self.ctx.tasks.op(run_plan_import, self.ctx, request)
            .writes()
            .with_progress(self.tr("Importing the plan 正在导入平面图…"), self)
            .on_success(self._imported)
            .on_failure(lambda exc: self._plan_file_failed(self.tr("Import plan"), exc, unchanged))
            .on_cancelled(lambda: self.say(self.tr("Import cancelled; nothing was changed.")))
            .run()
        )

    def _imported(self, result: ImportResult) -> None:
        # A whole-plan change: the editor's snapshots no longer describe the halls.
        self.undo_stack.clear()
        self.reload_halls()
        current = self.hall_codes.get(self.hall_id) if self.hall_id is not None else None
        if result.halls and current not in result.halls:
            first = next(i for i, code in self.hall_codes.items() if code == result.halls[0])
            self.hall_box.setCurrentIndex(self.hall_box.findData(first))
        self.say(
            self.tr("Imported hall(s) %1: %2 new booths, %3 changed, %4 removed.")
            .replace("%1", ", ".join(result.halls))
            .replace("%2", str(result.booths_created))
            .replace("%3", str(result.booths_updated))
            .replace("%4", str(result.booths_removed))
        )

    def _export_plan(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the plan 导出平面图"), "plan.csv", ";;".join(EXPORT_FILTERS)
        )
        if path:
            self.export_plan(export_path(path, chosen))

    def export_plan(self, path: Path) -> None:
        """Write every hall's booths to a CSV or JSON file off the GUI thread."""
        (
            self.ctx.tasks.op(run_plan_export, self.ctx.db, path)
            .with_progress(self.tr("Writing the plan 正在导出平面图…"), self)
            .on_success(
                lambda count: self.say(
                    self.tr("Wrote %1 booths to %2")
                    .replace("%1", str(count))
                    .replace("%2", str(path))
                )
            )
            .on_failure(
                lambda exc: self._plan_file_failed(
                    self.tr("Export plan"), exc, self.tr("No plan file was written.")
                )
            )
            .run()
        )

    def _plan_file_failed(self, title: str, exc: BaseException, note: str) -> None:
        # The services' messages say what to do; anything else is a bug, still shown plainly.
        if isinstance(exc, ExpoError | OSError):
            text = str(exc)
        else:
            text = self.tr("Unexpected error: %1").replace("%1", repr(exc))
        self.say(text, error=True)
        self._show_message(
            QMessageBox.Icon.Warning,
            title,
            f"{text}\n\n{note}",
            QMessageBox.StandardButton.Ok,
        )

    def _show_message(
        self,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        buttons: QMessageBox.StandardButton,
    ) -> QMessageBox:
        if self.message_box is not None:
            self.message_box.deleteLater()
        box = QMessageBox(icon, title, text, buttons, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.message_box = box
        box.open()
        return box
