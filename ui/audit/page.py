"""The Audit page (organisers): who changed what, when, at which station; filter and export.

Reads ``expo.services.audit`` off the GUI thread; follows new events while on screen through the
change signal (every committed write adds to the event log).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
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

from expo.errors import ExpoError
from expo.services.audit import (
    AuditEntry,
    AuditFilter,
    event_kinds,
    event_stations,
    export_events,
    list_events,
)
from expo.services.checkin import event_zone
from ui.context import AppContext
from ui.widgets.refresh import RefreshOnChange

SHOWN_AT_MOST = 2000
_ANY = ""


@dataclass(frozen=True)
class AuditView:
    """What one read gives the page: the rows, the filter choices and the event's time zone."""

    entries: list[AuditEntry]
    kinds: list[str]
    stations: list[str]
    zone: ZoneInfo


def describe_changes(entry: AuditEntry) -> str:
    """``company: 义乌小商品 → 深圳优选``; for events without field changes, their data."""
    if entry.changes:
        return "; ".join(
            f"{c.get('field')}: {_short(c.get('old'))} → {_short(c.get('new'))}"
            for c in entry.changes
        )
    details = {k: v for k, v in entry.data.items() if not isinstance(v, list | dict)}
    return ", ".join(f"{k}={_short(v)}" for k, v in details.items())


def _short(value: Any) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


class AuditTableModel(QAbstractTableModel):
    HEADERS = ("时间 Time", "类型 Kind", "站点 Station", "人员 Actor", "变更 Changes")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self.zone = ZoneInfo("UTC")

    def set_entries(self, entries: list[AuditEntry], zone: ZoneInfo) -> None:
        self.beginResetModel()
        self.entries = entries
        self.zone = zone
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        entry = self.entries[index.row()]
        column = index.column()
        if column == 0:
            return f"{entry.at.astimezone(self.zone):%Y-%m-%d %H:%M:%S}"
        if column == 1:
            return entry.kind
        if column == 2:
            return entry.station
        if column == 3:
            return entry.actor
        return describe_changes(entry)


class AuditPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("auditPage")
        self.visitor_edit = QLineEdit()
        self.visitor_edit.setPlaceholderText(self.tr("Visitor id 观众编号"))
        self.visitor_edit.setMaximumWidth(140)
        self.station_combo = QComboBox()
        self.kind_combo = QComboBox()
        for combo in (self.station_combo, self.kind_combo):
            combo.setMinimumContentsLength(14)
            combo.addItem(self.tr("All 全部"), _ANY)
        self.since_check = QCheckBox(self.tr("Since 起始"))
        self.since_edit = QDateTimeEdit(QDateTime.currentDateTime().addDays(-1))
        self.since_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.since_edit.setEnabled(False)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        self.apply_button = QPushButton(self.tr("Show 查询"))
        self.apply_button.setDefault(True)
        self.export_button = QPushButton(self.tr("Export XLSX 导出"))
        self.status = QLabel()

        filters = QHBoxLayout()
        for widget in (
            QLabel(self.tr("Visitor 观众")),
            self.visitor_edit,
            QLabel(self.tr("Station 站点")),
            self.station_combo,
            QLabel(self.tr("Kind 类型")),
            self.kind_combo,
            self.since_check,
            self.since_edit,
            self.apply_button,
            self.export_button,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.apply_button.clicked.connect(self.refresh)
        self.visitor_edit.returnPressed.connect(self.refresh)
        self.station_combo.activated.connect(lambda _i: self.refresh())
        self.kind_combo.activated.connect(lambda _i: self.refresh())
        self.export_button.clicked.connect(self.choose_export)
        self.follows_changes = RefreshOnChange(ctx, self, ("event_log",), self.refresh)

    def activated(self) -> None:
        self.refresh()

    # -- reading
    def current_filter(self) -> AuditFilter:
        """The filter as typed; raises ExpoError for a visitor id that is not a number."""
        text = self.visitor_edit.text().strip()
        visitor_id = None
        if text:
            if not text.isdigit():
                raise ExpoError(self.tr("A visitor id is a number (see the Visitors page)."))
            visitor_id = int(text)
        since = None
        if self.since_check.isChecked():
            since = self.since_edit.dateTime().toPython().astimezone(dt.UTC)  # type: ignore[union-attr]
        return AuditFilter(
            visitor_id=visitor_id,
            station=self.station_combo.currentData() or None,
            kind=self.kind_combo.currentData() or None,
            since=since,
        )

    def refresh(self) -> None:
        try:
            where = self.current_filter()
        except ExpoError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("Reading…"))
        (
            self.ctx.tasks.op(self._read, where)
            .on_success(self.show_view)
            .on_failure(lambda exc: self.status.setText(str(exc)))
            .run()
        )

    def _read(self, where: AuditFilter) -> AuditView:
        with self.ctx.db.session() as session:
            return AuditView(
                list_events(session, where, limit=SHOWN_AT_MOST),
                event_kinds(session),
                event_stations(session),
                event_zone(session),
            )

    def show_view(self, view: AuditView) -> None:
        _refill(self.kind_combo, view.kinds)
        _refill(self.station_combo, view.stations)
        self.model.set_entries(view.entries, view.zone)
        more = (
            self.tr(" (newest {n})").format(n=SHOWN_AT_MOST)
            if len(view.entries) >= SHOWN_AT_MOST
            else ""
        )
        count = len(view.entries)
        text = self.tr("1 event") if count == 1 else self.tr("{n} events").format(n=f"{count:,}")
        self.status.setText(text + more)

    # -- export
    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the audit trail"), "audit.xlsx", "Excel (*.xlsx)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        try:
            where = self.current_filter()
        except ExpoError as exc:
            self.status.setText(str(exc))
            return

        def run() -> int:
            with self.ctx.db.session() as session:
                return export_events(session, path, where)

        (
            self.ctx.tasks.op(run)
            .on_success(
                lambda rows: self.status.setText(
                    self.tr("{rows} rows written to {path}.").format(rows=rows, path=path)
                )
            )
            .on_failure(lambda exc: self.status.setText(str(exc)))
            .run()
        )


def _refill(combo: QComboBox, values: list[str]) -> None:
    """Keep the choice, offer what the log now holds."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(combo.tr("All 全部"), _ANY)
    for value in values:
        combo.addItem(value, value)
    index = combo.findData(chosen)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
