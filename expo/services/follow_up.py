"""Follow-up messages in a factory's own words, and the leads due for follow-up on a day.

A template is WeChat or SMS text with placeholders the booth fills per lead: ``{name}`` (姓名),
``{company}`` (公司), ``{products}`` (产品, the products the buyer asked about),
``{salesperson}`` (销售) and ``{factory}`` (工厂). Placeholders may be written in English or
Chinese; any other text in braces is left as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import FollowUpTemplate, Inquiry, Product, inquiry_product
from expo.permissions import Permission, permit
from expo.services.factories import require_factory
from expo.services.leads import LeadFilter, LeadSummary, list_leads
from expo.text.clean import clean_text
from expo.text.formulas import escape_formula
from expo.unit_of_work import UnitOfWork

CHANNELS = ("wechat", "sms")
MAX_BODY = 1000
SMS_SEGMENT = 70  # characters of one Chinese SMS

PLACEHOLDERS = {
    "name": "name",
    "姓名": "name",
    "company": "company",
    "公司": "company",
    "products": "products",
    "产品": "products",
    "salesperson": "salesperson",
    "销售": "salesperson",
    "factory": "factory",
    "工厂": "factory",
}
_PLACEHOLDER = re.compile(r"\{([^{}]{1,20})\}")


class TemplateError(ExpoError):
    """A template cannot be saved or used as given."""


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    channel: str
    body: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "channel": self.channel, "body": self.body}


@dataclass(frozen=True)
class FollowUpMessage:
    lead_id: int
    name: str
    phone: str | None  # None without the buyer's consent
    wechat: str | None
    channel: str
    text: str

    def as_json(self) -> dict[str, object]:
        return {
            "lead": self.lead_id,
            "name": self.name,
            "phone": self.phone,
            "wechat": self.wechat,
            "channel": self.channel,
            "text": self.text,
        }


def list_templates(session: Session, factory_id: int) -> list[TemplateInfo]:
    require_factory(session, factory_id)
    rows = session.scalars(
        select(FollowUpTemplate)
        .where(FollowUpTemplate.factory_id == factory_id)
        .order_by(FollowUpTemplate.name)
    )
    return [TemplateInfo(t.id, t.name, t.channel, t.body) for t in rows]


def save_template(
    session: UnitOfWork, factory_id: int, name: str, channel: str, body: str
) -> TemplateInfo:
    """Create the factory's template ``name`` or replace its text."""
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    session.record("followup.template_saved", factory=factory_id, name=name, channel=channel)
    require_factory(session, factory_id)
    cleaned_name = clean_text(name)
    if cleaned_name is None or len(cleaned_name) > 64:
        raise TemplateError("Give the template a short name (at most 64 characters).")
    if channel not in CHANNELS:
        raise TemplateError(f"Unknown channel {channel!r}; use wechat or sms.")
    body = (body or "").strip()
    if not body:
        raise TemplateError("The template has no text; write the message.")
    if len(body) > MAX_BODY:
        raise TemplateError(f"Keep the message under {MAX_BODY} characters.")
    unknown = sorted({m for m in _PLACEHOLDER.findall(body) if m.strip() not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
        raise TemplateError(
            f"Unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)}; use {known}."
        )
    template = session.scalar(
        select(FollowUpTemplate).where(
            FollowUpTemplate.factory_id == factory_id, FollowUpTemplate.name == cleaned_name
        )
    )
    if template is None:
        template = FollowUpTemplate(factory_id=factory_id, name=cleaned_name)
        session.add(template)
    template.channel = channel
    template.body = body
    session.flush()
    return TemplateInfo(template.id, template.name, template.channel, template.body)


def remove_template(session: UnitOfWork, factory_id: int, name: str) -> None:
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    session.record("followup.template_removed", factory=factory_id, name=name)
    template = _template(session, factory_id, name)
    session.delete(template)
    session.flush()


def _template(session: Session, factory_id: int, name: str) -> FollowUpTemplate:
    require_factory(session, factory_id)
    template = session.scalar(
        select(FollowUpTemplate).where(
            FollowUpTemplate.factory_id == factory_id,
            FollowUpTemplate.name == (clean_text(name) or ""),
        )
    )
    if template is None:
        raise TemplateError(
            f"Factory {factory_id} has no template {name!r}; "
            f"`python -m expo inquiries templates --factory {factory_id} list` shows them."
        )
    return template


def fill_template(body: str, values: dict[str, str]) -> str:
    """``body`` with its placeholders replaced by ``values`` (keys: name, company, ...)."""

    def replace(match: re.Match[str]) -> str:
        key = PLACEHOLDERS.get(match.group(1).strip())
        return values.get(key, "") if key is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, body)


def product_names_by_lead(session: Session, factory_id: int) -> dict[int, list[str]]:
    """The names of the products each lead asked about, each once, in the order first asked."""
    rows = session.execute(
        select(Inquiry.lead_id, Product.name)
        .join(inquiry_product, inquiry_product.c.inquiry_id == Inquiry.id)
        .join(Product, Product.id == inquiry_product.c.product_id)
        .where(Inquiry.factory_id == factory_id)
        .order_by(Inquiry.lead_id, Inquiry.at, Product.sku)
    )
    found: dict[int, list[str]] = {}
    for lead_id, name in rows:
        names = found.setdefault(lead_id, [])
        if name not in names:
            names.append(name)
    return found


def messages_for(
    session: Session,
    factory_id: int,
    template_name: str,
    leads: list[LeadSummary],
    *,
    salesperson: str | None = None,
) -> list[FollowUpMessage]:
    """The template filled in for each lead (``salesperson`` stands in where a lead has none)."""
    template = _template(session, factory_id, template_name)
    factory = require_factory(session, factory_id)
    products = product_names_by_lead(session, factory_id)
    messages = []
    for lead in leads:
        values = {
            "name": lead.name,
            "company": lead.company or "",
            "products": "、".join(products.get(lead.id, [])),
            "salesperson": lead.salesperson or salesperson or "",
            "factory": factory.name_zh,
        }
        messages.append(
            FollowUpMessage(
                lead.id,
                lead.name,
                lead.phone,
                lead.wechat,
                template.channel,
                fill_template(template.body, values),
            )
        )
    return messages


def leads_due(session: Session, factory_id: int, on: dt.date) -> list[LeadSummary]:
    """The factory's leads whose follow-up date is ``on`` (today at the booth)."""
    return list_leads(session, factory_id, where=LeadFilter(follow_up_on=on))


def write_messages_csv(messages: list[FollowUpMessage], path: Path | str) -> None:
    """The messages as CSV (UTF-8 with BOM) for a bulk-SMS tool or to paste one by one."""
    path = Path(path).expanduser()
    if not path.parent.exists():
        raise TemplateError(f"The folder {path.parent} does not exist; choose another place.")
    handle, temporary = tempfile.mkstemp(suffix=".csv.part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["姓名 Name", "手机 Phone", "微信 WeChat", "渠道 Channel", "消息 Message"]
            )
            for m in messages:
                writer.writerow(
                    [
                        escape_formula(v)
                        for v in (m.name, m.phone or "", m.wechat or "", m.channel, m.text)
                    ]
                )
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise TemplateError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
