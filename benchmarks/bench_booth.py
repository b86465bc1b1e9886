"""The booth at fair scale: scan to buyer card, saving an inquiry, a busy factory's lead list.

On a demo fair of 100,000 visitors, one factory gets ``--leads`` buyers with three inquiries
each. The lead list (one aggregate query, one query for the SKUs) is measured against the naive
way: loading each lead's inquiries and their products through ORM relationships (N+1 queries).

Issue 17: a second factory with three qualifying questions (one, many, text) gets
``--answered-leads`` buyers (2,000), each inquiry answering all three, tagged and with a
salesperson. Saving an inquiry with answers (goal: p99 under 10 ms) is measured against saving
the same inquiry without them, in the same run; the lead list filtered on an answer (goal:
under 100 ms) against the competent alternative of listing every lead and filtering in Python.
Single runs, p50/p95/p99, and the load average before and after.
"""

from __future__ import annotations

import itertools
import os
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
from expo.services.lead_questions import add_question
from expo.services.leads import (
    InquiryDraft,
    LeadFilter,
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
    args = int_options(argv, visitors=100_000, leads=500, answered_leads=2000, runs=200)
    print(f"   load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (before)")
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
        bench_answers(db, args.answered_leads, args.runs)
        print(f"   load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (after)")
        db.dispose()


CHANNELS = ["抖音", "小红书", "淘宝", "跨境", "拼多多"]


def bench_answers(db, leads: int, runs: int) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: saving with answers, and the answer-filtered lead list of a busy factory."""
    with db.begin() as session:
        factory_id = session.scalar(
            select(Factory.id).where(Factory.is_top100).order_by(Factory.id).offset(1).limit(1)
        )
        skus = list(session.scalars(select(Product.sku).where(Product.factory_id == factory_id)))
        visitor_ids = list(
            session.scalars(select(Visitor.id).order_by(Visitor.id.desc()).limit(leads))
        )
        codes = [code for _, code in codes_for_visitors(session, visitor_ids).values()]
        station = booth_station(session, "Bench booth 2", factory_id)
        volume = add_question(session, factory_id, "月采购量", "one", ["<1k", "1k-10k", ">10k"])
        channels = add_question(session, factory_id, "销售渠道", "many", CHANNELS)
        sample = add_question(session, factory_id, "样品", "text")

    def draft(n: int, answered: bool) -> InquiryDraft:
        answers = [
            (volume.id, str(n % 3 + 1)),
            (channels.id, CHANNELS[n % 5]),
            (channels.id, CHANNELS[(n + 2) % 5]),
            (sample.id, f"要样品 {n % 7} 个"),
        ]
        return InquiryDraft(
            skus=[skus[n % len(skus)]],
            quantity=100 + n,
            answers=answers if answered else (),
            tags=["VIP"] if answered and n % 4 == 0 else (),
            salesperson="王芳" if answered else None,
        )

    def save(n: int, answered: bool) -> None:
        with db.begin() as session:
            record_inquiry(session, factory_id, codes[n % len(codes)], draft(n, answered), station)

    # Every buyer once (the leads exist), then single saves alternating with and without
    # answers so both see the same database and the same machine load.
    for n in range(len(codes)):
        save(n, True)
    with_answers: list[float] = []
    without: list[float] = []
    for n in range(runs):
        with_answers += repeat_ms(lambda n=n: save(n, True), 1)
        without += repeat_ms(lambda n=n: save(n + 1, False), 1)
    report(
        "booth: save an inquiry with 4 answers (p99)",
        percentile(with_answers, 0.99),
        "ms",
        percentile(without, 0.99),
        goal="< 10 ms",
    )
    print(f"   with answers     {summary(with_answers)}")
    print(f"   without (base)   {summary(without)}")

    where = LeadFilter(answers={channels.id: "抖音"})

    def filtered() -> int:
        with db.session() as session:
            return len(list_leads(session, factory_id, where=where))

    def in_python() -> int:
        with db.session() as session:
            every = list_leads(session, factory_id)
        return sum(1 for lead in every if "抖音" in lead.answers.get(channels.id, ()))

    assert filtered() == in_python() > 0
    fast: list[float] = []
    base: list[float] = []
    for _ in range(max(10, runs // 10)):
        fast += repeat_ms(filtered, 1)
        base += repeat_ms(in_python, 1)
    report(
        f"booth: {len(codes)} leads filtered on an answer (p99)",
        percentile(fast, 0.99),
        "ms",
        percentile(base, 0.99),
        goal="< 100 ms",
    )
    print(f"   filtered in SQL  {summary(fast)}  ({filtered()} leads)")
    print(f"   list + Python    {summary(base)}")


if __name__ == "__main__":
    main()
