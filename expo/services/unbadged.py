"""Buyers without a badge (left at the hotel, registered elsewhere): typed in at the booth.

The booth types name, phone and company (and may add a photo of the business card). The phone
goes through the same normalisation and duplicate check as the registration desk: a buyer
whose phone is already registered is linked to that registration instead of being registered
twice. Either way the factory sees what its booth typed, never the registry's record, and the
lead is marked "not verified by badge" until a badge of that buyer is scanned there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Lead, LeadCardImage
from expo.models.types import utcnow
from expo.permissions import Permission, permit
from expo.services.card_images import CardJpeg
from expo.services.events import StationRef
from expo.services.factories import require_factory
from expo.services.leads import (
    InquiryDraft,
    InquiryRecord,
    check_draft,
    check_station_acts_for,
    lead_for,
    record_for_lead,
)
from expo.services.registry import NewVisitor, find_likely_duplicates, register_visitor
from expo.text.clean import clean_text
from expo.text.phones import normalise_phone
from expo.unit_of_work import UnitOfWork


class UnbadgedRefused(ExpoError):
    """The buyer typed in by hand cannot be saved as given."""


@dataclass(frozen=True)
class UnbadgedBuyer:
    name: str
    phone: str
    company: str | None = None
    card: CardJpeg | None = None  # from card_images.card_image_from_file / _from_bytes
    consent: bool = False  # the buyer agreed here to share their contact with this factory


@dataclass(frozen=True)
class UnbadgedResult:
    inquiry: InquiryRecord
    lead_id: int
    matched_registration: bool  # the phone was already registered: linked, not registered again
    card_image_id: int | None

    def as_json(self) -> dict[str, object]:
        return self.inquiry.as_json() | {
            "matched_registration": self.matched_registration,
            "card_image": self.card_image_id,
        }


def record_unbadged_inquiry(
    session: UnitOfWork,
    factory_id: int,
    buyer: UnbadgedBuyer,
    draft: InquiryDraft,
    station: StationRef,
) -> UnbadgedResult:
    """Log an inquiry of a buyer typed in by hand at ``factory_id``'s booth."""
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    check_station_acts_for(station, factory_id)
    require_factory(session, factory_id)
    name = clean_text(buyer.name)
    if name is None:
        raise UnbadgedRefused("Type the buyer's name as on the business card.")
    if len(name) > 64:
        raise UnbadgedRefused("That name is longer than 64 characters; shorten it.")
    company = clean_text(buyer.company)
    if company is not None and len(company) > 200:
        raise UnbadgedRefused("That company name is longer than 200 characters; shorten it.")
    phone = normalise_phone(buyer.phone)
    if phone is None:
        raise UnbadgedRefused(
            f"{buyer.phone!r} is not a phone number we can reach; check the digits (a Chinese "
            "mobile has 11, starting with 1) or add a country code (+852 ...)."
        )
    checked = check_draft(session, factory_id, draft)
    existing = find_likely_duplicates(session, phone, None)
    if existing:
        visitor_id = existing[0].id
    else:
        visitor_id = register_visitor(
            session,
            NewVisitor(name=name, phone=phone, company=company, notes="booth, no badge"),
            station,
        ).id
    known = session.scalar(
        select(Lead).where(Lead.factory_id == factory_id, Lead.visitor_id == visitor_id)
    )
    lead = lead_for(session, factory_id, visitor_id)
    if known is None:
        lead.verified_by_badge = False
    if not lead.verified_by_badge:
        lead.given_name, lead.given_company, lead.given_phone = name, company, phone
    if buyer.consent and lead.consent_at is None:
        lead.consent_at = lead.updated_at = utcnow()
        lead.consent_station_id = station.id
    record = record_for_lead(session, lead, None, checked, station)
    card_id = None
    if buyer.card is not None:
        image = LeadCardImage(
            lead_id=lead.id,
            factory_id=factory_id,
            station_id=station.id,
            jpeg=buyer.card.jpeg,
            width=buyer.card.width,
            height=buyer.card.height,
        )
        session.add(image)
        session.flush()
        card_id = image.id
    return UnbadgedResult(record, lead.id, bool(existing), card_id)


def card_images(session: Session, factory_id: int, lead_id: int) -> list[CardJpeg]:
    """The card photos of the factory's lead, oldest first."""
    rows = session.scalars(
        select(LeadCardImage)
        .where(LeadCardImage.factory_id == factory_id, LeadCardImage.lead_id == lead_id)
        .order_by(LeadCardImage.id)
    )
    return [CardJpeg(row.jpeg, row.width, row.height) for row in rows]
