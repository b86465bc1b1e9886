"""The organisers' daily summary: the dashboard's figures for one day (or the whole fair) as a
PDF with vector charts, and every figure table as an XLSX workbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from expo.services.catalogue_files import save_workbook_atomically
from expo.services.reports.charts import dashboard_charts
from expo.services.reports.document import (
    TEXT_WIDTH,
    Styles,
    chart_flowable,
    paragraph,
    section,
    spacer,
    table_flowable,
    write_pdf,
)
from expo.services.reports.figures import Figures, dashboard_figures
from expo.services.reports.tables import FigureTable, figure_tables
from expo.services.reports.window import day_window, fair_days, report_window

REPORT_FACTORIES = 30  # the busiest factories in the printed table (the XLSX has them all)


@dataclass(frozen=True)
class ReportFiles:
    pages: int
    files: list[str]

    def as_json(self) -> dict[str, object]:
        return {"pages": self.pages, "files": self.files}


def daily_figures(session: Session, day: dt.date | None) -> Figures:
    """The figures of one local day, or of the whole fair (``day`` None), for printing: desk
    service rates from the whole window."""
    return dashboard_figures(session, report_window(session, day), gaps_over=None)


def _story(session: Session, figures: Figures, styles: Styles) -> list:
    tables = {table.name: table for table in figure_tables(figures, factory_limit=REPORT_FACTORIES)}
    charts = dashboard_charts(figures)
    zone = figures.window.zone.key
    story: list = [
        paragraph(f"{figures.event} 每日概况 Daily summary", styles.title),
        paragraph(
            f"日期 Day: {figures.window.label} · 时区 time zone {zone} · "
            f"生成 printed {figures.reference.astimezone(figures.window.zone):%Y-%m-%d %H:%M}",
            styles.subtitle,
        ),
        spacer(8),
        *section("概况 Summary", styles),
        table_flowable(tables["summary"], styles, [TEXT_WIDTH * 0.6, TEXT_WIDTH * 0.25]),
        *section("入场 Arrivals", styles),
    ]
    if figures.window.day is None:
        # The whole fair: one arrivals chart for each day.
        for day in fair_days(session):
            per_day = dashboard_figures(
                session, day_window(figures.window.zone, day), gaps_over=None
            )
            story.append(chart_flowable(dashboard_charts(per_day)["arrivals"], 150))
    else:
        story += [
            chart_flowable(charts["arrivals"]),
            spacer(),
            table_flowable(tables["arrivals"], styles),
        ]
    story += [
        *section("签到台 Desks", styles),
        paragraph(
            "服务率 = 60 / 扫描间隔中位数; 到达率 = 最近(或最忙) 15 分钟的扫描; "
            "负荷 ≥ 85% 需增派人手。"
            " Service rate = 60 / median gap between scans; arrival rate = scans in the last "
            "(or busiest) 15 minutes; a load of 85 % or more needs staff.",
            styles.body,
        ),
        chart_flowable(charts["desks"], 150),
        table_flowable(tables["desks"], styles),
        spacer(),
        *(
            [table_flowable(tables["desk_buckets"], styles)]
            if figures.window.day is not None
            else []
        ),
        *section("拒绝扫描 Refused scans", styles),
        chart_flowable(charts["refused"], 130),
        table_flowable(tables["refused"], styles, [TEXT_WIDTH * 0.5, TEXT_WIDTH * 0.25]),
        *section("观众类型 Visitor types", styles),
        chart_flowable(charts["types"], 170),
        table_flowable(tables["types"], styles),
        *section("询盘 Inquiries", styles),
        chart_flowable(charts["halls"], 140),
        table_flowable(tables["halls"], styles),
        spacer(),
        chart_flowable(charts["top100"], 130),
        table_flowable(tables["top100"], styles),
        *section(f"询盘最多的工厂 Busiest {REPORT_FACTORIES} factories", styles),
        table_flowable(
            tables["factories"],
            styles,
            [TEXT_WIDTH * w for w in (0.42, 0.08, 0.12, 0.13, 0.13, 0.12)],
        ),
        *section("热门产品 Most-asked products", styles),
        table_flowable(
            tables["products"], styles, [TEXT_WIDTH * w for w in (0.16, 0.34, 0.36, 0.14)]
        ),
        *section("热门品类 Most-asked categories", styles),
        chart_flowable(charts["categories"], 150),
        table_flowable(tables["categories"], styles, [TEXT_WIDTH * 0.5, TEXT_WIDTH * 0.3]),
    ]
    return story


def write_daily_report(session: Session, day: dt.date | None, path: Path | str) -> ReportFiles:
    """The daily summary of ``day`` (None: the whole fair) as a PDF at ``path``."""
    figures = daily_figures(session, day)
    return write_daily_pdf(session, figures, Path(path))


def write_daily_pdf(session: Session, figures: Figures, path: Path) -> ReportFiles:
    styles = Styles()
    pages = write_pdf(
        path,
        f"{figures.event} 每日概况 Daily summary {figures.window.label}",
        _story(session, figures, styles),
    )
    return ReportFiles(pages, [str(path)])


def write_figures_xlsx(figures: Figures, path: Path | str) -> Path:
    """Every figure table of ``figures`` as one sheet of an XLSX workbook."""
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in figure_tables(figures):
        _sheet(workbook, table)
    save_workbook_atomically(workbook, path)
    return path


def _sheet(workbook: Workbook, table: FigureTable) -> None:
    # Sheet names: at most 31 characters and none of []:*?/\ .
    sheet = workbook.create_sheet(table.title.replace("/", " ")[:31])
    sheet.append(list(table.headers))
    for row in table.rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, header in enumerate(table.headers, start=1):
        letter = sheet.cell(1, column).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
