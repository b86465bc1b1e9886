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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Select, false, func, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from expo.badges.codes import looks_like_code, normalise_scan
from expo.errors import ExpoError
from expo.models import (
    Factory,
    Inquiry,
    InquiryAnswer,
    Lead,
    LeadQuestion,
    LeadRating,
    LeadTag,
    Product,
    QuestionKind,
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
from expo.services.lead_questions import answers_by_lead, answers_of_inquiries, resolve_answers
from expo.services.lead_tags import add_tags, clean_tags, set_tags, tags_by_lead
from expo.services.salespeople import clean_salesperson, remember_salesperson
from expo.text.clean import clean_multiline
from expo.unit_of_work import UnitOfWork

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


_NOT_A_BADGE = (
    "This is a registration number, not a badge: at a booth only the buyer's badge identifies "
    "them (anyone can read or guess a number). Scan the QR code on the badge; a buyer without "
    "one gets it at the registration desk."
)


class BadgeRefused(ExpoError):
    """A scanned payload that does not identify a buyer; ``status`` says why, the message what
    the booth should do about it."""

    def __init__(self, status: BadgeStatus, message: str | None = None) -> None:
        super().__init__(message or _REFUSALS[status])
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
    # (question id, value): the option's text or number, or the text; several for "many".
    answers: Sequence[tuple[int, str]] = ()
    tags: Sequence[str] = ()  # put on the buyer's lead (tags it has stay)
    salesperson: str | None = None  # who at the booth took the inquiry


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
    salesperson: str | None = None
    answers: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # question id -> values

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
            "salesperson": self.salesperson,
            "answers": {str(q): list(v) for q, v in self.answers.items()},
            "verified_by_badge": self.badge_code is not None,
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
    salesperson: str | None = None  # who took the lead
    verified_by_badge: bool = True  # False: typed in by hand, no badge was scanned
    consent_at: dt.datetime | None = None  # the buyer agreed at this booth to share contact
    tags: tuple[str, ...] = ()
    answers: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # question id -> values

    @property
    def contact_shared(self) -> bool:
        """The factory may have the buyer's contact: consent at registration or at its booth."""
        return self.consent_share or self.consent_at is not None

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
            "salesperson": self.salesperson,
            "verified_by_badge": self.verified_by_badge,
            "consent_at": self.consent_at.isoformat() if self.consent_at else None,
            "tags": list(self.tags),
            "answers": {str(q): list(v) for q, v in self.answers.items()},
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


def bind_booth_station(
    session: UnitOfWork, name: str, factory_id: int, *, record: bool = True
) -> StationRef:
    """Make the station ``name`` the booth of ``factory_id`` (created on first use).

    Records ``station.bound`` when the binding changes (``record=False``: a booth station
    created on its first write, which is no decision of anyone's)."""
    require_factory(session, factory_id)
    name = name.strip()
    if not name:
        raise ExpoError("A station needs a name (for example 'Booth A-12').")
    station = session.scalar(select(Station).where(Station.name == name))
    before: tuple[StationKind | None, int | None] = (None, None)
    if station is None:
        station = Station(name=name, kind=StationKind.BOOTH, factory_id=factory_id)
        session.add(station)
    else:
        before = (station.kind, station.factory_id)
        station.kind = StationKind.BOOTH
        station.factory_id = factory_id
    session.flush()
    if record and before != (StationKind.BOOTH, factory_id):
        factory_uuid = session.scalar(select(Factory.uuid).where(Factory.id == factory_id))
        session.record(
            "station.bound",
            [station.uuid, factory_uuid],
            station=name,
            factory=factory_id,
            factory_uuid=factory_uuid,
            previous_kind=before[0],
            previous_factory=before[1],
        )
    return StationRef(station.id, station.name, station.kind, station.factory_id)


def booth_station(session: UnitOfWork, name: str, factory_id: int) -> StationRef:
    """The booth station ``name`` of ``factory_id``, created on first use. A station already
    bound elsewhere is refused, never silently moved (its leads would change hands)."""
    require_factory(session, factory_id)
    station = session.scalar(select(Station).where(Station.name == name.strip()))
    if station is None:
        return bind_booth_station(session, name, factory_id, record=False)
    if station.kind != StationKind.BOOTH or station.factory_id != factory_id:
        raise InquiryRefused(
            f"Station {station.name} is not the booth of factory {factory_id}; choose another "
            "station name, or rebind it in the booth settings of the app."
        )
    return StationRef(station.id, station.name, station.kind, station.factory_id)


def identify_buyer(session: Session, factory_id: int, payload: str) -> BuyerCard:
    """The buyer a scanned badge belongs to, checked offline against the event's key; raises
    ``BadgeRefused`` for an invalid, unknown or revoked badge and for a registration number
    (a booth trusts signed badges only)."""
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    require_factory(session, factory_id)
    text = normalise_scan(payload)
    if text and not looks_like_code(text):
        raise BadgeRefused(BadgeStatus.INVALID, _NOT_A_BADGE)
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
    text = clean_multiline(text) or ""
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


def lead_for(session: Session, factory_id: int, visitor_id: int) -> Lead:
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
    session: UnitOfWork,
    factory_id: int,
    payload: str,
    draft: InquiryDraft,
    station: StationRef | None = None,
) -> InquiryRecord:
    """Log an inquiry of the buyer whose badge ``payload`` is, at ``factory_id``'s booth.

    The badge is verified again (it may have been revoked since the scan). The buyer's lead at
    this factory is found or created; its rating and follow-up date follow the newest inquiry
    that gives one. ``station`` defaults to the unit of work's. Records ``inquiry.recorded``.
    """
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    station = station or session.station()
    check_station_acts_for(station, factory_id)
    buyer = identify_buyer(session, factory_id, payload)
    checked = check_draft(session, factory_id, draft)
    lead = lead_for(session, factory_id, buyer.visitor_id)
    lead.verified_by_badge = True
    return record_for_lead(session, lead, buyer.payload, checked, station)


