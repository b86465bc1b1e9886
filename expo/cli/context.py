"""What every command gets: the database location, the output mode and progress on stderr.

Handlers read through ``ctx.reading()`` (a session) and write through ``ctx.writing()`` (one unit
of work acting as the command's station: committed with its events when the block ends, rolled
back if it raises); a handler that acts as a named station writes through
``ctx.writing_as(name, ...)``, which also yields that station. Commands without ``--station`` act
as ``$EXPO_STATION``, else the organisers' office ("Office CLI").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from expo.actors import Actor, Role
from expo.db import EventDatabase, default_event_path, open_event, remember_current_event
from expo.errors import ExpoError
from expo.models import StationKind
from expo.progress import Progress, StderrProgress
from expo.services.events import StationRef
from expo.unit_of_work import UnitOfWork

DEFAULT_CLI_STATION = "Office CLI"


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
    user: str | None = None
    pin_stdin: bool = False
    _db: EventDatabase | None = field(default=None, repr=False)
    _signed_in: Actor | None = field(default=None, repr=False)

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
    def reading(self, station: str | None = None) -> Iterator[Session]:
        """A session of the event database for a command that only reads, as its actor."""
        actor = self.actor(station)
        with self.open_db().read(actor) as session:
            yield session

    def actor(
        self,
        station: str | None = None,
        kind: StationKind = StationKind.OFFICE,
        *,
        factory: int | None = None,
    ) -> Actor:
        """Who the command acts as: ``station`` (from --station, else $EXPO_STATION), and with
        ``--user`` the signed-in person (their PIN checked once per command)."""
        name = (station or os.environ.get("EXPO_STATION") or DEFAULT_CLI_STATION).strip()
        if not name:
            raise ExpoError("A station needs a name (for example --station 'Desk 1').")
        if self.user is None:
            return Actor(station=name, kind=kind, factory_id=factory)
        if self._signed_in is None:
            from expo.services.users import check_pin

            self._signed_in = check_pin(self.open_db(), self.user, self._pin(), name, kind)
        signed = self._signed_in
        if signed.role is Role.BOOTH:
            kind = StationKind.BOOTH
        return Actor(name, kind, signed.user, signed.role, signed.factory_id or factory)

    def _pin(self) -> str:
        if self.pin_stdin:
            import sys

            pin = sys.stdin.readline().rstrip("\r\n")
        else:
            pin = os.environ.get("EXPO_PIN", "")
        if not pin:
            raise ExpoError(
                f"--user {self.user} needs the PIN: pipe it in with --pin-stdin, or set EXPO_PIN."
            )
        return pin

    @contextmanager
    def writing(
        self,
        *,
        create: bool = False,
        station: str | None = None,
        kind: StationKind = StationKind.OFFICE,
    ) -> Iterator[UnitOfWork]:
        """One unit of work of the event database: all of the command's writes or none."""
        actor = self.actor(station, kind)
        with self.open_db(create=create).write(actor) as uow:
            yield uow

    @contextmanager
    def writing_as(
        self, station: str, kind: StationKind = StationKind.DESK, *, factory: int | None = None
    ) -> Iterator[tuple[UnitOfWork, StationRef]]:
        """One transaction and the station the command acts as, created on first use.

        With ``factory`` it is that factory's booth station, refused if the name is bound to
        another factory (its leads would change hands); else the desk or office ``station``.
        """
        if factory is not None:
            kind = StationKind.BOOTH
        actor = self.actor(station, kind, factory=factory)
        with self.open_db().write(actor) as uow:
            yield uow, uow.station()

    def progress(self, label: str) -> Progress:
        return StderrProgress(label)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
