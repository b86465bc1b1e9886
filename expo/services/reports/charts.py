"""One description per chart, drawn both on screen (pyqtgraph, ui/overview/charts.py) and into
the PDF (reportlab graphics, expo/services/reports/pdf_charts.py).

A ``ChartSpec`` is plain data: the kind of chart, its title, the category labels along the x
axis and one or more series of values. ``drill`` and ``keys`` say which rows a click on the bar
of label ``i`` lists (``expo.services.reports.drill``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from expo.services.reports.drill import DrillKind
from expo.services.reports.figures import Figures
from expo.text.labels import visitor_type_label

BLUE = "#3A78C9"
GREEN = "#3F9B4F"
AMBER = "#E8A33A"
RED = "#C9453A"
GREY = "#8A96A3"
GOLD = "#C9971C"

REFUSAL_LABELS = {
    "invalid": "无效 invalid",
    "unknown": "未知 unknown",
    "revoked": "已作废 revoked",
    "already": "再入场 already",
}
REFUSAL_COLORS = {"invalid": RED, "unknown": AMBER, "revoked": GREY, "already": BLUE}


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    color: str


@dataclass(frozen=True)
class ChartSpec:
    kind: str  # "bar" (series side by side) or "stacked" (series on top of each other)
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    drill: str = ""  # a DrillKind; "" when the bars list nothing
    keys: tuple[str, ...] = ()  # the drill key of each label
    y_title: str = ""

    @property
    def maximum(self) -> float:
        if not self.labels or not self.series:
            return 0.0
        if self.kind == "stacked":
            return max(sum(s.values[i] for s in self.series) for i in range(len(self.labels)))
        return max(max(s.values, default=0.0) for s in self.series)


def _busy_span(buckets: Mapping[int, object], pad: int = 1) -> range:
    """The buckets from the first to the last with a scan (the hours the doors were open)."""
    if not buckets:
        return range(0)
    first, last = min(buckets), max(buckets)
    return range(max(0, first - pad), last + pad + 1)


def arrivals_chart(figures: Figures) -> ChartSpec:
    span = _busy_span(figures.arrivals_per_bucket)
    entries = tuple(float(figures.arrivals_per_bucket.get(i, (0, 0))[0]) for i in span)
    again = tuple(float(figures.arrivals_per_bucket.get(i, (0, 0))[1]) for i in span)
    return ChartSpec(
        "stacked",
        f"每15分钟入场 Arrivals per 15 minutes · {figures.window.label}",
        tuple(figures.bucket_label(i) for i in span),
        (Series("入场 first entry", entries, BLUE), Series("再入场 re-entry", again, AMBER)),
        DrillKind.ARRIVALS_BUCKET,
        tuple(str(i) for i in span),
        "人次 check-ins",
    )


def desks_chart(figures: Figures) -> ChartSpec:
    desks = [desk for desk in figures.desks if desk.scans]
    return ChartSpec(
        "bar",
        "各签到台 Scans per desk",
        tuple(desk.station for desk in desks),
        (
            Series("签到 scans", tuple(float(desk.scans) for desk in desks), BLUE),
            Series("拒绝 refused", tuple(float(desk.refused) for desk in desks), RED),
        ),
        DrillKind.DESK,
        tuple(desk.station for desk in desks),
    )


def refused_chart(figures: Figures) -> ChartSpec:
    reasons = tuple(figures.refused)
    return ChartSpec(
        "bar",
        "拒绝与再入场 Refused scans by reason",
        tuple(REFUSAL_LABELS.get(r, r) for r in reasons),
        (Series("次数 scans", tuple(float(figures.refused[r]) for r in reasons), RED),),
        DrillKind.REFUSED,
        reasons,
    )


def type_mix_chart(figures: Figures) -> ChartSpec:
    registered = sum(mix.registered for mix in figures.types) or 1
    arrived = sum(mix.arrived for mix in figures.types) or 1
    return ChartSpec(
        "bar",
        "观众类型构成 Visitor type mix (%)",
        tuple(visitor_type_label(mix.visitor_type) for mix in figures.types),
        (
            Series(
                "预登记 pre-registered",
                tuple(round(100 * mix.registered / registered, 1) for mix in figures.types),
                GREY,
            ),
            Series(
                "已到 arrived",
                tuple(round(100 * mix.arrived / arrived, 1) for mix in figures.types),
                BLUE,
            ),
        ),
        DrillKind.VISITOR_TYPE,
        tuple(mix.visitor_type.value for mix in figures.types),
        "%",
    )


def halls_chart(figures: Figures) -> ChartSpec:
    halls = figures.inquiries.by_hall
    return ChartSpec(
        "bar",
        "各展馆询盘 Inquiries per hall",
        tuple(hall.code for hall in halls),
        (Series("询盘 inquiries", tuple(float(hall.inquiries) for hall in halls), GREEN),),
        DrillKind.HALL,
        tuple(hall.code for hall in halls),
    )


def top100_chart(figures: Figures) -> ChartSpec:
    inquiries = figures.inquiries
    return ChartSpec(
        "bar",
        "每家工厂平均询盘 Mean inquiries per factory",
        ("宝藏工厂 TOP100", "其他工厂 others"),
        (
            Series(
                "平均询盘 mean",
                (round(inquiries.top100_mean, 1), round(inquiries.rest_mean, 1)),
                GOLD,
            ),
        ),
        DrillKind.TOP100,
        ("top100", "rest"),
    )


def categories_chart(figures: Figures) -> ChartSpec:
    categories = figures.inquiries.categories[:10]
    return ChartSpec(
        "bar",
        "热门品类 Most-asked categories",
        tuple(category.name for category in categories),
        (Series("询盘 mentions", tuple(float(c.inquiries) for c in categories), GREEN),),
        DrillKind.CATEGORY,
        tuple(category.code or "" for category in categories),
    )


def dashboard_charts(figures: Figures) -> dict[str, ChartSpec]:
    """Every chart of the dashboard and the daily report, by name."""
    return {
        "arrivals": arrivals_chart(figures),
        "desks": desks_chart(figures),
        "refused": refused_chart(figures),
        "types": type_mix_chart(figures),
        "halls": halls_chart(figures),
        "top100": top100_chart(figures),
        "categories": categories_chart(figures),
    }
