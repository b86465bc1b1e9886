"""The one write path: actor, event log in the same transaction, append-only, change sets."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from expo import unit_of_work
from expo.actors import Actor, Role
from expo.db import EventDatabase
from expo.models import EventRecord, EventSubject, Station, StationKind, Visitor
from expo.unit_of_work import UnguardedWrite
from tests.people import add_visitor

DESK = Actor("Desk 7", StationKind.DESK, user="li.na", role=Role.DESK)


def _events(db: EventDatabase) -> list[EventRecord]:
    with db.session() as session:
        return list(session.scalars(select(EventRecord).order_by(EventRecord.id)))


def test_a_recorded_event_is_written_with_its_actor_at_commit(empty_db: EventDatabase) -> None:
    with empty_db.write(DESK) as uow:
        visitor_id = add_visitor(uow, "张伟")
        visitor_uuid = uow.get(Visitor, visitor_id).uuid  # type: ignore[union-attr]
        uow.record("visitor.registered", [visitor_uuid], visitor=visitor_id)
    [event] = _events(empty_db)
    assert (event.kind, event.station, event.user, event.role) == (
        "visitor.registered",
        "Desk 7",
        "li.na",
        "desk",
    )
    assert event.subjects == [str(visitor_uuid)]
    assert event.data == {"visitor": visitor_id}
    with empty_db.session() as session:
        assert (
            session.scalar(
                select(EventSubject.event_id).where(EventSubject.subject == visitor_uuid)
            )
            == event.id
        )


def test_a_rolled_back_transaction_leaves_no_event_and_no_row(empty_db: EventDatabase) -> None:
    with pytest.raises(RuntimeError), empty_db.write(DESK) as uow:
        add_visitor(uow, "李娜")
        uow.record("visitor.registered", [])
        raise RuntimeError("the desk lost power")
    assert _events(empty_db) == []
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Visitor)) == 0


def test_the_event_log_refuses_updates_and_deletes(empty_db: EventDatabase) -> None:
    with empty_db.write(DESK) as uow:
        uow.record("checkin.recorded", [])
    for statement in ("UPDATE event_log SET kind = 'x'", "DELETE FROM event_log"):
        with pytest.raises(DatabaseError, match="append-only"), empty_db.write(DESK) as uow:
            uow.execute(text(statement))
    assert [event.kind for event in _events(empty_db)] == ["checkin.recorded"]


def test_the_change_set_names_the_tables_written_and_the_kinds(empty_db: EventDatabase) -> None:
    with empty_db.write(DESK) as uow:
        add_visitor(uow, "王芳")
        uow.record("visitor.registered", [])
    assert uow.changes.touches("visitor")
    assert not uow.changes.touches("check_in")
    assert uow.changes.kinds == {"visitor.registered"}
    assert uow.changes.actor == DESK


def test_the_station_row_is_created_only_when_a_service_asks_for_it(
    empty_db: EventDatabase,
) -> None:
    with empty_db.write(Actor("Brand-new desk")):
        pass
    with empty_db.session() as session:
        assert session.scalar(select(Station.id).where(Station.name == "Brand-new desk")) is None
    with empty_db.write(Actor("Brand-new desk")) as uow:
        station = uow.station()
    assert station.name == "Brand-new desk"
    assert station.kind is StationKind.DESK


def test_strict_guard_refuses_a_write_outside_a_unit_of_work(
    empty_db: EventDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unit_of_work, "STRICT", True)
    with empty_db.session() as session, pytest.raises(UnguardedWrite, match="visitor"):
        session.execute(text("INSERT INTO visitor (name) VALUES ('x')"))
    with empty_db.write(DESK) as uow:
        add_visitor(uow, "赵敏")  # the same write through the unit of work is fine
    with empty_db.session() as session:
        assert session.scalar(select(Visitor.name)) == "赵敏"
