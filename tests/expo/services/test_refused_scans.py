"""Refused scans are stored as they happen, and only refusals."""

from __future__ import annotations

from sqlalchemy import select

from expo.actors import Actor
from expo.models import CheckIn, EventRecord, RefusedScan, Station, StationKind
from expo.services.checkin import CheckInStatus, check_in
from expo.services.events import StationRef
from expo.services.refused_scans import PAYLOAD_LENGTH


def test_a_garbage_scan_under_the_write_path_is_stored_and_logged_without_a_station(
    empty_db,
) -> None:
    desk = StationRef(0, "Desk 9", StationKind.DESK, None)  # no station row: never scanned OK
    garbage = "EXPO1." + "Ｘ" * 200  # full-width, as a Chinese input method types it
    with empty_db.write(Actor("Desk 9")) as uow:
        result = check_in(uow, garbage, desk)
        unknown = check_in(uow, "FD26-NOBODY", desk)
    assert result.status is CheckInStatus.INVALID and unknown.status is CheckInStatus.UNKNOWN
    with empty_db.session() as session:
        rows = session.execute(
            select(RefusedScan.station_name, RefusedScan.reason, RefusedScan.payload).order_by(
                RefusedScan.id
            )
        ).all()
        logged = session.execute(
            select(EventRecord.kind, EventRecord.data).order_by(EventRecord.id)
        ).all()
        assert session.scalars(select(Station.name)).all() == []
        assert session.scalars(select(CheckIn.id)).all() == []
    assert [(r[0], r[1]) for r in rows] == [("Desk 9", "invalid"), ("Desk 9", "unknown")]
    assert rows[0][2] == ("EXPO1." + "X" * 200)[:PAYLOAD_LENGTH]  # folded, cut to 80
    refused = [(kind, data) for kind, data in logged if kind != "event.created"]
    assert [kind for kind, _ in refused] == ["checkin.refused", "checkin.refused"]
    assert refused[1][1]["reason"] == "unknown"
