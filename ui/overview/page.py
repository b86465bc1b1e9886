"""The Overview page: the organisers' dashboard, refreshed while it is on screen.

Every figure is read off the GUI thread (``ctx.tasks``) by expo/services/reports/figures.py and
painted here: counters, charts (pyqtgraph, from the same chart descriptions the PDF prints) and
figure tables. A click on a bar or a table row lists the rows behind it. The daily summary is
made as a PDF off the GUI thread and shown in a preview to print or save; the factories' lead
reports are written in one batch with progress and Cancel.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from expo.models import StationKind
from expo.models.types import utcnow
from expo.progress import Progress
from expo.services.audit import record_export
from expo.services.reports.charts import ChartSpec, dashboard_charts
from expo.services.reports.drill import DrillRows, DrillTarget, rows_behind
from expo.services.reports.figures import Figures
from expo.services.reports.live import LiveFigures
from expo.services.reports.tables import FigureTable, figure_tables
from expo.services.reports.window import default_day, fair_days, report_window
from ui.context import AppContext
from ui.overview.charts import ChartView
from ui.overview.drill_dialog import DrillDialog
from ui.overview.figure_table import FigureTableView
from ui.overview.report_preview import ReportPreview
from ui.widgets.refresh import RefreshOnChange

if TYPE_CHECKING:  # the PDF writers (reportlab) load when a report is first made
    from expo.services.reports.daily import ReportFiles

# This station's own writes refresh the page at once (RefreshOnChange); the timer catches the
# clock moving on (the queue estimate's quarter hours) and other stations' writes.
REFRESH_MS = 30_000
# What the figures are made of: a change to one of these makes them stale.
FIGURE_TABLES = ("check_in", "refused_scan", "inquiry", "lead", "visitor", "booth", "factory")
WHOLE_FAIR = "全程 Whole fair"

# (figure, Chinese, English)
FIGURES = (
    ("first_entries", "今日入场", "Arrived"),
    ("arrived", "累计到场", "Arrived so far"),
    ("no_shows", "未到场", "No-shows so far"),
    ("walk_ins", "现场登记", "Walk-ins arrived"),
    ("re_entries", "再入场", "Re-entries"),
    ("refused", "拒绝扫描", "Refused scans"),
    ("inquiries", "询盘", "Inquiries"),
    ("hot_leads", "热线索", "Hot leads"),
)


@dataclass(frozen=True)
class Snapshot:
    """What one refresh read: the fair's days, the chosen day and its figures."""

    days: list[dt.date]
    day: dt.date | None
    figures: Figures


def _card(title: str) -> tuple[QFrame, QLabel, QLabel]:
    frame = QFrame()
    frame.setObjectName("card")
    frame.setStyleSheet(
        "#card { background: white; border: 1px solid #dde3ea; border-radius: 8px; }"
    )
    value = QLabel("–")
    value.setStyleSheet("font-size: 24px; font-weight: 700; color: #1f2a36;")
    note = QLabel("")
    note.setStyleSheet("font-size: 11px; color: #5c6b7a;")
    caption = QLabel(title)
    caption.setStyleSheet("font-size: 12px; color: #5c6b7a;")
    for label in (note, caption):
        label.setWordWrap(True)  # cards share a narrow window: wrap rather than widen it
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 6, 10, 6)
    layout.setSpacing(0)
    layout.addWidget(value)
    layout.addWidget(note)
    layout.addWidget(caption)
    return frame, value, note


