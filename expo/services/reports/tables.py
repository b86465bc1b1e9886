"""The figure tables: one definition each, printed in the daily report, written as XLSX sheets
and shown on the dashboard. ``keys`` carries the drill key of each row (what a click lists)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from expo.services.reports.charts import REFUSAL_LABELS
from expo.services.reports.drill import DrillKind
from expo.services.reports.figures import Figures
from expo.text.labels import visitor_type_label


@dataclass(frozen=True)
class FigureTable:
    name: str  # short key, also the XLSX sheet's order
    title: str  # Chinese and English
    headers: tuple[str, ...]
    rows: Sequence[tuple[object, ...]]
    drill: str = ""
    keys: tuple[str, ...] = ()


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _maybe(value: float | None, digits: int = 1) -> object:
    return None if value is None else round(value, digits)


def summary_table(figures: Figures) -> FigureTable:
    a = figures.arrivals
    i = figures.inquiries
    return FigureTable(
        "summary",
        "概况 Summary",
        ("指标 Figure", "数值 Value"),
        [
            ("入场 Arrived (first entries)", a.first_entries),
            ("其中现场登记 of which walk-ins", a.first_entries_walk_ins),
            ("再入场 Re-entries", a.re_entries),
            ("累计到场 Arrived so far", a.arrived),
            ("累计到场预登记 Arrived, pre-registered", a.arrived_preregistered),
            ("累计到场现场登记 Arrived, walk-ins", a.arrived_walk_ins),
            ("预登记 Pre-registered", a.preregistered),
            ("现场登记 Walk-ins registered", a.walk_ins),
            ("未到场 No-shows so far", a.no_shows),
            (
                "拒绝扫描 Refused scans",
                sum(v for k, v in figures.refused.items() if k != "already"),
            ),
            ("询盘 Inquiries", i.total),
            ("询盘买家 Buyers asking", i.buyers),
            ("热线索 Hot leads", i.hot_leads),
        ],
    )


def arrivals_table(figures: Figures) -> FigureTable:
    rows = [
        (figures.bucket_label(index), entries, again, entries + again)
        for index, (entries, again) in figures.arrivals_per_bucket.items()
    ]
    return FigureTable(
        "arrivals",
        "每15分钟入场 Arrivals per 15 minutes",
        ("时段 From", "入场 First entries", "再入场 Re-entries", "合计 Total"),
        rows,
        DrillKind.ARRIVALS_BUCKET,
        tuple(str(index) for index in figures.arrivals_per_bucket),
    )


def desks_table(figures: Figures) -> FigureTable:
    return FigureTable(
        "desks",
        "签到台 Desks",
        (
            "签到台 Desk",
            "签到 Scans",
            "拒绝 Refused",
            "扫描间隔中位数(秒) Median gap s",
            "服务率/分 Service /min",
            "最近15分钟 Last 15 min",
            "到达率/分 Arrivals /min",
            "负荷 Load %",
            "排队估计 Queue",
            "建议 Advice",
        ),
        [
            (
                desk.station,
                desk.scans,
                desk.refused,
                _maybe(desk.median_gap_s),
                _maybe(desk.service_per_min),
                round(desk.arrivals_per_min * 15),
                round(desk.arrivals_per_min, 1),
                None if desk.utilisation is None else round(100 * desk.utilisation),
                _maybe(desk.queue_estimate)
                if desk.queue_estimate is not None or desk.utilisation is None
                else "∞",
                desk.advice,
            )
            for desk in figures.desks
        ],
        DrillKind.DESK,
        tuple(desk.station for desk in figures.desks),
    )


def desk_buckets_table(figures: Figures) -> FigureTable:
    """Scans per desk and quarter hour: one row per quarter hour with a scan, one column a desk."""
    desks = [desk for desk in figures.desks if desk.per_bucket]
    buckets = sorted({index for desk in desks for index in desk.per_bucket})
    return FigureTable(
        "desk_buckets",
        "各签到台每15分钟 Desk scans per 15 minutes",
        ("时段 From", *(desk.station for desk in desks)),
        [
            (figures.bucket_label(index), *(desk.per_bucket.get(index, 0) for desk in desks))
            for index in buckets
        ],
    )


def refused_table(figures: Figures) -> FigureTable:
    return FigureTable(
        "refused",
        "拒绝扫描 Refused scans",
        ("原因 Reason", "次数 Scans"),
        [(REFUSAL_LABELS.get(reason, reason), count) for reason, count in figures.refused.items()],
        DrillKind.REFUSED,
        tuple(figures.refused),
    )


def types_table(figures: Figures) -> FigureTable:
    registered = sum(mix.registered for mix in figures.types)
    arrived = sum(mix.arrived for mix in figures.types)
    return FigureTable(
        "types",
        "观众类型 Visitor types",
        ("类型 Type", "预登记 Pre-registered", "%", "已到 Arrived", "% ", "到场率 Show-up %"),
        [
            (
                visitor_type_label(mix.visitor_type),
                mix.registered,
                _share(mix.registered, registered),
                mix.arrived,
                _share(mix.arrived, arrived),
                _share(mix.arrived, mix.registered),
            )
            for mix in figures.types
        ],
        DrillKind.VISITOR_TYPE,
        tuple(mix.visitor_type.value for mix in figures.types),
    )


def halls_table(figures: Figures) -> FigureTable:
    halls = figures.inquiries.by_hall
    return FigureTable(
        "halls",
        "各展馆询盘 Inquiries per hall",
        ("展馆 Hall", "名称 Name", "工厂 Factories", "询盘 Inquiries"),
        [(hall.code, hall.name, hall.factories, hall.inquiries) for hall in halls],
        DrillKind.HALL,
        tuple(hall.code for hall in halls),
    )


def top100_table(figures: Figures) -> FigureTable:
    i = figures.inquiries
    return FigureTable(
        "top100",
        "宝藏工厂与其他 TOP100 vs the rest",
        ("组 Group", "工厂 Factories", "询盘 Inquiries", "平均 Mean per factory"),
        [
            ("宝藏工厂 TOP100", i.top100_factories, i.top100_inquiries, round(i.top100_mean, 1)),
            ("其他工厂 Others", i.rest_factories, i.rest_inquiries, round(i.rest_mean, 1)),
        ],
        DrillKind.TOP100,
        ("top100", "rest"),
    )


def factories_table(figures: Figures, limit: int | None = None) -> FigureTable:
    factories = figures.inquiries.factories[:limit] if limit else figures.inquiries.factories
    return FigureTable(
        "factories",
        "各工厂询盘 Inquiries per factory",
        ("工厂 Factory", "TOP100", "展位 Booth", "询盘 Inquiries", "买家 Buyers", "热线索 Hot"),
        [
            (f.name, "★" if f.top100 else "", f.booth or "", f.inquiries, f.buyers, f.hot_leads)
            for f in factories
        ],
        DrillKind.FACTORY,
        tuple(str(f.factory_id) for f in factories),
    )


def products_table(figures: Figures) -> FigureTable:
    products = figures.inquiries.products
    return FigureTable(
        "products",
        "热门产品 Most-asked products",
        ("货号 SKU", "产品 Product", "工厂 Factory", "询盘 Inquiries"),
        [(p.sku, p.name, p.factory, p.inquiries) for p in products],
        DrillKind.PRODUCT,
        tuple(str(p.product_id) for p in products),
    )


def categories_table(figures: Figures) -> FigureTable:
    categories = figures.inquiries.categories
    return FigureTable(
        "categories",
        "热门品类 Most-asked categories",
        ("品类 Category", "询盘产品次数 Mentions"),
        [(c.name, c.inquiries) for c in categories],
        DrillKind.CATEGORY,
        tuple(c.code or "" for c in categories),
    )


def figure_tables(figures: Figures, *, factory_limit: int | None = None) -> list[FigureTable]:
    return [
        summary_table(figures),
        arrivals_table(figures),
        desks_table(figures),
        desk_buckets_table(figures),
        refused_table(figures),
        types_table(figures),
        halls_table(figures),
        top100_table(figures),
        factories_table(figures, factory_limit),
        products_table(figures),
        categories_table(figures),
    ]
