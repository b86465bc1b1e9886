"""Visitor types from the labels people actually write in registration sheets.

Partners write 抖音主播, 快手, 小红书博主, 淘宝店主, 跨境电商, 社区团购, 花店/小店, 批发 ... or the
English words, or our own codes. A label is matched whole first, then by the longest keyword it
contains (``花店/小店`` holds 花店: a small shop). Labels that match nothing are None: the importer
files them as "other" and says so.
"""

from __future__ import annotations

from functools import lru_cache

from expo.models import VisitorType
from expo.text.clean import fold_for_search
from expo.text.labels import VISITOR_TYPE_LABELS

_KEYWORDS: dict[VisitorType, tuple[str, ...]] = {
    VisitorType.LIVESTREAMER: (
        "主播",
        "抖音",
        "快手",
        "直播",
        "带货",
        "视频号",
        "达人",
        "网红",
        "livestream",
        "streamer",
        "douyin",
        "tiktok",
        "kuaishou",
        "kol",
    ),
    VisitorType.XIAOHONGSHU: (
        "小红书",
        "红书",
        "博主",
        "种草",
        "xiaohongshu",
        "rednote",
        "blogger",
        "influencer",
    ),
    VisitorType.TAOBAO: (
        "淘宝店主",
        "淘宝",
        "天猫",
        "网店",
        "拼多多",
        "京东",
        "电商卖家",
        "店铺",
        "taobao",
        "tmall",
        "pinduoduo",
        "onlineseller",
        "ecommerce",
    ),
    VisitorType.CROSS_BORDER: (
        "跨境",
        "外贸",
        "出口",
        "亚马逊",
        "速卖通",
        "shopee",
        "temu",
        "amazon",
        "aliexpress",
        "crossborder",
        "export",
    ),
    VisitorType.COMMUNITY: (
        "社区团购",
        "团购",
        "团长",
        "社群",
        "私域",
        "微商",
        "community",
        "groupbuy",
    ),
    VisitorType.SMALL_SHOP: (
        "花店",
        "小店",
        "实体店",
        "门店",
        "店主",
        "零售",
        "便利店",
        "精品店",
        "shop",
        "store",
        "retail",
        "florist",
    ),
    VisitorType.WHOLESALER: (
        "批发",
        "经销",
        "代理",
        "采购",
        "贸易",
        "分销",
        "wholesale",
        "distributor",
        "trader",
        "buyer",
    ),
    VisitorType.OTHER: ("其他", "其它", "other"),
}

_EXACT: dict[str, VisitorType] = {}
for _type in VisitorType:
    _EXACT[_type.value] = _type
    _EXACT[fold_for_search(_type.value.replace("_", ""))] = _type
    for _name in VISITOR_TYPE_LABELS[_type]:
        _EXACT[fold_for_search(_name)] = _type
for _type, _words in _KEYWORDS.items():
    for _word in _words:
        _EXACT.setdefault(fold_for_search(_word), _type)

# Longest first: 社区团购 is community group-buying before 团购 or 店 match anything else.
_BY_LENGTH: list[tuple[str, VisitorType]] = sorted(
    ((fold_for_search(w), t) for t, words in _KEYWORDS.items() for w in words),
    key=lambda item: len(item[0]),
    reverse=True,
)


@lru_cache(maxsize=4096)
def visitor_type_from_label(label: str | None) -> VisitorType | None:
    """The visitor type a label means, or None if it means none of them (or is empty)."""
    if label is None:
        return None
    folded = fold_for_search(label).replace("-", "").replace("_", "")
    if not folded:
        return None
    found = _EXACT.get(folded)
    if found is not None:
        return found
    for word, visitor_type in _BY_LENGTH:
        if word in folded:
            return visitor_type
    return None
