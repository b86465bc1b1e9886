"""The organisers' live figures: arrivals, desks, refused scans, visitor types, inquiries.

Every figure is an aggregation in SQL over a range of an indexed ``at`` column (the indexes of
migration 0120 cover what the queries read, so no table row is fetched), a few hundred rows come
back at most, and Python only arranges them. ``dashboard_figures`` is what the Overview page
refreshes off the GUI thread and what the daily report prints.

Definitions (the tests count them by hand the same way):
- an *arrival* is a visitor's first check-in that still stands (``kind == 'entry'``);
- a *re-entry* is any later check-in (the desk answered "already");
- *no-shows so far* are pre-registered visitors with no arrival before the window's end;
- a *refused scan* is a stored ``refused_scan`` row (invalid, unknown, revoked).
"""

from __future__ import annotations

import datetime as dt
import heapq
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, distinct, func, literal_column, select
from sqlalchemy.orm import Session

from expo.models import (
    Booth,
    Category,
    CheckIn,
    CheckInKind,
    Event,
    Factory,
    Hall,
    Inquiry,
    Lead,
    LeadRating,
    Product,
    RefusedScan,
    Station,
    Visitor,
    VisitorSource,
    VisitorType,
    inquiry_product,
)
from expo.models.types import utcnow
from expo.services.refused_scans import REFUSAL_REASONS
from expo.services.reports.window import (
    BUCKET_SECONDS,
    ReportWindow,
    bucket_of,
    epoch_seconds,
    to_epoch,
)

# A desk whose recent scans reach this share of what it can serve is building a queue.
NEEDS_STAFF_UTILISATION = 0.85
BUSY_UTILISATION = 0.6
# Gaps longer than this are a desk waiting for visitors, not serving one.
SERVICE_GAP_LIMIT_S = 120
TOP_PRODUCTS = 20
REFUSAL_KINDS = (*REFUSAL_REASONS, "already")


@dataclass(frozen=True)
class ArrivalFigures:
    preregistered: int  # pre-registered visitors (all)
    walk_ins: int  # visitors registered at a desk (all)
    arrived: int  # visitors arrived up to the window's end
    arrived_preregistered: int
    arrived_walk_ins: int
    first_entries: int  # arrivals within the window
    first_entries_walk_ins: int
    re_entries: int  # within the window
    no_shows: int  # pre-registered, not arrived by the window's end


@dataclass(frozen=True)
class DeskFigures:
    station: str
    scans: int  # check-ins (entries and re-entries) in the window
    refused: int
    per_bucket: dict[int, int]  # 15-minute bucket -> scans
    median_gap_s: float | None  # median seconds between consecutive scans while serving
    service_per_min: float | None  # what the desk can clear: 60 / median gap
    arrivals_per_min: float  # scans per minute in the reference 15 minutes
    utilisation: float | None  # arrivals / service
    queue_estimate: float | None  # people waiting (M/M/1), None when the queue keeps growing

    @property
    def advice(self) -> str:
        if self.utilisation is None:
            return "—"
        if self.utilisation >= NEEDS_STAFF_UTILISATION:
            return "需增派人手 needs staff"
        if self.utilisation >= BUSY_UTILISATION:
            return "繁忙 busy"
        return "正常 ok"


@dataclass(frozen=True)
class TypeMix:
    visitor_type: VisitorType
    registered: int  # pre-registered of this type
    arrived: int  # arrived (any source) up to the window's end


@dataclass(frozen=True)
class FactoryFigures:
    factory_id: int
    name: str
    top100: bool
    hall: str | None  # hall code of its (first) booth
    booth: str | None
    inquiries: int
    buyers: int  # distinct buyers who asked in the window
    hot_leads: int  # leads rated hot now


@dataclass(frozen=True)
class HallFigures:
    code: str
    name: str
    factories: int
    inquiries: int


@dataclass(frozen=True)
class ProductFigures:
    product_id: int
    sku: str
    name: str
    factory: str
    category: str | None
    inquiries: int


@dataclass(frozen=True)
class CategoryFigures:
    code: str | None
    name: str
    inquiries: int  # inquiry-product mentions of the category's products


