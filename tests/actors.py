"""The actors tests write as: every write goes through ``db.write(actor)``."""

from __future__ import annotations

from expo.actors import Actor, Role, system_actor
from expo.models import StationKind

# The organisers' office: set-up work in fixtures and most service tests.
OFFICE = system_actor("Test office")
# A registration desk with a signed-in user.
DESK = Actor("Desk 1", StationKind.DESK, user="li.na", role=Role.DESK)