class OverviewPage(QWidget):
    shown = Signal(float)  # seconds the GUI thread spent painting one refresh (benchmarks)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        reference: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reference = reference
        self.snapshot: Snapshot | None = None
        self.day_choice: dt.date | None | str = "default"
        self.refreshing = False
        self.refresh_again = False
        # Read incrementally: each refresh reads only the rows written since the last one.
        self.live = LiveFigures()
        self.drill_dialog: DrillDialog | None = None
        self.preview: ReportPreview | None = None
        self.last_batch: ReportFiles | None = None
        self.message_box: QMessageBox | None = None

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.title.setMinimumWidth(120)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.day_box = QComboBox()
        self.day_box.setMinimumContentsLength(16)
        self.day_box.activated.connect(self._day_chosen)
        self.print_button = QPushButton(self.tr("打印/保存… Print or save"))
        self.print_button.clicked.connect(self.preview_daily_report)
        self.leads_button = QPushButton(self.tr("线索报告… Lead reports"))
        self.leads_button.clicked.connect(self.choose_lead_report_folder)
        self.staff_label = QLabel()
        self.staff_label.setStyleSheet("color: #c9453a; font-weight: 600;")
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.staff_label, 1)
        header.addWidget(QLabel(self.tr("日期 Day")))
        header.addWidget(self.day_box)
        header.addWidget(self.print_button)
        header.addWidget(self.leads_button)

        self.values: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}
        cards = QGridLayout()
        cards.setSpacing(8)
        for index, (key, zh, en) in enumerate(FIGURES):
            frame, value, note = _card(f"{zh} {en}")
            value.setObjectName(f"figure_{key}")
            self.values[key] = value
            self.notes[key] = note
            cards.addWidget(frame, 0, index)

        self.charts: dict[str, ChartView] = {}
        self.tables: dict[str, FigureTableView] = {}
        tabs = QTabWidget()
        tabs.addTab(
            self._tab([["arrivals"], ["desks", "#desks"]]), self.tr("入场与签到台 Arrivals, desks")
        )
        tabs.addTab(
            self._tab([["refused", "types"], ["#refused", "#types"]]),
            self.tr("拒绝与观众类型 Refused, types"),
        )
        tabs.addTab(
            self._tab([["halls", "top100", "categories"], ["#factories", "#products"]]),
            self.tr("询盘 Inquiries"),
        )
        self.tabs = tabs

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(cards)
        layout.addWidget(tabs, 1)
        self.setStyleSheet("OverviewPage { background: #f5f7fa; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.follows_changes = RefreshOnChange(ctx, self, FIGURE_TABLES, self.refresh)

    def _tab(self, rows: list[list[str]]) -> QWidget:
        """A tab of charts (names) and tables ("#names"), one list per row."""
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(6, 6, 6, 6)
        for names in rows:
            row = QHBoxLayout()
            for name in names:
                if name.startswith("#"):
                    table = FigureTableView()
                    table.rowActivated.connect(
                        lambda key, label, n=name[1:]: self.drill_table(n, key, label)
                    )
                    self.tables[name[1:]] = table
                    row.addWidget(table, 1)
                else:
                    chart = ChartView()
                    chart.barClicked.connect(lambda index, n=name: self.drill_chart(n, index))
                    self.charts[name] = chart
                    row.addWidget(chart, 1)
            column.addLayout(row, 1)
        return tab

    # -- refreshing
    def activated(self) -> None:
        self.follows_changes.stale = False
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)

    def select_day(self, day: dt.date | None) -> None:
        """Show ``day`` (None: the whole fair) from the next refresh on."""
        self.day_choice = day

    def refresh(self) -> None:
        if self.refreshing:  # a read is still running: never pile them up, read once more after
            self.refresh_again = True
            return
        self.refreshing = True
        (
            self.ctx.tasks.op(self._read, self.day_choice, self.reference())
            .owned_by(self)
            .on_success(self.show_snapshot)
            .on_failure(self._refresh_failed)
            .run()
        )

    def _read(self, choice: dt.date | None | str, reference: dt.datetime) -> Snapshot:
        with self.ctx.read(StationKind.OFFICE) as session:
            days = fair_days(session)
            day = default_day(session) if choice == "default" else choice
            assert not isinstance(day, str)
            figures = self.live.figures(session, report_window(session, day), reference=reference)
        return Snapshot(days, day, figures)

    def _refresh_failed(self, exc: BaseException) -> None:
        self.refreshing = False
        self.refresh_again = False
        self.ctx.tasks.report_error(exc)

    def _refresh_done(self) -> None:
        self.refreshing = False
        if self.refresh_again:
            self.refresh_again = False
            self.refresh()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        start = time.perf_counter()
        self.snapshot = snapshot
        if self.day_choice == "default":
            self.day_choice = snapshot.day
        figures = snapshot.figures
        self._fill_days(snapshot)
        self.title.setText(f"{figures.event} · {figures.window.label}")
        arrivals = figures.arrivals
        refused = sum(n for reason, n in figures.refused.items() if reason != "already")
        values = {
            "first_entries": arrivals.first_entries,
            "arrived": arrivals.arrived,
            "no_shows": arrivals.no_shows,
            "walk_ins": arrivals.first_entries_walk_ins,
            "re_entries": arrivals.re_entries,
            "refused": refused,
            "inquiries": figures.inquiries.total,
            "hot_leads": figures.inquiries.hot_leads,
        }
        for key, label in self.values.items():
            label.setText(f"{values[key]:,}")
        share = (
            arrivals.arrived_preregistered / arrivals.preregistered if arrivals.preregistered else 0
        )
        self.notes["arrived"].setText(f"预登记 {share:.0%} of {arrivals.preregistered:,} pre-reg.")
        self.notes["no_shows"].setText(f"{1 - share:.0%} 预登记 pre-registered")
        self.notes["walk_ins"].setText(f"累计 {arrivals.arrived_walk_ins:,} so far")
        self.notes["refused"].setText(
            " ".join(f"{figures.refused.get(r, 0)}" for r in ("invalid", "unknown", "revoked"))
            + " 无效/未知/作废"
        )
        busy = [desk.station for desk in figures.desks if desk.advice.endswith("needs staff")]
        self.staff_label.setText("需增派人手 Needs staff: " + ", ".join(busy) if busy else "")
        self.notes["inquiries"].setText(f"{figures.inquiries.buyers:,} 买家 buyers")
        for name, spec in dashboard_charts(figures).items():
            if name in self.charts:
                self.charts[name].show_spec(spec)
        for table in figure_tables(figures):
            if table.name in self.tables:
                self.tables[table.name].set_table(table)
        self.shown.emit(time.perf_counter() - start)
        self._refresh_done()

    def _fill_days(self, snapshot: Snapshot) -> None:
        days: list[dt.date | None] = [*snapshot.days]
        if snapshot.day is not None and snapshot.day not in days:
            days.append(snapshot.day)
        days.append(None)
        self.day_box.blockSignals(True)
        self.day_box.clear()
        for day in days:
            self.day_box.addItem(day.isoformat() if day else WHOLE_FAIR, day)
        self.day_box.setCurrentIndex(days.index(snapshot.day))
        self.day_box.blockSignals(False)

    def _day_chosen(self, index: int) -> None:
        self.select_day(self.day_box.itemData(index))
        self.refresh()

    # -- drilling down
    def drill_chart(self, name: str, index: int) -> None:
        spec: ChartSpec | None = self.charts[name].spec
        if spec is None or not spec.drill or index >= len(spec.keys):
            return
        self.drill(DrillTarget(spec.drill, spec.keys[index], spec.labels[index]))

    def drill_table(self, name: str, key: str, label: str) -> None:
        table: FigureTable | None = self.tables[name].source.table
        if table is None or not table.drill:
            return
        self.drill(DrillTarget(table.drill, key, label))

    def drill(self, target: DrillTarget) -> None:
        if self.snapshot is None:
            return
        window = self.snapshot.figures.window

        def read() -> DrillRows:
            with self.ctx.read(StationKind.OFFICE) as session:
                return rows_behind(session, window, target)

        self.ctx.tasks.op(read).owned_by(self).on_success(self._show_rows).run()

    def _show_rows(self, rows: DrillRows) -> None:
        if self.drill_dialog is not None:
            self.drill_dialog.close()
        self.drill_dialog = DrillDialog(rows, self)
        self.drill_dialog.show()

    # -- printed reports
    def preview_daily_report(self) -> None:
        """Make the daily summary (PDF and XLSX) off the GUI thread, then show the preview."""
        if self.snapshot is None:
            return
        figures = self.snapshot.figures
        folder = Path(tempfile.mkdtemp(prefix="expo-report-"))

        def make() -> tuple[Path, Path]:
            pdf, xlsx = folder / "daily.pdf", folder / "daily.xlsx"
            with self.ctx.read(StationKind.OFFICE) as session:
                from expo.services.reports.daily import write_daily_pdf, write_figures_xlsx

                write_daily_pdf(session, figures, pdf)
            write_figures_xlsx(figures, xlsx)
            return pdf, xlsx

        (
            self.ctx.tasks.op(make)
            .owned_by(self)
            .on_success(lambda files: self._show_preview(files, figures))
            .on_failure(self._report_failed)
            .run()
        )

    def _show_preview(self, files: tuple[Path, Path], figures: Figures) -> None:
        day = figures.window.day.isoformat() if figures.window.day else "whole-fair"
        self.preview = ReportPreview(
            files[0],
            f"每日概况 Daily summary · {figures.window.label}",
            f"daily-{day}.pdf",
            self,
            xlsx=files[1],
        )
        self.preview.show()

    def choose_lead_report_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("线索报告 Lead reports"))
        if folder:
            self.write_lead_reports(Path(folder))

    def write_lead_reports(self, folder: Path) -> None:
        """Every factory's lead report into ``folder``, with progress and Cancel."""

        def make(progress: Progress) -> ReportFiles:
            from expo.services.reports.lead_report import write_lead_reports

            with self.ctx.read(StationKind.OFFICE) as session:
                return write_lead_reports(session, folder, progress=progress)

        (
            self.ctx.tasks.op(make)
            .owned_by(self)
            .with_progress(self.tr("正在生成线索报告 Writing lead reports…"), self)
            .on_success(self._lead_reports_written)
            .on_cancelled(
                lambda: self._tell("已取消：已完成的报告保留。 Cancelled: finished reports stay.")
            )
            .on_failure(self._report_failed)
            .run()
        )

    def _lead_reports_written(self, result: ReportFiles) -> None:
        self.last_batch = result
        folder = Path(result.files[0]).parent if result.files else ""
        with self.ctx.write(StationKind.OFFICE) as uow:  # buyers' contacts left: log who, where
            record_export(uow, "lead_reports", len(result.files), str(folder), pages=result.pages)
        self._tell(f"{len(result.files)} 份线索报告 lead reports ({result.pages} pages) → {folder}")

    def _report_failed(self, exc: BaseException) -> None:
        self._tell(str(exc), warning=True)

    def _tell(self, text: str, *, warning: bool = False) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
            self.tr("报告 Reports"),
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()
