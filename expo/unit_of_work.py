"""The one write path: a transaction that knows who acts and records what it did.

``EventDatabase.write(actor)`` opens a ``UnitOfWork``: an SQLAlchemy ``Session`` that carries the
``Actor``, collects the domain events its services record, and at commit writes them to the
append-only event log in the same transaction. Every write service takes a ``UnitOfWork``, so a
write cannot happen without an actor; an engine-level guard refuses INSERT/UPDATE/DELETE on a
connection that no unit of work (or migration) holds, whether it came from the ORM, Core or
``exec_driver_sql``.

The guard also notes which tables each statement wrote: after commit ``uow.changes`` is the
``ChangeSet`` that tells the GUI's pages what to refresh (as Anki's ``OpChanges``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from expo.actors import Actor
from expo.errors import ExpoError
from expo.models.audit import EventRecord, EventSubject
from expo.models.base import table_of
from expo.models.enums import StationKind
from expo.models.types import utcnow

# Connection.info keys (the info dict lives with the pooled DBAPI connection: always cleaned up).
_UOW = "expo_unit_of_work"
ALLOW_WRITES = "expo_allow_writes"  # migrations and maintenance (drop, backup) set this

_WRITE = re.compile(
    r"^\s*(?:WITH\b.*?\)\s*)?(INSERT|UPDATE|DELETE|REPLACE)\b(?:\s+OR\s+\w+)?"
    r"(?:\s+INTO|\s+FROM)?\s+[\"`]?(\w+)",
    re.IGNORECASE | re.DOTALL,
)
_EVENT_LOG = table_of(EventRecord)
_EVENT_SUBJECT = table_of(EventSubject)


class UnguardedWrite(ExpoError):
    """A statement tried to change the database outside a unit of work: a programming error."""


@dataclass(frozen=True)
class ChangeSet:
    """What one committed unit of work changed: tables written and event kinds recorded."""

    tables: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    actor: Actor | None = None

    def touches(self, *tables: str) -> bool:
        return not self.tables.isdisjoint(tables)

    def __bool__(self) -> bool:
        return bool(self.tables or self.kinds)


@dataclass
class PendingEvent:
    kind: str
    subjects: tuple[uuid.UUID, ...]
    data: dict[str, Any]
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)


class UnitOfWork(Session):
    """A session for one write transaction by one ``Actor``. Build it with ``db.write(actor)``."""

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.events: list[PendingEvent] = []
        self.tables: set[str] = set()
        self.changes = ChangeSet(actor=actor)
        self._station: Any = None
        self._guarded: list[dict[Any, Any]] = []  # info dicts of the connections it holds

    # -- what services use
    def record(self, kind: str, subjects: Iterable[uuid.UUID | None] = (), **data: Any) -> None:
        """Append one domain event (written at commit, in this transaction)."""
        self.events.append(
            PendingEvent(kind, tuple(s for s in subjects if s is not None), _jsonable(data))
        )

    def station(self) -> Any:
        """The acting station (an ``expo.services.events.StationRef``), created on first use.

        Only services that are about to write call this, so a refused scan or a failed check
        never leaves a station row behind.
        """
        if self._station is None:
            from expo.services.events import ensure_station

            actor = self.actor
            if actor.kind is StationKind.BOOTH and actor.factory_id is not None:
                from expo.services.leads import booth_station

                self._station = booth_station(self, actor.station, actor.factory_id)
            else:
                self._station = ensure_station(self, actor.station, actor.kind, actor.factory_id)
        return self._station

    # -- commit
    def _write_events(self) -> None:
        if not self.events:
            return
        self.flush()
        connection = self.connection()
        actor = self.actor
        at = utcnow()
        for pending in self.events:
            row = connection.execute(
                insert(_EVENT_LOG),
                {
                    "uuid": pending.uuid,
                    "kind": pending.kind,
                    "at": at,
                    "station": actor.station,
                    "user": actor.user,
                    "role": str(actor.role) if actor.role else None,
                    "subjects": [str(s) for s in pending.subjects],
                    "data": pending.data,
                },
            )
            event_id = row.inserted_primary_key[0]  # type: ignore[index]
            subjects = dict.fromkeys(pending.subjects)  # once each, in order
            if subjects:
                connection.execute(
                    insert(_EVENT_SUBJECT),
                    [{"event_id": event_id, "subject": subject} for subject in subjects],
                )


@event.listens_for(UnitOfWork, "before_commit")
def _before_commit(session: Session) -> None:
    if isinstance(session, UnitOfWork):
        session._write_events()


@event.listens_for(UnitOfWork, "after_begin")
def _after_begin(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    connection.info[_UOW] = session
    if isinstance(session, UnitOfWork):
        session._guarded.append(connection.info)


@event.listens_for(UnitOfWork, "after_commit")
def _after_commit(session: Session) -> None:
    if isinstance(session, UnitOfWork):
        session.changes = ChangeSet(
            frozenset(session.tables),
            frozenset(pending.kind for pending in session.events),
            session.actor,
        )
        session.events = []
        session.tables = set()


@event.listens_for(UnitOfWork, "after_rollback")
def _after_rollback(session: Session) -> None:
    if isinstance(session, UnitOfWork):
        session.events = []
        session.tables = set()


@event.listens_for(UnitOfWork, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or not isinstance(session, UnitOfWork):
        return
    for info in session._guarded:
        info.pop(_UOW, None)
    session._guarded.clear()


# Refusing unguarded writes is switched on once every caller writes through a unit of work.
STRICT = False


def install_write_guard(engine: Engine) -> None:
    """Refuse writes outside a unit of work and note the tables each unit of work writes."""

    @event.listens_for(engine, "before_cursor_execute")
    def _guard(
        conn: Connection, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        match = _WRITE.match(statement)
        if match is None:
            return
        uow = conn.info.get(_UOW)
        if uow is not None:
            uow.tables.add(match.group(2).lower())
            return
        if conn.info.get(ALLOW_WRITES) or not STRICT:
            return
        raise UnguardedWrite(
            f"{match.group(1).upper()} on {match.group(2)} outside a unit of work: "
            "write through EventDatabase.write(actor)."
        )


def _jsonable(value: Any) -> Any:
    """Event data as JSON: UUIDs, dates, decimals and enums become text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
