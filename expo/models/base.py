"""Declarative base, naming conventions and the mixin every station-created row carries."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import MetaData, Table, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from expo.models.types import UTCDateTime, utcnow

# Stable constraint names: Alembic batch migrations on SQLite need them to alter tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """A row that a station may create: a UUID that is the same on every station, and timestamps.

    Integer ids are local conveniences (CLI arguments, foreign keys); the UUID is the identity that
    sync carries between stations.
    """

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for bulk inserts and driver-level reads."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