@dataclass(frozen=True)
class InquiryFigures:
    total: int
    buyers: int  # distinct (factory, buyer) pairs asked in the window: leads at work
    hot_leads: int
    by_hall: list[HallFigures]
    factories: list[FactoryFigures]  # busiest first, every factory (zeros too)
    top100_factories: int
    top100_inquiries: int
    rest_factories: int
    rest_inquiries: int
    products: list[ProductFigures]  # the most asked, TOP_PRODUCTS of them
    categories: list[CategoryFigures]

    @property
    def top100_mean(self) -> float:
        return self.top100_inquiries / self.top100_factories if self.top100_factories else 0.0

    @property
    def rest_mean(self) -> float:
        return self.rest_inquiries / self.rest_factories if self.rest_factories else 0.0


@dataclass(frozen=True)
class Figures:
    event: str
    window: ReportWindow
    reference: dt.datetime  # the "now" of the queue estimate (aware UTC)
    arrivals: ArrivalFigures
    arrivals_per_bucket: dict[int, tuple[int, int]]  # bucket -> (first entries, re-entries)
    desks: list[DeskFigures]
    refused: dict[str, int]  # invalid, unknown, revoked, already
    types: list[TypeMix]
    inquiries: InquiryFigures
    days: list[dt.date] = field(default_factory=list)  # for a whole-fair window: the days

    def bucket_label(self, index: int) -> str:
        return f"{self.window.bucket_start(index):%H:%M}"


def _standing_in(window: ReportWindow):  # type: ignore[no-untyped-def]
    return and_(CheckIn.at >= window.start, CheckIn.at < window.end, CheckIn.undone_at.is_(None))


def arrival_figures(session: Session, window: ReportWindow) -> ArrivalFigures:
    by_source = dict(
        session.execute(select(Visitor.source, func.count()).group_by(Visitor.source))
        .tuples()
        .all()
    )
    preregistered = by_source.get(VisitorSource.PREREGISTERED, 0)
    walk_ins = by_source.get(VisitorSource.WALK_IN, 0)
    entry = and_(CheckIn.kind == CheckInKind.ENTRY, CheckIn.undone_at.is_(None))
    arrived = session.scalar(select(func.count()).where(entry, CheckIn.at < window.end)) or 0
    first_entries = (
        session.scalar(
            select(func.count()).where(entry, CheckIn.at >= window.start, CheckIn.at < window.end)
        )
        or 0
    )
    # Walk-ins are few: start from them (source index) and probe their check-ins.
    walk_in_entry = (
        select(func.count())
        .select_from(Visitor)
        .join(CheckIn, CheckIn.visitor_id == Visitor.id)
        .where(Visitor.source == VisitorSource.WALK_IN, entry, CheckIn.at < window.end)
    )
    arrived_walk_ins = session.scalar(walk_in_entry) or 0
    first_entries_walk_ins = session.scalar(walk_in_entry.where(CheckIn.at >= window.start)) or 0
    re_entries = (
        session.scalar(
            select(func.count()).where(
                CheckIn.kind == CheckInKind.RE_ENTRY,
                CheckIn.undone_at.is_(None),
                CheckIn.at >= window.start,
                CheckIn.at < window.end,
            )
        )
        or 0
    )
    arrived_preregistered = arrived - arrived_walk_ins
    return ArrivalFigures(
        preregistered=preregistered,
        walk_ins=walk_ins,
        arrived=arrived,
        arrived_preregistered=arrived_preregistered,
        arrived_walk_ins=arrived_walk_ins,
        first_entries=first_entries,
        first_entries_walk_ins=first_entries_walk_ins,
        re_entries=re_entries,
        no_shows=max(0, preregistered - arrived_preregistered),
    )


def _station_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Station.id, Station.name)).tuples().all())


def scan_buckets(
    session: Session, window: ReportWindow
) -> tuple[dict[int, tuple[int, int]], dict[int, dict[int, int]]]:
    """Check-ins per 15 minutes: (first entries, re-entries) per bucket, and scans per desk."""
    bucket = bucket_of(session, CheckIn.at, window).label("bucket")
    rows = session.execute(
        select(CheckIn.station_id, bucket, CheckIn.kind, func.count())
        .where(_standing_in(window))
        .group_by(CheckIn.station_id, literal_column("bucket"), CheckIn.kind)
    )
    overall: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    per_desk: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for station_id, index, kind, count in rows:
        index = int(index)
        overall[index][0 if kind == CheckInKind.ENTRY else 1] += count
        per_desk[station_id][index] += count
    return (
        {index: (pair[0], pair[1]) for index, pair in sorted(overall.items())},
        {station: dict(buckets) for station, buckets in per_desk.items()},
    )


