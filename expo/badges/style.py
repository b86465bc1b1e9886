"""How each visitor type is coloured on badges and at the desk (names: expo.text.visitor_types)."""

from __future__ import annotations

from dataclasses import dataclass

from expo.models import VisitorType
from expo.text.visitor_types import VISITOR_TYPE_NAMES

# Dark enough for white text on the band, and for a thermal printer's dithering.
TYPE_COLORS: dict[VisitorType, str] = {
    VisitorType.LIVESTREAMER: "#C62828",
    VisitorType.XIAOHONGSHU: "#AD1457",
    VisitorType.TAOBAO: "#E65100",
    VisitorType.CROSS_BORDER: "#1565C0",
    VisitorType.COMMUNITY: "#2E7D32",
    VisitorType.SMALL_SHOP: "#6A1B9A",
    VisitorType.WHOLESALER: "#4E342E",
    VisitorType.OTHER: "#37474F",
}


@dataclass(frozen=True)
class TypeStyle:
    label_zh: str
    label_en: str
    color: str


def type_style(visitor_type: VisitorType | str) -> TypeStyle:
    try:
        kind = VisitorType(visitor_type)
    except ValueError:
        kind = VisitorType.OTHER
    zh, en = VISITOR_TYPE_NAMES[kind]
    return TypeStyle(zh, en, TYPE_COLORS[kind])
