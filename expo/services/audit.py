"""Reading the event log: who did what, when, at which station, and to whom.

The log is written only by the unit of work (``expo.unit_of_work``); this module reads it for the
Audit page, ``python -m expo audit list`` and its XLSX export.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import EventRecord, EventSubject, Visitor
from expo.permissions import Permission, permit
from expo.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AuditEntry:
    id: int
    uuid: uuid.UUID
    kind: str
    at: dt.datetime
    station: str
    user: str | None
    role: str | None
    subjects: tuple[str, ...]
    data: dict[str, Any]

    @property
    def actor(self) -> str:
        return f"{self.user} ({self.role})" if self.user else self.station

    @property
    def changes(self) -> list[dict[str, Any]]:
        return list(self.data.get("changes", []))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uuid": str(self.uuid),
            "kind": self.kind,
            "at": self.at.isoformat(),
            "station": self.station,
            "actor": self.actor,
            "user": self.user,
            "role": self.role,
            "subjects": list(self.subjects),
            "changes": self.changes,
            "data": {k: v for k, v in self.data.items() if k != "changes"},
        }


@dataclass(frozen=True)
class AuditFilter:
    visitor_id: int | None = None
    station: str | None = None
    kind: str | None = None  # "visitor.edited", or a prefix: "visitor" / "visitor."
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class UnknownVisitor(ExpoError):
    """The audit filter names a visitor that does not exist."""


def _query(session: Session, where: AuditFilter) -> Select[tuple[EventRecord]]:
    query = select(EventRecord)
    if where.visitor_id is not None:
        visitor_uuid = session.scalar(select(Visitor.uuid).where(Visitor.id == where.visitor_id))
        if visitor_uuid is None:
            raise UnknownVisitor(f"No visitor {where.visitor_id}; check the id.")
        query = query.join(EventSubject, EventSubject.event_id == EventRecord.id).where(
            EventSubject.subject == visitor_uuid
        )
    if where.station:
        query = query.where(EventRecord.station == where.station)
    if where.kind:
        kind = where.kind.rstrip(".")
        if "." in kind:
            query = query.where(EventRecord.kind == kind)
        else:
            query = query.where(EventRecord.kind.startswith(kind + ".", autoescape=True))
    if where.since is not None:
        query = query.where(EventRecord.at >= _aware(where.since))
    if where.until is not None:
        query = query.where(EventRecord.at < _aware(where.until))
    return query


def list_events(
    session: Session, where: AuditFilter = AuditFilter(), *, limit: int | None = 1000
) -> list[AuditEntry]:
    """Events matching ``where``, newest first (at most ``limit``; None: all)."""
    permit(session, Permission.READ_AUDIT)
    query = _query(session, where).order_by(EventRecord.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row) for row in session.scalars(query)]


def event_kinds(session: Session) -> list[str]:
    """The kinds present in the log, for a filter list."""
    return list(session.scalars(select(EventRecord.kind).distinct().order_by(EventRecord.kind)))


def event_stations(session: Session) -> list[str]:
    return list(
        session.scalars(select(EventRecord.station).distinct().order_by(EventRecord.station))
    )


def export_events(session: Session, path: Path, where: AuditFilter = AuditFilter()) -> int:
    """Write the matching events to an XLSX file, one row per field change; returns rows."""
    permit(session, Permission.READ_AUDIT)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Audit 审计")
    sheet.append(
        [
            "时间 At (UTC)",
            "类型 Kind",
            "站点 Station",
            "人员 Actor",
            "字段 Field",
            "原值 Old",
            "新值 New",
            "详情 Details",
        ]
    )
    rows = 0
    for entry in reversed(list_events(session, where, limit=None)):
        details = {k: v for k, v in entry.data.items() if k != "changes"}
        base = [entry.at.replace(tzinfo=None), entry.kind, entry.station, entry.actor]
        changes = entry.changes or [{"field": "", "old": "", "new": ""}]
        for change in changes:
            sheet.append(
                [
                    *base,
                    *(_text(change.get(k)) for k in ("field", "old", "new")),
                    _text(details) if details else "",
                ]
            )
            rows += 1
    book.save(path)
    return rows


def _text(value: Any) -> str:
    # Stored as text, never as a formula: values in the log come from people's input.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _entry(row: EventRecord) -> AuditEntry:
    return AuditEntry(
        row.id,
        row.uuid,
        row.kind,
        row.at,
        row.station,
        row.user,
        row.role,
        tuple(row.subjects or ()),
        dict(row.data or {}),
    )


def record_export(
    uow: UnitOfWork, what: str, rows: int, target: str | Path, **details: Any
) -> None:
    """Log an export of personal data (who, what, how many rows, where to) in the event log.

    The export itself reads in its own session (a long read must not hold the write lock that
    desks need); this short write records it once the file is written.
    """
    uow.record(f"export.{what}", [], rows=rows, file=str(target), **details)
