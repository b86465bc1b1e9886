"""Which stretch of time a report covers, in the event's time zone, and the SQL that buckets it.

Days and 15-minute buckets are the fair's local ones (``Event.timezone``): a check-in at 23:59
local time belongs to that day even though in UTC it may be another. The window is turned into
UTC instants once, so every query filters the indexed ``at`` column with a plain range, and a
bucket is ``(epoch(at) - epoch(start)) / 900`` computed in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Integer, cast, extract, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from expo.models import CheckIn
from expo.models.types import UTCDateTime, utcnow
from expo.services.checkin import event_zone

BUCKET_SECONDS = 15 * 60
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# "The whole fair" with no dates known: every instant a database can hold.
_BEGINNING = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_END = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ReportWindow:
    """A local day of the fair (``day``) or the whole fair (``day`` None), as UTC instants."""

    day: dt.date | None
    zone: ZoneInfo
    start: dt.datetime  # aware UTC, inclusive
    end: dt.datetime  # aware UTC, exclusive

    @property
    def label(self) -> str:
        return self.day.isoformat() if self.day else "全程 whole fair"

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def bucket_start(self, index: int) -> dt.datetime:
        """The local time bucket ``index`` starts at."""
        return self.local(self.start + dt.timedelta(seconds=BUCKET_SECONDS * index))

    @property
    def buckets(self) -> int:
        return max(0, int((self.end - self.start).total_seconds()) // BUCKET_SECONDS)


def day_window(zone: ZoneInfo, day: dt.date) -> ReportWindow:
    """Local midnight to local midnight (23 or 25 hours on a daylight-saving day)."""
    start = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return ReportWindow(day, zone, start, end)


def whole_fair(zone: ZoneInfo) -> ReportWindow:
    return ReportWindow(None, zone, _BEGINNING, _END)


def report_window(session: Session, day: dt.date | None) -> ReportWindow:
    zone = event_zone(session)
    return day_window(zone, day) if day is not None else whole_fair(zone)


def local_today(session: Session) -> dt.date:
    return utcnow().astimezone(event_zone(session)).date()


def fair_days(session: Session) -> list[dt.date]:
    """The local days from the first check-in to the last (from the ``at`` index: two seeks)."""
    # Two statements: SQLite seeks the index for a lone min() or max(), but scans it for both.
    first = session.scalar(select(type_coerce(func.min(CheckIn.at), UTCDateTime)))
    last = session.scalar(select(type_coerce(func.max(CheckIn.at), UTCDateTime)))
    if first is None or last is None:
        return []
    zone = event_zone(session)
    day, last_day = first.astimezone(zone).date(), last.astimezone(zone).date()
    days = []
    while day <= last_day:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def default_day(session: Session) -> dt.date:
    """Today at the fair, or the last day with check-ins when there are none today."""
    today = local_today(session)
    days = fair_days(session)
    if not days or today in days:
        return today
    return days[-1]


def epoch_seconds(session: Session, column: Any) -> ColumnElement[int]:
    """Seconds since 1970 of a UTC timestamp column, in SQL (SQLite stores naive UTC text)."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(extract("epoch", column), BigInteger)


def to_epoch(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def bucket_of(session: Session, column: Any, window: ReportWindow) -> ColumnElement[int]:
    """The 15-minute bucket of ``column`` counted from the window's start, in SQL."""
    return (epoch_seconds(session, column) - to_epoch(window.start)) // BUCKET_SECONDS
