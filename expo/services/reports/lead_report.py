"""A factory's lead report to take home: its leads and inquiries by product, hot leads first.

The rows come from ``expo.services.leads`` (``list_leads``, ``list_inquiries``), which read the
one factory's rows only and blank the phone, WeChat and e-mail of buyers who did not consent:
the report prints "未授权 not shared" for them, as the factory's XLSX export does.

``write_lead_reports`` makes all of them in one batch, one PDF per factory in a folder, with
progress and cancellation (``expo.progress``); a cancelled batch keeps the files it finished.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Event, Factory, LeadRating
from expo.progress import Progress
from expo.services.checkin import event_zone
from expo.services.factories import require_factory
from expo.services.lead_export import NO_CONSENT, RATING_LABELS, type_label
from expo.services.leads import InquiryRecord, LeadSummary, list_inquiries, list_leads
from expo.services.reports.daily import ReportFiles
from expo.services.reports.document import (
    TEXT_WIDTH,
    Styles,
    paragraph,
    section,
    spacer,
    table_flowable,
    write_pdf,
)
from expo.services.reports.figures import factory_places
from expo.services.reports.tables import FigureTable

_RATING_ORDER = {LeadRating.HOT: 0, LeadRating.WARM: 1, LeadRating.COLD: 2, None: 3}


@dataclass(frozen=True)
class ProductLine:
    sku: str
    name: str
    inquiries: int
    buyers: int
    hot_buyers: int


@dataclass(frozen=True)
class LeadReport:
    factory_id: int
    factory: str
    top100_rank: int | None
    booth: str | None
    leads: list[LeadSummary]  # hot first, then warm, cold, unrated; the latest active first
    inquiries: list[InquiryRecord]
    products: list[ProductLine]  # the most asked first

    @property
    def hot_leads(self) -> int:
        return sum(1 for lead in self.leads if lead.rating == LeadRating.HOT)


def lead_report(session: Session, factory_id: int) -> LeadReport:
    """What one factory's report holds (its own rows only, contacts only with consent)."""
    require_factory(session, factory_id)
    name, rank = session.execute(
        select(Factory.name_zh, Factory.top100_rank).where(Factory.id == factory_id)
    ).one()
    leads = list_leads(session, factory_id)
    leads.sort(key=lambda lead: _RATING_ORDER[lead.rating])  # stable: latest first within
    inquiries = list_inquiries(session, factory_id)
    rating_of = {lead.visitor_id: lead.rating for lead in leads}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0])
    buyers: dict[tuple[str, str], set[int]] = defaultdict(set)
    for inquiry in inquiries:
        for product in inquiry.products:
            key = (product.sku, product.name)
            counts[key][0] += 1
            buyers[key].add(inquiry.visitor_id)
    products = [
        ProductLine(
            sku,
            product_name,
            counts[(sku, product_name)][0],
            len(buyers[(sku, product_name)]),
            sum(1 for v in buyers[(sku, product_name)] if rating_of.get(v) == LeadRating.HOT),
        )
        for sku, product_name in counts
    ]
    products.sort(key=lambda line: (-line.inquiries, line.sku))
    place = factory_places(session).get(factory_id)
    return LeadReport(
        factory_id, name, rank, place[2] if place else None, leads, inquiries, products
    )


def _contact(lead: LeadSummary) -> str:
    if not lead.consent_share:
        return NO_CONSENT
    return " / ".join(value for value in (lead.phone, lead.wechat, lead.email) if value) or "—"


