"""The booth at fair scale: scan to buyer card, saving an inquiry, a busy factory's lead list.

On a demo fair of 100,000 visitors, one factory gets ``--leads`` buyers with three inquiries
each. The lead list (one aggregate query, one query for the SKUs) is measured against the naive
way: loading each lead's inquiries and their products through ORM relationships (N+1 queries).
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select

from benchmarks.common import (
    BENCH_ACTOR,
    int_options,
    new_event,
    percentile,
    repeat_ms,
    report,
    scratch_folder,
    summary,
    timed,
)
from expo.demo import DemoOptions, build_demo
from expo.models import Factory, Lead, Product, Visitor
from expo.services.badges import codes_for_visitors
from expo.services.lead_export import export_inquiries
from expo.services.leads import (
    InquiryDraft,
    booth_station,
    identify_buyer,
    list_leads,
    record_inquiry,
)


def naive_lead_list(session, factory_id: int) -> list[tuple[str, int, list[str]]]:  # type: ignore[no-untyped-def]
    rows = []
    for lead in session.scalars(select(Lead).where(Lead.factory_id == factory_id)):
        visitor = session.get(Visitor, lead.visitor_id)
        skus = sorted({p.sku for inquiry in lead.inquiries for p in inquiry.products})
        rows.append((visitor.name, len(lead.inquiries), skus))
    return rows


def main(argv: list[str] | None = None) -> None:
    args = int_options(argv, visitors=100_000, leads=500)
    with scratch_folder() as folder:
        db = new_event(folder / "demo.sqlite")
        build_demo(db, DemoOptions(visitors=args.visitors))
        with db.write(BENCH_ACTOR) as session:
            factory_id = session.scalar(select(Factory.id).where(Factory.is_top100).limit(1))
            skus = list(
                session.scalars(select(Product.sku).where(Product.factory_id == factory_id))
            )
            visitor_ids = list(
                session.scalars(select(Visitor.id).order_by(Visitor.id).limit(args.leads))
            )
            codes = [code for _, code in codes_for_visitors(session, visitor_ids).values()]
            station = booth_station(session, "Bench booth", factory_id)

        with db.session() as session:
            scans = itertools.cycle(codes)  # any --leads: scans repeat buyers as a booth does
            samples = repeat_ms(lambda: identify_buyer(session, factory_id, next(scans)), 1000)
        report("booth: scan to buyer card (p99)", percentile(samples, 0.99), "ms")
        print(f"   {summary(samples)}")

        saves = iter(range(3 * len(codes)))

        def save() -> None:
            n = next(saves)
            draft = InquiryDraft(
                skus=[skus[n % len(skus)], skus[(n + 1) % len(skus)]],
                quantity=100 + n,
                target_price=Decimal("12.50"),
            )
            with db.write(BENCH_ACTOR) as session:
                record_inquiry(session, factory_id, codes[n % len(codes)], draft, station)

        samples = repeat_ms(save, 3 * len(codes))
        report(
            "booth: save an inquiry, committed (p99)", sorted(samples)[-len(samples) // 100], "ms"
        )
        print(f"   {summary(samples)}")

        with db.session() as session:
            seconds, leads = timed(lambda: list_leads(session, factory_id))
        with db.session() as session:
            naive, naive_rows = timed(lambda: naive_lead_list(session, factory_id))
        assert len(leads) == len(naive_rows) == len(codes)
        report(
            f"booth: lead list of {len(leads)} buyers, {3 * len(codes)} inquiries",
            seconds * 1000,
            "ms",
            naive * 1000,
        )
        with db.session() as session:
            seconds, result = timed(
                lambda: export_inquiries(session, factory_id, folder / "leads.xlsx")
            )
        report(f"booth: XLSX export of {result.rows} inquiries", seconds * 1000, "ms")
        db.dispose()


if __name__ == "__main__":
    main()
