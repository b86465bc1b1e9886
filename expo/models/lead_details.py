"""What a factory adds to its leads: its own qualifying questions and their answers, free tags,
the salespeople of each booth station, business-card photos of buyers without a badge, and
follow-up message templates. Every row carries ``factory_id`` so each query filters by it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from expo.models.base import Base, SyncedMixin
from expo.models.enums import QuestionKind, str_enum
from expo.models.types import UTCDateTime, utcnow


class LeadQuestion(SyncedMixin, Base):
    """A qualifying question a factory asks its buyers ("monthly volume", "sells on ...")."""

    __tablename__ = "lead_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(
        ForeignKey("factory.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(200))
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # choices of one / many
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A removed question leaves the booth form; answers already given keep their meaning.
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class InquiryAnswer(Base):
    """One answer value of an inquiry: the text, the chosen option, or one of several chosen."""

    __tablename__ = "inquiry_answer"
    __table_args__ = (
        Index("ix_inquiry_answer_filter", "factory_id", "question_id", "value", "lead_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factory.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("lead_question.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(String(500))


class LeadTag(Base):
    """A factory's free tag on one of its leads ("样品已寄", "VIP")."""

    __tablename__ = "lead_tag"
    __table_args__ = (
        UniqueConstraint("lead_id", "tag", name="uq_lead_tag_lead_tag"),
        Index("ix_lead_tag_factory_tag", "factory_id", "tag", "lead_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factory.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(32))


class StationSalesperson(Base):
    """One name on a booth station's short list of salespeople."""

    __tablename__ = "station_salesperson"
    __table_args__ = (UniqueConstraint("station_id", "name", name="uq_station_salesperson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class LeadCardImage(SyncedMixin, Base):
    """A photo of a buyer's business card or WeChat contact card, re-encoded as a bounded JPEG."""

    __tablename__ = "lead_card_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factory.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("station.id", ondelete="SET NULL"))
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowUpTemplate(SyncedMixin, Base):
    """A follow-up message in the factory's own words, with placeholders filled per lead."""

    __tablename__ = "follow_up_template"
    __table_args__ = (UniqueConstraint("factory_id", "name", name="uq_follow_up_template_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(
        ForeignKey("factory.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # wechat | sms
    body: Mapped[str] = mapped_column(Text)
