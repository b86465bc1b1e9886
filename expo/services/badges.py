"""Badges: issue, resolve, revoke and reissue signed badge codes; log badge prints.

``resolve_badge`` is what every scanner calls (the desk, the booths). A payload that is meant
as a badge code is verified with the event's key first, so a typo, a forged, edited or
truncated code is "invalid" without touching the visitor tables; anything else is taken as
the registration number the platform gave the visitor, and looked up.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from expo.badges.card import BadgeCard
from expo.badges.codes import looks_like_code, make_code, normalise_scan, verify_code
from expo.errors import ExpoError
from expo.models import Badge, BadgePrint, Event, ImportBatch, Visitor, VisitorType
from expo.models.base import table_of
from expo.models.types import utcnow
from expo.permissions import Permission, permit
from expo.services.events import StationRef, badge_secret

# What a registration number may look like: letters, digits and a few separators.
_REGISTRATION_NO = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-/#:]{2,63}")
_CHUNK = 500  # ids per IN (...) query: well under SQLite's parameter limit

# The scan path's statements, built once: a scan is then a couple of cached Core executions
# instead of ORM statement construction (which cost more than the queries themselves).
_BADGE = table_of(Badge)
_VISITOR = table_of(Visitor)
_BADGE_BY_CODE = select(_BADGE.c.id, _BADGE.c.visitor_id, _BADGE.c.revoked_at).where(
    _BADGE.c.code == bindparam("code")
)
_VISITOR_BY_NUMBER = (
    select(_VISITOR.c.id)
    .where(_VISITOR.c.registration_no.in_(bindparam("numbers", expanding=True)))
    .limit(1)
)
_CURRENT_BADGE_ID = (
    select(_BADGE.c.id)
    .where(_BADGE.c.visitor_id == bindparam("visitor_id"), _BADGE.c.revoked_at.is_(None))
    .order_by(_BADGE.c.serial.desc())
    .limit(1)
)
_SECRET = select(table_of(Event).c.badge_secret).limit(1)
# The event's key never changes once the event exists; one read per open database.
_SECRETS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


class BadgeStatus(StrEnum):
    OK = "ok"
    INVALID = "invalid"  # not a genuine code: typo, forged, edited, truncated, empty
    UNKNOWN = "unknown"  # genuine or plausible, but nobody in this event has it
    REVOKED = "revoked"  # a badge that was replaced (lost badge reissued)


class FoundBy(StrEnum):
    CODE = "code"
    REGISTRATION_NO = "registration_no"


@dataclass(frozen=True)
class BadgeLookup:
    status: BadgeStatus
    visitor_id: int | None
    badge_id: int | None
    found_by: FoundBy = FoundBy.CODE


@dataclass(frozen=True)
class BadgeInfo:
    id: int
    visitor_id: int
    serial: int
    code: str
    issued_at: dt.datetime
    printed_at: dt.datetime | None
    reprint_count: int
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class PrintRecord:
    badge_id: int
    reprint: bool
    reprint_count: int  # reprints of this badge so far, this one included


class NoSuchVisitor(ExpoError):
    """No visitor with that id in this event."""


class NoBadge(ExpoError):
    """The visitor has no badge yet."""


def _info(badge: Badge) -> BadgeInfo:
    return BadgeInfo(
        badge.id,
        badge.visitor_id,
        badge.serial,
        badge.code,
        badge.issued_at,
        badge.printed_at,
        badge.reprint_count,
        badge.revoked_at,
    )


def event_key(session: Session) -> bytes:
    """The event's badge-signing key, read once per database engine."""
    engine = session.get_bind()
    key = _SECRETS.get(engine) if isinstance(engine, Engine) else None
    if key is None:
        key = badge_secret(session)
        if isinstance(engine, Engine):
            _SECRETS[engine] = key
    return key


