"""Check-in at the registration desks: a scan in, a status out, every pass logged.

``check_in`` is the scan-to-result path, a handful of indexed queries and one insert. A second
scan of the same visitor is not refused: it is logged as a re-entry and answered "already",
with the time and the desk of the first check-in. Check-ins are never deleted; an undo marks
the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from expo.badges.style import type_style
from expo.errors import ExpoError
from expo.models import CheckIn, CheckInKind, Event, Station, Visitor, VisitorType
from expo.models.base import table_of
from expo.models.types import utcnow
from expo.permissions import Permission, permit
from expo.services.badges import BadgeStatus, FoundBy, issue_badge, resolve_badge
from expo.services.events import StationRef
from expo.services.refused_scans import record_refused_scan


class CheckInStatus(StrEnum):
    OK = "ok"
    ALREADY = "already"
    INVALID = "invalid"
    UNKNOWN = "unknown"
    REVOKED = "revoked"


@dataclass(frozen=True)
class VisitorCard:
    """What the desk shows and prints about the visitor in front of it."""

    id: int
    name: str
    company: str | None
    visitor_type: VisitorType
    registration_no: str | None

    @property
    def type_label(self) -> str:
        return type_style(self.visitor_type).label_zh

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "company": self.company,
            "visitor_type": str(self.visitor_type),
            "registration_no": self.registration_no,
        }


@dataclass(frozen=True)
class CheckInResult:
    status: CheckInStatus
    visitor: VisitorCard | None
    first_at: dt.datetime | None  # "already": the first check-in (aware UTC)
    first_station: str | None
    message: str
    check_in_id: int | None = None  # the row written (ok and already)
    badge_id: int | None = None
    found_by: FoundBy = FoundBy.CODE

    @property
    def admitted(self) -> bool:
        return self.status in (CheckInStatus.OK, CheckInStatus.ALREADY)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "visitor": self.visitor.as_dict() if self.visitor else None,
            "first_at": self.first_at.isoformat() if self.first_at else None,
            "first_station": self.first_station,
            "message": self.message,
            "check_in_id": self.check_in_id,
        }


@dataclass(frozen=True)
class UndoResult:
    check_in_id: int
    visitor: VisitorCard
    kind: CheckInKind


@dataclass(frozen=True)
class CheckInRow:
    id: int
    at: dt.datetime
    kind: CheckInKind
    visitor: VisitorCard
    station: str
    undone: bool


class CannotUndo(ExpoError):
    """There is no check-in left to undo here."""


_MESSAGES = {
    CheckInStatus.INVALID: (
        "Not a valid badge code: ask the visitor for their registration number, or search."
    ),
    CheckInStatus.UNKNOWN: "No visitor with this code or number: search by name or phone.",
}

_CARD_COLUMNS = (
    Visitor.id,
    Visitor.name,
    Visitor.company,
    Visitor.visitor_type,
    Visitor.registration_no,
)

# The scan path's statements, built once (see expo.services.badges).
_CHECK_IN = table_of(CheckIn)
_VISITOR = table_of(Visitor)
_CARD = select(
    _VISITOR.c.id,
    _VISITOR.c.name,
    _VISITOR.c.company,
    _VISITOR.c.visitor_type,
    _VISITOR.c.registration_no,
).where(_VISITOR.c.id == bindparam("visitor_id"))
_FIRST_CHECK_IN = (
    select(_CHECK_IN.c.at, _CHECK_IN.c.station_id)
    .where(_CHECK_IN.c.visitor_id == bindparam("visitor_id"), _CHECK_IN.c.undone_at.is_(None))
    .order_by(_CHECK_IN.c.at, _CHECK_IN.c.id)
    .limit(1)
)
_STATION_NAME = select(table_of(Station).c.name).where(
    table_of(Station).c.id == bindparam("station_id")
)
_INSERT_CHECK_IN = insert(_CHECK_IN)


def _card(session: Session, visitor_id: int) -> VisitorCard | None:
    row = session.connection().execute(_CARD, {"visitor_id": visitor_id}).first()
    return VisitorCard(*row) if row is not None else None


def event_zone(session: Session) -> ZoneInfo:
    """The event's time zone, for showing times as the people at the fair read them."""
    return _zone(session.scalar(select(Event.timezone).limit(1)) or "Asia/Shanghai")


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_in(session: Session, payload: str, station: StationRef) -> CheckInResult:
    """Check in whoever ``payload`` (a scanned badge code or registration number) stands for."""
    permit(session, Permission.CHECK_IN)
    lookup = resolve_badge(session, payload)
    if lookup.status in (BadgeStatus.INVALID, BadgeStatus.UNKNOWN):
        status = CheckInStatus(lookup.status.value)
        record_refused_scan(session, station.name, status.value, payload)
        return CheckInResult(status, None, None, None, _MESSAGES[status], found_by=lookup.found_by)
    assert lookup.visitor_id is not None
    visitor = _card(session, lookup.visitor_id)
    if visitor is None:
        record_refused_scan(session, station.name, CheckInStatus.UNKNOWN.value, payload)
        return CheckInResult(
            CheckInStatus.UNKNOWN, None, None, None, _MESSAGES[CheckInStatus.UNKNOWN]
        )
    if lookup.status is BadgeStatus.REVOKED:
        record_refused_scan(session, station.name, "revoked", payload, visitor.id)
        return CheckInResult(
            CheckInStatus.REVOKED,
            visitor,
            None,
            None,
            f"This badge of {visitor.name} was replaced and no longer counts: "
            "take it back and print the current one (search the visitor).",
            badge_id=lookup.badge_id,
            found_by=lookup.found_by,
        )
    # A visitor who shows the registration number may have no badge yet: issue it for printing.
    badge_id = lookup.badge_id or issue_badge(session, visitor.id).id
    return _record(session, visitor, badge_id, station, lookup.found_by)


