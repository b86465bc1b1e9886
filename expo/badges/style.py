"""A visitor type's look on a badge: its names and colour, from ``expo.text.labels``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from expo.models import VisitorType
from expo.text.labels import VISITOR_TYPE_COLORS, VISITOR_TYPE_LABELS


@dataclass(frozen=True)
class TypeStyle:
    label_zh: str
    label_en: str
    color: str


@cache
def _style(kind: VisitorType) -> TypeStyle:
    zh, en = VISITOR_TYPE_LABELS[kind]
    return TypeStyle(zh, en, VISITOR_TYPE_COLORS[kind])


def type_style(visitor_type: VisitorType | str) -> TypeStyle:
    try:
        kind = VisitorType(visitor_type)
    except ValueError:
        kind = VisitorType.OTHER
    return _style(kind)
