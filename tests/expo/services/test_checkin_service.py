"""Check-in: statuses, "already" with the first time and desk, re-entries, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from expo.db import EventDatabase
from expo.errors import ExpoError
from expo.models import Badge, CheckIn, CheckInKind
from expo.services.badges import FoundBy, code_for_visitor, issue_badge, reissue_badge
from expo.services.checkin import (
    CheckInStatus,
    _card,
    _record,
    check_in,
    check_in_visitor,
    recent_check_ins,
    station_entries,
    undo_check_in,
    undo_last_check_in,
)
from expo.services.events import StationRef, ensure_station
from tests.actors import OFFICE
from tests.people import add_visitor


def _rows(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(CheckIn))


def test_first_scan_is_ok_second_is_already_with_time_and_desk(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk1 = ensure_station(session, "Desk 1")
        desk2 = ensure_station(session, "Desk 2")
        visitor_id = add_visitor(session, "李娜", "宁波家居", registration_no="FD26001")
        code = code_for_visitor(session, visitor_id)
        first = check_in(session, code, desk1)
        assert first.status is CheckInStatus.OK
        assert first.visitor is not None and first.visitor.name == "李娜"
        assert first.visitor.company == "宁波家居"
        assert first.first_at is None and first.first_station is None
        first_at = session.get(CheckIn, first.check_in_id).at

        again = check_in(session, code, desk2)
    assert again.status is CheckInStatus.ALREADY
    assert again.first_at == first_at
    assert again.first_station == "Desk 1"
    local = first_at.astimezone(dt.timezone(dt.timedelta(hours=8)))  # the fair is in Shenzhen
    assert f"{local:%H:%M}" in again.message and "Desk 1" in again.message
    data = again.as_dict()
    assert data["status"] == "already" and data["first_station"] == "Desk 1"
    assert data["first_at"] == first_at.isoformat()
    assert data["visitor"]["name"] == "李娜"


def test_a_re_entry_is_logged_not_refused(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        code = code_for_visitor(session, add_visitor(session))
        for _ in range(3):
            check_in(session, code, desk)
        kinds = session.scalars(select(CheckIn.kind).order_by(CheckIn.id)).all()
    assert kinds == [CheckInKind.ENTRY, CheckInKind.RE_ENTRY, CheckInKind.RE_ENTRY]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ("", CheckInStatus.INVALID),
        ("EXPO1.B.B.AAAAAAAAAAAAAAAA", CheckInStatus.INVALID),  # forged
        ("EXPO1.B", CheckInStatus.INVALID),  # truncated
        ("FD26999999", CheckInStatus.UNKNOWN),  # a registration number nobody has
    ],
)
def test_refused_scans_write_nothing(empty_db, payload: str, status: CheckInStatus) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        add_visitor(session)
        result = check_in(session, payload, desk)
        assert result.status is status
        assert result.visitor is None and result.check_in_id is None
        assert result.message
        assert _rows(session) == 0


def test_an_edited_code_is_invalid_and_a_revoked_one_is_revoked(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        visitor_id = add_visitor(session, "王芳")
        code = code_for_visitor(session, visitor_id)
        edited = code.replace(".B.", ".C.", 1)
        assert check_in(session, edited, desk).status is CheckInStatus.INVALID
        reissue_badge(session, visitor_id)
        revoked = check_in(session, code, desk)
        assert revoked.status is CheckInStatus.REVOKED
        assert revoked.visitor is not None and revoked.visitor.name == "王芳"
        assert _rows(session) == 0


def _badges(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Badge))


def test_a_registration_number_finds_the_person_but_admits_only_when_confirmed(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        visitor_id = add_visitor(
            session,
            "张伟",
            "义乌贸易",
            registration_no="FD260000042",
            phone="+8613800138123",
            phone_tail="8123",
        )
        found = check_in(session, "FD260000042", desk)
        assert found.status is CheckInStatus.CONFIRM and found.needs_confirmation
        assert not found.admitted
        assert found.found_by is FoundBy.REGISTRATION_NO
        assert found.visitor is not None
        assert (found.visitor.name, found.visitor.company) == ("张伟", "义乌贸易")
        assert found.visitor.phone_tail == "8123"
        assert "8123" in found.message and found.check_in_id is None
        assert _rows(session) == 0 and _badges(session) == 0  # nothing written, no badge
        assert found.as_dict()["found_by"] == "registration_no"

        confirmed = check_in(session, "FD260000042", desk, confirm=True)
        assert confirmed.status is CheckInStatus.OK
        assert confirmed.found_by is FoundBy.REGISTRATION_NO
        assert confirmed.badge_id is not None and _badges(session) == 1
        kinds = session.scalars(select(CheckIn.kind).where(CheckIn.visitor_id == visitor_id))
        assert kinds.all() == [CheckInKind.ENTRY]
        code = code_for_visitor(session, visitor_id)
        assert check_in(session, code, desk).status is CheckInStatus.ALREADY
        # Already checked in: a typed number still asks first, and logs nothing until confirmed.
        assert check_in(session, "FD260000042", desk).status is CheckInStatus.CONFIRM
        assert _rows(session) == 2


def test_a_code_needs_no_confirmation(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        code = code_for_visitor(session, add_visitor(session, registration_no="FD260000043"))
        result = check_in(session, code, desk)
        assert result.status is CheckInStatus.OK and result.found_by is FoundBy.CODE


@pytest.mark.parametrize("payload", ["", "EXPO1.B.B.AAAAAAAAAAAAAAAA", "FD26999999", "FD260000044"])
def test_a_scan_that_writes_nothing_never_asks_for_the_station(empty_db, payload: str) -> None:
    with empty_db.write(OFFICE) as session:
        add_visitor(session, registration_no="FD260000044")

    def station() -> StationRef:
        raise AssertionError("the station was asked for, by a scan that writes nothing")

    with empty_db.write(OFFICE) as session:
        result = check_in(session, payload, station)
    assert result.check_in_id is None


def test_the_database_holds_one_standing_first_entry_per_visitor(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        visitor_id = add_visitor(session)
        badge_id = code_and_badge(session, visitor_id)
        check_in(session, code_for_visitor(session, visitor_id), desk)
    with pytest.raises(IntegrityError), empty_db.write(OFFICE) as session:
        session.add(
            CheckIn(visitor_id=visitor_id, station_id=desk.id, badge_id=badge_id)
        )  # a second entry, as a racing desk that read "none yet" would write it
    with empty_db.write(OFFICE) as session:
        assert _rows(session) == 1


def test_a_desk_that_lost_the_race_records_a_re_entry_and_answers_already(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk1 = ensure_station(session, "Desk 1")
        desk2 = ensure_station(session, "Desk 2")
        visitor_id = add_visitor(session, "王芳")
        code = code_for_visitor(session, visitor_id)
        assert check_in(session, code, desk1).status is CheckInStatus.OK
        card = _card(session, visitor_id)
        assert card is not None
        # Desk 2 read "no first entry" just before desk 1's insert landed.
        lost = _record(
            session, card, code_and_badge(session, visitor_id), desk2, FoundBy.CODE, None
        )
        assert lost.status is CheckInStatus.ALREADY and lost.first_station == "Desk 1"
        kinds = session.scalars(select(CheckIn.kind).order_by(CheckIn.id)).all()
    assert kinds == [CheckInKind.ENTRY, CheckInKind.RE_ENTRY]


def code_and_badge(session, visitor_id: int) -> int:  # noqa: ANN001
    return issue_badge(session, visitor_id).id


def test_undo_marks_exactly_one_check_in(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        codes = [code_for_visitor(session, add_visitor(session, f"访客{i}")) for i in range(3)]
        results = [check_in(session, code, desk) for code in codes]
        check_in(session, codes[0], desk)  # a re-entry, the desk's last check-in
        undone = undo_last_check_in(session, desk)
        assert undone.kind is CheckInKind.RE_ENTRY
        marked = session.scalars(select(CheckIn.id).where(CheckIn.undone_at.is_not(None))).all()
        assert marked == [undone.check_in_id]
        assert _rows(session) == 4  # never deleted
        with pytest.raises(ExpoError, match="already undone"):
            undo_check_in(session, undone.check_in_id, desk)
        undo_check_in(session, results[1].check_in_id, desk)
        assert (
            session.scalar(
                select(func.count()).select_from(CheckIn).where(CheckIn.undone_at.is_not(None))
            )
            == 2
        )
        # Undone, visitor 2 is no longer checked in: the next scan is a first entry again.
        assert check_in(session, codes[1], desk).status is CheckInStatus.OK
        assert station_entries(session, desk) == 3


def test_undo_belongs_to_the_desk_that_checked_in(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk1 = ensure_station(session, "Desk 1")
        desk2 = ensure_station(session, "Desk 2")
        result = check_in(session, code_for_visitor(session, add_visitor(session)), desk1)
        with pytest.raises(ExpoError, match="another desk"):
            undo_check_in(session, result.check_in_id, desk2)
        with pytest.raises(ExpoError, match="no check-in to undo"):
            undo_last_check_in(session, desk2)


def test_a_visitor_found_by_search_is_checked_in_with_a_new_badge(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        visitor_id = add_visitor(session, "陈静")
        result = check_in_visitor(session, visitor_id, desk)
        assert result.status is CheckInStatus.OK and result.badge_id is not None
        recent = recent_check_ins(session, desk)
        assert [(row.visitor.name, row.undone) for row in recent] == [("陈静", False)]
        with pytest.raises(ExpoError, match="No visitor"):
            check_in_visitor(session, 12345, desk)


@pytest.mark.postgres
def test_check_in_runs_the_same_on_postgresql(pg_db: EventDatabase) -> None:
    with pg_db.write(OFFICE) as session:
        desk1 = ensure_station(session, "Desk 1")
        desk2 = ensure_station(session, "Desk 2")
        visitor_id = add_visitor(session, "周杰", "台北音乐", registration_no="FD26000009")
        code = code_for_visitor(session, visitor_id)
    with pg_db.write(OFFICE) as session:
        assert check_in(session, code, desk1).status is CheckInStatus.OK
    with pg_db.write(OFFICE) as session:
        again = check_in(session, "fd26000009", desk2, confirm=True)
        assert again.status is CheckInStatus.ALREADY and again.first_station == "Desk 1"
        assert check_in(session, code[:-2], desk2).status is CheckInStatus.INVALID
    with pg_db.write(OFFICE) as session:
        undone = undo_last_check_in(session, desk2)
        assert undone.kind is CheckInKind.RE_ENTRY
        assert (
            session.scalar(
                select(func.count()).select_from(CheckIn).where(CheckIn.undone_at.is_(None))
            )
            == 1
        )
