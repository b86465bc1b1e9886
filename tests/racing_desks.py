"""Desks in other processes that scan the same list at the same moment (for the race tests).

``scan_all`` runs in a child process (multiprocessing, spawn): it opens the event itself, waits
at the barrier so every desk starts together, and scans the payloads in the given order, each
scan its own transaction as at a real desk. It returns what every scan answered; an exception
is returned as text instead of stopping the desk, so the test can show all of them.
"""

from __future__ import annotations

from typing import Any

from expo.actors import Actor
from expo.db import open_event
from expo.models import StationKind
from expo.services.checkin import check_in


def scan_all(location: str, station: str, payloads: list[str], barrier: Any) -> list[tuple]:
    db = open_event(location)
    actor = Actor(station=station, kind=StationKind.DESK)
    answers: list[tuple] = []
    try:
        barrier.wait(timeout=120)
        for payload in payloads:
            try:
                with db.write(actor) as uow:
                    result = check_in(uow, payload, uow.station, confirm=True)
                visitor = result.visitor.id if result.visitor else None
                answers.append((payload, str(result.status), visitor))
            except Exception as exc:  # noqa: BLE001 - the test reports every one of them
                answers.append((payload, f"raised {type(exc).__name__}: {exc}", None))
    finally:
        db.dispose()
    return answers
