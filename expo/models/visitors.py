"""Trade visitors, their search keys and the imports that brought them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.models.base import Base, SyncedMixin
from expo.models.enums import VisitorSource, VisitorType, str_enum
from expo.models.types import UTCDateTime, utcnow


class ImportBatch(SyncedMixin, Base):
    """One import of a registration file: what it brought, for filters and for the audit trail."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("station.id", ondelete="SET NULL"))
    created: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class Visitor(SyncedMixin, Base):
    __tablename__ = "visitor"
    # Pre-registered against walk-ins, by type: the dashboard's mix, counted from the index.

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    # Main pinyin reading without spaces ("zhangwei"), for sorting; every reading is a search key.
    name_pinyin: Mapped[str] = mapped_column(String(128), default="", index=True)
    company: Mapped[str | None] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164, "+8613800138000"
    phone_tail: Mapped[str | None] = mapped_column(String(4), index=True)  # last 4 digits
    wechat: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    visitor_type: Mapped[VisitorType] = mapped_column(
        str_enum(VisitorType), default=VisitorType.OTHER, index=True
    )
    city: Mapped[str | None] = mapped_column(
        String(64), index=True
    )  # the Visitors page sorts by it
    source: Mapped[VisitorSource] = mapped_column(
        str_enum(VisitorSource), default=VisitorSource.PREREGISTERED
    )
    # The platform's own pre-registration code, kept and searchable: visitors may show it.
    registration_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    consent_share: Mapped[bool] = mapped_column(Boolean, default=False)  # contact to exhibitors
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    created_by_station_id: Mapped[int | None] = mapped_column(
        ForeignKey("station.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(Text)
    # Optimistic locking: two stations editing the same visitor must not overwrite each other.
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    search_keys: Mapped[list[VisitorSearchKey]] = relationship(
        back_populates="visitor", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}
    # The Visitors page's "Source" column sorts by registration time.
    __table_args__ = (
        Index("ix_visitor_created_at", "created_at"),
        Index("ix_visitor_source_type", "source", "visitor_type"),
    )


class VisitorSearchKey(Base):
    """A prefix-searchable key of a visitor: each pinyin reading of the name, and its initials.

    Names with several readings (单 shan/dan, 曾 zeng/ceng ...) get one key per reading, so the
    desk finds the visitor whichever reading is typed. Derived data: rebuilt from the name.
    """

    __tablename__ = "visitor_search_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(128), index=True)

    visitor: Mapped[Visitor] = relationship(back_populates="search_keys")


class VisitorCompany(Base):
    """A company name as visitors wrote it, once, so it can be found by any fragment.

    Derived data, kept by ``expo.services.registry.index_companies``: every service that writes
    ``Visitor.company`` calls it. Names no visitor uses any more are harmless (they find nobody).
    """

    __tablename__ = "visitor_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # equal to Visitor.company
    folded: Mapped[str] = mapped_column(String(200))  # expo.text.fragments.fold_fragment(name)


class VisitorCompanyKey(Base):
    """A suffix of a company name (``expo.text.fragments``): a fragment search is a prefix scan."""

    __tablename__ = "visitor_company_key"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("visitor_company.id", ondelete="CASCADE"), primary_key=True
    )
