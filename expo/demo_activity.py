"""The fair in motion for the demo and the benchmarks: check-ins at the desks over the fair's
days, refused scans and inquiries at the booths, seeded and written with Core bulk inserts.

Times follow a fair's day in the event's time zone: doors at 09:00, a morning rush, a lunch dip,
closing at 18:00. Most pre-registered visitors come (on one day or several, with re-entries);
a few walk-ins register at the desks. Inquiries go to the factories, TOP100 ones drawing about
twice the share of the others, each about one to three of the factory's products; a buyer's
inquiries at a factory share one lead.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from expo.actors import Actor, system_actor
from expo.db import EventDatabase
from expo.models import (
    CheckIn,
    CheckInKind,
    Event,
    Factory,
    Inquiry,
    Lead,
    LeadRating,
    Product,
    RefusedScan,
    Station,
    StationKind,
    Visitor,
    inquiry_product,
)
from expo.models.base import table_of
from expo.progress import Progress
from expo.services.checkin import event_zone

BATCH = 20_000
DESKS = 8
# Share of the day's arrivals by hour from 09:00: the rush, the lunch dip, the afternoon.
HOURLY_WEIGHTS = (22, 18, 12, 7, 9, 10, 9, 7, 6)


@dataclass(frozen=True)
class ActivityOptions:
    check_ins: int = 500_000
    inquiries: int = 50_000
    refused_share: float = 0.02  # refused scans per check-in
    days: int = 3
    seed: int = 2026


@dataclass(frozen=True)
class ActivityResult:
    check_ins: int
    refused: int
    inquiries: int
    leads: int
    days: list[dt.date]


def _moment(rng: random.Random, day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    hour = rng.choices(range(len(HOURLY_WEIGHTS)), weights=HOURLY_WEIGHTS)[0]
    local = dt.datetime.combine(day, dt.time(9 + hour), zone) + dt.timedelta(
        seconds=rng.random() * 3600
    )
    return local.astimezone(dt.UTC)


def add_activity(
    db: EventDatabase,
    options: ActivityOptions = ActivityOptions(),
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> ActivityResult:
    """Add check-ins, refused scans and inquiries to the demo fair in ``db`` (one transaction)."""
    progress = progress or Progress()
    rng = random.Random(options.seed)
    with db.write(actor or system_actor("Demo")) as session:
        zone = event_zone(session)
        starts_on = session.scalar(select(Event.starts_on).limit(1)) or dt.date.today()
        days = [starts_on + dt.timedelta(days=i) for i in range(options.days)]
        stations = _desks(session)
        visitor_ids = list(session.scalars(select(Visitor.id).order_by(Visitor.id)))
        if not visitor_ids:
            return ActivityResult(0, 0, 0, 0, days)
        check_ins = _check_in_rows(rng, visitor_ids, stations, days, zone, options.check_ins)
        progress.update(0, len(check_ins) + options.inquiries, "check-ins")
        table = table_of(CheckIn)
        for start in range(0, len(check_ins), BATCH):
            progress.check()
            session.execute(insert(table), check_ins[start : start + BATCH])
            progress.update(start + BATCH, message="check-ins")
        refused = _refused_rows(
            rng, stations, days, zone, int(len(check_ins) * options.refused_share)
        )
        session.execute(insert(table_of(RefusedScan)), refused)
        # Buyers at the booths came through the doors (any visitor, when no check-in was made).
        arrived = sorted({row["visitor_id"] for row in check_ins}) or visitor_ids
        inquiries, leads = _add_inquiries(
            session, rng, arrived, days, zone, options.inquiries, progress, len(check_ins)
        )
    db.checkpoint()
    return ActivityResult(len(check_ins), len(refused), inquiries, leads, days)


def _desks(session: Session) -> list[tuple[int, str]]:
    stations = []
    for number in range(1, DESKS + 1):
        name = f"签到台 {number}"
        station_id = session.scalar(select(Station.id).where(Station.name == name))
        if station_id is None:
            station = Station(name=name, kind=StationKind.DESK)
            session.add(station)
            session.flush()
            station_id = station.id
        stations.append((station_id, name))
    return stations


def _check_in_rows(
    rng: random.Random,
    visitor_ids: list[int],
    stations: list[tuple[int, str]],
    days: list[dt.date],
    zone: dt.tzinfo,
    total: int,
) -> list[dict[str, Any]]:
    """About 85 % of the visitors come; the rest of ``total`` are re-entries on later visits."""
    arrivals = min(len(visitor_ids), int(total * 0.34), int(len(visitor_ids) * 0.85))
    comers = rng.sample(visitor_ids, arrivals)
    # Desks differ: the first is slow (a new volunteer), the last two get the rush.
    desk_weights = [1, 3, 3, 3, 3, 3, 5, 5][: len(stations)]
    visits: list[tuple[dt.datetime, int]] = []
    for visitor_id in comers:
        visits.append((_moment(rng, rng.choice(days), zone), visitor_id))
    while len(visits) < total:
        visits.append((_moment(rng, rng.choice(days), zone), rng.choice(comers)))
    visits.sort()
    seen: set[int] = set()
    rows = []
    for at, visitor_id in visits:
        station_id = rng.choices(stations, weights=desk_weights)[0][0]
        kind = CheckInKind.RE_ENTRY if visitor_id in seen else CheckInKind.ENTRY
        seen.add(visitor_id)
        rows.append(
            {
                "visitor_id": visitor_id,
                "station_id": station_id,
                "at": at,
                "kind": kind,
                "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                "created_at": at,
                "updated_at": at,
            }
        )
    return rows


def _refused_rows(
    rng: random.Random,
    stations: list[tuple[int, str]],
    days: list[dt.date],
    zone: dt.tzinfo,
    count: int,
) -> list[dict[str, Any]]:
    reasons = ("invalid", "unknown", "revoked")
    rows = []
    for _ in range(count):
        at = _moment(rng, rng.choice(days), zone)
        reason = rng.choices(reasons, weights=(6, 3, 1))[0]
        rows.append(
            {
                "station_name": rng.choice(stations)[1],
                "at": at,
                "reason": reason,
                "visitor_id": None,
                "payload": "EXPO1." + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ234567", k=20)),
                "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                "created_at": at,
                "updated_at": at,
            }
        )
    return rows


def _add_inquiries(
    session: Session,
    rng: random.Random,
    buyers: list[int],
    days: list[dt.date],
    zone: dt.tzinfo,
    count: int,
    progress: Progress,
    done: int,
) -> tuple[int, int]:
    factories = session.execute(select(Factory.id, Factory.is_top100)).all()
    if not factories or not buyers or count <= 0:
        return 0, 0
    products: dict[int, list[int]] = {}
    for product_id, factory_id in session.execute(select(Product.id, Product.factory_id)):
        products.setdefault(factory_id, []).append(product_id)
    factories = [f for f in factories if products.get(f[0])]
    weights = [2.0 if top100 else 1.0 for _, top100 in factories]
    first_lead = (session.scalar(select(func.max(Lead.id))) or 0) + 1
    first_inquiry = (session.scalar(select(func.max(Inquiry.id))) or 0) + 1
    leads: dict[tuple[int, int], int] = {}
    lead_rows: list[dict[str, Any]] = []
    inquiry_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    ratings = (LeadRating.HOT, LeadRating.WARM, LeadRating.COLD, None)
    for number in range(count):
        factory_id = rng.choices(factories, weights=weights)[0][0]
        visitor_id = rng.choice(buyers)
        at = _moment(rng, rng.choice(days), zone)
        rating = rng.choices(ratings, weights=(1, 3, 2, 4))[0]
        lead_id = leads.get((factory_id, visitor_id))
        if lead_id is None:
            lead_id = leads[(factory_id, visitor_id)] = first_lead + len(lead_rows)
            lead_rows.append(
                {
                    "id": lead_id,
                    "factory_id": factory_id,
                    "visitor_id": visitor_id,
                    "rating": rating,
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "created_at": at,
                    "updated_at": at,
                }
            )
        inquiry_id = first_inquiry + number
        inquiry_rows.append(
            {
                "id": inquiry_id,
                "lead_id": lead_id,
                "factory_id": factory_id,
                "visitor_id": visitor_id,
                "quantity": rng.choice((None, 100, 500, 1000, 5000)),
                "rating": rating,
                "at": at,
                "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                "created_at": at,
                "updated_at": at,
            }
        )
        own = products[factory_id]
        for product_id in rng.sample(own, min(len(own), rng.choice((1, 1, 2, 3)))):
            link_rows.append({"inquiry_id": inquiry_id, "product_id": product_id})
    session.execute(insert(table_of(Lead)), lead_rows)
    for start in range(0, len(inquiry_rows), BATCH):
        progress.check()
        session.execute(insert(table_of(Inquiry)), inquiry_rows[start : start + BATCH])
        progress.update(done + start + BATCH, message="inquiries")
    session.execute(insert(inquiry_product), link_rows)
    return len(inquiry_rows), len(lead_rows)
