"""Check-in at the registration desks: a scan in, a status out, every pass logged.

``check_in`` is the scan-to-result path: one indexed query (badge, visitor and standing first
entry together) and one insert. A second scan of the same visitor is not refused: it is logged
as a re-entry and answered "already", with the time and the desk of the first check-in; the
database holds one standing first entry per visitor, so two desks scanning the same badge at
the same moment get one "ok" and one "already". Check-ins are never deleted; an undo marks the
row. A typed registration number finds the person but admits them only once staff confirm.
"""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, Uuid, and_, bindparam, func, insert, literal_column, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from expo.badges.codes import looks_like_code, normalise_scan, verify_code
from expo.badges.style import type_style
from expo.errors import ExpoError
from expo.models import Badge, CheckIn, CheckInKind, Event, Station, Visitor, VisitorType
from expo.models.badges import LIVE_ENTRY
from expo.models.base import table_of
from expo.models.types import UTCDateTime, utcnow
from expo.permissions import Permission, permit
from expo.services.badges import BadgeStatus, FoundBy, event_key, issue_badge, resolve_badge
from expo.services.events import StationRef
from expo.services.refused_scans import record_refused_scan
from expo.unit_of_work import UnitOfWork


class CheckInStatus(StrEnum):
    OK = "ok"
    ALREADY = "already"
    INVALID = "invalid"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    # Found by a typed registration number: staff compare the person with the card (name,
    # company, phone's last 4) and confirm; nothing is written until they do.
    CONFIRM = "confirm"


@dataclass(frozen=True)
class VisitorCard:
    """What the desk shows and prints about the visitor in front of it."""

    id: int
    name: str
    company: str | None
    visitor_type: VisitorType
    registration_no: str | None
    phone_tail: str | None = None  # the phone's last 4 digits, to confirm who stands there

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
            "phone_tail": self.phone_tail,
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

    @property
    def needs_confirmation(self) -> bool:
        return self.status is CheckInStatus.CONFIRM

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "visitor": self.visitor.as_dict() if self.visitor else None,
            "first_at": self.first_at.isoformat() if self.first_at else None,
            "first_station": self.first_station,
            "message": self.message,
            "check_in_id": self.check_in_id,
            "found_by": str(self.found_by),
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


# The acting station, or a function that finds or creates it: called only when a row is about
# to be written, so a refused scan never creates the station it names.
StationSource = StationRef | Callable[[], StationRef]

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
    Visitor.phone_tail,
)

# The scan path's statements, built once (see expo.services.badges).
_CHECK_IN = table_of(CheckIn)
_VISITOR = table_of(Visitor)
_BADGE = table_of(Badge)
_STATION = table_of(Station)
_CARD_SELECT = (
    _VISITOR.c.id,
    _VISITOR.c.name,
    _VISITOR.c.company,
    _VISITOR.c.visitor_type,
    _VISITOR.c.registration_no,
    _VISITOR.c.phone_tail,
)
_CARD = select(*_CARD_SELECT).where(_VISITOR.c.id == bindparam("visitor_id"))
# The visitor's standing first entry and its desk, in one lookup of the partial unique index
# (its predicate is spelled as literals, or SQLite would not use the index).
_LIVE_ENTRY = and_(_CHECK_IN.c.kind == literal_column("'entry'"), _CHECK_IN.c.undone_at.is_(None))
_FIRST_ENTRY = (
    select(_CHECK_IN.c.at, _STATION.c.name)
    .join(_STATION, _STATION.c.id == _CHECK_IN.c.station_id)
    .where(_CHECK_IN.c.visitor_id == bindparam("visitor_id"), _LIVE_ENTRY)
)
# A scanned code: its badge, the visitor's card and the standing first entry, in one query.
_SCAN = (
    select(_BADGE.c.id, _BADGE.c.revoked_at, *_CARD_SELECT, _CHECK_IN.c.at, _STATION.c.name)
    .select_from(
        _BADGE.join(_VISITOR, _VISITOR.c.id == _BADGE.c.visitor_id)
        .outerjoin(_CHECK_IN, and_(_CHECK_IN.c.visitor_id == _VISITOR.c.id, _LIVE_ENTRY))
        .outerjoin(_STATION, _STATION.c.id == _CHECK_IN.c.station_id)
    )
    .where(_BADGE.c.code == bindparam("code"))
)
_INSERT_CHECK_IN = insert(_CHECK_IN).returning(_CHECK_IN.c.id)
# A first entry that loses a race to another desk inserts nothing (and raises nothing). Spelled
# as text: SQLAlchemy does not cache the dialects' ON CONFLICT inserts, and compiling one on
# every scan costs more than the scan. SQLite and PostgreSQL read it alike.
_INSERT_ENTRY_IF_NONE = text(
    "INSERT INTO check_in (visitor_id, station_id, badge_id, kind, at, uuid, created_at, "
    "updated_at) VALUES (:visitor_id, :station_id, :badge_id, 'entry', :at, :uuid, :at, :at) "
    f"ON CONFLICT (visitor_id) WHERE {LIVE_ENTRY} DO NOTHING RETURNING id"
).bindparams(bindparam("at", type_=UTCDateTime()), bindparam("uuid", type_=Uuid()))
_UUIDS = (
    select(_VISITOR.c.uuid, _BADGE.c.uuid)
    .select_from(_BADGE.join(_VISITOR, _VISITOR.c.id == _BADGE.c.visitor_id))
    .where(_BADGE.c.id == bindparam("badge_id"))
)
_UPSERT_DIALECTS = frozenset({"sqlite", "postgresql"})
_ZONES: weakref.WeakKeyDictionary[Engine, ZoneInfo] = weakref.WeakKeyDictionary()

