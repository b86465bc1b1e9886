"""The append-only event log: one row per domain action, the audit trail and the sync outbox.

Rows are written only by ``expo.unit_of_work.UnitOfWork`` at commit, in the same transaction as
the change they describe, and never updated or deleted (triggers refuse it; see migration 0108).
``event_subject`` indexes the UUIDs an event touched, so "everything that happened to this
visitor" is an index lookup rather than a scan of JSON.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from expo.models.base import Base
from expo.models.types import UTCDateTime


class EventRecord(Base):
    __tablename__ = "event_log"

    # Local order of commits on this station; sync uses ``uuid``, never this id.
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    # The station's clock when it acted (aware UTC); the server's order comes with sync.
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    station: Mapped[str] = mapped_column(String(64), index=True)
    user: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    # The UUIDs of the rows it touched (visitors, badges, leads ...), as strings.
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What happened, in business terms: changes=[{field, old, new}], counts, batch, reason ...
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EventSubject(Base):
    __tablename__ = "event_subject"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event_log.id", ondelete="CASCADE"), primary_key=True
    )
    subject: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)

    __table_args__ = (Index("ix_event_subject_subject", "subject", "event_id"),)
