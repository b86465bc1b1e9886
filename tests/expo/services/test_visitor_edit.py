"""Editing a visitor: old and new values logged, stale edits and taken phones refused."""

from __future__ import annotations

import pytest

from expo.actors import Actor
from expo.db import EventDatabase
from expo.services.audit import AuditFilter, list_events
from expo.services.registry import DuplicateVisitor, search_visitors
from expo.services.visitor_edit import StaleVisitor, update_visitor, visitor_version
from tests.people import add_visitor

DESK = Actor("Desk 2")


@pytest.fixture
def two_visitors(empty_db: EventDatabase) -> tuple[int, int]:
    with empty_db.write(DESK) as uow:
        first = add_visitor(uow, "张伟", company="义乌小商品", phone="+8613800138000")
        second = add_visitor(uow, "李娜", company=None, phone="+8613900139000")
    return first, second


def test_an_edit_is_logged_with_old_and_new_values(
    empty_db: EventDatabase, two_visitors: tuple[int, int]
) -> None:
    first, _ = two_visitors
    with empty_db.write(DESK) as uow:
        edited = update_visitor(
            uow, first, expected_version=visitor_version(uow, first), company="深圳优选供应链"
        )
    assert [c.as_dict() for c in edited.changes] == [
        {"field": "company", "old": "义乌小商品", "new": "深圳优选供应链"}
    ]
    with empty_db.session() as session:
        [entry] = list_events(session, AuditFilter(visitor_id=first))
        # The company index follows: a fragment of the new name finds the visitor.
        assert [hit.id for hit in search_visitors(session, "优选")] == [first]
    assert entry.kind == "visitor.edited"
    assert entry.station == "Desk 2"
    assert entry.changes == [{"field": "company", "old": "义乌小商品", "new": "深圳优选供应链"}]


def test_a_new_name_is_found_by_its_pinyin(
    empty_db: EventDatabase, two_visitors: tuple[int, int]
) -> None:
    first, _ = two_visitors
    with empty_db.write(DESK) as uow:
        update_visitor(uow, first, name="欧阳娜娜")
    with empty_db.session() as session:
        assert [hit.id for hit in search_visitors(session, "oyn")] == [first]
        assert search_visitors(session, "zhangwei") == []


def test_a_stale_version_is_refused_and_changes_nothing(
    empty_db: EventDatabase, two_visitors: tuple[int, int]
) -> None:
    first, _ = two_visitors
    with empty_db.session() as session:
        opened_at = visitor_version(session, first)
    with empty_db.write(Actor("Desk 1")) as uow:
        update_visitor(uow, first, expected_version=opened_at, city="义乌")
    with pytest.raises(StaleVisitor, match="another station"), empty_db.write(DESK) as uow:
        update_visitor(uow, first, expected_version=opened_at, city="深圳")
    with empty_db.session() as session:
        events = list_events(session, AuditFilter(visitor_id=first))
    assert [e.changes for e in events] == [[{"field": "city", "old": None, "new": "义乌"}]]


def test_a_phone_of_another_visitor_is_refused(
    empty_db: EventDatabase, two_visitors: tuple[int, int]
) -> None:
    first, second = two_visitors
    with pytest.raises(DuplicateVisitor, match="already has this phone"):
        with empty_db.write(DESK) as uow:
            update_visitor(uow, second, phone="138 0013 8000")
    with empty_db.write(DESK) as uow:
        edited = update_visitor(uow, second, phone="139-0013-9001")
    assert edited.changes[0].new == "+8613900139001"
    assert edited.visitor.phone_masked.endswith("9001")


def test_an_edit_that_changes_nothing_records_nothing(
    empty_db: EventDatabase, two_visitors: tuple[int, int]
) -> None:
    first, _ = two_visitors
    with empty_db.write(DESK) as uow:
        edited = update_visitor(uow, first, name="张伟", company="义乌小商品")
    assert edited.changes == ()
    with empty_db.session() as session:
        assert list_events(session, AuditFilter(visitor_id=first)) == []