_NOT_YET = object()  # "the first entry was not looked up yet"


def _card(session: Session, visitor_id: int) -> VisitorCard | None:
    row = session.connection().execute(_CARD, {"visitor_id": visitor_id}).first()
    return VisitorCard(*row) if row is not None else None


def event_zone(session: Session) -> ZoneInfo:
    """The event's time zone, for showing times as the people at the fair read them."""
    engine = session.get_bind()
    zone = _ZONES.get(engine) if isinstance(engine, Engine) else None
    if zone is None:
        zone = _zone(session.scalar(select(Event.timezone).limit(1)) or "Asia/Shanghai")
        if isinstance(engine, Engine):
            _ZONES[engine] = zone
    return zone


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_in(
    session: UnitOfWork,
    payload: str,
    station: StationSource | None = None,
    *,
    confirm: bool = False,
) -> CheckInResult:
    """Check in whoever ``payload`` (a scanned badge code or registration number) stands for.

    A signed badge code admits its holder at once. A registration number (anyone can read or
    guess one) only finds the person: the result is ``CONFIRM`` with name, company and the
    phone's last 4 digits, and nothing is written; called again with ``confirm`` (staff have
    compared the person with the card) it checks in and issues the badge.
    """
    permit(session, Permission.CHECK_IN)
    station = station or session.station  # asked for only when a row is written
    text = normalise_scan(payload)
    if not text:
        return _refused(session, payload, CheckInStatus.INVALID, FoundBy.CODE, station)
    if looks_like_code(text):
        return _check_in_code(session, text, station)
    lookup = resolve_badge(session, text)
    if lookup.status in (BadgeStatus.INVALID, BadgeStatus.UNKNOWN):
        return _refused(
            session, payload, CheckInStatus(lookup.status.value), lookup.found_by, station
        )
    assert lookup.visitor_id is not None
    visitor = _card(session, lookup.visitor_id)
    if visitor is None:
        return _refused(session, payload, CheckInStatus.UNKNOWN, lookup.found_by, station)
    if not confirm:
        return CheckInResult(
            CheckInStatus.CONFIRM,
            visitor,
            None,
            None,
            f"Registration number of {visitor.name} ({visitor.company or 'no company'}, phone "
            f"ending {visitor.phone_tail or '—'}). Check that this is the person in front of "
            "you, then confirm to check in and print the badge.",
            badge_id=lookup.badge_id,
            found_by=lookup.found_by,
        )
    # They may have no badge yet: issue it for printing.
    badge_id = lookup.badge_id or issue_badge(session, visitor.id).id
    return _record(session, visitor, badge_id, station, lookup.found_by)


def _station_name(session: UnitOfWork, station: StationSource) -> str:
    """The desk's name without creating its row (a refused scan leaves no station behind)."""
    return station.name if isinstance(station, StationRef) else session.actor.station


def _refused(
    session: UnitOfWork,
    payload: str,
    status: CheckInStatus,
    found_by: FoundBy,
    station: StationSource | None = None,
) -> CheckInResult:
    """An invalid or unknown scan: answered, and stored (by station name) for the figures."""
    name = _station_name(session, station) if station is not None else session.actor.station
    record_refused_scan(session, name, status.value, payload)
    return CheckInResult(status, None, None, None, _MESSAGES[status], found_by=found_by)


def _check_in_code(session: UnitOfWork, text: str, station: StationSource) -> CheckInResult:
    if verify_code(event_key(session), text) is None:
        return _refused(session, text, CheckInStatus.INVALID, FoundBy.CODE, station)
    row = session.connection().execute(_SCAN, {"code": text.upper()}).first()
    if row is None:
        # Signed by this event but never issued here (or the visitor was deleted).
        return _refused(session, text, CheckInStatus.UNKNOWN, FoundBy.CODE, station)
    badge_id, revoked_at = row[0], row[1]
    visitor = VisitorCard(*row[2:8])
    if revoked_at is not None:
        record_refused_scan(session, _station_name(session, station), "revoked", text, visitor.id)
        return CheckInResult(
            CheckInStatus.REVOKED,
            visitor,
            None,
            None,
            f"This badge of {visitor.name} was replaced and no longer counts: "
            "take it back and print the current one (search the visitor).",
            badge_id=badge_id,
            found_by=FoundBy.CODE,
        )
    first = (row[8], row[9]) if row[8] is not None else None
    return _record(session, visitor, badge_id, station, FoundBy.CODE, first)


