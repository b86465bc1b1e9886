"""Leads and inquiries at a factory's booth: identify a buyer from a badge, log what they asked.

Privacy is enforced here, not in the pages: every function that reads leads or inquiries takes
the acting factory and filters by it, so factory A's booth never sees factory B's buyers. A
buyer's phone, WeChat and e-mail reach a factory only if the buyer consented at registration
(``Visitor.consent_share``).

One buyer at one factory is one ``Lead``; every visit to the booth appends an ``Inquiry`` (a
row with a UUID that is never changed, ready for sync).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from sqlalchemy import func, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from expo.errors import ExpoError
from expo.models import (
    Inquiry,
    Lead,
    LeadRating,
    Product,
    Station,
    StationKind,
    Visitor,
    VisitorType,
    inquiry_product,
)
from expo.models.types import UTCDateTime, utcnow
from expo.permissions import Permission, permit
from expo.services.badges import BadgeStatus, resolve_badge
from expo.services.events import StationRef
from expo.services.factories import require_factory

MAX_TEXT = 2000


_REFUSALS = {
    BadgeStatus.INVALID: (
        "Not a valid badge of this fair (mistyped, damaged or forged). Scan it again; if it is "
        "refused again, send the buyer to the registration desk."
    ),
    BadgeStatus.UNKNOWN: (
        "This badge or registration number is not known to this event. Send the buyer to the "
        "registration desk for a badge."
    ),
    BadgeStatus.REVOKED: (
        "This badge was replaced (reported lost) and no longer counts. Ask for the buyer's new "
        "badge, or send them to the registration desk."
    ),
}


class BadgeRefused(ExpoError):
    """A scanned payload that does not identify a buyer; ``status`` says why, the message what
    the booth should do about it."""

    def __init__(self, status: BadgeStatus) -> None:
        super().__init__(_REFUSALS[status])
        self.status = status


class InquiryRefused(ExpoError):
    """The inquiry cannot be saved as given (wrong station, product or field)."""


class LeadNotFound(ExpoError):
    """No lead by that id for the acting factory."""


@dataclass(frozen=True)
class BuyerCard:
    """What the booth shows the moment a badge is scanned."""

    visitor_id: int
    badge_id: int | None
    payload: str  # what was scanned, normalised
    name: str
    company: str | None
    visitor_type: VisitorType
    consent_share: bool
    lead_id: int | None  # this buyer's lead at the acting factory, if they asked before
    earlier_inquiries: int
    lead_rating: LeadRating | None


@dataclass(frozen=True)
class ProductRef:
    id: int
    sku: str
    name: str


@dataclass(frozen=True)
class InquiryDraft:
    """What the booth's form collects; checked by ``record_inquiry``."""

    product_ids: Sequence[int] = ()
    skus: Sequence[str] = ()  # products by SKU (the CLI), in addition to product_ids
    quantity: int | None = None
    target_price: Decimal | None = None
    customisation: str = ""
    notes: str = ""
    rating: LeadRating | None = None
    follow_up_on: dt.date | None = None


@dataclass(frozen=True)
class InquiryRecord:
    id: int
    uuid: uuid.UUID
    lead_id: int
    factory_id: int
    visitor_id: int
    visitor_name: str
    company: str | None
    visitor_type: VisitorType
    products: tuple[ProductRef, ...]
    quantity: int | None
    target_price: Decimal | None
    customisation: str | None
    notes: str | None
    rating: LeadRating | None
    follow_up_on: dt.date | None
    at: dt.datetime
    station: str | None
    badge_code: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "uuid": str(self.uuid),
            "lead": self.lead_id,
            "factory": self.factory_id,
            "visitor": {
                "id": self.visitor_id,
                "name": self.visitor_name,
                "company": self.company,
                "type": self.visitor_type.value,
            },
            "products": [{"sku": p.sku, "name": p.name} for p in self.products],
            "quantity": self.quantity,
            "target_price": None if self.target_price is None else str(self.target_price),
            "customisation": self.customisation,
            "notes": self.notes,
            "rating": self.rating.value if self.rating else None,
            "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else None,
            "at": self.at.isoformat(),
            "station": self.station,
        }


@dataclass(frozen=True)
class LeadSummary:
    """A buyer as the factory sees them. Contact fields are None without the buyer's consent."""

    id: int
    uuid: uuid.UUID
    visitor_id: int
    name: str
    company: str | None
    visitor_type: VisitorType
    consent_share: bool
    phone: str | None
    wechat: str | None
    email: str | None
    rating: LeadRating | None
    follow_up_on: dt.date | None
    notes: str | None  # the booth's own notes on the buyer, editable after the fair
    inquiries: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    skus: tuple[str, ...]  # every product the buyer asked about, by SKU

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "uuid": str(self.uuid),
            "visitor": self.visitor_id,
            "name": self.name,
            "company": self.company,
            "type": self.visitor_type.value,
            "phone": self.phone,
            "wechat": self.wechat,
            "rating": self.rating.value if self.rating else None,
            "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else None,
            "notes": self.notes,
            "inquiries": self.inquiries,
            "last_at": self.last_at.isoformat() if self.last_at else None,
            "products": list(self.skus),
        }


