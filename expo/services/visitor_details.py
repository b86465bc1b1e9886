"""One visitor as a desk sees them when they open the visitor: the editable fields (with the
version an edit must send back), their check-ins, badges and booth inquiries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from expo.models import (
    CheckIn,
    CheckInKind,
    Factory,
    Inquiry,
    Station,
    Visitor,
    VisitorSource,
    VisitorType,
)
from expo.services.badges import BadgeInfo, badge_history
from expo.services.visitor_edit import VisitorNotFound


@dataclass(frozen=True)
class CheckInLine:
    at: dt.datetime
    station: str
    kind: CheckInKind
    undone: bool


@dataclass(frozen=True)
class InquiryLine:
    at: dt.datetime
    factory: str
    skus: tuple[str, ...]
    quantity: int | None


@dataclass(frozen=True)
class VisitorDetails:
    id: int
    version: int  # send back with an edit (optimistic locking)
    name: str
    company: str | None
    phone: str | None
    wechat: str | None
    visitor_type: VisitorType
    city: str | None
    consent_share: bool
    notes: str | None
    source: VisitorSource
    registration_no: str | None
    check_ins: list[CheckInLine]
    badges: list[BadgeInfo]
    inquiries: list[InquiryLine]

    @property
    def checked_in(self) -> bool:
        return any(not line.undone for line in self.check_ins)


def visitor_details(session: Session, visitor_id: int) -> VisitorDetails:
    visitor = session.get(Visitor, visitor_id)
    if visitor is None:
        raise VisitorNotFound(f"No visitor {visitor_id}; search again.")
    check_ins = [
        CheckInLine(row.at, row.name, row.kind, row.undone_at is not None)
        for row in session.execute(
            select(CheckIn.at, Station.name, CheckIn.kind, CheckIn.undone_at)
            .join(Station, CheckIn.station_id == Station.id)
            .where(CheckIn.visitor_id == visitor_id)
            .order_by(CheckIn.at)
        )
    ]
    inquiries = [
        InquiryLine(
            inquiry.at,
            factory_name,
            tuple(product.sku for product in inquiry.products),
            inquiry.quantity,
        )
        for inquiry, factory_name in session.execute(
            select(Inquiry, Factory.name_zh)
            .join(Factory, Inquiry.factory_id == Factory.id)
            .where(Inquiry.visitor_id == visitor_id)
            .options(selectinload(Inquiry.products))
            .order_by(Inquiry.at)
        )
    ]
    return VisitorDetails(
        id=visitor.id,
        version=visitor.version_id,
        name=visitor.name,
        company=visitor.company,
        phone=visitor.phone,
        wechat=visitor.wechat,
        visitor_type=visitor.visitor_type,
        city=visitor.city,
        consent_share=visitor.consent_share,
        notes=visitor.notes,
        source=visitor.source,
        registration_no=visitor.registration_no,
        check_ins=check_ins,
        badges=badge_history(session, visitor_id),
        inquiries=inquiries,
    )