def check_in_visitor(
    session: UnitOfWork, visitor_id: int, station: StationSource | None = None
) -> CheckInResult:
    """Check in a visitor found by search or just registered as a walk-in (issues a badge)."""
    permit(session, Permission.CHECK_IN)
    station = station or session.station
    visitor = _card(session, visitor_id)
    if visitor is None:
        raise ExpoError(f"No visitor with id {visitor_id}. Search again.")
    badge = issue_badge(session, visitor_id)
    return _record(session, visitor, badge.id, station, FoundBy.REGISTRATION_NO)


def _station_ref(station: StationSource) -> StationRef:
    return station if isinstance(station, StationRef) else station()


def _record(
    session: UnitOfWork,
    visitor: VisitorCard,
    badge_id: int,
    station: StationSource,
    found_by: FoundBy,
    first: Any = _NOT_YET,  # (at, desk) of the standing first entry, None: there is none
) -> CheckInResult:
    """Write the check-in: the first entry if the visitor has none standing, else a re-entry.

    The partial unique index on standing first entries decides a race between desks: the
    loser's entry is not inserted, and it records a re-entry and answers "already".
    """
    connection = session.connection()
    desk = _station_ref(station)
    at = utcnow()
    row = {
        "visitor_id": visitor.id,
        "station_id": desk.id,
        "badge_id": badge_id,
        "at": at,
        "uuid": uuid.uuid4(),
    }
    if first is _NOT_YET:
        first = connection.execute(_FIRST_ENTRY, {"visitor_id": visitor.id}).first()
    if first is None:
        check_in_id = _insert_entry(session, row)
        if check_in_id is not None:
            _recorded(session, row, CheckInKind.ENTRY, found_by)
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
        # Another desk checked them in a moment ago: this scan is a re-entry.
        first = connection.execute(_FIRST_ENTRY, {"visitor_id": visitor.id}).one()
    first_at, first_station = first
    row["uuid"] = uuid.uuid4()
    check_in_id = connection.execute(
        _INSERT_CHECK_IN, {**row, "kind": CheckInKind.RE_ENTRY}
    ).scalar_one()
    _recorded(session, row, CheckInKind.RE_ENTRY, found_by)
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


def _recorded(
    session: UnitOfWork, row: dict[str, Any], kind: CheckInKind, found_by: FoundBy
) -> None:
    """``checkin.recorded``: what a central store needs to replay this check-in."""
    visitor_uuid, badge_uuid = (
        session.connection().execute(_UUIDS, {"badge_id": row["badge_id"]}).one()
    )
    session.record(
        "checkin.recorded",
        [row["uuid"], visitor_uuid, badge_uuid],
        check_in_uuid=row["uuid"],
        visitor_uuid=visitor_uuid,
        badge_uuid=badge_uuid,
        kind=kind,
        at=row["at"],
        found_by=found_by,
    )


def _insert_entry(session: Session, row: dict[str, Any]) -> int | None:
    """Insert a first entry; None if the visitor already has one standing (a lost race)."""
    connection = session.connection()
    if connection.dialect.name in _UPSERT_DIALECTS:
        return connection.execute(_INSERT_ENTRY_IF_NONE, row).scalar()
    try:  # another database: the unique index raises, a savepoint keeps the transaction
        with session.begin_nested():
            entry = {**row, "kind": CheckInKind.ENTRY}
            return connection.execute(_INSERT_CHECK_IN, entry).scalar_one()
    except IntegrityError:
        return None


def undo_check_in(
    session: UnitOfWork, check_in_id: int, station: StationRef | None = None
) -> UndoResult:
    """Mark one check-in of this station as undone (a wrong person, a double scan).

    Records ``checkin.undone``."""
    permit(session, Permission.CHECK_IN)
    station = station or session.station()
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
    visitor_uuid = session.scalar(select(Visitor.uuid).where(Visitor.id == row.visitor_id))
    session.record(
        "checkin.undone",
        [row.uuid, visitor_uuid],
        check_in_uuid=row.uuid,
        visitor_uuid=visitor_uuid,
        kind=row.kind,
        at=row.undone_at,
    )
    return UndoResult(row.id, visitor, row.kind)


def undo_last_check_in(session: UnitOfWork, station: StationRef | None = None) -> UndoResult:
    """Undo this station's most recent check-in that is still standing."""
    station = station or session.station()
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
