"""A factory's free tags on its leads: cleaned, short, one of each per lead."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import LeadTag
from expo.text.clean import clean_text

MAX_TAG = 32
MAX_TAGS_PER_LEAD = 20


class TagError(ExpoError):
    """A tag cannot be saved as given."""


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as typed (commas or "，" may separate several), cleaned, each once, in order."""
    found: dict[str, str] = {}
    for raw in tags:
        for part in str(raw).replace("，", ",").split(","):
            tag = clean_text(part.lstrip("#"))
            if tag is None:
                continue
            if len(tag) > MAX_TAG:
                raise TagError(f"Tag {tag!r} is longer than {MAX_TAG} characters; shorten it.")
            found.setdefault(tag.casefold(), tag)
    if len(found) > MAX_TAGS_PER_LEAD:
        raise TagError(f"At most {MAX_TAGS_PER_LEAD} tags on a lead.")
    return list(found.values())


def add_tags(session: Session, factory_id: int, lead_id: int, tags: Iterable[str]) -> None:
    """Put ``tags`` on the lead (tags it already has stay; the same tag in another case is the
    same tag)."""
    wanted = clean_tags(tags)
    if not wanted:
        return
    existing = {
        t.casefold()
        for t in session.scalars(
            select(LeadTag.tag).where(LeadTag.lead_id == lead_id, LeadTag.factory_id == factory_id)
        )
    }
    new = [t for t in wanted if t.casefold() not in existing]
    if len(existing) + len(new) > MAX_TAGS_PER_LEAD:
        raise TagError(f"At most {MAX_TAGS_PER_LEAD} tags on a lead; remove some first.")
    session.add_all(LeadTag(lead_id=lead_id, factory_id=factory_id, tag=t) for t in new)


def set_tags(session: Session, factory_id: int, lead_id: int, tags: Iterable[str]) -> None:
    """Make ``tags`` the lead's tags (the others are taken off)."""
    wanted = clean_tags(tags)
    session.execute(
        delete(LeadTag).where(LeadTag.lead_id == lead_id, LeadTag.factory_id == factory_id)
    )
    session.add_all(LeadTag(lead_id=lead_id, factory_id=factory_id, tag=t) for t in wanted)


def tags_by_lead(
    session: Session, factory_id: int, lead_ids: list[int] | None = None
) -> dict[int, tuple[str, ...]]:
    """Each lead's tags (of the leads ``lead_ids``, else of all the factory's leads)."""
    query = (
        select(LeadTag.lead_id, LeadTag.tag)
        .where(LeadTag.factory_id == factory_id)
        .order_by(LeadTag.lead_id, LeadTag.id)
    )
    if lead_ids is not None:
        query = query.where(LeadTag.lead_id.in_(lead_ids))
    rows = session.execute(query)
    found: dict[int, list[str]] = {}
    for lead_id, tag in rows:
        found.setdefault(lead_id, []).append(tag)
    return {lead: tuple(tags) for lead, tags in found.items()}


def factory_tags(session: Session, factory_id: int) -> list[tuple[str, int]]:
    """The factory's tags with how many leads carry each, most used first."""
    rows = session.execute(
        select(LeadTag.tag, func.count())
        .where(LeadTag.factory_id == factory_id)
        .group_by(LeadTag.tag)
        .order_by(func.count().desc(), LeadTag.tag)
    )
    return [(tag, count) for tag, count in rows]
