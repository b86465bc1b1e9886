"""Named values stored as short strings (portable: no database enum types)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum


class VisitorType(StrEnum):
    LIVESTREAMER = "livestreamer"  # Douyin / Kuaishou livestreamer
    XIAOHONGSHU = "xiaohongshu"  # Xiaohongshu blogger
    TAOBAO = "taobao"  # Taobao / Tmall seller
    CROSS_BORDER = "cross_border"
    COMMUNITY = "community"  # community group-buying e-commerce
    SMALL_SHOP = "small_shop"  # small shop / retail (the florist buying pots)
    WHOLESALER = "wholesaler"
    OTHER = "other"


class VisitorSource(StrEnum):
    PREREGISTERED = "prereg"
    WALK_IN = "walkin"


class BoothKind(StrEnum):
    STANDARD = "standard"  # 3 x 3 m shell scheme
    DOUBLE = "double"  # 6 x 3 m
    RAW = "raw"  # raw space, 36 m2 and up
    ISLAND = "island"  # open on four sides


class StationKind(StrEnum):
    DESK = "desk"  # registration desk
    BOOTH = "booth"  # a factory's stand
    OFFICE = "office"  # organisers' office


class CheckInKind(StrEnum):
    ENTRY = "entry"
    RE_ENTRY = "re_entry"


class LeadRating(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


class QuestionKind(StrEnum):
    """How a factory's qualifying question is answered."""

    TEXT = "text"  # free text
    ONE = "one"  # one of the options
    MANY = "many"  # any of the options


def str_enum(enum_class: type[StrEnum], length: int = 20) -> Enum:
    """A VARCHAR column holding the enum's values (not its member names)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=_values,
        validate_strings=True,
    )


def _values(enum_class: Any) -> list[str]:
    return [member.value for member in enum_class]
