"""The Visitors page's filters (type, checked in or not, walk-in or pre-registered), its
checked-in column, and one visitor's details (check-ins, badges, inquiries)."""

from __future__ import annotations

from expo.models import VisitorSource, VisitorType
from expo.services.badges import code_for_visitor, reissue_badge
from expo.services.checkin import check_in, undo_check_in
from expo.services.events import ensure_station
from expo.services.visitor_details import visitor_details
from expo.services.visitor_list import VisitorFilter, VisitorSort, visitor_ids, visitor_rows
from tests.actors import OFFICE
from tests.people import add_visitor


def test_filters_keep_the_right_visitors_and_rows_say_who_is_checked_in(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        zhang = add_visitor(session, "张伟", visitor_type=VisitorType.TAOBAO)
        li = add_visitor(session, "李娜", visitor_type=VisitorType.LIVESTREAMER)
        wang = add_visitor(
            session, "王芳", visitor_type=VisitorType.TAOBAO, source=VisitorSource.WALK_IN
        )
        undone = add_visitor(session, "赵敏", visitor_type=VisitorType.OTHER)
        check_in(session, code_for_visitor(session, zhang), desk)
        check_in(session, code_for_visitor(session, wang), desk)
        undo = check_in(session, code_for_visitor(session, undone), desk)
        assert undo.check_in_id is not None
        undo_check_in(session, undo.check_in_id, desk)

    with empty_db.session() as session:
        assert visitor_ids(session, VisitorSort.NAME, False, VisitorFilter()) == [
            li,
            wang,
            zhang,
            undone,
        ]
        assert visitor_ids(session, wanted=VisitorFilter(checked_in=True)) == [zhang, wang]
        assert visitor_ids(session, wanted=VisitorFilter(checked_in=False)) == [li, undone]
        assert visitor_ids(session, wanted=VisitorFilter(visitor_type=VisitorType.TAOBAO)) == [
            zhang,
            wang,
        ]
        assert visitor_ids(session, wanted=VisitorFilter(source=VisitorSource.WALK_IN)) == [wang]
        assert visitor_ids(
            session,
            VisitorSort.ID,
            True,
            VisitorFilter(
                visitor_type=VisitorType.TAOBAO,
                checked_in=True,
                source=VisitorSource.PREREGISTERED,
            ),
        ) == [zhang]
        rows = {row.id: row.checked_in for row in visitor_rows(session, [zhang, li, wang, undone])}
    assert rows == {zhang: True, li: False, wang: True, undone: False}


def test_a_visitors_details_show_check_ins_badges_and_version(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        zhang = add_visitor(session, "张伟", registration_no="FD26000001", phone="+8613800138000")
        check_in(session, code_for_visitor(session, zhang), desk)
        reissue_badge(session, zhang)
    with empty_db.session() as session:
        details = visitor_details(session, zhang)
    assert details.name == "张伟" and details.phone == "+8613800138000"
    assert details.checked_in and [line.station for line in details.check_ins] == ["Desk 1"]
    assert [badge.serial for badge in details.badges] == [1, 2]
    assert details.badges[0].revoked_at is not None and details.badges[1].revoked_at is None
    assert details.inquiries == [] and details.version >= 1