@dataclass(frozen=True)
class CheckedDraft:
    """An ``InquiryDraft`` checked against the factory's catalogue and questions."""

    draft: InquiryDraft
    products: list[Product]
    answers: list[tuple[int, str]]
    tags: list[str]
    salesperson: str | None
    customisation: str | None
    notes: str | None


def check_draft(session: Session, factory_id: int, draft: InquiryDraft) -> CheckedDraft:
    """Refuse a draft that cannot be saved, before anything is written (a lead created and then
    refused would be left behind: SQLite commits a first SAVEPOINT outside a transaction)."""
    products = _products(session, factory_id, draft)
    answers = resolve_answers(session, factory_id, draft.answers)
    tags = clean_tags(draft.tags)
    salesperson = clean_salesperson(draft.salesperson)
    if draft.quantity is not None and draft.quantity <= 0:
        raise InquiryRefused("The quantity must be at least 1 (or left empty).")
    if draft.target_price is not None:
        if isinstance(draft.target_price, float):
            raise TypeError("prices are Decimal, never float")
        if draft.target_price < 0:
            raise InquiryRefused("The target price cannot be negative.")
    return CheckedDraft(
        draft,
        products,
        answers,
        tags,
        salesperson,
        _clean_text(draft.customisation, "customisation wish"),
        _clean_text(draft.notes, "note"),
    )


