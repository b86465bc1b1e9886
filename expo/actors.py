"""Who acts: the station, the signed-in user and their role, carried by every write.

An ``Actor`` is built once per station session (the GUI from the station's settings, the CLI from
``--station``) and handed to ``EventDatabase.write``; every write service reads it from the unit
of work it is given, so no write happens without knowing who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from expo.models.enums import StationKind


class Role(StrEnum):
    ORGANISER = "organiser"
    DESK = "desk"
    BOOTH = "booth"


@dataclass(frozen=True)
class Actor:
    """A station acting, and (once sign-in exists) the person at it.

    ``user`` and ``role`` are empty on an event with no users yet (single-laptop use). A booth
    actor is bound to ``factory_id``: it sees and writes that factory's leads only.
    """

    station: str
    kind: StationKind = StationKind.DESK
    user: str | None = None
    role: Role | None = None
    factory_id: int | None = None

    def __post_init__(self) -> None:
        if not self.station.strip():
            raise ValueError("an actor needs a station name")

    def describe(self) -> str:
        """ "Desk 1" or "Desk 1 (li.na, desk)", for messages and the audit list."""
        if self.user:
            return f"{self.station} ({self.user}, {self.role or 'no role'})"
        return self.station


def system_actor(station: str = "System") -> Actor:
    """The organiser's own machine doing set-up work (init, demo, migrations' data steps)."""
    return Actor(station=station, kind=StationKind.OFFICE, role=Role.ORGANISER)
