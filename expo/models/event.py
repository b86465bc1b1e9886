"""The event itself, its stations and the fair's product categories."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from expo.models.base import Base
from expo.models.enums import StationKind, str_enum
from expo.models.types import UTCDateTime, utcnow


class Event(Base):
    """One row: the fair this database file belongs to."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(64))
    venue: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # Per-event HMAC key (hex) that signs badge codes, so any station can verify them offline.
    badge_secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Station(Base):
    """A computer that acts: a registration desk, a factory's booth, the organisers' office."""

    __tablename__ = "station"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[StationKind] = mapped_column(str_enum(StationKind), default=StationKind.DESK)
    # A booth station is bound to one factory: it sees that factory's leads only.
    factory_id: Mapped[int | None] = mapped_column(
        ForeignKey("factory.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Category(Base):
    """A product category of the fair (宅经济, 露营 ...); factories cluster by it in the halls."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    color: Mapped[str] = mapped_column(String(7), default="#888888")  # for plans and badges
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