def record_for_lead(
    session: UnitOfWork,
    lead: Lead,
    badge_code: str | None,
    checked: CheckedDraft,
    station: StationRef,
) -> InquiryRecord:
    """Append an inquiry to ``lead`` (the acting factory's, found or created by the caller)
    from a checked draft; ``badge_code`` None when the buyer was typed in by hand."""
    factory_id = lead.factory_id
    check_station_acts_for(station, factory_id)
    draft = checked.draft
    answers, tags, salesperson = checked.answers, checked.tags, checked.salesperson
    customisation, notes, products = checked.customisation, checked.notes, checked.products
    now = utcnow()
    if draft.rating is not None:
        lead.rating = draft.rating
    if draft.follow_up_on is not None:
        lead.follow_up_on = draft.follow_up_on
    if salesperson is not None and lead.salesperson is None:
        lead.salesperson = salesperson
    lead.updated_at = now
    inquiry = Inquiry(
        lead_id=lead.id,
        factory_id=factory_id,
        visitor_id=lead.visitor_id,
        station_id=station.id,
        quantity=draft.quantity,
        target_price=draft.target_price,
        customisation=customisation,
        notes=notes,
        rating=draft.rating,
        follow_up_on=draft.follow_up_on,
        at=now,
        badge_code=badge_code,
        salesperson=salesperson,
    )
    inquiry.products = products
    session.add(inquiry)
    session.flush()
    session.add_all(
        InquiryAnswer(
            inquiry_id=inquiry.id,
            lead_id=lead.id,
            factory_id=factory_id,
            question_id=question_id,
            value=value,
        )
        for question_id, value in answers
    )
    add_tags(session, factory_id, lead.id, tags)
    if salesperson is not None:
        remember_salesperson(session, station, salesperson)
    session.flush()
    visitor_uuid = session.scalar(select(Visitor.uuid).where(Visitor.id == lead.visitor_id))
    factory_uuid = session.scalar(select(Factory.uuid).where(Factory.id == factory_id))
    session.record(
        "inquiry.recorded",
        [inquiry.uuid, lead.uuid, visitor_uuid, factory_uuid],
        inquiry_uuid=inquiry.uuid,
        lead_uuid=lead.uuid,
        factory=factory_id,
        factory_uuid=factory_uuid,
        visitor_uuid=visitor_uuid,
        skus=[p.sku for p in products],
        quantity=draft.quantity,
        target_price=None if draft.target_price is None else str(draft.target_price),
        customisation=customisation,
        note=notes,
        rating=draft.rating,
        follow_up_on=draft.follow_up_on,
        badge_code=badge_code,
        answers=[[question_id, value] for question_id, value in answers],
        tags=tags,
        salesperson=salesperson,
        at=now,
    )
    visitor = session.get(Visitor, lead.visitor_id)
    assert visitor is not None
    name, company = _shown_buyer(lead, visitor)
    answered: dict[int, list[str]] = {}
    for question_id, value in answers:
        answered.setdefault(question_id, []).append(value)
    return _inquiry_record(
        inquiry,
        name,
        company,
        visitor.visitor_type,
        station.name,
        {q: tuple(v) for q, v in answered.items()},
    )


def _shown_buyer(lead: Lead, visitor: Visitor) -> tuple[str, str | None]:
    """The name and company the factory sees: for a buyer typed in by hand, what the booth
    typed (the registry may know the same phone under another spelling; it is not shown)."""
    if not lead.verified_by_badge and lead.given_name:
        return lead.given_name, lead.given_company
    return visitor.name, visitor.company


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
    tags: Sequence[str] | Keep = KEEP  # the lead's tags from now on


def update_lead(
    session: UnitOfWork,
    lead_id: int,
    acting_factory: int,
    update: LeadUpdate,
    station: StationRef | None = None,
) -> LeadSummary:
    """Change the rating, follow-up date or notes of the acting factory's lead ``lead_id``.

    The lead's inquiries stay as they were (they are append-only). Another factory's lead is
    refused exactly like a lead that does not exist, so its existence does not leak either.
    Records ``lead.updated`` with each field's old and new value.
    """
    permit(session, Permission.RECORD_INQUIRY, acting_factory)
    station = station or session.station()
    check_station_acts_for(station, acting_factory)
    require_factory(session, acting_factory)
    lead = session.get(Lead, lead_id)
    if lead is None or lead.factory_id != acting_factory:
        raise LeadNotFound(
            f"Factory {acting_factory} has no lead {lead_id}. "
            f"`python -m expo inquiries leads --factory {acting_factory}` shows its leads."
        )
    wanted: dict[str, Any] = {}
    if update.rating is not KEEP:
        wanted["rating"] = update.rating
    if update.follow_up_on is not KEEP:
        wanted["follow_up_on"] = update.follow_up_on
    if update.notes is not KEEP:
        wanted["notes"] = _clean_text(update.notes or "", "note")
    changes = [
        {"field": name, "old": getattr(lead, name), "new": value}
        for name, value in wanted.items()
        if getattr(lead, name) != value
    ]
    for name, value in wanted.items():
        setattr(lead, name, value)
    if update.tags is not KEEP:
        set_tags(session, acting_factory, lead.id, update.tags)
    lead.updated_at = utcnow()
    session.flush()
    if changes:
        visitor_uuid = session.scalar(select(Visitor.uuid).where(Visitor.id == lead.visitor_id))
        session.record(
            "lead.updated",
            [lead.uuid, visitor_uuid],
            lead_uuid=lead.uuid,
            factory=acting_factory,
            visitor_uuid=visitor_uuid,
            changes=changes,
        )
    return list_leads(session, acting_factory, lead_id=lead.id)[0]


