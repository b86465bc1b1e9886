"""What every command gets: the database location, the output mode and progress on stderr."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from expo.db import EventDatabase, default_event_path, open_event, remember_current_event
from expo.progress import Progress, StderrProgress


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

    def progress(self, label: str) -> Progress:
        return StderrProgress(label)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
