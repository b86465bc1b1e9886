"""The rows behind a figure (expo/services/reports/drill.py) in a dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from expo.services.reports.drill import DrillRows


class DrillDialog(QDialog):
    def __init__(self, rows: DrillRows, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.setWindowTitle(rows.title)
        self.resize(820, 480)
        title = QLabel(rows.title)
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        shown = len(rows.rows)
        count = (
            f"共 {rows.total:,} 条 rows"
            if shown == rows.total
            else f"共 {rows.total:,} 条，显示前 {shown:,} 条 · {rows.total:,} rows, first {shown:,}"
        )
        self.count_label = QLabel(count)
        self.table = QTableWidget(shown, len(rows.headers))
        self.table.setHorizontalHeaderLabels(list(rows.headers))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for r, row in enumerate(rows.rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def column(self, index: int) -> list[str]:
        return [self.table.item(r, index).text() for r in range(self.table.rowCount())]
