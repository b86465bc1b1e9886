"""Live figures of the event: what the Overview page and ``expo stats`` show."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from expo.models import (
    Booth,
    CheckIn,
    Event,
    Factory,
    Hall,
    Inquiry,
    Product,
    Visitor,
    VisitorType,
)


@dataclass(frozen=True)
class EventStats:
    event: str
    visitors: int
    factories: int
    top100: int
    halls: int
    booths: int
    products: int
    checked_in: int  # distinct visitors with a check-in that was not undone
    inquiries: int
    visitors_by_type: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _count(session: Session, column: object) -> int:
    return session.scalar(select(func.count()).select_from(column)) or 0  # type: ignore[arg-type]


def event_stats(session: Session) -> EventStats:
    rows = session.execute(
        select(Visitor.visitor_type, func.count()).group_by(Visitor.visitor_type)
    ).tuples()
    by_type = {visitor_type: count for visitor_type, count in rows}
    checked_in = session.scalar(
        select(func.count(distinct(CheckIn.visitor_id))).where(CheckIn.undone_at.is_(None))
    )
    return EventStats(
        event=session.scalar(select(Event.name).limit(1)) or "",
        visitors=sum(by_type.values()),
        factories=_count(session, Factory),
        top100=session.scalar(select(func.count()).where(Factory.is_top100.is_(True))) or 0,
        halls=_count(session, Hall),
        booths=_count(session, Booth),
        products=_count(session, Product),
        checked_in=checked_in or 0,
        inquiries=_count(session, Inquiry),
        visitors_by_type={t.value: by_type.get(t, 0) for t in VisitorType},
    )
