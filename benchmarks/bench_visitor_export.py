"""Exporting 100,000 visitors to XLSX, read to file closed (goal < 15 s).

Now: plain rows streamed through XlsxWriter in constant-memory mode. Baseline in the same run:
the previous exporter, openpyxl's write-only mode over ORM objects read in chunks. Runs are
interleaved so both see the same machine load.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.common import int_options, new_event, scratch_folder, set_up, summary, timed
from expo.models import Visitor
from expo.services.visitor_export import HEADERS, export_visitors
from expo.text.labels import visitor_type_label


def _openpyxl_export(session: Session, path: Path) -> int:
    """The exporter as it was: openpyxl write-only, ORM objects in chunks of 2,000."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("观众 Visitors")
    sheet.append(list(HEADERS))
    count, last = 0, 0
    while True:
        chunk = list(
            session.scalars(
                select(Visitor).where(Visitor.id > last).order_by(Visitor.id).limit(2000)
            )
        )
        if not chunk:
            break
        for visitor in chunk:
            sheet.append(
                [
                    visitor.id,
                    visitor.name,
                    visitor.name_pinyin,
                    visitor.phone,
                    visitor.company,
                    visitor_type_label(visitor.visitor_type),
                    visitor.city,
                    visitor.wechat,
                    visitor.email,
                    visitor.registration_no,
                    str(visitor.source),
                    "是" if visitor.consent_share else "否",
                    visitor.created_at.replace(tzinfo=None),
                ]
            )
            count += 1
        last = chunk[-1].id
        session.expunge_all()
    workbook.save(path)
    return count


def main(argv: list[str] | None = None) -> None:
    args = int_options(argv, visitors=100_000, runs=3)
    print(f"   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with scratch_folder() as folder:

        def build():  # type: ignore[no-untyped-def]
            from expo.demo import DemoOptions, build_demo

            db = new_event(folder / "demo.sqlite")
            build_demo(db, DemoOptions(visitors=args.visitors, factories=100, seed=3))
            return db

        db = set_up(build, lambda _db: f"demo of {args.visitors:,} visitors")
        now, before, now_cpu, before_cpu = [], [], [], []
        for run in range(args.runs):
            new_file, old_file = folder / f"new-{run}.xlsx", folder / f"old-{run}.xlsx"
            with db.session() as session:
                cpu = time.process_time()
                seconds, result = timed(lambda s=session, f=new_file: export_visitors(s, f))
                now_cpu.append((time.process_time() - cpu) * 1000)
                assert result.exported == args.visitors
                now.append(seconds * 1000)
            with db.session() as session:
                cpu = time.process_time()
                seconds, count = timed(lambda s=session, f=old_file: _openpyxl_export(s, f))
                before_cpu.append((time.process_time() - cpu) * 1000)
                assert count == args.visitors
                before.append(seconds * 1000)
        db.dispose()
    print(f"visitor export of {args.visitors:,} to XLSX (n={args.runs}, goal < 15,000 ms)")
    for measure, new, old in (("wall", now, before), ("cpu", now_cpu, before_cpu)):
        ratio = sorted(old)[len(old) // 2] / sorted(new)[len(new) // 2]
        print(f"    now (XlsxWriter), {measure:<4}     {summary(new)}", flush=True)
        print(
            f"    baseline (openpyxl), {measure:<4}  {summary(old)}  ratio(p50) x{ratio:,.1f}",
            flush=True,
        )
    print(f"   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
