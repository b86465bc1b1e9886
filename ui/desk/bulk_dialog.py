"""Bulk badges and invitation codes: a filter, a layout, files of N, run off the GUI thread.

The work is ``expo.badges.bulk.make_badge_pdfs`` and ``expo.badges.export.export_codes``, run
through ``ctx.tasks`` with a progress dialog whose Cancel stops them (they leave no half-written
files behind).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from expo.badges.bulk import DEFAULT_PER_FILE, BulkBadgeRequest, BulkBadgeResult, make_badge_pdfs
from expo.badges.export import CodeExportRequest, CodeExportResult, export_codes
from expo.badges.layout import BadgeLayout
from expo.models import VisitorType
from expo.services.badges import BadgeSelection, BadgeSort, import_batch_choices
from expo.text.labels import visitor_type_label
from ui.context import AppContext
from ui.ops import Op


class BulkBadgesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("批量胸卡 Bulk badges and codes"))
        self.op: Op | None = None
        self.last_result: BulkBadgeResult | CodeExportResult | None = None

        self.type_combo = QComboBox()
        self.type_combo.addItem(self.tr("全部类型 All types"), None)
        for visitor_type in VisitorType:
            self.type_combo.addItem(visitor_type_label(visitor_type), visitor_type.value)
        self.batch_combo = QComboBox()
        self.batch_combo.addItem(self.tr("全部 All visitors"), None)
        with ctx.db.session() as session:
            for batch in import_batch_choices(session):
                self.batch_combo.addItem(
                    f"{batch.file_name} ({batch.imported_at:%Y-%m-%d}, {batch.visitors})", batch.id
                )
        self.sort_combo = QComboBox()
        self.sort_combo.addItem(self.tr("按姓名拼音 By name (pinyin)"), BadgeSort.PINYIN.value)
        self.sort_combo.addItem(self.tr("按公司 By company"), BadgeSort.COMPANY.value)
        self.layout_combo = QComboBox()
        self.layout_combo.addItem(self.tr("A4 每页 8 个 A4 sheet of 8"), BadgeLayout.A4X8.value)
        self.layout_combo.addItem(self.tr("A6"), BadgeLayout.A6.value)
        self.layout_combo.addItem(self.tr("标签 Label 100×50"), BadgeLayout.LABEL.value)
        self.per_file = QSpinBox()
        self.per_file.setRange(1, 100_000)
        self.per_file.setValue(DEFAULT_PER_FILE)
        self.out_edit = QLineEdit(str(Path.home() / "badges.pdf"))
        browse = QPushButton(self.tr("浏览 Browse…"))
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(browse)

        form = QFormLayout()
        form.addRow(self.tr("类型 Type"), self.type_combo)
        form.addRow(self.tr("导入批次 Import"), self.batch_combo)
        form.addRow(self.tr("排序 Order"), self.sort_combo)
        form.addRow(self.tr("版式 Layout"), self.layout_combo)
        form.addRow(self.tr("每个 PDF 胸卡数 Badges per PDF"), self.per_file)
        form.addRow(self.tr("保存到 Save to"), out_row)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.pdf_button = QPushButton(self.tr("生成胸卡 PDF  Make badge PDFs"))
        self.pdf_button.clicked.connect(self.make_pdfs)
        self.codes_button = QPushButton(self.tr("导出二维码 Export codes (CSV + QR PNGs)…"))
        self.codes_button.clicked.connect(lambda: self.export_codes())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.codes_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def selection(self) -> BadgeSelection:
        kind = self.type_combo.currentData()
        return BadgeSelection(
            visitor_type=VisitorType(kind) if kind else None,
            import_batch_id=self.batch_combo.currentData(),
            sort=BadgeSort(self.sort_combo.currentData()),
        )

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Badge PDF"), self.out_edit.text(), "PDF (*.pdf)"
        )
        if path:
            self.out_edit.setText(path)

    def _busy(self, busy: bool) -> None:
        self.pdf_button.setEnabled(not busy)
        self.codes_button.setEnabled(not busy)

    def make_pdfs(self) -> Op:
        request = BulkBadgeRequest(
            out=Path(self.out_edit.text()).expanduser(),
            layout=BadgeLayout(self.layout_combo.currentData()),
            selection=self.selection(),
            per_file=self.per_file.value(),
        )
        self.message.setText(self.tr("Writing badges…"))
        return self._start(
            make_badge_pdfs, request, self.tr("Writing badge PDFs…"), self._pdfs_done
        )

    def export_codes(self, folder: Path | None = None) -> Op | None:
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Folder for the codes"))
            if not chosen:
                return None
            folder = Path(chosen)
        request = CodeExportRequest(folder=folder, selection=self.selection())
        return self._start(
            export_codes, request, self.tr("Exporting codes and QR images…"), self._codes_done
        )

    def _start(
        self,
        task: Callable[..., Any],
        request: object,
        label: str,
        done: Callable[[Any], None],
    ) -> Op:
        """Run ``task(db, request, progress=…)`` off the GUI thread with progress and Cancel."""
        self._busy(True)
        self.op = (
            self.ctx.tasks.op(task, self.ctx.db, request)
            .writes()
            .with_progress(label, self)
            .on_success(done)
            .on_failure(self._failed)
            .on_cancelled(self._cancelled)
            .run()
        )
        return self.op

    def _pdfs_done(self, result: BulkBadgeResult) -> None:
        self._busy(False)
        self.last_result = result
        names = ", ".join(path.name for path in result.files[:4])
        more = " …" if len(result.files) > 4 else ""
        self.message.setStyleSheet("color: #2E7D32;")
        self.message.setText(
            self.tr("{count} badges in {files} PDF(s): {names}{more}").format(
                count=result.badges, files=len(result.files), names=names, more=more
            )
        )

    def _codes_done(self, result: CodeExportResult) -> None:
        self._busy(False)
        self.last_result = result
        self.message.setStyleSheet("color: #2E7D32;")
        self.message.setText(
            self.tr("{count} codes written to {path}").format(
                count=result.visitors, path=result.csv_path
            )
        )

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.message.setStyleSheet("color: #C62828;")
        self.message.setText(str(exc))

    def _cancelled(self) -> None:
        self._busy(False)
        self.message.setStyleSheet("color: #37474F;")
        self.message.setText(self.tr("Cancelled: no files were left behind."))