def list_inquiries(
    session: Session, factory_id: int, *, lead_id: int | None = None
) -> list[InquiryRecord]:
    """The acting factory's inquiries, newest first (one lead's with ``lead_id``)."""
    permit(session, Permission.READ_LEADS, factory_id)
    require_factory(session, factory_id)
    query = (
        select(Inquiry, Visitor, Station.name, Lead)
        .join(Visitor, Visitor.id == Inquiry.visitor_id)
        .join(Lead, Lead.id == Inquiry.lead_id)
        .outerjoin(Station, Station.id == Inquiry.station_id)
        .where(Inquiry.factory_id == factory_id)
        .options(selectinload(Inquiry.products))
        .order_by(Inquiry.at.desc(), Inquiry.id.desc())
    )
    if lead_id is not None:
        query = query.where(Inquiry.lead_id == lead_id)
    rows = session.execute(query).all()
    answers = answers_of_inquiries(session, factory_id, [row[0].id for row in rows])
    records = []
    for inquiry, visitor, station_name, lead in rows:
        name, company = _shown_buyer(lead, visitor)
        records.append(
            _inquiry_record(
                inquiry,
                name,
                company,
                visitor.visitor_type,
                station_name,
                answers.get(inquiry.id, {}),
            )
        )
    return records


def _inquiry_record(
    inquiry: Inquiry,
    name: str,
    company: str | None,
    visitor_type: VisitorType,
    station: str | None,
    answers: Mapping[int, tuple[str, ...]] | None = None,
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
        salesperson=inquiry.salesperson,
        answers=dict(answers or {}),
    )


@dataclass(frozen=True)
class LeadFilter:
    """Which of the factory's leads to list; empty fields filter nothing.

    ``answers`` maps a question id to a value: a lead matches when one of its inquiries gave
    that option (a choice question) or an answer containing that text (a text question)."""

    tag: str | None = None
    answers: Mapping[int, str] = field(default_factory=dict)
    rating: LeadRating | None = None
    follow_up_on: dt.date | None = None
    unverified_only: bool = False


def list_leads(
    session: Session,
    factory_id: int,
    *,
    lead_id: int | None = None,
    where: LeadFilter | None = None,
) -> list[LeadSummary]:
    """The acting factory's leads, the most recently active first (one lead with ``lead_id``,
    those that match ``where``)."""
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
            Lead.salesperson,
            Lead.verified_by_badge,
            Lead.consent_at,
            Lead.given_name,
            Lead.given_company,
            Lead.given_phone,
        )
        .join(Visitor, Visitor.id == Lead.visitor_id)
        .outerjoin(stats, stats.c.lead_id == Lead.id)
        .where(Lead.factory_id == factory_id)
    )
    if lead_id is not None:
        query = query.where(Lead.id == lead_id)
    if where is not None:
        query = _filtered(session, query, factory_id, where)
    rows = session.execute(query).all()
    # A filtered list reads the details of the leads it shows only.
    narrowed = [row.id for row in rows] if lead_id is not None or where is not None else None
    skus = _skus_by_lead(session, factory_id, narrowed)
    tags = tags_by_lead(session, factory_id, narrowed)
    answers = answers_by_lead(session, factory_id, narrowed)
    leads = []
    for row in rows:
        fields = row._asdict()
        given = (fields.pop("given_name"), fields.pop("given_company"), fields.pop("given_phone"))
        if not fields["verified_by_badge"] and given[0]:
            # Typed in by hand: the factory sees what its booth typed, not the registry's record.
            fields |= {"name": given[0], "company": given[1], "phone": given[2]}
            fields |= {"wechat": None, "email": None}
            if fields["consent_at"] is None:
                fields["phone"] = given[2]  # the buyer handed this number to the booth
        elif not (fields["consent_share"] or fields["consent_at"] is not None):
            fields |= {"phone": None, "wechat": None, "email": None}
        leads.append(
            LeadSummary(
                **fields,
                skus=tuple(skus.get(row.id, ())),
                tags=tags.get(row.id, ()),
                answers=answers.get(row.id, {}),
            )
        )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    leads.sort(key=lambda lead: (lead.last_at or epoch, lead.id), reverse=True)
    return leads


