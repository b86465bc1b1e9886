"""The Audit page lists who changed what, follows new writes without a timer, and exports."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from expo.models import StationKind
from expo.services.registry import NewVisitor, add_visitor
from expo.services.visitor_edit import update_visitor
from tests.ui.helpers import show_page
from ui.audit.page import AuditPage
from ui.context import AppContext
from ui.settings import STATION_NAME
from ui.visitors.page import VisitorsPage


def _walk_in(ctx: AppContext, name: str = "陈静") -> int:
    with ctx.write(StationKind.DESK) as uow:
        return add_visitor(uow, NewVisitor(name=name, phone="13500135000"), uow.station()).id


def test_an_edit_appears_on_the_open_audit_page_with_old_and_new(
    qtbot: QtBot, sync_ctx: AppContext, artifacts_dir: Path
) -> None:
    sync_ctx.settings.set(STATION_NAME, "东门 Desk 2")
    visitor = _walk_in(sync_ctx)
    page = AuditPage(sync_ctx)
    show_page(qtbot, page)
    assert page.model.rowCount() == 0

    with sync_ctx.write(StationKind.DESK) as uow:
        update_visitor(uow, visitor, company="广州花卉店")

    # No timer: the change signal alone brought the row.
    assert page.model.rowCount() == 1
    row = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert row[1:4] == ["visitor.edited", "东门 Desk 2", "东门 Desk 2"]
    assert row[4] == "company: — → 广州花卉店"
    page.grab().save(str(artifacts_dir / "audit_page.png"))


def test_the_visitor_filter_and_a_bad_id(qtbot: QtBot, sync_ctx: AppContext) -> None:
    first, second = _walk_in(sync_ctx, "甲"), None
    with sync_ctx.write(StationKind.DESK) as uow:
        second = add_visitor(uow, NewVisitor(name="乙", wechat="yi_wx"), uow.station()).id
        update_visitor(uow, first, city="深圳")
        update_visitor(uow, second, city="义乌")
    page = AuditPage(sync_ctx)
    show_page(qtbot, page)
    page.visitor_edit.setText(str(second))
    page.refresh()
    assert [page.model.index(r, 4).data() for r in range(page.model.rowCount())] == [
        "city: — → 义乌"
    ]
    page.visitor_edit.setText("zhang")
    page.refresh()
    assert "number" in page.status.text()


def test_export_writes_the_filtered_events(
    qtbot: QtBot, sync_ctx: AppContext, tmp_path: Path
) -> None:
    visitor = _walk_in(sync_ctx)
    with sync_ctx.write(StationKind.DESK) as uow:
        update_visitor(uow, visitor, name="陈静怡", city="佛山")
    page = AuditPage(sync_ctx)
    show_page(qtbot, page)
    page.export_to(tmp_path / "audit.xlsx")
    rows = list(load_workbook(tmp_path / "audit.xlsx").active.iter_rows(values_only=True))
    assert ("name", "陈静", "陈静怡") in [row[4:7] for row in rows]
    assert ("city", None, "佛山") in [row[4:7] for row in rows]


def test_a_walk_in_written_elsewhere_refreshes_the_visitors_page(
    qtbot: QtBot, sync_ctx: AppContext
) -> None:
    page = VisitorsPage(sync_ctx)
    show_page(qtbot, page)
    before = page.model.rowCount()
    _walk_in(sync_ctx, "吴磊")  # as the desk page would: the same context, another page
    assert page.model.rowCount() == before + 1
