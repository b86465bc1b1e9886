"""A factory's inquiries and leads as an XLSX file to follow up after the fair.

Only the acting factory's rows go in. Phone, WeChat and e-mail are written only for buyers who
consented to share their contact at registration; for the others the file carries name,
company and visitor type, and says why the contact is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.models import Event, VisitorType
from expo.permissions import Permission, permit
from expo.services.catalogue_files import save_workbook_atomically
from expo.services.leads import LeadSummary, list_inquiries, list_leads
from expo.text.labels import VISITOR_TYPE_LABELS


def type_label(visitor_type: VisitorType) -> str:
    """Chinese first (the factories' language), then English."""
    zh, en = VISITOR_TYPE_LABELS[visitor_type]
    return f"{zh} {en}"


RATING_LABELS = {"hot": "热 Hot", "warm": "温 Warm", "cold": "冷 Cold"}
NO_CONSENT = "未授权 not shared"

# Who the buyer is: the first columns of both sheets.
BUYER_HEADERS = (
    "姓名 Name",
    "公司 Company",
    "观众类型 Type",
    "手机 Phone",
    "微信 WeChat",
    "邮箱 E-mail",
)
INQUIRY_HEADERS = (
    "时间 Time",
    *BUYER_HEADERS,
    "货号 SKUs",
    "产品 Products",
    "数量 Quantity",
    "目标价 Target price (¥)",
    "定制需求 Customisation",
    "备注 Notes",
    "评级 Rating",
    "跟进日期 Follow-up",
    "展位站 Station",
    "询盘编号 Inquiry ID",
)
LEAD_HEADERS = (
    *BUYER_HEADERS,
    "询盘数 Inquiries",
    "首次 First",
    "最近 Last",
    "货号 SKUs",
    "评级 Rating",
    "跟进日期 Follow-up",
    "线索备注 Lead notes",
    "线索编号 Lead ID",
)


@dataclass(frozen=True)
class InquiryExport:
    rows: int  # inquiries written
    leads: int
    file: str

    def as_json(self) -> dict[str, object]:
        return {"rows": self.rows, "file": self.file}


def _zone(session: Session) -> dt.tzinfo:
    name = session.scalar(select(Event.timezone).limit(1)) or "Asia/Shanghai"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone(dt.timedelta(hours=8), "CST")


def export_inquiries(session: Session, factory_id: int, path: Path | str) -> InquiryExport:
    """Write the acting factory's inquiries (sheet 1) and leads (sheet 2) to ``path``."""
    permit(session, Permission.READ_LEADS, factory_id)
    path = Path(path)
    zone = _zone(session)
    inquiries = list_inquiries(session, factory_id)
    leads = list_leads(session, factory_id)
    lead_of = {lead.visitor_id: lead for lead in leads}

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        # Excel has no time zones: the event's local time, naive, is what people expect.
        return moment.astimezone(zone).replace(tzinfo=None) if moment else None

    def buyer(name: str, company: str | None, lead: LeadSummary) -> list[object]:
        """The BUYER_HEADERS cells; contact details only with the buyer's consent."""
        contact = [lead.phone, lead.wechat, lead.email] if lead.consent_share else [NO_CONSENT] * 3
        return [name, company, type_label(lead.visitor_type), *contact]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "询盘 Inquiries"
    sheet.append(INQUIRY_HEADERS)
    for inquiry in sorted(inquiries, key=lambda i: (i.at, i.id)):
        lead = lead_of[inquiry.visitor_id]
        sheet.append(
            [
                local(inquiry.at),
                *buyer(inquiry.visitor_name, inquiry.company, lead),
                ", ".join(p.sku for p in inquiry.products),
                "、".join(p.name for p in inquiry.products),
                inquiry.quantity,
                inquiry.target_price,
                inquiry.customisation,
                inquiry.notes,
                RATING_LABELS.get(inquiry.rating.value) if inquiry.rating else None,
                inquiry.follow_up_on,
                inquiry.station,
                str(inquiry.uuid),
            ]
        )
    _style(sheet, {"A": "yyyy-mm-dd hh:mm", "K": "0.00", "O": "yyyy-mm-dd"})

    lead_sheet = workbook.create_sheet("线索 Leads")
    lead_sheet.append(LEAD_HEADERS)
    for lead in leads:
        lead_sheet.append(
            [
                *buyer(lead.name, lead.company, lead),
                lead.inquiries,
                local(lead.first_at),
                local(lead.last_at),
                ", ".join(lead.skus),
                RATING_LABELS.get(lead.rating.value) if lead.rating else None,
                lead.follow_up_on,
                lead.notes,
                str(lead.uuid),
            ]
        )
    _style(lead_sheet, {"H": "yyyy-mm-dd hh:mm", "I": "yyyy-mm-dd hh:mm", "L": "yyyy-mm-dd"})
    save_workbook_atomically(workbook, path)
    return InquiryExport(rows=len(inquiries), leads=len(leads), file=str(path))


def _style(sheet: Worksheet, formats: dict[str, str]) -> None:
    """Bold frozen header, number formats by column letter, readable widths."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=_index(letter), max_col=_index(letter)):
            cell.number_format = number_format
    for header in sheet[1]:
        width = 18 if header.column in (1, 8, 9) else max(12, min(40, len(str(header.value)) + 4))
        sheet.column_dimensions[header.column_letter].width = width


def _index(letter: str) -> int:
    return ord(letter) - ord("A") + 1
