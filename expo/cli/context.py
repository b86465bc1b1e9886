"""What every command gets: the database location, the output mode and progress on stderr.

Handlers read through ``ctx.reading()`` (a session) and write through ``ctx.writing()`` (one
transaction: committed when the block ends, rolled back if it raises); a handler that acts as a
station writes through ``ctx.writing_as(name, ...)``, which also yields that station.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from expo.db import EventDatabase, default_event_path, open_event, remember_current_event
from expo.models import StationKind
from expo.progress import Progress, StderrProgress
from expo.services.events import StationRef, ensure_station
from expo.services.leads import booth_station


@dataclass
class Output:
    """A command's result: ``data`` for ``--json``, ``text`` for people."""

    data: Any
    text: str = ""
    exit_code: int = 0


@dataclass
class CliContext:
    db_location: str | None
    json_output: bool
    _db: EventDatabase | None = field(default=None, repr=False)

    @property
    def location(self) -> str:
        return self.db_location or os.environ.get("EXPO_DB") or str(default_event_path())

    def open_db(self, *, create: bool = False) -> EventDatabase:
        if self._db is None:
            self._db = open_event(self.location, create=create)
            if create:
                remember_current_event(self.location)
        return self._db

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session of the event database for a command that only reads."""
        with self.open_db().session() as session:
            yield session

    @contextmanager
    def writing(self, *, create: bool = False, scan: bool = False) -> Iterator[Session]:
        """One transaction of the event database: all of the command's writes or none.

        ``scan``: a desk's scan, which waits only briefly for another station's write lock.
        """
        with self.open_db(create=create).begin(scan=scan) as session:
            yield session

    @contextmanager
    def writing_as(
        self, station: str, kind: StationKind = StationKind.DESK, *, factory: int | None = None
    ) -> Iterator[tuple[Session, StationRef]]:
        """One transaction and the station the command acts as, created on first use.

        With ``factory`` it is that factory's booth station, refused if the name is bound to
        another factory (its leads would change hands); else the desk or office ``station``.
        """
        with self.writing() as session:
            if factory is not None:
                yield session, booth_station(session, station, factory)
            else:
                yield session, ensure_station(session, station, kind)

    def progress(self, label: str) -> Progress:
        return StderrProgress(label)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