def _filtered(
    session: Session, query: Select[Any], factory_id: int, where: LeadFilter
) -> Select[Any]:
    """``query`` narrowed by ``where``: each condition an EXISTS on the factory's own rows."""
    # Each condition is one uncorrelated IN (lead ids): SQLite computes it once from an index,
    # where a correlated EXISTS would scan the answers again for every lead.
    if where.tag:
        query = query.where(
            Lead.id.in_(
                select(LeadTag.lead_id).where(
                    LeadTag.factory_id == factory_id,
                    func.lower(LeadTag.tag) == where.tag.strip().lower(),
                )
            )
        )
    kinds: dict[int, QuestionKind] = dict(
        session.execute(
            select(LeadQuestion.id, LeadQuestion.kind).where(
                LeadQuestion.factory_id == factory_id,
                LeadQuestion.id.in_(list(where.answers)),
            )
        )
        .tuples()
        .all()
    )
    for question_id, value in where.answers.items():
        if not value:
            continue
        if question_id not in kinds:  # another factory's question: nothing of ours matches
            return query.where(false())
        matches = (
            InquiryAnswer.value.contains(value, autoescape=True)
            if kinds[question_id] == QuestionKind.TEXT
            else InquiryAnswer.value == value
        )
        query = query.where(
            Lead.id.in_(
                select(InquiryAnswer.lead_id).where(
                    InquiryAnswer.factory_id == factory_id,
                    InquiryAnswer.question_id == question_id,
                    matches,
                )
            )
        )
    if where.rating is not None:
        query = query.where(Lead.rating == where.rating)
    if where.follow_up_on is not None:
        query = query.where(Lead.follow_up_on == where.follow_up_on)
    if where.unverified_only:
        query = query.where(Lead.verified_by_badge.is_(False))
    return query


def _skus_by_lead(
    session: Session, factory_id: int, lead_ids: list[int] | None = None
) -> dict[int, list[str]]:
    query = (
        select(Inquiry.lead_id, Product.sku)
        .join(inquiry_product, inquiry_product.c.inquiry_id == Inquiry.id)
        .join(Product, Product.id == inquiry_product.c.product_id)
        .where(Inquiry.factory_id == factory_id)
        .distinct()
        .order_by(Inquiry.lead_id, Product.sku)
    )
    if lead_ids is not None:
        query = query.where(Inquiry.lead_id.in_(lead_ids))
    rows = session.execute(query)
    found: dict[int, list[str]] = {}
    for lead_id, sku in rows:
        found.setdefault(lead_id, []).append(sku)
    return found


class ConsentError(ExpoError):
    """Consent at the booth cannot be recorded as asked."""


def record_consent(
    session: UnitOfWork, factory_id: int, lead_id: int, station: StationRef
) -> LeadSummary:
    """The buyer of the factory's lead agreed at its booth to share their contact with it.

    Recorded with the time and the station (once: asking again keeps the first record); from
    then on the lead's phone, WeChat and e-mail show in the factory's lists and exports.
    """
    permit(session, Permission.RECORD_INQUIRY, factory_id)
    check_station_acts_for(station, factory_id)
    lead = _own_lead(session, factory_id, lead_id)
    if lead.consent_at is None:
        lead.consent_at = utcnow()
        lead.consent_station_id = station.id
        visitor_uuid = session.scalar(select(Visitor.uuid).where(Visitor.id == lead.visitor_id))
        session.record(
            "lead.consented",
            [lead.uuid, visitor_uuid],
            lead_uuid=lead.uuid,
            factory=factory_id,
            visitor_uuid=visitor_uuid,
            at=lead.consent_at,
        )
        lead.updated_at = lead.consent_at
        session.flush()
    return list_leads(session, factory_id, lead_id=lead.id)[0]


def consent_record(
    session: Session, factory_id: int, lead_id: int
) -> tuple[dt.datetime, str] | None:
    """When and at which station the buyer consented at the factory's booth, or None."""
    lead = _own_lead(session, factory_id, lead_id)
    if lead.consent_at is None:
        return None
    station = session.get(Station, lead.consent_station_id) if lead.consent_station_id else None
    return lead.consent_at, station.name if station is not None else "?"


def _own_lead(session: Session, factory_id: int, lead_id: int) -> Lead:
    require_factory(session, factory_id)
    lead = session.get(Lead, lead_id)
    if lead is None or lead.factory_id != factory_id:
        raise LeadNotFound(
            f"Factory {factory_id} has no lead {lead_id}. "
            f"`python -m expo inquiries leads --factory {factory_id}` shows its leads."
        )
    return lead
