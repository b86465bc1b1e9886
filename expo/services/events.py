"""The event and its stations: create an event, read it, find or create the acting station."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.keys import MissingBadgeKey, load_key, missing_message, new_key, store_key
from expo.models import Category, Event, Station, StationKind

# The fair's product categories: the 1688 festival's themes first, then the usual others.
FAIR_CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("home_economy", "宅经济", "Home economy", "#E8833A"),
    ("self_pleasing", "悦己", "Self-pleasing", "#D9508A"),
    ("camping", "露营", "Camping", "#3F9B4F"),
    ("stress_relief", "减压", "Stress relief", "#8E6CC9"),
    ("health", "健康", "Health", "#2BA3A3"),
    ("home_goods", "家居百货", "Home goods", "#C9A227"),
    ("electronics", "数码3C", "Electronics", "#3A78C9"),
    ("apparel", "服饰鞋包", "Apparel, shoes and bags", "#B5524A"),
    ("beauty", "美妆个护", "Beauty and personal care", "#E06C9F"),
    ("baby_toys", "母婴玩具", "Baby and toys", "#F2B134"),
    ("pets", "宠物用品", "Pet supplies", "#7A9A3A"),
    ("crafts_gifts", "工艺礼品", "Crafts and gifts", "#A0664B"),
    ("outdoor_furniture", "户外家具", "Outdoor furniture", "#5D8C6E"),
    ("kitchen", "厨房用品", "Kitchenware", "#6C7A89"),
)


@dataclass(frozen=True)
class EventInfo:
    id: int
    name: str
    name_en: str | None
    city: str | None
    venue: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None


@dataclass(frozen=True)
class StationRef:
    id: int
    name: str
    kind: StationKind
    factory_id: int | None


class NoEvent(ExpoError):
    """The database holds no event yet."""


def _info(event: Event) -> EventInfo:
    return EventInfo(
        event.id, event.name, event.name_en, event.city, event.venue, event.starts_on, event.ends_on
    )


def create_event(
    session: Session,
    name: str,
    *,
    name_en: str | None = None,
    city: str | None = None,
    venue: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> EventInfo:
    """Create the event of an empty database, with the fair's categories."""
    if session.scalar(select(Event.id).limit(1)) is not None:
        raise ExpoError("This database already holds an event; open it, or create a new file.")
    name = name.strip()
    if not name:
        raise ExpoError("The event needs a name.")
    event = Event(
        name=name,
        name_en=name_en,
        city=city,
        venue=venue,
        starts_on=starts_on,
        ends_on=ends_on,
        badge_secret="",  # the key lives in the key store, never in the event file
    )
    session.add(event)
    session.flush()
    store_key(event.uuid, new_key(), name)
    for order, (code, zh, en, color) in enumerate(FAIR_CATEGORIES):
        session.add(Category(code=code, name_zh=zh, name_en=en, color=color, sort_order=order))
    session.flush()
    return _info(event)


def current_event(session: Session) -> EventInfo:
    event = session.scalar(select(Event).limit(1))
    if event is None:
        raise NoEvent("This database holds no event yet. Run `python -m expo init` first.")
    return _info(event)


def badge_secret(session: Session) -> bytes:
    """The event's key for signing badge codes, from this station's key store."""
    row = session.execute(select(Event.uuid, Event.name, Event.badge_secret).limit(1)).first()
    if row is None:
        raise NoEvent("This database holds no event yet. Run `python -m expo init` first.")
    event_uuid, name, legacy = row
    if legacy:  # an event file from before the key store (moved out when it is opened)
        return bytes.fromhex(legacy)
    key = load_key(event_uuid)
    if key is None:
        raise MissingBadgeKey(missing_message(name))
    return key


def ensure_station(
    session: Session,
    name: str,
    kind: StationKind = StationKind.DESK,
    factory_id: int | None = None,
) -> StationRef:
    """The station called ``name``, created on first use (stations name themselves)."""
    name = name.strip()
    if not name:
        raise ExpoError("A station needs a name (for example --station 'Desk 1').")
    station = session.scalar(select(Station).where(Station.name == name))
    if station is None:
        station = Station(name=name, kind=kind, factory_id=factory_id)
        session.add(station)
        session.flush()
    return StationRef(station.id, station.name, station.kind, station.factory_id)


def list_categories(session: Session) -> list[tuple[str, str, str, str]]:
    """(code, Chinese name, English name, colour) in the fair's order."""
    rows = session.execute(
        select(Category.code, Category.name_zh, Category.name_en, Category.color).order_by(
            Category.sort_order
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]