def _gaps_by_desk(session: Session, start: dt.datetime, end: dt.datetime) -> dict[int, list[int]]:
    """Seconds between one desk's consecutive scans in [start, end) (a window function)."""
    seconds = epoch_seconds(session, CheckIn.at)
    gap = (
        seconds - func.lag(seconds).over(partition_by=CheckIn.station_id, order_by=CheckIn.at)
    ).label("gap")
    inner = (
        select(CheckIn.station_id, gap)
        .where(CheckIn.at >= start, CheckIn.at < end, CheckIn.undone_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(inner.c.station_id, inner.c.gap).where(
            inner.c.gap.is_not(None), inner.c.gap <= SERVICE_GAP_LIMIT_S
        )
    )
    gaps: dict[int, list[int]] = defaultdict(list)
    for station_id, seconds_between in rows:
        gaps[station_id].append(int(seconds_between))
    return gaps


def desk_figures(
    session: Session,
    window: ReportWindow,
    per_desk: dict[int, dict[int, int]],
    refused_by_desk: dict[str, int],
    reference: dt.datetime,
    *,
    gaps_over: dt.timedelta | None = dt.timedelta(hours=1),
) -> list[DeskFigures]:
    """Each desk's load and whether it keeps up.

    The service rate is what a desk clears while busy: 60 / the median gap between its scans
    (gaps over two minutes are idle time, left out), over the hour before ``reference`` (the
    whole window with ``gaps_over`` None). The arrival rate is its scans per minute in the 15
    minutes before ``reference``, or in its busiest 15 minutes when ``reference`` is past the
    window. Their ratio is the utilisation; an M/M/1 queue gives the estimate of people waiting.
    """
    start, end = gap_span(window, reference, gaps_over)
    gaps = _gaps_by_desk(session, start, end)
    return assemble_desks(
        _station_names(session), window, per_desk, refused_by_desk, gaps, reference
    )


def gap_span(
    window: ReportWindow, reference: dt.datetime, gaps_over: dt.timedelta | None
) -> tuple[dt.datetime, dt.datetime]:
    """The stretch whose gaps between scans give the service rate."""
    live = window.start <= reference < window.end
    gap_end = min(reference, window.end) if live else window.end
    gap_start = max(window.start, gap_end - gaps_over) if gaps_over else window.start
    return gap_start, gap_end


def assemble_desks(
    names: dict[int, str],
    window: ReportWindow,
    per_desk: dict[int, dict[int, int]],
    refused_by_desk: dict[str, int],
    gaps: dict[int, list[int]],
    reference: dt.datetime,
) -> list[DeskFigures]:
    live = window.start <= reference < window.end
    reference_bucket = (
        int((reference - window.start).total_seconds()) // BUCKET_SECONDS if live else None
    )
    desks = []
    for station_id, buckets in per_desk.items():
        desk_gaps = gaps.get(station_id, [])
        median_gap = float(statistics.median(desk_gaps)) if desk_gaps else None
        service = 60.0 / max(median_gap, 1.0) if median_gap is not None else None
        if reference_bucket is not None:
            # The last complete 15 minutes (the current bucket has just begun).
            recent = buckets.get(reference_bucket - 1, 0)
        else:
            recent = max(buckets.values(), default=0)
        arrivals = recent / 15.0
        utilisation = arrivals / service if service else None
        queue = None
        if utilisation is not None and utilisation < 1:
            queue = utilisation * utilisation / (1 - utilisation)
        name = names.get(station_id, f"#{station_id}")
        desks.append(
            DeskFigures(
                station=name,
                scans=sum(buckets.values()),
                refused=refused_by_desk.get(name, 0),
                per_bucket=buckets,
                median_gap_s=median_gap,
                service_per_min=service,
                arrivals_per_min=arrivals,
                utilisation=utilisation,
                queue_estimate=queue,
            )
        )
    known = {desk.station for desk in desks}
    for name, count in refused_by_desk.items():
        if name not in known:  # a desk that only refused (no station row was made for it)
            desks.append(DeskFigures(name, 0, count, {}, None, None, 0.0, None, None))
    desks.sort(key=lambda desk: (-(desk.utilisation or 0), -desk.scans, desk.station))
    return desks


def refused_figures(
    session: Session, window: ReportWindow, re_entries: int
) -> tuple[dict[str, int], dict[str, int]]:
    """Refused scans by reason ("already" is the re-entries) and by desk."""
    rows = session.execute(
        select(RefusedScan.reason, RefusedScan.station_name, func.count())
        .where(RefusedScan.at >= window.start, RefusedScan.at < window.end)
        .group_by(RefusedScan.reason, RefusedScan.station_name)
    )
    by_reason = dict.fromkeys(REFUSAL_KINDS, 0)
    by_desk: dict[str, int] = defaultdict(int)
    for reason, station, count in rows:
        by_reason[reason] = by_reason.get(reason, 0) + count
        by_desk[station] += count
    by_reason["already"] = re_entries
    return by_reason, dict(by_desk)


def type_mix(session: Session, window: ReportWindow) -> list[TypeMix]:
    """Pre-registered visitors by type against arrivals by type up to the window's end."""
    registered = dict(
        session.execute(
            select(Visitor.visitor_type, func.count())
            .where(Visitor.source == VisitorSource.PREREGISTERED)
            .group_by(Visitor.visitor_type)
        )
        .tuples()
        .all()
    )
    arrived = dict(
        session.execute(
            select(Visitor.visitor_type, func.count())
            .select_from(CheckIn)
            .join(Visitor, Visitor.id == CheckIn.visitor_id)
            .where(
                CheckIn.kind == CheckInKind.ENTRY,
                CheckIn.undone_at.is_(None),
                CheckIn.at < window.end,
            )
            .group_by(Visitor.visitor_type)
        )
        .tuples()
        .all()
    )
    return [TypeMix(t, registered.get(t, 0), arrived.get(t, 0)) for t in VisitorType]


def factory_places(session: Session) -> dict[int, tuple[str, str, str]]:
    """factory -> (hall code, hall name, booth code) of its first booth."""
    rows = session.execute(
        select(Booth.factory_id, Hall.code, Hall.name, Booth.code)
        .join(Hall, Hall.id == Booth.hall_id)
        .where(Booth.factory_id.is_not(None))
        .order_by(Booth.factory_id, Hall.sort_order, Booth.code)
    )
    places: dict[int, tuple[str, str, str]] = {}
    for factory_id, hall_code, hall_name, booth_code in rows:
        places.setdefault(factory_id, (hall_code, hall_name, booth_code))
    return places


@dataclass(frozen=True)
class FairMeta:
    """What the inquiry figures name things by: factories, their places, halls, products."""

    factories: list[tuple[int, str, bool]]  # id, Chinese name, TOP100
    places: dict[int, tuple[str, str, str]]  # factory -> hall code, hall name, booth code
    hall_names: dict[str, str]  # code -> name, in the halls' order
    products: dict[int, tuple[str, str, str, str | None]]  # id -> sku, name, factory, category
    category_names: dict[str, str]


def fair_meta(session: Session) -> FairMeta:
    return FairMeta(
        factories=[
            (factory_id, name, bool(top100))
            for factory_id, name, top100 in session.execute(
                select(Factory.id, Factory.name_zh, Factory.is_top100)
            )
        ],
        places=factory_places(session),
        hall_names=dict(
            session.execute(select(Hall.code, Hall.name).order_by(Hall.sort_order)).tuples().all()
        ),
        products={
            product_id: (sku, name, factory, category)
            for product_id, sku, name, factory, category in session.execute(
                select(
                    Product.id, Product.sku, Product.name, Factory.name_zh, Product.category
                ).join(Factory, Factory.id == Product.factory_id)
            )
        },
        category_names=dict(
            session.execute(select(Category.code, Category.name_zh)).tuples().all()
        ),
    )


def hot_leads_by_factory(session: Session) -> dict[int, int]:
    """Leads rated hot now, per factory (a seek on the rating index)."""
    return dict(
        session.execute(
            select(Lead.factory_id, func.count())
            .where(Lead.rating == LeadRating.HOT)
            .group_by(Lead.factory_id)
        )
        .tuples()
        .all()
    )


def assemble_inquiries(
    meta: FairMeta,
    per_factory: dict[int, tuple[int, int]],
    hot: dict[int, int],
    product_counts: dict[int, int],
) -> InquiryFigures:
    """The inquiry figures from counts per factory (inquiries, buyers) and per product."""
    factories = []
    for factory_id, name, top100 in meta.factories:
        count, buyers = per_factory.get(factory_id, (0, 0))
        place = meta.places.get(factory_id)
        factories.append(
            FactoryFigures(
                factory_id=factory_id,
                name=name,
                top100=top100,
                hall=place[0] if place else None,
                booth=place[2] if place else None,
                inquiries=count,
                buyers=buyers,
                hot_leads=hot.get(factory_id, 0),
            )
        )
    factories.sort(key=lambda f: (-f.inquiries, -f.hot_leads, f.factory_id))
    halls: dict[str, list[int]] = {code: [0, 0] for code in meta.hall_names}
    for factory in factories:
        if factory.hall is not None:
            halls.setdefault(factory.hall, [0, 0])
            halls[factory.hall][0] += 1
            halls[factory.hall][1] += factory.inquiries
    by_hall = [
        HallFigures(code, meta.hall_names.get(code, code), counts[0], counts[1])
        for code, counts in halls.items()
    ]
    top = [f for f in factories if f.top100]
    rest = [f for f in factories if not f.top100]
    known = [(pid, n) for pid, n in product_counts.items() if n and pid in meta.products]
    ranked = heapq.nsmallest(TOP_PRODUCTS, known, key=lambda item: (-item[1], item[0]))
    products = [ProductFigures(pid, *meta.products[pid], inquiries=n) for pid, n in ranked]
    by_category: dict[str | None, int] = defaultdict(int)
    for pid, n in known:
        by_category[meta.products[pid][3]] += n
    categories = [
        CategoryFigures(code, meta.category_names.get(code, "未分类") if code else "未分类", n)
        for code, n in sorted(by_category.items(), key=lambda item: (-item[1], item[0] or ""))
    ]
    return InquiryFigures(
        total=sum(f.inquiries for f in factories),
        buyers=sum(f.buyers for f in factories),
        hot_leads=sum(hot.values()),
        by_hall=by_hall,
        factories=factories,
        top100_factories=len(top),
        top100_inquiries=sum(f.inquiries for f in top),
        rest_factories=len(rest),
        rest_inquiries=sum(f.inquiries for f in rest),
        products=products,
        categories=categories,
    )


def inquiry_figures(session: Session, window: ReportWindow) -> InquiryFigures:
    in_window = and_(Inquiry.at >= window.start, Inquiry.at < window.end)
    per_factory = {
        factory_id: (count, buyers)
        for factory_id, count, buyers in session.execute(
            select(Inquiry.factory_id, func.count(), func.count(distinct(Inquiry.visitor_id)))
            .where(in_window)
            .group_by(Inquiry.factory_id)
        )
    }
    product_counts = dict(
        session.execute(
            select(inquiry_product.c.product_id, func.count())
            .select_from(inquiry_product)
            .join(Inquiry, Inquiry.id == inquiry_product.c.inquiry_id)
            .where(in_window)
            .group_by(inquiry_product.c.product_id)
        )
        .tuples()
        .all()
    )
    return assemble_inquiries(
        fair_meta(session), per_factory, hot_leads_by_factory(session), product_counts
    )


def dashboard_figures(
    session: Session,
    window: ReportWindow,
    *,
    reference: dt.datetime | None = None,
    gaps_over: dt.timedelta | None = dt.timedelta(hours=1),
) -> Figures:
    """Every figure of the dashboard for ``window`` (``reference``: now, for the queue)."""
    reference = reference or utcnow()
    arrivals = arrival_figures(session, window)
    overall, per_desk = scan_buckets(session, window)
    refused, refused_by_desk = refused_figures(session, window, arrivals.re_entries)
    desks = desk_figures(session, window, per_desk, refused_by_desk, reference, gaps_over=gaps_over)
    return Figures(
        event=session.scalar(select(Event.name).limit(1)) or "",
        window=window,
        reference=reference,
        arrivals=arrivals,
        arrivals_per_bucket=overall,
        desks=desks,
        refused=refused,
        types=type_mix(session, window),
        inquiries=inquiry_figures(session, window),
    )


__all__ = [
    "ArrivalFigures",
    "CategoryFigures",
    "DeskFigures",
    "FactoryFigures",
    "Figures",
    "HallFigures",
    "InquiryFigures",
    "ProductFigures",
    "TypeMix",
    "dashboard_figures",
    "to_epoch",
]
