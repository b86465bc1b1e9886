"""The rows behind a figure: what a click on a bar or a table row of the dashboard lists.

A ``DrillTarget`` names the figure and the bar or row (``kind``, ``key``); ``rows_behind``
answers with a small table (at most ``limit`` rows, and the full count). The organisers see
names and companies, never contacts: those go to a factory only through its lead report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import (
    Category,
    CheckIn,
    CheckInKind,
    Factory,
    Inquiry,
    LeadRating,
    Product,
    RefusedScan,
    Station,
    Visitor,
    VisitorType,
    inquiry_product,
)
from expo.services.reports.window import BUCKET_SECONDS, ReportWindow
from expo.text.labels import visitor_type_label

DRILL_LIMIT = 500


class DrillKind:
    ARRIVALS_BUCKET = "arrivals_bucket"  # key: bucket index
    DESK = "desk"  # key: station name
    DESK_BUCKET = "desk_bucket"  # key: "station name|bucket index"
    REFUSED = "refused"  # key: invalid | unknown | revoked | already
    VISITOR_TYPE = "visitor_type"  # key: VisitorType value
    HALL = "hall"  # key: hall code
    FACTORY = "factory"  # key: factory id
    TOP100 = "top100"  # key: "top100" | "rest"
    PRODUCT = "product"  # key: product id
    CATEGORY = "category"  # key: category code ("" for none)


@dataclass(frozen=True)
class DrillTarget:
    kind: str
    key: str
    label: str = ""  # what was clicked, for the dialog's title


@dataclass(frozen=True)
class DrillRows:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]
    total: int  # all rows behind the figure (``rows`` holds the first DRILL_LIMIT)


_CHECKIN_HEADERS = (
    "时间 Time",
    "姓名 Name",
    "公司 Company",
    "类型 Type",
    "签到台 Desk",
    "类别 Kind",
)
_INQUIRY_HEADERS = (
    "时间 Time",
    "工厂 Factory",
    "买家 Buyer",
    "公司 Company",
    "产品 Products",
    "评级 Rating",
)
_KIND_LABELS = {CheckInKind.ENTRY: "入场 entry", CheckInKind.RE_ENTRY: "再入场 re-entry"}


def _local(window: ReportWindow, moment: dt.datetime) -> str:
    return f"{window.local(moment):%m-%d %H:%M:%S}"


def _check_ins(
    session: Session, window: ReportWindow, title: str, *conditions, limit: int
) -> DrillRows:  # type: ignore[no-untyped-def]
    where = and_(*conditions, CheckIn.undone_at.is_(None))
    total = (
        session.scalar(
            select(func.count())
            .select_from(CheckIn)
            .join(Visitor, Visitor.id == CheckIn.visitor_id)
            .where(where)
        )
        or 0
    )
    rows = session.execute(
        select(
            CheckIn.at,
            Visitor.name,
            Visitor.company,
            Visitor.visitor_type,
            Station.name,
            CheckIn.kind,
        )
        .join(Visitor, Visitor.id == CheckIn.visitor_id)
        .join(Station, Station.id == CheckIn.station_id)
        .where(where)
        .order_by(CheckIn.at, CheckIn.id)
        .limit(limit)
    )
    return DrillRows(
        title,
        _CHECKIN_HEADERS,
        [
            (
                _local(window, at),
                name,
                company or "",
                visitor_type_label(vtype),
                desk,
                _KIND_LABELS[kind],
            )
            for at, name, company, vtype, desk, kind in rows
        ],
        total,
    )


def _inquiries(
    session: Session, window: ReportWindow, title: str, *conditions, limit: int
) -> DrillRows:  # type: ignore[no-untyped-def]
    where = and_(Inquiry.at >= window.start, Inquiry.at < window.end, *conditions)
    base = select(Inquiry.id).join(Factory, Factory.id == Inquiry.factory_id).where(where)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        select(
            Inquiry.id, Inquiry.at, Factory.name_zh, Visitor.name, Visitor.company, Inquiry.rating
        )
        .join(Factory, Factory.id == Inquiry.factory_id)
        .join(Visitor, Visitor.id == Inquiry.visitor_id)
        .where(where)
        .order_by(Inquiry.at, Inquiry.id)
        .limit(limit)
    ).all()
    products: dict[int, list[str]] = {}
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 500):
        for inquiry_id, name in session.execute(
            select(inquiry_product.c.inquiry_id, Product.name)
            .join(Product, Product.id == inquiry_product.c.product_id)
            .where(inquiry_product.c.inquiry_id.in_(ids[start : start + 500]))
            .order_by(Product.sku)
        ):
            products.setdefault(inquiry_id, []).append(name)
    return DrillRows(
        title,
        _INQUIRY_HEADERS,
        [
            (
                _local(window, at),
                factory,
                buyer,
                company or "",
                "、".join(products.get(inquiry_id, [])),
                _rating(rating),
            )
            for inquiry_id, at, factory, buyer, company, rating in rows
        ],
        total,
    )


def _rating(rating: LeadRating | None) -> str:
    return (
        {"hot": "热 hot", "warm": "温 warm", "cold": "冷 cold"}.get(rating.value, "")
        if rating
        else ""
    )


def _in_window(window: ReportWindow):  # type: ignore[no-untyped-def]
    return and_(CheckIn.at >= window.start, CheckIn.at < window.end)


def rows_behind(
    session: Session, window: ReportWindow, target: DrillTarget, limit: int = DRILL_LIMIT
) -> DrillRows:
    """The rows a figure counts (``target`` says which figure and which bar or row)."""
    kind, key = target.kind, target.key
    label = target.label or key
    if kind == DrillKind.ARRIVALS_BUCKET:
        start = window.start + dt.timedelta(seconds=BUCKET_SECONDS * int(key))
        end = start + dt.timedelta(seconds=BUCKET_SECONDS)
        return _check_ins(
            session,
            window,
            f"{label} 签到 Check-ins",
            CheckIn.at >= start,
            CheckIn.at < end,
            limit=limit,
        )
    if kind in (DrillKind.DESK, DrillKind.DESK_BUCKET):
        name, _, bucket = key.partition("|")
        conditions = [Station.name == name, _in_window(window)]
        if bucket:
            start = window.start + dt.timedelta(seconds=BUCKET_SECONDS * int(bucket))
            conditions += [
                CheckIn.at >= start,
                CheckIn.at < start + dt.timedelta(seconds=BUCKET_SECONDS),
            ]
        station = session.scalar(select(Station.id).where(Station.name == name))
        if station is None:  # a desk that only refused scans
            return _refused(
                session,
                window,
                f"{label} 拒绝 Refused",
                RefusedScan.station_name == name,
                limit=limit,
            )
        return _check_ins(
            session,
            window,
            f"{label} 签到 Check-ins",
            CheckIn.station_id == station,
            *conditions[1:],
            limit=limit,
        )
    if kind == DrillKind.REFUSED:
        if key == "already":
            return _check_ins(
                session,
                window,
                "再入场 Already (re-entries)",
                CheckIn.kind == CheckInKind.RE_ENTRY,
                _in_window(window),
                limit=limit,
            )
        return _refused(
            session, window, f"拒绝 Refused: {key}", RefusedScan.reason == key, limit=limit
        )
    if kind == DrillKind.VISITOR_TYPE:
        return _check_ins(
            session,
            window,
            f"{visitor_type_label(VisitorType(key))} 已到 arrived",
            CheckIn.kind == CheckInKind.ENTRY,
            CheckIn.at < window.end,
            Visitor.visitor_type == VisitorType(key),
            limit=limit,
        )
    if kind == DrillKind.FACTORY:
        return _inquiries(
            session, window, f"{label} 询盘 Inquiries", Inquiry.factory_id == int(key), limit=limit
        )
    if kind == DrillKind.HALL:
        from expo.models import Booth, Hall

        factories = (
            select(Booth.factory_id)
            .join(Hall, Hall.id == Booth.hall_id)
            .where(Hall.code == key, Booth.factory_id.is_not(None))
        )
        return _inquiries(
            session,
            window,
            f"展馆 Hall {label} 询盘 Inquiries",
            Inquiry.factory_id.in_(factories),
            limit=limit,
        )
    if kind == DrillKind.TOP100:
        return _inquiries(
            session,
            window,
            f"{label} 询盘 Inquiries",
            Factory.is_top100.is_(key == "top100"),
            limit=limit,
        )
    if kind == DrillKind.PRODUCT:
        asked = select(inquiry_product.c.inquiry_id).where(inquiry_product.c.product_id == int(key))
        return _inquiries(
            session, window, f"{label} 询盘 Inquiries", Inquiry.id.in_(asked), limit=limit
        )
    if kind == DrillKind.CATEGORY:
        category = Product.category == key if key else Product.category.is_(None)
        asked = (
            select(inquiry_product.c.inquiry_id)
            .join(Product, Product.id == inquiry_product.c.product_id)
            .where(category)
        )
        name = session.scalar(select(Category.name_zh).where(Category.code == key)) or label
        return _inquiries(
            session, window, f"{name} 询盘 Inquiries", Inquiry.id.in_(asked), limit=limit
        )
    raise ExpoError(f"No figure {kind!r} to list rows of.")


def _refused(
    session: Session, window: ReportWindow, title: str, *conditions, limit: int
) -> DrillRows:  # type: ignore[no-untyped-def]
    where = and_(RefusedScan.at >= window.start, RefusedScan.at < window.end, *conditions)
    total = session.scalar(select(func.count()).select_from(RefusedScan).where(where)) or 0
    rows = session.execute(
        select(
            RefusedScan.at,
            RefusedScan.station_name,
            RefusedScan.reason,
            RefusedScan.payload,
            Visitor.name,
        )
        .outerjoin(Visitor, Visitor.id == RefusedScan.visitor_id)
        .where(where)
        .order_by(RefusedScan.at, RefusedScan.id)
        .limit(limit)
    )
    return DrillRows(
        title,
        ("时间 Time", "签到台 Desk", "原因 Reason", "扫描内容 Scanned", "观众 Visitor"),
        [
            (_local(window, at), desk, reason, payload, name or "")
            for at, desk, reason, payload, name in rows
        ],
        total,
    )
