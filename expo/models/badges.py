"""Badges (signed codes) and check-ins at the registration desks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from expo.models.base import Base, SyncedMixin
from expo.models.enums import CheckInKind, str_enum
from expo.models.types import UTCDateTime, utcnow

# The predicates of the partial unique indexes, spelled exactly as queries must spell them for
# SQLite to use the index (a bound parameter in place of 'entry' would not match).
LIVE_BADGE = "revoked_at IS NULL"
LIVE_ENTRY = "kind = 'entry' AND undone_at IS NULL"


class Badge(SyncedMixin, Base):
    """A visitor's badge. A reissue bumps ``serial``: a new code; the old one is revoked."""

    __tablename__ = "badge"
    __table_args__ = (
        UniqueConstraint("visitor_id", "serial", name="uq_badge_visitor_serial"),
        # One valid badge per visitor, whatever two desks do at the same moment.
        Index(
            "uq_badge_live",
            "visitor_id",
            unique=True,
            sqlite_where=text(LIVE_BADGE),
            postgresql_where=text(LIVE_BADGE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    serial: Mapped[int] = mapped_column(Integer, default=1)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # the signed payload in the QR
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reprint_count: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CheckIn(SyncedMixin, Base):
    """A visitor passing a desk. Append-only: an undo marks the row, it never deletes it."""

    __tablename__ = "check_in"
    __table_args__ = (
        Index("ix_check_in_visitor_at", "visitor_id", "at"),
        # One standing first entry per visitor: a second desk that scans the same badge at the
        # same moment cannot insert another, so it records a re-entry ("already").
        Index(
            "uq_check_in_live_entry",
            "visitor_id",
            unique=True,
            sqlite_where=text(LIVE_ENTRY),
            postgresql_where=text(LIVE_ENTRY),
        ),
        # The live figures read a day's check-ins from these alone (covering: no row lookups).
        Index("ix_check_in_at_cover", "at", "kind", "station_id", "undone_at", "visitor_id"),
        Index("ix_check_in_kind_at", "kind", "at", "undone_at", "visitor_id"),
        # Undone check-ins are few: the live figures notice an undo from this index alone.
        Index("ix_check_in_undone_at", "undone_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badge.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[CheckInKind] = mapped_column(str_enum(CheckInKind), default=CheckInKind.ENTRY)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RefusedScan(SyncedMixin, Base):
    """A scan the desk refused (invalid, unknown or revoked code), kept so refusals can be counted.

    The station is kept by name, not as a foreign key: a garbage scan at a desk that never checked
    anyone in must not create a station row. Re-entries ("already") are check-ins, not refusals.
    """

    __tablename__ = "refused_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_name: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(16))  # 'invalid' | 'unknown' | 'revoked'
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )  # the revoked badge's owner
    payload: Mapped[str] = mapped_column(String(80), default="")  # first 80 characters, cleaned


class BadgePrint(SyncedMixin, Base):
    """One printing of a badge (to a printer or a PDF), so reprints are logged, not just counted."""

    __tablename__ = "badge_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badge.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("station.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    layout: Mapped[str] = mapped_column(String(16), default="label")
