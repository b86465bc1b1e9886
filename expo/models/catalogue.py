"""Exhibiting factories (with the TOP100 treasure-factory ratings) and their products."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.models.base import Base, SyncedMixin
from expo.models.types import Yuan

# The seven TOP100 rating dimensions, as (column, Chinese label, English label).
RATING_DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("rating_product", "产品力", "Product power (hit products, flexible customisation)"),
    ("rating_value", "性价比", "Value for money"),
    ("rating_quality", "品质", "Quality"),
    ("rating_brand", "品牌力", "Brand power (big-brand OEM, domestic alternatives)"),
    ("rating_tech", "技术力", "Tech (own design, patents)"),
    ("rating_fulfilment", "履约保障", "Fulfilment guarantee"),
    ("rating_social", "社媒热度", "Popularity on social platforms"),
)


class Factory(SyncedMixin, Base):
    __tablename__ = "factory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(128), index=True)
    name_en: Mapped[str | None] = mapped_column(String(200))  # pinyin or English name
    city: Mapped[str | None] = mapped_column(String(64))
    belt: Mapped[str | None] = mapped_column(String(64))  # industry belt, e.g. 佛山南海户外家具
    main_category: Mapped[str | None] = mapped_column(
        ForeignKey("category.code", ondelete="SET NULL"), index=True
    )
    other_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Keywords of the factory's hit products: two factories of one category that share one are
    # direct competitors and should not stand side by side.
    hit_products: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_area_m2: Mapped[int] = mapped_column(Integer, default=9)
    is_top100: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    top100_rank: Mapped[int | None] = mapped_column(Integer)
    # Ratings 0-100, set for TOP100 factories (RATING_DIMENSIONS names them).
    rating_product: Mapped[int | None] = mapped_column(SmallInteger)
    rating_value: Mapped[int | None] = mapped_column(SmallInteger)
    rating_quality: Mapped[int | None] = mapped_column(SmallInteger)
    rating_brand: Mapped[int | None] = mapped_column(SmallInteger)
    rating_tech: Mapped[int | None] = mapped_column(SmallInteger)
    rating_fulfilment: Mapped[int | None] = mapped_column(SmallInteger)
    rating_social: Mapped[int | None] = mapped_column(SmallInteger)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)

    products: Mapped[list[Product]] = relationship(
        back_populates="factory", cascade="all, delete-orphan", order_by="Product.sku"
    )

    def ratings(self) -> dict[str, int | None]:
        return {column: getattr(self, column) for column, _, _ in RATING_DIMENSIONS}


class Product(SyncedMixin, Base):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("factory_id", "sku", name="uq_product_factory_sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(
        ForeignKey("factory.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_pinyin: Mapped[str | None] = mapped_column(String(400))  # for search at the booth
    category: Mapped[str | None] = mapped_column(ForeignKey("category.code", ondelete="SET NULL"))
    moq: Mapped[int | None] = mapped_column(Integer)  # minimum order quantity, pieces
    price_min: Mapped[Decimal | None] = mapped_column(Yuan)
    price_max: Mapped[Decimal | None] = mapped_column(Yuan)
    customisable: Mapped[bool] = mapped_column(Boolean, default=False)
    oem: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    photo_path: Mapped[str | None] = mapped_column(String(500))

    factory: Mapped[Factory] = relationship(back_populates="products")
