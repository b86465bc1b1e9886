"""Exhibition halls and their booths (rectangles in metres)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.models.base import Base
from expo.models.enums import BoothKind, str_enum


class Hall(Base):
    __tablename__ = "hall"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "A", used in booth codes
    name: Mapped[str] = mapped_column(String(64))
    width_m: Mapped[float] = mapped_column(Float)
    depth_m: Mapped[float] = mapped_column(Float)
    # Entrances as [[x, y], ...] in metres on the hall's outline: prominence decays from them.
    entrances: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    booths: Mapped[list[Booth]] = relationship(
        back_populates="hall", cascade="all, delete-orphan", order_by="Booth.code"
    )


class Booth(Base):
    __tablename__ = "booth"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # "A-12"
    x_m: Mapped[float] = mapped_column(Float)  # top-left corner in the hall, metres
    y_m: Mapped[float] = mapped_column(Float)
    width_m: Mapped[float] = mapped_column(Float)
    depth_m: Mapped[float] = mapped_column(Float)
    kind: Mapped[BoothKind] = mapped_column(str_enum(BoothKind), default=BoothKind.STANDARD)
    is_corner: Mapped[bool] = mapped_column(Boolean, default=False)
    on_main_aisle: Mapped[bool] = mapped_column(Boolean, default=False)
    near_entrance: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from the distance to an entrance unless the organiser set it by hand (a side door
    # the plan does not show, an entrance closed during the fair).
    near_entrance_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    # 0-100: how much a visitor sees this booth. Derived from the flags above and the distance to
    # an entrance unless the organiser set it by hand (prominence_manual).
    prominence: Mapped[float] = mapped_column(Float, default=0.0)
    prominence_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    factory_id: Mapped[int | None] = mapped_column(
        ForeignKey("factory.id", ondelete="SET NULL"), index=True
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # the assignment keeps it as is
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)  # not offered to any factory
    notes: Mapped[str | None] = mapped_column(Text)

    hall: Mapped[Hall] = relationship(back_populates="booths")

    @hybrid_property
    def area_m2(self) -> float:
        return self.width_m * self.depth_m


class BoothExclusion(Base):
    """The organiser's rule "this factory never in this booth" (a rival's neighbour, a pillar
    in the way of its big machine); the assignment never offers the booth to the factory."""

    __tablename__ = "booth_exclusion"

    factory_id: Mapped[int] = mapped_column(
        ForeignKey("factory.id", ondelete="CASCADE"), primary_key=True
    )
    booth_id: Mapped[int] = mapped_column(
        ForeignKey("booth.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str | None] = mapped_column(String(200))
