"""A visitor type's look on a badge: its names and colours, from ``expo.text.labels``.

The band's text colour is chosen by contrast, so a light band (the grey of "other") gets
dark text and every type stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from expo.colors import text_color_on
from expo.models import VisitorType
from expo.text.labels import VISITOR_TYPE_COLORS, VISITOR_TYPE_LABELS


@dataclass(frozen=True)
class TypeStyle:
    label_zh: str
    label_en: str
    color: str  # the band
    text_color: str  # text printed on the band


@cache
def _style(kind: VisitorType) -> TypeStyle:
    zh, en = VISITOR_TYPE_LABELS[kind]
    color = VISITOR_TYPE_COLORS[kind]
    return TypeStyle(zh, en, color, text_color_on(color))


def type_style(visitor_type: VisitorType | str) -> TypeStyle:
    try:
        kind = VisitorType(visitor_type)
    except ValueError:
        kind = VisitorType.OTHER
    return _style(kind)
