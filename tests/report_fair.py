"""A hand-made day at the small fair for the figure and report tests: check-ins at two desks
(one on the stroke of midnight, one the evening before), re-entries, a walk-in, an undone scan,
refused scans (one at a desk that has no station row), and inquiries at both factories.

All times are the event's local time (Asia/Shanghai, UTC+8) on ``DAY`` unless said otherwise;
``EXPECTED`` holds the figures counted by hand from the list below.

    Desk 1  09:05 A entry      09:10 B re-entry (B's entry: the evening before, 23:59:30)
            09:11 H entry      09:11:40 I entry      09:25 F entry, undone
    Desk 2  00:00:00 C entry   09:20 E entry (walk-in)   14:00 A re-entry
    Refused Desk 3 10:00 invalid · Desk 1 10:05 unknown (a registration number nobody has)
            Desk 2 10:10 revoked (王芳's lost badge)
    Never came: D, F (undone), 李娜, 王芳 and 张伟 (they only asked at booths)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from expo.db import EventDatabase
from expo.models import (
    Booth,
    CheckIn,
    Hall,
    Inquiry,
    LeadRating,
    RefusedScan,
    StationKind,
    VisitorSource,
    VisitorType,
)
from expo.services.checkin import check_in, check_in_visitor, undo_check_in
from expo.services.events import StationRef, ensure_station
from expo.services.leads import InquiryDraft, booth_station, record_inquiry
from tests.actors import OFFICE
from tests.fair import SmallFair, build_small_fair
from tests.people import add_visitor

ZONE = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 18)
EVE = DAY - dt.timedelta(days=1)


def local(day: dt.date, hhmmss: str) -> dt.datetime:
    """A local time of the fair as an aware UTC instant."""
    time = dt.time.fromisoformat(hhmmss)
    return dt.datetime.combine(day, time, ZONE).astimezone(dt.UTC)


@dataclass(frozen=True)
class ReportFair:
    fair: SmallFair
    visitors: dict[str, int]
    desk1: str
    desk2: str


# The figures of DAY, counted by hand from the module docstring.
EXPECTED = {
    # A B C D F H I, 张伟 李娜 王芳; E is the walk-in
    "preregistered": 10,
    "walk_ins": 1,
    "first_entries": 5,  # A C E H I (B came the evening before; F was undone)
    "first_entries_walk_ins": 1,  # E
    "re_entries": 2,  # B 09:10, A 14:00
    "arrived": 6,  # A B C E H I by the end of DAY
    "arrived_preregistered": 5,
    "arrived_walk_ins": 1,
    "no_shows": 5,  # D F 张伟 李娜 王芳
    "refused": {"invalid": 1, "unknown": 1, "revoked": 1, "already": 2},
}


def build_report_fair(db: EventDatabase) -> ReportFair:
    fair = build_small_fair(db)
    with db.write(OFFICE) as session:
        ids = {
            "A": add_visitor(session, "安然", "安然商贸", VisitorType.TAOBAO),
            "B": add_visitor(session, "白雪", "白雪直播", VisitorType.LIVESTREAMER),
            "C": add_visitor(session, "陈晨", "晨光传媒", VisitorType.LIVESTREAMER),
            "D": add_visitor(session, "丁一", "丁氏花店", VisitorType.SMALL_SHOP),
            "E": add_visitor(
                session, "易峰", None, VisitorType.OTHER, source=VisitorSource.WALK_IN
            ),
            "F": add_visitor(session, "冯丽", "冯记百货", VisitorType.TAOBAO),
            "H": add_visitor(session, "黄河", "黄河批发", VisitorType.WHOLESALER),
            "I": add_visitor(session, "金鑫", "金鑫跨境", VisitorType.CROSS_BORDER),
        }
        desk1 = ensure_station(session, "Desk 1")
        desk2 = ensure_station(session, "Desk 2")
        # A desk that never checked anyone in has no station row: refusals keep its name.
        desk3 = StationRef(0, "Desk 3", StationKind.DESK, None)
        from expo.services.badges import code_for_visitor

        codes = {key: code_for_visitor(session, visitor) for key, visitor in ids.items()}

        def scan(station: StationRef, key: str, at: dt.datetime) -> int:
            result = check_in(session, codes[key], station)
            assert result.check_in_id is not None
            _set_at(session, CheckIn, result.check_in_id, at)
            return result.check_in_id

        # In the order they happened (a re-entry is one because an entry came before it).
        scan(desk1, "B", local(EVE, "23:59:30"))
        scan(desk2, "C", local(DAY, "00:00:00"))
        scan(desk1, "A", local(DAY, "09:05:00"))
        scan(desk1, "B", local(DAY, "09:10:00"))
        scan(desk1, "H", local(DAY, "09:11:00"))
        scan(desk1, "I", local(DAY, "09:11:40"))
        walk_in = check_in_visitor(session, ids["E"], desk2)
        assert walk_in.check_in_id is not None
        _set_at(session, CheckIn, walk_in.check_in_id, local(DAY, "09:20:00"))
        undone = scan(desk1, "F", local(DAY, "09:25:00"))
        undo_check_in(session, undone, desk1)
        scan(desk2, "A", local(DAY, "14:00:00"))

        for station, payload, at in (
            (desk3, " EXPO1.not a badge ", local(DAY, "10:00:00")),
            (desk1, "REG-0000-NOBODY", local(DAY, "10:05:00")),
            (desk2, fair.revoked_code, local(DAY, "10:10:00")),
        ):
            refused = check_in(session, payload, station)
            assert not refused.admitted
            last = session.scalar(select(RefusedScan.id).order_by(RefusedScan.id.desc()).limit(1))
            assert last is not None
            _set_at(session, RefusedScan, last, at)

        hall = Hall(code="A", name="A馆 露营", width_m=60, depth_m=40, entrances=[])
        session.add(hall)
        session.flush()
        session.add(
            Booth(
                hall_id=hall.id,
                code="A-01",
                x_m=2,
                y_m=2,
                width_m=3,
                depth_m=3,
                factory_id=fair.factory_a,
            )
        )
        booth_a = booth_station(session, fair.station_a, fair.factory_a)
        booth_b = booth_station(session, fair.station_b, fair.factory_b)
        asked = [
            (booth_a, fair.factory_a, fair.code_consenting, ("CY-001", "CY-002"), "hot", "10:30"),
            (booth_a, fair.factory_a, fair.code_private, ("CY-001",), None, "11:00"),
            (booth_b, fair.factory_b, fair.code_consenting, ("PT-01",), "warm", "11:30"),
        ]
        for station, factory, code, skus, rating, at in asked:
            draft = InquiryDraft(skus=skus, rating=LeadRating(rating) if rating else None)
            record = record_inquiry(session, factory, code, draft, station)
            _set_at(session, Inquiry, record.id, local(DAY, at + ":00"))
    return ReportFair(fair, ids, desk1.name, desk2.name)


def _set_at(session, model, row_id: int, at: dt.datetime) -> None:  # noqa: ANN001
    session.execute(update(model).where(model.id == row_id).values(at=at))
