"""The visitor registry: find anyone, register walk-ins, spot visitors registered twice.

The names other parts of Expo Desk use live here: ``search_visitors`` and ``VisitorHit`` (from
``expo.services.visitor_search``), ``refresh_search_keys`` and ``index_companies`` (from
``expo.services.visitor_index``), ``add_visitor`` and ``find_likely_duplicates``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Visitor, VisitorSource, VisitorType
from expo.permissions import Permission, permit
from expo.services.events import StationRef
from expo.services.visitor_index import index_companies, refresh_search_keys, search_key_rows
from expo.services.visitor_search import (
    VisitorHit,
    get_visitor_hit,
    search_visitors,
    visitor_hits,
)
from expo.services.visitor_writer import insert_visitors
from expo.text.clean import clean_text
from expo.text.phones import normalise_phone
from expo.text.visitor_types import visitor_type_from_label
from expo.unit_of_work import UnitOfWork

__all__ = [
    "DuplicateVisitor",
    "InvalidVisitor",
    "NewVisitor",
    "VisitorHit",
    "add_visitor",
    "find_likely_duplicates",
    "get_visitor_hit",
    "index_companies",
    "refresh_search_keys",
    "search_key_rows",
    "search_visitors",
    "visitor_hits",
]


@dataclass(frozen=True)
class NewVisitor:
    """A visitor typed in at a desk. ``phone`` as typed; ``visitor_type`` a type or a label."""

    name: str
    phone: str | None = None
    company: str | None = None
    visitor_type: VisitorType | str | None = None
    wechat: str | None = None
    email: str | None = None
    city: str | None = None
    registration_no: str | None = None
    consent_share: bool = False
    notes: str | None = None


class InvalidVisitor(ExpoError):
    """A visitor's details cannot be saved as given."""


class DuplicateVisitor(ExpoError):
    """The visitor looks already registered (same phone or WeChat)."""

    def __init__(self, message: str, existing: VisitorHit) -> None:
        super().__init__(message)
        self.existing = existing


# -- duplicates and walk-ins ----------------------------------------------------------------


def find_likely_duplicates(
    session: Session, phone: str | None, wechat: str | None
) -> list[VisitorHit]:
    """Visitors with the same phone (any format) or the same WeChat id: phone matches first."""
    ids: list[int] = []
    e164 = normalise_phone(phone) if phone else None
    if e164 is not None:
        ids += session.scalars(select(Visitor.id).where(Visitor.phone == e164).order_by(Visitor.id))
    wechat_id = clean_text(wechat)
    if wechat_id is not None:
        ids += session.scalars(
            select(Visitor.id).where(Visitor.wechat == wechat_id).order_by(Visitor.id)
        )
    return visitor_hits(session, list(dict.fromkeys(ids)))


def parse_visitor_type(value: VisitorType | str | None) -> VisitorType | None:
    """A visitor type from a type, its value or a label people write (淘宝店主); None if empty.

    Raises ``InvalidVisitor`` naming the choices for a label it does not know.
    """
    if value is None or value == "":
        return None
    if isinstance(value, VisitorType):
        return value
    found = visitor_type_from_label(value)
    if found is None:
        choices = ", ".join(t.value for t in VisitorType)
        raise InvalidVisitor(f"Unknown visitor type {value!r}; use one of: {choices}.")
    return found


def add_visitor(
    session: UnitOfWork,
    new: NewVisitor,
    station: StationRef | None = None,
    *,
    force: bool = False,
) -> VisitorHit:
    """Register a walk-in at ``station`` (default: the unit of work's station).

    Refuses a visitor who looks already registered (same phone or WeChat) by raising
    ``DuplicateVisitor`` with the existing visitor, unless ``force``. Records
    ``visitor.registered`` with the visitor's details.
    """
    permit(session, Permission.REGISTER_VISITOR)
    return register_visitor(session, new, station, force=force)


def register_visitor(
    session: UnitOfWork,
    new: NewVisitor,
    station: StationRef | None = None,
    *,
    force: bool = False,
) -> VisitorHit:
    """``add_visitor`` for a caller that checked its own permission: a booth registering the
    buyer it logs an inquiry for (``expo.services.unbadged``) may not register walk-ins."""
    name = clean_text(new.name)
    if name is None:
        raise InvalidVisitor("The visitor needs a name: type it as on their ID or business card.")
    if len(name) > 64:
        raise InvalidVisitor("That name is longer than 64 characters; shorten it.")
    phone = None
    if clean_text(new.phone) is not None:
        phone = normalise_phone(new.phone)
        if phone is None:
            raise InvalidVisitor(
                f"{new.phone!r} is not a phone number we can reach; check the digits "
                "(a Chinese mobile has 11, starting with 1) or add a country code (+852 ...)."
            )
    wechat = clean_text(new.wechat)
    if phone is None and wechat is None:
        raise InvalidVisitor("Give a phone number or a WeChat id, so the visitor can be found.")
    visitor_type = parse_visitor_type(new.visitor_type) or VisitorType.OTHER
    registration_no = clean_text(new.registration_no)

    if not force:
        duplicates = find_likely_duplicates(session, phone, wechat)
        if duplicates:
            existing = duplicates[0]
            raise DuplicateVisitor(
                f"{existing.name} ({existing.phone_masked or 'same WeChat'}) is already "
                f"registered as visitor {existing.id}; use that visitor, or save anyway "
                "(--force) if this is a different person.",
                existing,
            )
    if registration_no is not None and session.scalar(
        select(Visitor.id).where(Visitor.registration_no == registration_no)
    ):
        raise InvalidVisitor(
            f"Registration number {registration_no} belongs to another visitor; search for it."
        )

    station = station or session.station()
    visitor_uuid = uuid.uuid4()
    row: dict[str, object] = {
        "uuid": visitor_uuid,
        "name": name,
        "company": clean_text(new.company),
        "phone": phone,
        "wechat": wechat,
        "email": clean_text(new.email),
        "visitor_type": visitor_type,
        "city": clean_text(new.city),
        "source": VisitorSource.WALK_IN,
        "registration_no": registration_no,
        "consent_share": new.consent_share,
        "created_by_station_id": station.id,
        "import_batch_id": None,
        "notes": clean_text(new.notes),
    }
    [visitor_id] = insert_visitors(session, [row])
    session.record(
        "visitor.registered",
        [visitor_uuid],
        visitor=visitor_id,
        visitor_uuid=visitor_uuid,
        source=VisitorSource.WALK_IN,
        forced=force,
        **{
            field: row[field]
            for field in (
                "name",
                "company",
                "phone",
                "wechat",
                "email",
                "visitor_type",
                "city",
                "registration_no",
                "consent_share",
                "notes",
            )
        },
    )
    return get_visitor_hit(session, visitor_id)
