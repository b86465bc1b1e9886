"""The import dialog: read a registration file, preview its first rows and mapping, import.

Nothing is written before the person presses Import. The preview shows what each column was
recognised as (a drop-down above each column: fix a wrong guess there) and, for the first rows,
what will become of them (the cleaned name, phone and type, or why the row will be rejected).
Reading and importing run off the GUI thread with progress and Cancel; a cancelled import
leaves the event as it was (one transaction).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from expo.errors import ExpoError
from expo.importing.columns import FIELD_LABELS, Field
from expo.importing.records import Rejection, parse_row
from expo.progress import Progress
from expo.services.visitor_import import (
    ImportReport,
    PreparedImport,
    check_mapping,
    prepare_import,
    run_import,
)
from expo.text.labels import visitor_type_label
from expo.text.phones import mask_phone
from ui.context import AppContext
from ui.ops import Op
from ui.settings import STATION_NAME

PREVIEW_ROWS = 8
IGNORE = "— 不导入 ignore —"
_REJECTED = QColor("#fde2e1")
_ACCEPTED = QColor("#e6f4ea")


def read_for_preview(path: str, progress: Progress) -> PreparedImport:
    """Worker-thread task: read and map the file (the progress bar just shows activity)."""
    progress.update(0, None, Path(path).name)
    prepared = prepare_import(path)
    progress.check()
    return prepared


class ImportDialog(QDialog):
    imported = Signal(object)  # the ImportReport of a saved import

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("导入观众 Import visitors"))
        self.resize(1100, 560)
        self.prepared: PreparedImport | None = None
        self.report: ImportReport | None = None
        self.import_op: Op | None = None  # the running or last import (or check)
        self.combos: list[QComboBox] = []

        self.file_label = QLabel(self.tr("No file chosen"))
        self.file_label.setObjectName("importFile")
        self.file_label.setStyleSheet("font-weight: 600;")
        self.table = QTableWidget()
        self.table.setObjectName("importPreview")
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("importResult")
        self.summary.setReadOnly(True)
        self.summary.setMaximumHeight(140)
        self.summary.hide()

        self.check_button = QPushButton(self.tr("检查 Check (nothing saved)"))
        self.check_button.setObjectName("importCheck")
        self.check_button.clicked.connect(lambda: self.start_import(dry_run=True))
        self.import_button = QPushButton(self.tr("导入 Import"))
        self.import_button.setObjectName("importStart")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.start_import(dry_run=False))
        self.close_button = QPushButton(self.tr("关闭 Close"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.check_button, self.import_button):
            button.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        hint = QLabel(
            self.tr(
                "每列上方的选择框是识别出的字段，可以更改。 The box above each column is what "
                "it was recognised as: change it if it is wrong."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    # -- reading
    def load(self, path: str | Path) -> None:
        """Read ``path`` off the GUI thread, then show the preview."""
        self.file_label.setText(self.tr("Reading {name}…").format(name=Path(path).name))
        (
            self.ctx.tasks.op(read_for_preview, str(path))
            .with_progress(self.tr("Reading {name}…").format(name=Path(path).name), self)
            .on_success(self.show_prepared)
            .on_failure(self._read_failed)
            .run()
        )

    def _read_failed(self, exc: BaseException) -> None:
        self.prepared = None
        self.file_label.setText(self.tr("Cannot import this file"))
        self._show_message(str(exc), error=True)

    def show_prepared(self, prepared: PreparedImport) -> None:
        self.prepared = prepared
        data_rows = [row for row in prepared.data_rows() if not row.is_blank()]
        self.file_label.setText(
            self.tr("{name} · {source} · header in row {header} · {rows} rows").format(
                name=prepared.file_name,
                source=prepared.table.source,
                header=prepared.header_row.number,
                rows=f"{len(data_rows):,}",
            )
        )
        self._build_table()
        self.refresh_preview()

    def _build_table(self) -> None:
        # Column 0 is what each row will become; the file's columns follow, each under the
        # drop-down of the field it is mapped to.
        assert self.prepared is not None
        prepared = self.prepared
        width = prepared.width
        preview = prepared.preview_rows(PREVIEW_ROWS)
        self.table.clear()
        self.table.setColumnCount(width + 1)
        self.table.setRowCount(len(preview) + 2)
        letters = [prepared.header_name(i).split(" ")[0] for i in range(width)]
        self.table.setHorizontalHeaderLabels([self.tr("结果 Result"), *letters])
        self.table.setVerticalHeaderLabels(
            [self.tr("字段 Field"), str(prepared.header_row.number)]
            + [str(row.number) for row in preview]
        )
        self.combos = []
        bold = QFont()
        bold.setBold(True)
        for column in range(width):
            combo = QComboBox()
            combo.setObjectName(f"importField{column}")
            combo.addItem(IGNORE, None)
            for field in Field:
                combo.addItem(FIELD_LABELS[field], field.value)
            chosen = prepared.mapping.get(column)
            combo.setCurrentIndex(combo.findData(chosen.value) if chosen else 0)
            combo.currentIndexChanged.connect(lambda _i, c=column: self._combo_changed(c))
            self.table.setCellWidget(0, column + 1, combo)
            self.combos.append(combo)
            header = prepared.headers[column] if column < len(prepared.headers) else None
            item = QTableWidgetItem(header or "")
            item.setFont(bold)
            self.table.setItem(1, column + 1, item)
            for offset, row in enumerate(preview):
                value = row.cells[column] if column < len(row.cells) else None
                self.table.setItem(offset + 2, column + 1, QTableWidgetItem(value or ""))
        header_view = self.table.horizontalHeader()
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, 300)
        for column in range(1, width + 1):
            self.table.setColumnWidth(column, max(110, min(180, self.table.columnWidth(column))))

    # -- mapping
    def mapping(self) -> dict[int, Field]:
        chosen: dict[int, Field] = {}
        for column, combo in enumerate(self.combos):
            value = combo.currentData()
            if value:
                chosen[column] = Field(value)
        return chosen

    def set_field(self, column: int, field: Field | None) -> None:
        """Map ``column`` to ``field`` (None: ignore it), as choosing in its drop-down does."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(field.value) if field else 0)

    def _combo_changed(self, column: int) -> None:
        value = self.combos[column].currentData()
        if value:
            # One column a field: the column that had it lets go.
            for other, combo in enumerate(self.combos):
                if other != column and combo.currentData() == value:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Apply the mapping to the preview rows: what each will become, or why not."""
        if self.prepared is None:
            return
        self.prepared = self.prepared.with_mapping(self.mapping())
        columns = {field: index for index, field in self.prepared.mapping.items()}
        for offset, row in enumerate(self.prepared.preview_rows(PREVIEW_ROWS)):
            parsed = parse_row(row, columns) if columns else Rejection(row.number, "no columns")
            if isinstance(parsed, Rejection):
                text, colour = f"✗ {parsed.reason}", _REJECTED
            else:
                contact = mask_phone(parsed.phone) or f"WeChat {parsed.wechat}"
                text = f"✓ {parsed.name}  {contact}  {visitor_type_label(parsed.visitor_type)}"
                if parsed.warnings:
                    text += f"  ({'; '.join(parsed.warnings)})"
                colour = _ACCEPTED
            item = QTableWidgetItem(text)
            item.setBackground(QBrush(colour))
            self.table.setItem(offset + 2, 0, item)
        try:
            check_mapping(self.prepared)
        except ExpoError as exc:
            self._show_message(str(exc), error=True)
            ready = False
        else:
            self._show_message(self.tr("Ready: nothing is saved before Import."), error=False)
            ready = True
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)

    def result_text(self, preview_row: int) -> str:
        """The Result cell of a preview row (0 is the first data row)."""
        item = self.table.item(preview_row + 2, 0)
        return item.text() if item is not None else ""

    # -- importing
    def start_import(self, *, dry_run: bool = False) -> None:
        if self.prepared is None:
            return
        self.check_button.setEnabled(False)
        self.import_button.setEnabled(False)
        label = self.tr("Checking…") if dry_run else self.tr("Importing…")
        self.import_op = (
            self.ctx.tasks.op(
                run_import,
                self.ctx.db,
                self.prepared,
                self.ctx.settings.get(STATION_NAME),
                dry_run=dry_run,
            )
            .writes()
            .with_progress(label, self)
            .on_success(self._finished)
            .on_failure(self._failed)
            .on_cancelled(self._cancelled)
            .run()
        )

    def _finished(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setPlainText(report.summary())
        self.summary.show()
        if report.dry_run:
            self._show_message(self.tr("Checked: nothing was saved."), error=False)
            self.check_button.setEnabled(True)
            self.import_button.setEnabled(True)
            return
        self._show_message(
            self.tr("Imported: {created} new, {merged} merged, {rejected} rejected.").format(
                created=report.created, merged=report.merged, rejected=len(report.rejected)
            ),
            error=False,
        )
        self.import_button.setText(self.tr("已导入 Imported"))
        self.close_button.setText(self.tr("完成 Done"))
        self.close_button.setDefault(True)
        self.imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._show_message(
            self.tr("Nothing was imported: {error}").format(error=str(exc)), error=True
        )
        self.check_button.setEnabled(True)
        self.import_button.setEnabled(True)

    def _cancelled(self) -> None:
        self._show_message(self.tr("Cancelled: nothing was imported."), error=True)
        self.check_button.setEnabled(True)
        self.import_button.setEnabled(True)

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")
        self.message.setText(text)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Enter in a drop-down must not start an import by accident.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
            self.focusWidget(), QComboBox
        ):
            event.accept()
            return
        super().keyPressEvent(event)