def _story(report: LeadReport, event: str, zone: dt.tzinfo, styles: Styles) -> list:
    rank = f" · 宝藏工厂 TOP100 #{report.top100_rank}" if report.top100_rank else ""
    booth = f" · 展位 booth {report.booth}" if report.booth else ""
    summary = FigureTable(
        "summary",
        "概况 Summary",
        ("指标 Figure", "数值 Value"),
        [
            ("线索 Leads (buyers)", len(report.leads)),
            ("热线索 Hot leads", report.hot_leads),
            ("询盘 Inquiries", len(report.inquiries)),
            ("询盘产品 Products asked about", len(report.products)),
        ],
    )
    products = FigureTable(
        "products",
        "按产品 By product",
        ("货号 SKU", "产品 Product", "询盘 Inquiries", "买家 Buyers", "热 Hot buyers"),
        [(p.sku, p.name, p.inquiries, p.buyers, p.hot_buyers) for p in report.products],
    )
    leads = FigureTable(
        "leads",
        "线索 Leads",
        (
            "评级 Rating",
            "姓名 Name",
            "公司 Company",
            "类型 Type",
            "联系方式 Contact",
            "询盘 Inq.",
            "产品 SKUs",
            "跟进 Follow-up",
        ),
        [
            (
                RATING_LABELS.get(lead.rating.value, "") if lead.rating else "",
                lead.name,
                lead.company or "",
                type_label(lead.visitor_type),
                _contact(lead),
                lead.inquiries,
                ", ".join(lead.skus),
                lead.follow_up_on.isoformat() if lead.follow_up_on else "",
            )
            for lead in report.leads
        ],
    )
    inquiries = FigureTable(
        "inquiries",
        "询盘明细 Inquiries",
        ("时间 Time", "买家 Buyer", "产品 Products", "数量 Qty", "目标价 Target ¥", "备注 Notes"),
        [
            (
                f"{inquiry.at.astimezone(zone):%m-%d %H:%M}",
                inquiry.visitor_name,
                "、".join(p.name for p in inquiry.products),
                inquiry.quantity,
                str(inquiry.target_price) if inquiry.target_price is not None else "",
                " ".join(filter(None, (inquiry.customisation, inquiry.notes))),
            )
            for inquiry in sorted(report.inquiries, key=lambda i: (i.at, i.id))
        ],
    )
    return [
        paragraph(f"{report.factory} 线索报告 Lead report", styles.title),
        paragraph(f"{event}{rank}{booth}", styles.subtitle),
        spacer(8),
        *section(summary.title, styles),
        table_flowable(summary, styles, [TEXT_WIDTH * 0.5, TEXT_WIDTH * 0.2]),
        *section(products.title, styles),
        table_flowable(products, styles, [TEXT_WIDTH * w for w in (0.15, 0.43, 0.14, 0.14, 0.14)]),
        *section(leads.title + " (热线索在前 hot first)", styles),
        paragraph(
            "联系方式仅在买家登记时同意分享的情况下显示。 Contacts only where the buyer consented "
            "to share them at registration.",
            styles.body,
        ),
        table_flowable(
            leads,
            styles,
            [TEXT_WIDTH * w for w in (0.08, 0.1, 0.17, 0.13, 0.2, 0.07, 0.15, 0.1)],
        ),
        *section(inquiries.title, styles),
        table_flowable(
            inquiries, styles, [TEXT_WIDTH * w for w in (0.12, 0.12, 0.34, 0.09, 0.11, 0.22)]
        ),
    ]


def write_lead_report(session: Session, factory_id: int, path: Path | str) -> ReportFiles:
    """One factory's lead report as a PDF at ``path``."""
    report = lead_report(session, factory_id)
    event = session.scalar(select(Event.name).limit(1)) or ""
    pages = write_pdf(
        Path(path),
        f"{report.factory} 线索报告 Lead report",
        _story(report, event, event_zone(session), Styles()),
    )
    return ReportFiles(pages, [str(path)])


def report_file_name(factory_id: int, name: str) -> str:
    """``007-宁波市星尚户外用品有限公司.pdf``: sorted by id, safe on every file system."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._")[:60] or "factory"
    return f"{factory_id:03d}-{safe}.pdf"


def write_lead_reports(
    session: Session,
    folder: Path | str,
    factory_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> ReportFiles:
    """Every factory's lead report (or those of ``factory_ids``), one PDF each in ``folder``.

    Cancelling stops between two factories; the reports already written stay (each is whole).
    """
    progress = progress or Progress()
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ExpoError(f"{folder} is a file; give a folder for the lead reports.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExpoError(f"Could not create the folder {folder}: {exc.strerror or exc}.") from exc
    names = dict(session.execute(select(Factory.id, Factory.name_zh)).tuples().all())
    ids = sorted(names) if factory_ids is None else list(factory_ids)
    for factory_id in ids:
        require_factory(session, factory_id)
    pages = 0
    files: list[str] = []
    progress.update(0, len(ids), "lead reports")
    for done, factory_id in enumerate(ids):
        progress.check()
        path = folder / report_file_name(factory_id, names[factory_id])
        written = write_lead_report(session, factory_id, path)
        pages += written.pages
        files.extend(written.files)
        progress.update(done + 1, message=names[factory_id])
    return ReportFiles(pages, files)
