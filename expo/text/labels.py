"""Labels people read for stored values (visitor types, sources), in Chinese and English."""

from __future__ import annotations

from expo.models import VisitorSource, VisitorType

VISITOR_TYPE_LABELS: dict[VisitorType, tuple[str, str]] = {
    VisitorType.LIVESTREAMER: ("抖音/快手主播", "Douyin/Kuaishou livestreamer"),
    VisitorType.XIAOHONGSHU: ("小红书博主", "Xiaohongshu blogger"),
    VisitorType.TAOBAO: ("淘宝/天猫卖家", "Taobao/Tmall seller"),
    VisitorType.CROSS_BORDER: ("跨境卖家", "Cross-border seller"),
    VisitorType.COMMUNITY: ("社区团购", "Community e-commerce"),
    VisitorType.SMALL_SHOP: ("小店/零售", "Small shop / retail"),
    VisitorType.WHOLESALER: ("批发商", "Wholesaler"),
    VisitorType.OTHER: ("其他", "Other"),
}

# Colours by visitor type: the badge band and the desk's tags use the same ones.
VISITOR_TYPE_COLORS: dict[VisitorType, str] = {
    VisitorType.LIVESTREAMER: "#E5483F",
    VisitorType.XIAOHONGSHU: "#FF2E63",
    VisitorType.TAOBAO: "#FF7A00",
    VisitorType.CROSS_BORDER: "#1E6FD9",
    VisitorType.COMMUNITY: "#2E9E5B",
    VisitorType.SMALL_SHOP: "#8E5BD0",
    VisitorType.WHOLESALER: "#5C6B7A",
    VisitorType.OTHER: "#9AA5B1",
}

SOURCE_LABELS: dict[VisitorSource, tuple[str, str]] = {
    VisitorSource.PREREGISTERED: ("预登记", "Pre-registered"),
    VisitorSource.WALK_IN: ("现场登记", "Walk-in"),
}


def visitor_type_label(value: VisitorType | str, english: bool = False) -> str:
    zh, en = VISITOR_TYPE_LABELS[VisitorType(value)]
    return en if english else zh