def check_in_visitor(session: Session, visitor_id: int, station: StationRef) -> CheckInResult:
    """Check in a visitor found by search or just registered as a walk-in (issues a badge)."""
    permit(session, Permission.CHECK_IN)
    visitor = _card(session, visitor_id)
    if visitor is None:
        raise ExpoError(f"No visitor with id {visitor_id}. Search again.")
    badge = issue_badge(session, visitor_id)
    return _record(session, visitor, badge.id, station, FoundBy.REGISTRATION_NO)


def _record(
    session: Session,
    visitor: VisitorCard,
    badge_id: int,
    station: StationRef,
    found_by: FoundBy,
) -> CheckInResult:
    connection = session.connection()
    first = connection.execute(_FIRST_CHECK_IN, {"visitor_id": visitor.id}).first()
    kind = CheckInKind.RE_ENTRY if first is not None else CheckInKind.ENTRY
    inserted = connection.execute(
        _INSERT_CHECK_IN,
        {"visitor_id": visitor.id, "station_id": station.id, "badge_id": badge_id, "kind": kind},
    )
    check_in_id: int = inserted.inserted_primary_key[0]  # type: ignore[index]
    if first is None:
        return CheckInResult(
            CheckInStatus.OK,
            visitor,
            None,
            None,
            f"Welcome, {visitor.name}.",
            check_in_id,
            badge_id,
            found_by,
        )
    first_at, first_station_id = first
    first_station = (
        station.name
        if first_station_id == station.id
        else connection.execute(_STATION_NAME, {"station_id": first_station_id}).scalar_one()
    )
    local = first_at.astimezone(event_zone(session))
    return CheckInResult(
        CheckInStatus.ALREADY,
        visitor,
        first_at,
        first_station,
        f"Already checked in at {local:%H:%M} on {local:%d %b} at {first_station}; "
        "re-entry logged.",
        check_in_id,
        badge_id,
        found_by,
    )


def undo_check_in(session: Session, check_in_id: int, station: StationRef) -> UndoResult:
    """Mark one check-in of this station as undone (a wrong person, a double scan)."""
    permit(session, Permission.CHECK_IN)
    row = session.get(CheckIn, check_in_id)
    if row is None:
        raise CannotUndo(f"No check-in {check_in_id}; nothing was undone.")
    if row.station_id != station.id:
        raise CannotUndo("That check-in was made at another desk; undo it there.")
    if row.undone_at is not None:
        raise CannotUndo("That check-in was already undone.")
    row.undone_at = utcnow()
    session.flush()
    visitor = _card(session, row.visitor_id)
    assert visitor is not None
    return UndoResult(row.id, visitor, row.kind)


def undo_last_check_in(session: Session, station: StationRef) -> UndoResult:
    """Undo this station's most recent check-in that is still standing."""
    last_id = session.scalar(
        select(CheckIn.id)
        .where(CheckIn.station_id == station.id, CheckIn.undone_at.is_(None))
        .order_by(CheckIn.id.desc())  # newest first straight from the station index
        .limit(1)
    )
    if last_id is None:
        raise CannotUndo("This desk has no check-in to undo.")
    return undo_check_in(session, last_id, station)


def recent_check_ins(session: Session, station: StationRef, limit: int = 20) -> list[CheckInRow]:
    """This station's latest check-ins, newest first (undone ones included, marked)."""
    rows = session.execute(
        select(
            CheckIn.id, CheckIn.at, CheckIn.kind, CheckIn.undone_at, Station.name, *_CARD_COLUMNS
        )
        .join(Station, Station.id == CheckIn.station_id)
        .join(Visitor, Visitor.id == CheckIn.visitor_id)
        .where(CheckIn.station_id == station.id)
        .order_by(CheckIn.id.desc())  # the station index gives them in id order: no sort
        .limit(limit)
    )
    return [
        CheckInRow(row[0], row[1], row[2], VisitorCard(*row[5:]), row[4], row[3] is not None)
        for row in rows
    ]


def station_entries(session: Session, station: StationRef) -> int:
    """First entries this station made that still stand."""
    return (
        session.scalar(
            select(func.count()).where(
                CheckIn.station_id == station.id,
                CheckIn.kind == CheckInKind.ENTRY,
                CheckIn.undone_at.is_(None),
            )
        )
        or 0
    )
