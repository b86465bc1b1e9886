"""Leads and inquiries logged at factory booths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.models.base import Base, SyncedMixin
from expo.models.catalogue import Product
from expo.models.enums import LeadRating, str_enum
from expo.models.types import UTCDateTime, Yuan, utcnow

inquiry_product = Table(
    "inquiry_product",
    Base.metadata,
    Column("inquiry_id", ForeignKey("inquiry.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("product.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_inquiry_product_product", "product_id", "inquiry_id"),  # most-asked products
)


class Lead(SyncedMixin, Base):
    """One buyer at one factory: the thing a factory follows up. Holds that buyer's inquiries."""

    __tablename__ = "lead"
    __table_args__ = (
        UniqueConstraint("factory_id", "visitor_id", name="uq_lead_factory_visitor"),
        Index("ix_lead_rating_factory", "rating", "factory_id"),  # hot leads per factory
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(
        ForeignKey("factory.id", ondelete="CASCADE"), index=True
    )
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[LeadRating | None] = mapped_column(str_enum(LeadRating))
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # Who took the lead: the salesperson of its first inquiry that names one.
    salesperson: Mapped[str | None] = mapped_column(String(64))
    # False while every inquiry of the lead was typed in by hand (no badge was scanned).
    verified_by_badge: Mapped[bool] = mapped_column(Boolean, default=True)
    # The buyer agreed at this factory's booth to share their contact (see leads.record_consent).
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    consent_station_id: Mapped[int | None] = mapped_column(
        ForeignKey("station.id", ondelete="SET NULL")
    )
    # What the booth typed for a buyer without a badge: the factory sees this, not the registry.
    given_name: Mapped[str | None] = mapped_column(String(64))
    given_company: Mapped[str | None] = mapped_column(String(200))
    given_phone: Mapped[str | None] = mapped_column(String(20))

    inquiries: Mapped[list[Inquiry]] = relationship(back_populates="lead", order_by="Inquiry.at")


class Inquiry(SyncedMixin, Base):
    """An append-only record of what a buyer asked a factory at its booth."""

    __tablename__ = "inquiry"
    # A factory's inquiries of a day and their buyers, from the index alone.
    __table_args__ = (Index("ix_inquiry_factory_at", "factory_id", "at", "visitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    factory_id: Mapped[int] = mapped_column(
        ForeignKey("factory.id", ondelete="CASCADE"), index=True
    )
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    station_id: Mapped[int | None] = mapped_column(ForeignKey("station.id", ondelete="SET NULL"))
    quantity: Mapped[int | None] = mapped_column(Integer)
    target_price: Mapped[Decimal | None] = mapped_column(Yuan)
    customisation: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[LeadRating | None] = mapped_column(str_enum(LeadRating))
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    badge_code: Mapped[str | None] = mapped_column(String(64))  # what was scanned, for audit
    salesperson: Mapped[str | None] = mapped_column(String(64))

    lead: Mapped[Lead] = relationship(back_populates="inquiries")
    products: Mapped[list[Product]] = relationship(
        secondary=inquiry_product, order_by="Product.sku"
    )
