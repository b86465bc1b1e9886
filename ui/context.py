"""What every page is given: the open event, the task runner and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from expo.db import EventDatabase
from ui.ops import TaskRunner
from ui.settings import Settings


@dataclass
class AppContext:
    db: EventDatabase
    tasks: TaskRunner
    settings: Settings
