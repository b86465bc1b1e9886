"""The short list of salespeople at a booth station: who took an inquiry."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import StationSalesperson
from expo.permissions import Permission, permit
from expo.services.events import StationRef
from expo.text.clean import clean_text
from expo.unit_of_work import UnitOfWork

MAX_SALESPEOPLE = 12  # a short list: the people standing at one booth
MAX_NAME = 64


class SalespersonError(ExpoError):
    """A salesperson's name cannot be saved as given."""


def clean_salesperson(name: str | None) -> str | None:
    cleaned = clean_text(name)
    if cleaned is not None and len(cleaned) > MAX_NAME:
        raise SalespersonError(f"A salesperson's name has at most {MAX_NAME} characters.")
    return cleaned


def station_salespeople(session: Session, station_id: int) -> list[str]:
    return list(
        session.scalars(
            select(StationSalesperson.name)
            .where(StationSalesperson.station_id == station_id)
            .order_by(StationSalesperson.position, StationSalesperson.id)
        )
    )


def set_station_salespeople(
    session: UnitOfWork, station: StationRef, names: Iterable[str]
) -> list[str]:
    """Make ``names`` the station's list, in that order (each name once)."""
    permit(session, Permission.RECORD_INQUIRY, station.factory_id)
    session.record("station.salespeople_set", station=station.name, names=list(names))
    cleaned: dict[str, str] = {}
    for name in names:
        value = clean_salesperson(name)
        if value is not None:
            cleaned.setdefault(value.casefold(), value)
    if len(cleaned) > MAX_SALESPEOPLE:
        raise SalespersonError(f"At most {MAX_SALESPEOPLE} salespeople per booth station.")
    session.execute(delete(StationSalesperson).where(StationSalesperson.station_id == station.id))
    session.add_all(
        StationSalesperson(station_id=station.id, name=name, position=n)
        for n, name in enumerate(cleaned.values())
    )
    session.flush()
    return list(cleaned.values())


def remember_salesperson(session: Session, station: StationRef, name: str) -> None:
    """Put a name used on an inquiry on the station's list (if the list has room)."""
    names = station_salespeople(session, station.id)
    if any(n.casefold() == name.casefold() for n in names) or len(names) >= MAX_SALESPEOPLE:
        return
    session.add(StationSalesperson(station_id=station.id, name=name, position=len(names)))
