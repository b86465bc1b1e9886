"""Editing a visitor: the fields people fix at a desk, with optimistic locking and an audit trail.

``update_visitor`` changes only what it is given, refuses a stale edit (someone saved the visitor
since the form was opened), keeps the derived fields (pinyin, search keys, phone tail, company
index) in step with the same helpers the walk-in form and the import use, and records one
``visitor.edited`` event listing each field's old and new value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from expo.errors import ExpoError
from expo.models import Visitor, VisitorType
from expo.permissions import Permission, permit
from expo.services.registry import (
    DuplicateVisitor,
    InvalidVisitor,
    VisitorHit,
    get_visitor_hit,
    parse_visitor_type,
    refresh_search_keys,
)
from expo.services.visitor_search import visitor_hits
from expo.text.clean import clean_text
from expo.text.phones import normalise_phone, phone_tail
from expo.unit_of_work import UnitOfWork


class StaleVisitor(ExpoError):
    """The visitor was changed by someone else since the form was opened."""


class VisitorNotFound(ExpoError):
    """No visitor with that id."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class VisitorEdited:
    visitor: VisitorHit
    version: int
    changes: tuple[FieldChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "visitor": self.visitor.id,
            "version": self.version,
            "changes": [change.as_dict() for change in self.changes],
        }


_UNSET: Any = object()
_TEXT_LIMITS = {"name": 64, "company": 200, "wechat": 64, "city": 64, "email": 200}


def visitor_version(uow_or_session: Any, visitor_id: int) -> int:
    """The version a form should send back with its edit."""
    version = uow_or_session.scalar(select(Visitor.version_id).where(Visitor.id == visitor_id))
    if version is None:
        raise VisitorNotFound(f"No visitor {visitor_id}; search again.")
    return int(version)


def update_visitor(
    uow: UnitOfWork,
    visitor_id: int,
    *,
    expected_version: int | None = None,
    name: str | None = _UNSET,
    company: str | None = _UNSET,
    phone: str | None = _UNSET,
    wechat: str | None = _UNSET,
    email: str | None = _UNSET,
    visitor_type: VisitorType | str | None = _UNSET,
    city: str | None = _UNSET,
    consent_share: bool | None = _UNSET,
    notes: str | None = _UNSET,
) -> VisitorEdited:
    """Change the given fields of visitor ``visitor_id`` (the others stay as they are).

    ``expected_version`` (from ``visitor_version`` when the form opened) makes a stale edit fail
    with ``StaleVisitor`` instead of overwriting someone else's change; None skips the check
    (the CLI without --version). A phone that another visitor has is refused with
    ``DuplicateVisitor``.
    """
    permit(uow, Permission.EDIT_VISITOR)
    visitor = uow.get(Visitor, visitor_id)
    if visitor is None:
        raise VisitorNotFound(f"No visitor {visitor_id}; search again.")
    if expected_version is not None and visitor.version_id != expected_version:
        raise StaleVisitor(
            f"{visitor.name} was changed at another station since you opened it; "
            "reopen the visitor and make your change again."
        )
    wanted: dict[str, Any] = {}
    if name is not _UNSET:
        cleaned = clean_text(name)
        if cleaned is None:
            raise InvalidVisitor("The visitor needs a name: type it as on their ID or card.")
        wanted["name"] = cleaned
    for field, value in (("company", company), ("wechat", wechat), ("email", email)):
        if value is not _UNSET:
            wanted[field] = clean_text(value)
    if city is not _UNSET:
        wanted["city"] = clean_text(city)
    if notes is not _UNSET:
        wanted["notes"] = clean_text(notes)
    if phone is not _UNSET:
        wanted["phone"] = _checked_phone(uow, visitor, phone)
    if visitor_type is not _UNSET:
        parsed = parse_visitor_type(visitor_type)
        if parsed is None:
            raise InvalidVisitor("Choose a visitor type.")
        wanted["visitor_type"] = parsed
    if consent_share is not _UNSET and consent_share is not None:
        wanted["consent_share"] = bool(consent_share)
    for field, limit in _TEXT_LIMITS.items():
        value = wanted.get(field)
        if isinstance(value, str) and len(value) > limit:
            raise InvalidVisitor(f"The {field} is longer than {limit} characters; shorten it.")
    if "phone" in wanted or "wechat" in wanted:
        after_phone = wanted.get("phone", visitor.phone)
        after_wechat = wanted.get("wechat", visitor.wechat)
        if after_phone is None and after_wechat is None:
            raise InvalidVisitor("Keep a phone number or a WeChat id, so the visitor can be found.")

    changes = tuple(
        FieldChange(field, _plain(getattr(visitor, field)), _plain(value))
        for field, value in wanted.items()
        if getattr(visitor, field) != value
    )
    if not changes:
        return VisitorEdited(get_visitor_hit(uow, visitor_id), visitor.version_id, ())
    for change in changes:
        setattr(visitor, change.field, wanted[change.field])
    if "phone" in wanted:
        visitor.phone_tail = phone_tail(visitor.phone)
    uow.flush()  # bumps version_id; a concurrent writer's commit makes this flush fail
    if any(change.field in ("name", "company") for change in changes):
        refresh_search_keys(uow, [visitor_id])
    uow.record(
        "visitor.edited",
        [visitor.uuid],
        visitor=visitor_id,
        changes=[change.as_dict() for change in changes],
    )
    return VisitorEdited(get_visitor_hit(uow, visitor_id), visitor.version_id, changes)


def _checked_phone(uow: UnitOfWork, visitor: Visitor, typed: str | None) -> str | None:
    if clean_text(typed) is None:
        return None
    e164 = normalise_phone(typed)
    if e164 is None:
        raise InvalidVisitor(
            f"{typed!r} is not a phone number we can reach; check the digits (a Chinese mobile "
            "has 11, starting with 1) or add a country code (+852 ...)."
        )
    other = uow.scalar(
        select(Visitor.id).where(Visitor.phone == e164, Visitor.id != visitor.id).limit(1)
    )
    if other is not None:
        existing = visitor_hits(uow, [other])[0]
        raise DuplicateVisitor(
            f"{existing.name} (visitor {existing.id}) already has this phone number; "
            "check the digits, or edit that visitor instead.",
            existing,
        )
    return e164


def _plain(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, bool | int | str) else value
