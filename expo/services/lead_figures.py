"""A factory's own figures for its booth page: leads today, hot leads, top SKUs, answer counts.

Only the acting factory's rows are counted. "Today" is the event's local day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from expo.models import Inquiry, Lead, LeadRating, Product, inquiry_product
from expo.models.types import UTCDateTime
from expo.services.checkin import event_zone
from expo.services.factories import require_factory
from expo.services.lead_questions import AnswerCount, answer_counts


@dataclass(frozen=True)
class FactoryFigures:
    leads: int
    leads_today: int  # leads whose first inquiry was today
    inquiries_today: int
    hot: int
    unverified: int  # leads typed in by hand, no badge
    top_skus: tuple[tuple[str, str, int], ...]  # (sku, name, inquiries)
    answers: tuple[AnswerCount, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "leads": self.leads,
            "leads_today": self.leads_today,
            "inquiries_today": self.inquiries_today,
            "hot": self.hot,
            "unverified": self.unverified,
            "top_skus": [{"sku": s, "name": n, "inquiries": c} for s, n, c in self.top_skus],
            "answers": [
                {"question": a.question.id, "text": a.question.text, "counts": dict(a.counts)}
                for a in self.answers
            ],
        }


def factory_figures(
    session: Session, factory_id: int, *, now: dt.datetime | None = None, top: int = 5
) -> FactoryFigures:
    require_factory(session, factory_id)
    zone = event_zone(session)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(zone)
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    day_start = start.astimezone(dt.UTC)
    day_end = (start + dt.timedelta(days=1)).astimezone(dt.UTC)

    first = (
        select(type_coerce(func.min(Inquiry.at), UTCDateTime).label("first_at"))
        .where(Inquiry.factory_id == factory_id)
        .group_by(Inquiry.lead_id)
        .subquery()
    )
    leads_today = (
        session.scalar(
            select(func.count()).where(first.c.first_at >= day_start, first.c.first_at < day_end)
        )
        or 0
    )
    inquiries_today = (
        session.scalar(
            select(func.count()).where(
                Inquiry.factory_id == factory_id, Inquiry.at >= day_start, Inquiry.at < day_end
            )
        )
        or 0
    )
    counts = dict(
        session.execute(
            select(Lead.rating, func.count())
            .where(Lead.factory_id == factory_id)
            .group_by(Lead.rating)
        )
        .tuples()
        .all()
    )
    leads = sum(counts.values())
    unverified = (
        session.scalar(
            select(func.count()).where(
                Lead.factory_id == factory_id, Lead.verified_by_badge.is_(False)
            )
        )
        or 0
    )
    top_rows = session.execute(
        select(Product.sku, Product.name, func.count())
        .join(inquiry_product, inquiry_product.c.product_id == Product.id)
        .join(Inquiry, Inquiry.id == inquiry_product.c.inquiry_id)
        .where(Inquiry.factory_id == factory_id, Product.factory_id == factory_id)
        .group_by(Product.sku, Product.name)
        .order_by(func.count().desc(), Product.sku)
        .limit(top)
    ).all()
    return FactoryFigures(
        leads=leads,
        leads_today=leads_today,
        inquiries_today=inquiries_today,
        hot=counts.get(LeadRating.HOT, 0),
        unverified=unverified,
        top_skus=tuple((sku, name, count) for sku, name, count in top_rows),
        answers=tuple(answer_counts(session, factory_id)),
    )
