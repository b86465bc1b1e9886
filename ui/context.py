"""What every page is given: the open event, the task runner, the settings, and who acts.

Pages write through ``ctx.write(kind)``: the one unit of work (``EventDatabase.write``) acting as
this station, after which ``ctx.changes.changed`` carries the ``ChangeSet`` to every page, so a
page that shows what changed refreshes without a timer (as Anki's ``operation_did_execute``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from expo.actors import Actor
from expo.db import EventDatabase, ReadSession
from expo.models import StationKind
from expo.unit_of_work import ChangeSet, UnitOfWork
from ui.ops import TaskRunner
from ui.settings import BOOTH_FACTORY, STATION_NAME, Settings


class ChangeNotifier(QObject):
    """Emits each committed ``ChangeSet``; safe to emit from a worker thread (queued to pages)."""

    changed = Signal(object)


@dataclass
class AppContext:
    db: EventDatabase
    tasks: TaskRunner
    settings: Settings
    changes: ChangeNotifier = field(default_factory=ChangeNotifier)
    # The person signed in at this station (None: an event with no users, or nobody yet).
    signed_in: Actor | None = None

    def actor(self, kind: StationKind = StationKind.DESK, factory_id: int | None = None) -> Actor:
        """This station acting as a desk, an office or (with ``factory_id``) a factory's booth,
        as the signed-in person: the services check what their role may do."""
        name = self.settings.get(STATION_NAME).strip() or "Station"
        person = self.signed_in
        if person is not None and person.factory_id is not None:
            kind, factory_id = StationKind.BOOTH, person.factory_id
        if kind is StationKind.BOOTH and factory_id is None:
            factory_id = self.settings.get(BOOTH_FACTORY) or None
        if person is None:
            return Actor(station=name, kind=kind, factory_id=factory_id)
        return Actor(name, kind, person.user, person.role, factory_id)

    @contextmanager
    def write(
        self, kind: StationKind = StationKind.DESK, factory_id: int | None = None
    ) -> Iterator[UnitOfWork]:
        """One unit of work as this station; pages hear what it changed once it commits."""
        with self.db.write(self.actor(kind, factory_id)) as uow:
            yield uow
        self.announce(uow.changes)

    @contextmanager
    def read(
        self, kind: StationKind = StationKind.DESK, factory_id: int | None = None
    ) -> Iterator[ReadSession]:
        """A session for reads as this station's signed-in person (roles checked on reads of
        personal data); safe on a worker thread."""
        with self.db.read(self.actor(kind, factory_id)) as session:
            yield session

    def announce(self, changes: ChangeSet) -> None:
        if changes:
            self.changes.changed.emit(changes)
