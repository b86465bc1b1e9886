"""The dashboard on the hand-made day (tests/report_fair.py): figures, charts, a click on a bar
and on a table row listing the right rows, the report preview and the lead-report batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from tests.report_fair import DAY, EXPECTED, local
from tests.tools import require_tool
from tests.ui.helpers import show_page
from ui.context import AppContext
from ui.ops import TaskRunner
from ui.overview.page import OverviewPage


@pytest.fixture
def page(qtbot, report_db, settings) -> OverviewPage:
    ctx = AppContext(db=report_db, tasks=TaskRunner(synchronous=True), settings=settings)
    page = OverviewPage(ctx, reference=lambda: local(DAY, "09:20:00"))
    page.select_day(DAY)
    show_page(qtbot, page)
    return page


def test_dashboard_shows_the_days_figures(page: OverviewPage, artifacts_dir: Path) -> None:
    assert page.values["first_entries"].text() == str(EXPECTED["first_entries"])
    assert page.values["arrived"].text() == str(EXPECTED["arrived"])
    assert page.values["no_shows"].text() == str(EXPECTED["no_shows"])
    assert page.values["walk_ins"].text() == "1"
    assert page.values["re_entries"].text() == "2"
    assert page.values["refused"].text() == "3"
    assert page.values["inquiries"].text() == "3"
    assert page.values["hot_leads"].text() == "1"
    assert page.day_box.currentText() == "2026-12-18"
    assert [page.day_box.itemText(i) for i in range(page.day_box.count())] == [
        "2026-12-17",
        "2026-12-18",
        "全程 Whole fair",
    ]
    desks = page.tables["desks"].source.table
    assert desks is not None and [row[:3] for row in desks.rows] == [
        ("Desk 1", 4, 1),
        ("Desk 2", 3, 1),
        ("Desk 3", 0, 1),
    ]
    image = page.grab().toImage()
    image.save(str(artifacts_dir / "overview-dashboard.png"))
    # The arrivals chart paints its bars: blue pixels inside the chart.
    chart = page.charts["arrivals"]
    origin = chart.mapTo(page, QPoint(0, 0))
    blue = sum(
        1
        for y in range(origin.y(), origin.y() + chart.height(), 2)
        for x in range(origin.x(), origin.x() + chart.width(), 2)
        if QColor(image.pixel(x, y)).name() == "#3a78c9"
    )
    assert blue > 20


def test_a_click_on_a_bar_lists_the_rows_behind_it(qtbot, page: OverviewPage) -> None:
    chart = page.charts["arrivals"]
    spec = chart.spec
    assert spec is not None
    index = spec.labels.index("09:00")
    assert spec.series[0].values[index] == 3 and spec.series[1].values[index] == 1
    scene_point = chart.scene_position_of(index)
    view_point = chart.mapFromScene(scene_point)
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=view_point)
    dialog = page.drill_dialog
    assert dialog is not None
    assert sorted(dialog.column(1)) == sorted(["安然", "白雪", "黄河", "金鑫"])
    assert dialog.rows.total == 4
    # A click beside the bars lists nothing new.
    page.drill_dialog = None
    empty_index = spec.labels.index("09:30")
    qtbot.mouseClick(
        chart.viewport(),
        Qt.MouseButton.LeftButton,
        pos=chart.mapFromScene(chart.scene_position_of(empty_index)),
    )
    assert page.drill_dialog is not None and page.drill_dialog.rows.total == 0


def test_a_click_on_a_table_row_lists_its_rows(qtbot, page: OverviewPage) -> None:
    table = page.tables["refused"]
    row = table.row_of("revoked")
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.drill_dialog
    assert dialog is not None
    assert dialog.column(1) == ["Desk 2"] and dialog.column(4) == ["王芳"]


def test_the_whole_fair_is_one_choice_away(page: OverviewPage) -> None:
    page.day_box.setCurrentIndex(page.day_box.count() - 1)
    page.day_box.activated.emit(page.day_box.count() - 1)
    assert page.values["first_entries"].text() == "6"
    assert page.title.text().endswith("全程 whole fair")


def test_daily_report_preview_shows_the_pages_and_saves_them(
    page: OverviewPage, tmp_path: Path, artifacts_dir: Path
) -> None:
    page.print_button.click()
    preview = page.preview
    assert preview is not None
    assert len(preview.page_labels) >= 2
    assert preview.count_label.text().startswith(str(len(preview.page_labels)))
    first = preview.page_labels[0].pixmap()
    assert first.width() > 500  # an A4 page at 72 dpi is 595 points wide
    first.save(str(artifacts_dir / "overview-report-preview.png"))
    saved = preview.save_pdf(str(tmp_path / "day.pdf"))
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")
    require_tool("pdftotext", "poppler-utils")
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "每日概况 Daily summary" in text
    xlsx = preview.save_xlsx(str(tmp_path / "day.xlsx"))
    assert xlsx is not None and xlsx.stat().st_size > 0


def test_lead_reports_batch_runs_with_progress(page: OverviewPage, tmp_path: Path) -> None:
    page.write_lead_reports(tmp_path / "leads")
    assert page.last_batch is not None
    assert sorted(p.name for p in (tmp_path / "leads").iterdir()) == [
        "001-宁波市星尚户外用品有限公司.pdf",
        "002-台州市萌宠用品有限公司.pdf",
    ]
    assert page.message_box is not None and "2" in page.message_box.text()


def test_printing_paints_every_page_of_the_report(page: OverviewPage, tmp_path: Path) -> None:
    import pypdfium2
    from PySide6.QtPrintSupport import QPrinter

    from ui.overview.report_preview import print_pdf

    page.print_button.click()
    assert page.preview is not None
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printed = print_pdf(page.preview.pdf, printer)
    assert printed == len(page.preview.page_labels)
    document = pypdfium2.PdfDocument(str(tmp_path / "printed.pdf"))
    assert len(document) == printed
    document.close()


def test_a_check_in_at_this_station_refreshes_the_dashboard(
    page: OverviewPage, report_fair
) -> None:
    from expo.services.badges import code_for_visitor
    from expo.services.checkin import check_in

    page.select_day(None)
    page.refresh()
    assert page.values["first_entries"].text() == "6"
    page.timer.stop()  # only the change signal may refresh now
    with page.ctx.write() as uow:
        code = code_for_visitor(uow, report_fair.visitors["D"])
        check_in(uow, code, uow.station())
        check_in(uow, "EXPO1.GARBAGE", uow.station())
    assert page.values["first_entries"].text() == "7"
    assert page.values["refused"].text() == "4"
