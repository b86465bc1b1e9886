"""People who sign in at stations: organisers, desk staff and booth staff (bound to a factory).

PINs are stored only as argon2 hashes. Failed tries are counted here, in the database, so a
restart does not reset the slow-down that guards a PIN against guessing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from expo.models.base import Base
from expo.models.types import UTCDateTime, utcnow


class User(Base):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # expo.actors.Role
    # Booth staff see and write this factory's catalogue, leads and inquiries only.
    factory_id: Mapped[int | None] = mapped_column(
        ForeignKey("factory.id", ondelete="SET NULL"), index=True
    )
    pin_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_tries: Mapped[int] = mapped_column(Integer, default=0)
    # No try is checked before this time (it grows with each failed try).
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
