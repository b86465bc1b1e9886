"""What goes on a badge: the visitor's name, company, type and the signed code."""

from __future__ import annotations

from dataclasses import dataclass

from expo.models import VisitorType


@dataclass(frozen=True)
class BadgeCard:
    """What goes on a badge."""

    visitor_id: int
    name: str
    company: str | None
    visitor_type: VisitorType
    code: str
    registration_no: str | None = None
    badge_id: int | None = None
