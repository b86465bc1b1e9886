"""A factory's leads as CSV in the columns its CRM expects (UTF-8 with BOM, formulas escaped).

Presets: ``plain`` (a spreadsheet with every field, one column per qualifying question),
``wecom`` (企业微信 customer import), ``dingtalk`` (钉钉 CRM customers) and ``salesforce``
(Salesforce lead import, which needs Last Name and Company). Only the acting factory's leads
go in, and contact details only where the buyer consented (at registration or at the booth).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.services.checkin import event_zone
from expo.services.follow_up import product_names_by_lead
from expo.services.lead_export import NO_CONSENT, RATING_LABELS, type_label
from expo.services.lead_questions import QuestionInfo, list_questions
from expo.services.leads import LeadFilter, LeadSummary, list_leads
from expo.text.formulas import escape_formula

# Compound surnames: a Chinese name splits into surname and given name for Salesforce.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 令狐 宇文 夏侯 端木 南宫 司徒 轩辕 "
    "澹台 公冶 申屠 太史 濮阳 钟离 闻人 呼延 赫连".split()
)


class CsvExportError(ExpoError):
    """The CSV cannot be written as asked."""


@dataclass(frozen=True)
class LeadRow:
    """Everything a preset may put in a column for one lead."""

    lead: LeadSummary
    products: tuple[str, ...]
    answers: tuple[tuple[QuestionInfo, str], ...]  # (question, answer text) for each question
    local: Callable[[dt.datetime | None], str]

    @property
    def phone(self) -> str:
        phone = self.lead.phone or ""
        # A mainland mobile as Chinese CRMs store it: the 11 digits.
        return phone[3:] if phone.startswith("+86") and len(phone) == 14 else phone

    @property
    def answer_text(self) -> str:
        return "; ".join(f"{q.text}: {a}" for q, a in self.answers if a)

    @property
    def description(self) -> str:
        parts = []
        if self.products:
            parts.append("产品 Products: " + "、".join(self.products))
        if self.answer_text:
            parts.append(self.answer_text)
        if self.lead.notes:
            parts.append(self.lead.notes)
        if not self.lead.verified_by_badge:
            parts.append("未核验胸卡 not verified by badge")
        return "\n".join(parts)


Column = tuple[str, Callable[[LeadRow], object]]


def _rating(row: LeadRow) -> str:
    return RATING_LABELS.get(row.lead.rating.value, "") if row.lead.rating else ""


def _surname_split(name: str) -> tuple[str, str]:
    """(first name, last name) of a name as Salesforce wants them."""
    name = name.strip()
    if " " in name:
        first, _, last = name.rpartition(" ")
        return first, last
    if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES:
        return name[2:], name[:2]
    if len(name) >= 2 and not name.isascii():
        return name[1:], name[0]
    return "", name


def _contact(row: LeadRow, value: str | None) -> str:
    return value or ("" if row.lead.contact_shared else NO_CONSENT)


def _plain_columns(questions: list[QuestionInfo]) -> list[Column]:
    columns: list[Column] = [
        ("姓名 Name", lambda r: r.lead.name),
        ("公司 Company", lambda r: r.lead.company or ""),
        ("手机 Phone", lambda r: _contact(r, r.phone)),
        ("微信 WeChat", lambda r: _contact(r, r.lead.wechat)),
        ("邮箱 E-mail", lambda r: _contact(r, r.lead.email)),
        ("观众类型 Type", lambda r: type_label(r.lead.visitor_type)),
        ("评级 Rating", _rating),
        ("标签 Tags", lambda r: ", ".join(r.lead.tags)),
        ("销售 Salesperson", lambda r: r.lead.salesperson or ""),
        ("货号 SKUs", lambda r: ", ".join(r.lead.skus)),
        ("产品 Products", lambda r: "、".join(r.products)),
    ]
    for index, question in enumerate(questions):
        columns.append((question.text, _answer_getter(index)))
    columns += [
        ("询盘数 Inquiries", lambda r: r.lead.inquiries),
        ("首次 First", lambda r: r.local(r.lead.first_at)),
        ("最近 Last", lambda r: r.local(r.lead.last_at)),
        (
            "跟进日期 Follow-up",
            lambda r: r.lead.follow_up_on.isoformat() if r.lead.follow_up_on else "",
        ),
        ("线索备注 Lead notes", lambda r: r.lead.notes or ""),
        ("胸卡核验 Badge verified", lambda r: "是 yes" if r.lead.verified_by_badge else "否 no"),
        ("展位授权 Consent at booth", lambda r: r.local(r.lead.consent_at)),
        ("线索编号 Lead ID", lambda r: str(r.lead.uuid)),
    ]
    return columns


def _answer_getter(index: int) -> Callable[[LeadRow], object]:
    return lambda row: row.answers[index][1]


def _wecom_columns(_questions: list[QuestionInfo]) -> list[Column]:
    return [
        ("姓名", lambda r: r.lead.name),
        ("手机号", lambda r: r.phone),
        ("微信号", lambda r: r.lead.wechat or ""),
        ("邮箱", lambda r: r.lead.email or ""),
        ("企业", lambda r: r.lead.company or ""),
        ("标签", lambda r: ";".join(r.lead.tags)),
        ("跟进人", lambda r: r.lead.salesperson or ""),
        ("客户来源", lambda r: "展会"),
        ("描述", lambda r: r.description),
    ]


def _dingtalk_columns(_questions: list[QuestionInfo]) -> list[Column]:
    return [
        ("客户名称", lambda r: r.lead.company or r.lead.name),
        ("联系人", lambda r: r.lead.name),
        ("手机", lambda r: r.phone),
        ("微信", lambda r: r.lead.wechat or ""),
        ("邮箱", lambda r: r.lead.email or ""),
        ("客户来源", lambda r: "展会"),
        ("客户级别", lambda r: {"hot": "A", "warm": "B", "cold": "C"}.get(r.lead.rating or "", "")),
        ("客户标签", lambda r: ",".join(r.lead.tags)),
        ("负责人", lambda r: r.lead.salesperson or ""),
        ("下次跟进时间", lambda r: r.lead.follow_up_on.isoformat() if r.lead.follow_up_on else ""),
        ("备注", lambda r: r.description),
    ]


def _salesforce_columns(_questions: list[QuestionInfo]) -> list[Column]:
    return [
        ("First Name", lambda r: _surname_split(r.lead.name)[0]),
        ("Last Name", lambda r: _surname_split(r.lead.name)[1]),
        # Salesforce refuses a lead without a company; this is its own placeholder text.
        ("Company", lambda r: r.lead.company or "[not provided]"),
        ("Mobile", lambda r: r.lead.phone or ""),
        ("Email", lambda r: r.lead.email or ""),
        ("Lead Source", lambda r: "Trade Show"),
        ("Rating", lambda r: r.lead.rating.value.title() if r.lead.rating else ""),
        ("Lead Status", lambda r: "Open - Not Contacted"),
        ("Description", lambda r: r.description),
    ]


PRESETS: dict[str, Callable[[list[QuestionInfo]], list[Column]]] = {
    "plain": _plain_columns,
    "wecom": _wecom_columns,
    "dingtalk": _dingtalk_columns,
    "salesforce": _salesforce_columns,
}
PRESET_LABELS = {
    "plain": "表格 Plain spreadsheet",
    "wecom": "企业微信 WeCom customer import",
    "dingtalk": "钉钉 CRM DingTalk customers",
    "salesforce": "Salesforce leads",
}


def preset_headers(session: Session, factory_id: int, preset: str) -> list[str]:
    return [header for header, _ in _columns(session, factory_id, preset)[1]]


def _columns(
    session: Session, factory_id: int, preset: str
) -> tuple[list[QuestionInfo], list[Column]]:
    if preset not in PRESETS:
        raise CsvExportError(f"Unknown preset {preset!r}; use one of: {', '.join(PRESETS)}.")
    # Removed questions keep their column while leads carry their answers.
    questions = list_questions(session, factory_id, include_removed=True)
    return questions, PRESETS[preset](questions)


@dataclass(frozen=True)
class CsvExport:
    rows: int
    preset: str
    file: str

    def as_json(self) -> dict[str, object]:
        return {"rows": self.rows, "preset": self.preset, "file": self.file}


def export_leads_csv(
    session: Session,
    factory_id: int,
    preset: str,
    path: Path | str,
    *,
    where: LeadFilter | None = None,
) -> CsvExport:
    """Write the factory's leads (those matching ``where``) to ``path`` in ``preset``'s columns."""
    path = Path(path).expanduser()
    questions, columns = _columns(session, factory_id, preset)
    if path.suffix.lower() != ".csv":
        raise CsvExportError(f"{path.name}: this export is a CSV file; give it the .csv suffix.")
    if not path.parent.exists():
        raise CsvExportError(f"The folder {path.parent} does not exist; choose another place.")
    leads = list_leads(session, factory_id, where=where)
    answered = {q.id for lead in leads for q in questions if q.id in lead.answers}
    if preset == "plain":
        questions = [q for q in questions if not q.removed or q.id in answered]
        columns = PRESETS[preset](questions)
    products = product_names_by_lead(session, factory_id)
    zone = event_zone(session)

    def local(moment: dt.datetime | None) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else ""

    handle, temporary = tempfile.mkstemp(suffix=".csv.part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([escape_formula(h) for h, _ in columns])
            for lead in leads:
                row = LeadRow(
                    lead,
                    tuple(products.get(lead.id, ())),
                    tuple((q, "; ".join(lead.answers.get(q.id, ()))) for q in questions),
                    local,
                )
                writer.writerow([escape_formula(str(get(row))) for _, get in columns])
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CsvExportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return CsvExport(len(leads), preset, str(path))