def check_station_acts_for(station: StationRef, factory_id: int) -> None:
    """A booth station logs inquiries for its own factory only; the organisers' office for any
    factory (inquiries taken on paper); a registration desk for none."""
    if station.kind == StationKind.BOOTH and station.factory_id == factory_id:
        return
    if station.kind == StationKind.OFFICE:
        return
    if station.kind == StationKind.BOOTH:
        raise InquiryRefused(
            f"Station {station.name} is the booth of another factory; it cannot log inquiries "
            f"for factory {factory_id}. Bind the station to this factory in the booth settings."
        )
    raise InquiryRefused(
        f"Station {station.name} is a registration desk; bind it to a factory (booth settings) "
        "to log inquiries."
    )


def bind_booth_station(session: Session, name: str, factory_id: int) -> StationRef:
    """Make the station ``name`` the booth of ``factory_id`` (created on first use)."""
    require_factory(session, factory_id)
    name = name.strip()
    if not name:
        raise ExpoError("A station needs a name (for example 'Booth A-12').")
    station = session.scalar(select(Station).where(Station.name == name))
    if station is None:
        station = Station(name=name, kind=StationKind.BOOTH, factory_id=factory_id)
        session.add(station)
    else:
        station.kind = StationKind.BOOTH
        station.factory_id = factory_id
    session.flush()
    return StationRef(station.id, station.name, station.kind, station.factory_id)


def booth_station(session: Session, name: str, factory_id: int) -> StationRef:
    """The booth station ``name`` of ``factory_id``, created on first use. A station already
    bound elsewhere is refused, never silently moved (its leads would change hands)."""
    require_factory(session, factory_id)
    station = session.scalar(select(Station).where(Station.name == name.strip()))
    if station is None:
        return bind_booth_station(session, name, factory_id)
    if station.kind != StationKind.BOOTH or station.factory_id != factory_id:
        raise InquiryRefused(
            f"Station {station.name} is not the booth of factory {factory_id}; choose another "
            "station name, or rebind it in the booth settings of the app."
        )
    return StationRef(station.id, station.name, station.kind, station.factory_id)


def identify_buyer(session: Session, factory_id: int, payload: str) -> BuyerCard:
    """The buyer a scanned badge (or typed registration number) belongs to, checked offline
    against the event's key; raises ``BadgeRefused`` for an invalid, unknown or revoked one."""
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    require_factory(session, factory_id)
    lookup = resolve_badge(session, payload)
    if lookup.status != BadgeStatus.OK or lookup.visitor_id is None:
        status = lookup.status if lookup.status != BadgeStatus.OK else BadgeStatus.UNKNOWN
        raise BadgeRefused(status)
    visitor = session.get(Visitor, lookup.visitor_id)
    if visitor is None:
        raise BadgeRefused(BadgeStatus.UNKNOWN)
    lead = session.scalar(
        select(Lead).where(Lead.factory_id == factory_id, Lead.visitor_id == visitor.id)
    )
    earlier = 0
    if lead is not None:
        earlier = session.scalar(select(func.count()).where(Inquiry.lead_id == lead.id)) or 0
    return BuyerCard(
        visitor_id=visitor.id,
        badge_id=lookup.badge_id,
        payload=payload.strip()[:64],
        name=visitor.name,
        company=visitor.company,
        visitor_type=visitor.visitor_type,
        consent_share=visitor.consent_share,
        lead_id=lead.id if lead is not None else None,
        earlier_inquiries=earlier,
        lead_rating=lead.rating if lead is not None else None,
    )


def _clean_text(text: str, label: str) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise InquiryRefused(f"The {label} is longer than {MAX_TEXT} characters; shorten it.")
    return text or None


