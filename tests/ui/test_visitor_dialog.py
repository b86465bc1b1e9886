"""Visitors a desk can fix: filters and the checked-in column on the Visitors page, and the
visitor dialog a double-click opens (edit with a duplicate check and a stale-edit refusal,
history, print, reissue with confirmation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from expo.models import Badge, BadgePrint, Visitor, VisitorSource, VisitorType
from expo.services.badges import code_for_visitor
from expo.services.checkin import check_in
from expo.services.events import ensure_station
from expo.services.visitor_list import VisitorFilter
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.ui.helpers import answer_next_box, shown
from ui.context import AppContext
from ui.printing.badge_printer import BadgePrinter
from ui.visitors.page import VisitorsPage
from ui.visitors.visitor_dialog import VisitorDialog


@pytest.fixture
def people(sync_ctx: AppContext) -> dict[str, int]:
    with sync_ctx.db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        ids = {
            "zhang": add_visitor(
                session, "张伟", "义乌优选", VisitorType.TAOBAO, phone="+8613800138000"
            ),
            "li": add_visitor(
                session, "李娜", "宁波家居", VisitorType.LIVESTREAMER, phone="+8613900139000"
            ),
            "wang": add_visitor(
                session, "王芳", None, VisitorType.TAOBAO, source=VisitorSource.WALK_IN
            ),
        }
        check_in(session, code_for_visitor(session, ids["zhang"]), desk)
    return ids


def test_filters_and_the_checked_in_column(
    qtbot, sync_ctx: AppContext, people, artifacts_dir: Path
) -> None:
    page = shown(qtbot, VisitorsPage(sync_ctx))
    page.activated()
    assert sorted(page.shown_ids()) == sorted(people.values())
    column = len(page.model.COLUMNS) - 1
    texts = {
        page.model.visitor_id(row): page.model.index(row, column).data()
        for row in range(page.model.rowCount())
    }
    assert texts[people["zhang"]].startswith("✓") and texts[people["li"]] == ""
    filters = page.filters
    filters.checked_combo.setCurrentIndex(filters.checked_combo.findData(True))
    assert page.shown_ids() == [people["zhang"]]
    filters.checked_combo.setCurrentIndex(filters.checked_combo.findData(False))
    assert sorted(page.shown_ids()) == sorted([people["li"], people["wang"]])
    filters.set_filter(VisitorFilter(visitor_type=VisitorType.TAOBAO, checked_in=False))
    assert page.shown_ids() == [people["wang"]]
    filters.set_filter(VisitorFilter(source=VisitorSource.PREREGISTERED))
    assert sorted(page.shown_ids()) == sorted([people["zhang"], people["li"]])
    # The type filter is picked by typing pinyin initials of its Chinese label.
    filters.set_filter(VisitorFilter())
    filters.type_combo.setFocus()
    QTest.keyClicks(filters.type_combo, "dy")  # 抖音/快手主播
    assert filters.type_combo.currentData() == VisitorType.LIVESTREAMER.value
    assert page.shown_ids() == [people["li"]]
    page.grab().save(str(artifacts_dir / "visitors-filters.png"))


def test_double_click_opens_the_visitor_and_an_edit_is_saved(
    qtbot, sync_ctx: AppContext, people, artifacts_dir: Path
) -> None:
    page = shown(qtbot, VisitorsPage(sync_ctx))
    page.activated()
    row = page.shown_ids().index(people["zhang"])
    index = page.model.index(row, 1)
    rect = page.table.visualRect(index)
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialogs = page.findChildren(VisitorDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog is not None and dialog.visitor_id == people["zhang"]
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "张伟" and dialog.phone_edit.text() == "+8613800138000"
    assert "Desk 1" in dialog.check_ins.item(0).text()
    assert dialog.badges.count() == 1
    dialog.grab().save(str(artifacts_dir / "visitor-dialog.png"))

    dialog.name_edit.setText("张 伟强")
    dialog.company_edit.setText("义乌优选百货")
    dialog.wechat_edit.setText("zw_yiwu")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(VisitorType.CROSS_BORDER.value))
    dialog.consent_box.setChecked(True)
    assert dialog.save()
    with sync_ctx.db.session() as session:
        visitor = session.get(Visitor, people["zhang"])
        assert visitor.name == "张 伟强" and visitor.company == "义乌优选百货"
        assert visitor.wechat == "zw_yiwu" and visitor.consent_share
        assert visitor.visitor_type is VisitorType.CROSS_BORDER
        assert visitor.name_pinyin.startswith("zhang")  # derived fields follow the name
    page.set_search("zwq")  # found by the new name's initials
    assert page.shown_ids() == [people["zhang"]]


def test_an_edit_refuses_a_phone_someone_else_has_and_a_stale_version(
    qtbot, sync_ctx: AppContext, people
) -> None:
    dialog = VisitorDialog(sync_ctx, people["zhang"])
    qtbot.addWidget(dialog)
    dialog.phone_edit.setText("139 0013 9000")  # 李娜's
    assert not dialog.save()
    assert "李娜" in dialog.phone_error.text() and dialog.phone_error.isVisibleTo(dialog)

    # Another station saves the visitor while this dialog is open.
    other = VisitorDialog(sync_ctx, people["zhang"])
    qtbot.addWidget(other)
    other.company_edit.setText("另一个公司")
    assert other.save()
    dialog.phone_edit.setText("+8613800138000")
    dialog.company_edit.setText("我的改动")
    assert not dialog.save()
    assert "another station" in dialog.message.text()
    with sync_ctx.db.session() as session:
        assert session.get(Visitor, people["zhang"]).company == "另一个公司"


def test_print_reprint_and_reissue_with_confirmation(
    qtbot, sync_ctx: AppContext, people, tmp_path: Path
) -> None:
    printer = BadgePrinter(output_pdf=tmp_path / "badge.pdf")
    dialog = VisitorDialog(sync_ctx, people["li"], printer=printer)
    qtbot.addWidget(dialog)
    assert "Print badge" in dialog.print_button.text()
    assert dialog.print_badge()
    assert (tmp_path / "badge.pdf").stat().st_size > 0
    assert "Reprint" in dialog.print_button.text()
    assert dialog.print_badge()
    with sync_ctx.db.session() as session:
        prints = session.scalars(select(BadgePrint.reprint).order_by(BadgePrint.id)).all()
        old = session.scalars(select(Badge.code).where(Badge.visitor_id == people["li"])).one()
    assert prints == [False, True]

    asked = answer_next_box("Keep the old badge")
    assert not dialog.reissue()
    assert "stops working" in asked[0]
    answer_next_box("Revoke and reissue")
    assert dialog.reissue()
    with sync_ctx.db.session() as session:
        badges = session.scalars(
            select(Badge).where(Badge.visitor_id == people["li"]).order_by(Badge.serial)
        ).all()
    assert badges[0].code == old and badges[0].revoked_at is not None
    assert badges[1].revoked_at is None
    assert "revoked" in dialog.badges.item(0).text()


def test_closing_with_unsaved_edits_asks(qtbot, sync_ctx: AppContext, people) -> None:
    dialog = VisitorDialog(sync_ctx, people["li"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.city_edit.setText("宁波")
    answer_next_box("Go back")
    dialog.reject()
    assert dialog.isVisible()
    answer_next_box("Discard")
    dialog.reject()
    assert not dialog.isVisible()