def resolve_badge(session: Session, payload: str) -> BadgeLookup:
    """What a scanned payload stands for: a badge code, else a registration number."""
    text = normalise_scan(payload)
    if not text:
        return BadgeLookup(BadgeStatus.INVALID, None, None)
    if looks_like_code(text):
        return _resolve_code(session, text)
    return _resolve_registration_no(session, text)


def _resolve_code(session: Session, text: str) -> BadgeLookup:
    decoded = verify_code(event_key(session), text)
    if decoded is None:
        return BadgeLookup(BadgeStatus.INVALID, None, None)
    row = session.connection().execute(_BADGE_BY_CODE, {"code": text.upper()}).first()
    if row is None:
        # Signed by this event but never issued here (or the visitor was deleted).
        return BadgeLookup(BadgeStatus.UNKNOWN, None, None)
    status = BadgeStatus.REVOKED if row.revoked_at is not None else BadgeStatus.OK
    return BadgeLookup(status, row.visitor_id, row.id)


def _resolve_registration_no(session: Session, text: str) -> BadgeLookup:
    if not _REGISTRATION_NO.fullmatch(text):
        return BadgeLookup(BadgeStatus.INVALID, None, None, FoundBy.REGISTRATION_NO)
    # Exact spellings only, so the unique index answers; scanners may flip the case.
    candidates = list(dict.fromkeys((text, text.upper(), text.lower())))
    connection = session.connection()
    visitor_id = connection.execute(_VISITOR_BY_NUMBER, {"numbers": candidates}).scalar()
    if visitor_id is None:
        return BadgeLookup(BadgeStatus.UNKNOWN, None, None, FoundBy.REGISTRATION_NO)
    badge_id = connection.execute(_CURRENT_BADGE_ID, {"visitor_id": visitor_id}).scalar()
    return BadgeLookup(BadgeStatus.OK, visitor_id, badge_id, FoundBy.REGISTRATION_NO)


def _current_badge_query(visitor_id: int, *columns):  # type: ignore[no-untyped-def]
    return (
        select(*columns)
        .where(Badge.visitor_id == visitor_id, Badge.revoked_at.is_(None))
        .order_by(Badge.serial.desc())
        .limit(1)
    )


def _require_visitor(session: Session, visitor_id: int) -> None:
    if session.scalar(select(Visitor.id).where(Visitor.id == visitor_id)) is None:
        raise NoSuchVisitor(
            f"No visitor with id {visitor_id}. Find the visitor with the registration search."
        )


def _issue(session: Session, visitor_id: int) -> Badge:
    last = session.scalar(select(func.max(Badge.serial)).where(Badge.visitor_id == visitor_id))
    serial = (last or 0) + 1
    badge = Badge(
        visitor_id=visitor_id,
        serial=serial,
        code=make_code(event_key(session), visitor_id, serial),
    )
    session.add(badge)
    session.flush()
    return badge


def current_badge(session: Session, visitor_id: int) -> BadgeInfo | None:
    """The visitor's valid badge, if one was issued."""
    badge = session.scalar(_current_badge_query(visitor_id, Badge))
    return _info(badge) if badge is not None else None


def issue_badge(session: Session, visitor_id: int) -> BadgeInfo:
    """The visitor's valid badge, issued now if there is none."""
    badge = session.scalar(_current_badge_query(visitor_id, Badge))
    if badge is None:
        _require_visitor(session, visitor_id)
        badge = _issue(session, visitor_id)
    return _info(badge)


def code_for_visitor(session: Session, visitor_id: int) -> str:
    """The payload of the visitor's valid badge (a badge is issued if there is none)."""
    return issue_badge(session, visitor_id).code