def _products(session: Session, factory_id: int, draft: InquiryDraft) -> list[Product]:
    chosen: dict[int, Product] = {}
    if draft.product_ids:
        found = session.scalars(
            select(Product).where(
                Product.id.in_(set(draft.product_ids)), Product.factory_id == factory_id
            )
        ).all()
        missing = set(draft.product_ids) - {p.id for p in found}
        if missing:
            raise InquiryRefused(
                "A picked product is not (or no longer) in this factory's catalogue; "
                "pick the products again."
            )
        chosen |= {p.id: p for p in found}
    for sku in draft.skus:
        product = session.scalar(
            select(Product).where(Product.factory_id == factory_id, Product.sku == sku.strip())
        )
        if product is None:
            raise InquiryRefused(
                f"No product with SKU {sku!r} in this factory's catalogue. "
                f"`python -m expo catalogue list {factory_id}` shows the SKUs."
            )
        chosen[product.id] = product
    if not chosen:
        raise InquiryRefused(
            "Pick at least one product from the catalogue that the buyer asked about."
        )
    return sorted(chosen.values(), key=lambda p: p.sku)


def _lead_for(session: Session, factory_id: int, visitor_id: int) -> Lead:
    """The buyer's one lead at the factory, created on the first inquiry."""
    query = select(Lead).where(Lead.factory_id == factory_id, Lead.visitor_id == visitor_id)
    lead = session.scalar(query)
    if lead is not None:
        return lead
    try:
        with session.begin_nested():
            lead = Lead(factory_id=factory_id, visitor_id=visitor_id)
            session.add(lead)
    except IntegrityError:
        # Another booth computer of the same factory wrote the lead a moment ago.
        lead = session.scalars(query).one()
    return lead


def record_inquiry(
    session: Session,
    factory_id: int,
    payload: str,
    draft: InquiryDraft,
    station: StationRef,
) -> InquiryRecord:
    """Log an inquiry of the buyer whose badge ``payload`` is, at ``factory_id``'s booth.

    The badge is verified again (it may have been revoked since the scan). The buyer's lead at
    this factory is found or created; its rating and follow-up date follow the newest inquiry
    that gives one.
    """
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    check_station_acts_for(station, factory_id)
    buyer = identify_buyer(session, factory_id, payload)
    products = _products(session, factory_id, draft)
    if draft.quantity is not None and draft.quantity <= 0:
        raise InquiryRefused("The quantity must be at least 1 (or left empty).")
    if draft.target_price is not None:
        if isinstance(draft.target_price, float):
            raise TypeError("prices are Decimal, never float")
        if draft.target_price < 0:
            raise InquiryRefused("The target price cannot be negative.")
    customisation = _clean_text(draft.customisation, "customisation wish")
    notes = _clean_text(draft.notes, "note")

    lead = _lead_for(session, factory_id, buyer.visitor_id)
    now = utcnow()
    if draft.rating is not None:
        lead.rating = draft.rating
    if draft.follow_up_on is not None:
        lead.follow_up_on = draft.follow_up_on
    lead.updated_at = now
    inquiry = Inquiry(
        lead_id=lead.id,
        factory_id=factory_id,
        visitor_id=buyer.visitor_id,
        station_id=station.id,
        quantity=draft.quantity,
        target_price=draft.target_price,
        customisation=customisation,
        notes=notes,
        rating=draft.rating,
        follow_up_on=draft.follow_up_on,
        at=now,
        badge_code=buyer.payload,
    )
    inquiry.products = products
    session.add(inquiry)
    session.flush()
    return _inquiry_record(inquiry, buyer.name, buyer.company, buyer.visitor_type, station.name)


