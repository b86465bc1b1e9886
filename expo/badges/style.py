"""How each visitor type is named and coloured on badges and at the desk."""

from __future__ import annotations

from dataclasses import dataclass

from expo.models import VisitorType


@dataclass(frozen=True)
class TypeStyle:
    label_zh: str
    label_en: str
    color: str  # dark enough for white text, and for a thermal printer's dithering


TYPE_STYLES: dict[VisitorType, TypeStyle] = {
    VisitorType.LIVESTREAMER: TypeStyle("直播达人", "Livestreamer", "#C62828"),
    VisitorType.XIAOHONGSHU: TypeStyle("小红书博主", "Xiaohongshu creator", "#AD1457"),
    VisitorType.TAOBAO: TypeStyle("淘宝天猫商家", "Taobao / Tmall seller", "#E65100"),
    VisitorType.CROSS_BORDER: TypeStyle("跨境电商", "Cross-border seller", "#1565C0"),
    VisitorType.COMMUNITY: TypeStyle("社区团购", "Community group-buying", "#2E7D32"),
    VisitorType.SMALL_SHOP: TypeStyle("小店零售", "Small shop / retail", "#6A1B9A"),
    VisitorType.WHOLESALER: TypeStyle("批发商", "Wholesaler", "#4E342E"),
    VisitorType.OTHER: TypeStyle("专业观众", "Trade visitor", "#37474F"),
}


def type_style(visitor_type: VisitorType | str) -> TypeStyle:
    try:
        return TYPE_STYLES[VisitorType(visitor_type)]
    except ValueError:
        return TYPE_STYLES[VisitorType.OTHER]
