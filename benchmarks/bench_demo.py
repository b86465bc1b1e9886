"""Demo generation: 100,000 visitors by Core bulk insert against one ORM object a row.

The baseline inserts a sample of the same rows as ORM objects and is scaled to 100,000.
"""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.common import BENCH_ACTOR, int_options, new_event, report, scratch_folder, timed
from expo.demo import DemoOptions, build_demo, visitor_rows
from expo.models import Visitor, VisitorSearchKey
from expo.text.phones import phone_tail
from expo.text.pinyin import name_keys


def orm_insert_rate(path: Path, sample: int) -> float:
    """Seconds per visitor inserting one ORM object at a time (with its search keys)."""
    db = new_event(path)
    rows = visitor_rows(random.Random(1), sample)

    def insert() -> None:
        with db.write(BENCH_ACTOR) as session:
            for row in rows:
                keys = name_keys(row["name"])
                visitor = Visitor(
                    **{k: v for k, v in row.items() if k != "id"},
                    name_pinyin=keys.pinyin,
                    phone_tail=phone_tail(row["phone"]),
                )
                visitor.search_keys = [VisitorSearchKey(key=k) for k in keys.keys]
                session.add(visitor)
                session.flush()  # what a naive per-row loop does: one round trip a row

    seconds, _ = timed(insert)
    db.dispose()
    return seconds / sample


def main(argv: list[str] | None = None) -> None:
    args = int_options(argv, visitors=100_000, sample=5_000)
    with scratch_folder() as folder:
        db = new_event(folder / "demo.sqlite")
        seconds, result = timed(lambda: build_demo(db, DemoOptions(visitors=args.visitors)))
        db.dispose()
        per_row = orm_insert_rate(folder / "orm.sqlite", args.sample)
    baseline = per_row * args.visitors
    report(
        f"demo: build fair with {result.visitors:,} visitors",
        seconds,
        "s",
        baseline,
        goal="well under 60 s",
    )


if __name__ == "__main__":
    main()
