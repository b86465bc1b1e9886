"""Refused scans at the desks, stored so the dashboard can count them by reason (as pretix does).

A refusal is answered exactly as before; this only leaves a row behind. The station is kept by
name (a garbage scan at a new desk creates no station row) and the payload is kept cleaned and
cut to 80 characters, enough to see what a scanner sent without storing whatever was pasted.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from expo.badges.codes import normalise_scan
from expo.models import RefusedScan
from expo.models.base import table_of
from expo.unit_of_work import UnitOfWork

REFUSAL_REASONS = ("invalid", "unknown", "revoked")
PAYLOAD_LENGTH = 80

_INSERT_REFUSED = insert(table_of(RefusedScan))


def record_refused_scan(
    session: Session,
    station_name: str,
    reason: str,
    payload: str,
    visitor_id: int | None = None,
) -> None:
    """Log one refused scan (``reason``: invalid, unknown, revoked) in the caller's transaction."""
    if reason not in REFUSAL_REASONS:
        raise ValueError(f"not a refusal reason: {reason!r}")
    cleaned = normalise_scan(payload)[:PAYLOAD_LENGTH]
    session.connection().execute(
        _INSERT_REFUSED,
        {
            "station_name": station_name[:64],
            "reason": reason,
            "payload": cleaned,
            "visitor_id": visitor_id,
        },
    )
    if isinstance(session, UnitOfWork):  # the one write path logs it (legacy sessions do not)
        session.record("checkin.refused", reason=reason, station=station_name, payload=cleaned)