def codes_for_visitors(session: Session, visitor_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """``{visitor_id: (badge_id, code)}`` for many visitors, issuing missing badges in bulk."""
    found: dict[int, tuple[int, str]] = {}
    for start in range(0, len(visitor_ids), _CHUNK):
        chunk = visitor_ids[start : start + _CHUNK]
        rows = session.execute(
            select(Badge.visitor_id, Badge.id, Badge.code, Badge.serial)
            .where(Badge.visitor_id.in_(chunk), Badge.revoked_at.is_(None))
            .order_by(Badge.serial)
        )
        for visitor_id, badge_id, code, _serial in rows:
            found[visitor_id] = (badge_id, code)  # the highest serial wins
    missing = [visitor_id for visitor_id in visitor_ids if visitor_id not in found]
    if missing:
        _issue_many(session, missing)
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            rows = session.execute(
                select(Badge.visitor_id, Badge.id, Badge.code).where(
                    Badge.visitor_id.in_(chunk), Badge.revoked_at.is_(None)
                )
            )
            for visitor_id, badge_id, code in rows:
                found[visitor_id] = (badge_id, code)
    lost = [visitor_id for visitor_id in visitor_ids if visitor_id not in found]
    if lost:
        raise NoSuchVisitor(
            f"No visitor with id {lost[0]}"
            + (f" (and {len(lost) - 1} more)" if len(lost) > 1 else "")
            + ". Check the ids, or choose visitors from the list."
        )
    return found


def _issue_many(session: Session, visitor_ids: Iterable[int]) -> None:
    wanted = list(visitor_ids)
    key = event_key(session)
    existing: set[int] = set()
    last_serial: dict[int, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        existing.update(session.scalars(select(Visitor.id).where(Visitor.id.in_(chunk))))
        # A Result has .keys(): dict.update would take it for a mapping, so iterate.
        for visitor_id, serial in session.execute(
            select(Badge.visitor_id, func.max(Badge.serial))
            .where(Badge.visitor_id.in_(chunk))
            .group_by(Badge.visitor_id)
        ):
            last_serial[visitor_id] = serial
    rows = []
    for visitor_id in wanted:
        if visitor_id not in existing:
            continue
        serial = last_serial.get(visitor_id, 0) + 1
        rows.append(
            {
                "visitor_id": visitor_id,
                "serial": serial,
                "code": make_code(key, visitor_id, serial),
            }
        )
    if rows:
        session.execute(insert(Badge), rows)


def revoke_badge(session: Session, visitor_id: int) -> BadgeInfo:
    """Revoke the visitor's valid badge: its code is "revoked" at every scanner from now on."""
    permit(session, Permission.REVOKE_BADGE)
    badge = session.scalar(_current_badge_query(visitor_id, Badge))
    if badge is None:
        _require_visitor(session, visitor_id)
        raise NoBadge(f"Visitor {visitor_id} has no valid badge to revoke.")
    badge.revoked_at = utcnow()
    session.flush()
    return _info(badge)


def reissue_badge(session: Session, visitor_id: int) -> BadgeInfo:
    """A lost badge: revoke the valid one (if any) and issue a new code with the next serial."""
    permit(session, Permission.REVOKE_BADGE)
    _require_visitor(session, visitor_id)
    session.execute(
        update(Badge)
        .where(Badge.visitor_id == visitor_id, Badge.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return _info(_issue(session, visitor_id))


def badge_history(session: Session, visitor_id: int) -> list[BadgeInfo]:
    """Every badge the visitor was given, oldest first."""
    badges = session.scalars(
        select(Badge).where(Badge.visitor_id == visitor_id).order_by(Badge.serial)
    )
    return [_info(badge) for badge in badges]


def record_badge_print(
    session: Session, badge_id: int, station: StationRef | None, *, layout: str = "label"
) -> PrintRecord:
    """Log that a badge was printed; every print after the first counts as a reprint."""
    permit(session, Permission.PRINT_BADGES)
    badge = session.get(Badge, badge_id)
    if badge is None:
        raise NoBadge(f"No badge with id {badge_id}; scan the visitor again.")
    reprint = badge.printed_at is not None
    now = utcnow()
    if reprint:
        badge.reprint_count += 1
    else:
        badge.printed_at = now
    session.add(
        BadgePrint(
            badge_id=badge.id,
            station_id=station.id if station is not None else None,
            at=now,
            reprint=reprint,
            layout=layout,
        )
    )
    session.flush()
    return PrintRecord(badge.id, reprint, badge.reprint_count)


class BadgeSort(StrEnum):
    PINYIN = "pinyin"  # by the name's pinyin: the order visitors queue in
    COMPANY = "company"  # colleagues together, then by pinyin
    ID = "id"


@dataclass(frozen=True)
class BadgeSelection:
    """Which visitors get badges: given ids (in that order), or everyone matching the filters."""

    visitor_ids: tuple[int, ...] = ()
    visitor_type: VisitorType | None = None
    import_batch_id: int | None = None
    sort: BadgeSort = BadgeSort.PINYIN

    @property
    def by_id(self) -> bool:
        return bool(self.visitor_ids)


def select_visitor_ids(session: Session, selection: BadgeSelection) -> list[int]:
    """The visitors a selection stands for, in print order."""
    if selection.by_id:
        wanted = list(dict.fromkeys(selection.visitor_ids))
        known: set[int] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            known.update(session.scalars(select(Visitor.id).where(Visitor.id.in_(chunk))))
        missing = [visitor_id for visitor_id in wanted if visitor_id not in known]
        if missing:
            raise NoSuchVisitor(
                f"No visitor with id {', '.join(map(str, missing[:5]))}"
                + (" ..." if len(missing) > 5 else "")
                + ". Check the ids (the Visitors page shows them)."
            )
        return wanted
    query = select(Visitor.id)
    if selection.visitor_type is not None:
        query = query.where(Visitor.visitor_type == selection.visitor_type)
    if selection.import_batch_id is not None:
        query = query.where(Visitor.import_batch_id == selection.import_batch_id)
    if selection.sort is BadgeSort.COMPANY:
        query = query.order_by(
            Visitor.company.is_(None), Visitor.company, Visitor.name_pinyin, Visitor.id
        )
    elif selection.sort is BadgeSort.PINYIN:
        query = query.order_by(Visitor.name_pinyin, Visitor.id)
    else:
        query = query.order_by(Visitor.id)
    return list(session.scalars(query))


def badge_cards(session: Session, visitor_ids: Sequence[int]) -> list[BadgeCard]:
    """What goes on the badges of these visitors, in this order; missing badges are issued."""
    codes = codes_for_visitors(session, visitor_ids)
    rows: dict[int, tuple] = {}
    for start in range(0, len(visitor_ids), _CHUNK):
        chunk = visitor_ids[start : start + _CHUNK]
        for row in session.execute(
            select(
                Visitor.id,
                Visitor.name,
                Visitor.company,
                Visitor.visitor_type,
                Visitor.registration_no,
            ).where(Visitor.id.in_(chunk))
        ):
            rows[row[0]] = tuple(row)
    cards = []
    for visitor_id in visitor_ids:
        _, name, company, visitor_type, registration_no = rows[visitor_id]
        badge_id, code = codes[visitor_id]
        cards.append(
            BadgeCard(visitor_id, name, company, visitor_type, code, registration_no, badge_id)
        )
    return cards


def badge_card(session: Session, visitor_id: int) -> BadgeCard:
    """The card of one visitor's valid badge (issued if needed), for printing at the desk."""
    _require_visitor(session, visitor_id)
    return badge_cards(session, [visitor_id])[0]


@dataclass(frozen=True)
class ImportBatchChoice:
    id: int
    file_name: str
    imported_at: dt.datetime
    visitors: int


def import_batch_choices(session: Session) -> list[ImportBatchChoice]:
    """The imports that brought visitors, newest first: a filter for bulk badges."""
    rows = session.execute(
        select(
            ImportBatch.id, ImportBatch.file_name, ImportBatch.imported_at, func.count(Visitor.id)
        )
        .join(Visitor, Visitor.import_batch_id == ImportBatch.id)
        .group_by(ImportBatch.id, ImportBatch.file_name, ImportBatch.imported_at)
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
    )
    return [ImportBatchChoice(*row) for row in rows]