class Keep(Enum):
    """A ``LeadUpdate`` field left as it is (None means "clear it")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class LeadUpdate:
    """What booth staff change on a lead after the fact; fields left at ``KEEP`` stay as they are,
    None clears one."""

    rating: LeadRating | None | Keep = KEEP
    follow_up_on: dt.date | None | Keep = KEEP
    notes: str | None | Keep = KEEP


def update_lead(
    session: Session,
    lead_id: int,
    acting_factory: int,
    update: LeadUpdate,
    station: StationRef,
) -> LeadSummary:
    """Change the rating, follow-up date or notes of the acting factory's lead ``lead_id``.

    The lead's inquiries stay as they were (they are append-only). Another factory's lead is
    refused exactly like a lead that does not exist, so its existence does not leak either.
    """
    permit(session, Permission.RECORD_INQUIRY, acting_factory)
    check_station_acts_for(station, acting_factory)
    require_factory(session, acting_factory)
    lead = session.get(Lead, lead_id)
    if lead is None or lead.factory_id != acting_factory:
        raise LeadNotFound(
            f"Factory {acting_factory} has no lead {lead_id}. "
            f"`python -m expo inquiries leads --factory {acting_factory}` shows its leads."
        )
    if update.rating is not KEEP:
        lead.rating = update.rating
    if update.follow_up_on is not KEEP:
        lead.follow_up_on = update.follow_up_on
    if update.notes is not KEEP:
        lead.notes = _clean_text(update.notes or "", "note")
    lead.updated_at = utcnow()
    session.flush()
    return list_leads(session, acting_factory, lead_id=lead.id)[0]


def list_inquiries(
    session: Session, factory_id: int, *, lead_id: int | None = None
) -> list[InquiryRecord]:
    """The acting factory's inquiries, newest first (one lead's with ``lead_id``)."""
    permit(session, Permission.READ_LEADS, factory_id)
    require_factory(session, factory_id)
    query = (
        select(Inquiry, Visitor, Station.name)
        .join(Visitor, Visitor.id == Inquiry.visitor_id)
        .outerjoin(Station, Station.id == Inquiry.station_id)
        .where(Inquiry.factory_id == factory_id)
        .options(selectinload(Inquiry.products))
        .order_by(Inquiry.at.desc(), Inquiry.id.desc())
    )
    if lead_id is not None:
        query = query.where(Inquiry.lead_id == lead_id)
    return [
        _inquiry_record(inquiry, visitor.name, visitor.company, visitor.visitor_type, station_name)
        for inquiry, visitor, station_name in session.execute(query)
    ]


def _inquiry_record(
    inquiry: Inquiry,
    name: str,
    company: str | None,
    visitor_type: VisitorType,
    station: str | None,
) -> InquiryRecord:
    return InquiryRecord(
        id=inquiry.id,
        uuid=inquiry.uuid,
        lead_id=inquiry.lead_id,
        factory_id=inquiry.factory_id,
        visitor_id=inquiry.visitor_id,
        visitor_name=name,
        company=company,
        visitor_type=visitor_type,
        products=tuple(ProductRef(p.id, p.sku, p.name) for p in inquiry.products),
        quantity=inquiry.quantity,
        target_price=inquiry.target_price,
        customisation=inquiry.customisation,
        notes=inquiry.notes,
        rating=inquiry.rating,
        follow_up_on=inquiry.follow_up_on,
        at=inquiry.at,
        station=station,
        badge_code=inquiry.badge_code,
    )


def list_leads(
    session: Session, factory_id: int, *, lead_id: int | None = None
) -> list[LeadSummary]:
    """The acting factory's leads, the most recently active first (one lead with ``lead_id``)."""
    permit(session, Permission.READ_LEADS, factory_id)
    require_factory(session, factory_id)
    # type_coerce: SQLite hands MIN/MAX of a datetime back as text; the column type reads it.
    stats = (
        select(
            Inquiry.lead_id,
            func.count().label("n"),
            type_coerce(func.min(Inquiry.at), UTCDateTime).label("first_at"),
            type_coerce(func.max(Inquiry.at), UTCDateTime).label("last_at"),
        )
        .where(Inquiry.factory_id == factory_id)
        .group_by(Inquiry.lead_id)
        .subquery()
    )
    # Plain columns, not ORM objects: a busy booth lists hundreds of leads after every save.
    # Each is labelled with the LeadSummary field it fills.
    query = (
        select(
            Lead.id,
            Lead.uuid,
            Visitor.id.label("visitor_id"),
            Visitor.name,
            Visitor.company,
            Visitor.visitor_type,
            Visitor.consent_share,
            Visitor.phone,
            Visitor.wechat,
            Visitor.email,
            Lead.rating,
            Lead.follow_up_on,
            Lead.notes,
            func.coalesce(stats.c.n, 0).label("inquiries"),
            stats.c.first_at,
            stats.c.last_at,
        )
        .join(Visitor, Visitor.id == Lead.visitor_id)
        .outerjoin(stats, stats.c.lead_id == Lead.id)
        .where(Lead.factory_id == factory_id)
    )
    if lead_id is not None:
        query = query.where(Lead.id == lead_id)
    skus = _skus_by_lead(session, factory_id)
    leads = []
    for row in session.execute(query):
        fields = row._asdict()
        if not fields["consent_share"]:
            fields |= {"phone": None, "wechat": None, "email": None}
        leads.append(LeadSummary(**fields, skus=tuple(skus.get(row.id, ()))))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    leads.sort(key=lambda lead: (lead.last_at or epoch, lead.id), reverse=True)
    return leads


def _skus_by_lead(session: Session, factory_id: int) -> dict[int, list[str]]:
    rows = session.execute(
        select(Inquiry.lead_id, Product.sku)
        .join(inquiry_product, inquiry_product.c.inquiry_id == Inquiry.id)
        .join(Product, Product.id == inquiry_product.c.product_id)
        .where(Inquiry.factory_id == factory_id)
        .distinct()
        .order_by(Inquiry.lead_id, Product.sku)
    )
    found: dict[int, list[str]] = {}
    for lead_id, sku in rows:
        found.setdefault(lead_id, []).append(sku)
    return found
