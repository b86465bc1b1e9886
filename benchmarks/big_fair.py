"""The fair the GUI benchmarks run on: the demo at 200,000 visitors with booths assigned, and
300,000 check-ins from four desks over the fair's days (the size issue 13 names).

Building it takes minutes, so it is kept between runs in ``EXPO_BENCH_CACHE`` (default: the
system's temporary folder) under a name that carries its sizes and the schema's revisions; each run
works on a copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.common import BENCH_ACTOR
from expo.db import migration_graph, open_event
from expo.models import CheckIn, CheckInKind, StationKind, Visitor
from expo.services.events import ensure_station

DESKS = ("Desk 1", "Desk 2", "Desk 3", "Desk 4")


def _cache_dir() -> Path:
    return Path(os.environ.get("EXPO_BENCH_CACHE") or tempfile.gettempdir())


def big_fair(folder: Path, visitors: int = 200_000, check_ins: int = 300_000) -> Path:
    """A copy, in ``folder``, of the cached fair of this size (built first if missing)."""
    # The schema's whole history in the name: a merge that adds migrations below the head
    # must not reuse a fair built without them.
    schema = hashlib.sha256(",".join(sorted(migration_graph().known)).encode()).hexdigest()[:10]
    name = f"expo-bench-fair-{visitors}-{check_ins}-{schema}.sqlite"
    cached = _cache_dir() / name
    if not cached.exists():
        _build(cached, visitors, check_ins)
    copy = folder / "fair.sqlite"
    shutil.copyfile(cached, copy)
    return copy


def _build(path: Path, visitors: int, check_ins: int) -> None:
    from expo.demo import DemoOptions, build_demo

    building = path.with_name(path.name + ".building")
    building.unlink(missing_ok=True)
    db = open_event(building, create=True)
    build_demo(db, DemoOptions(visitors=visitors, assign_booths=True, seed=13))
    rng = random.Random(13)
    with db.write(BENCH_ACTOR) as session:
        stations = [ensure_station(session, name, StationKind.DESK).id for name in DESKS]
        ids = list(session.scalars(select(Visitor.id)))
        opening = dt.datetime(2026, 3, 18, 1, 0, tzinfo=dt.UTC)
        rows = []
        for number in range(check_ins):
            # Most visitors come once or twice; the list wraps so re-entries exist.
            visitor_id = ids[number % len(ids)] if number < len(ids) else rng.choice(ids)
            day = rng.randrange(3)
            at = opening + dt.timedelta(days=day, seconds=rng.randrange(9 * 3600))
            rows.append(
                {
                    "uuid": uuid.uuid4(),
                    "visitor_id": visitor_id,
                    "station_id": rng.choice(stations),
                    "at": at,
                    "kind": CheckInKind.ENTRY if number < len(ids) else CheckInKind.RE_ENTRY,
                    "created_at": at,
                    "updated_at": at,
                }
            )
        session.execute(insert(CheckIn), rows)
    db.checkpoint()
    db.dispose()
    building.replace(path)


if __name__ == "__main__":
    import sys
    import time

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        big_fair(Path(scratch), *(int(arg) for arg in sys.argv[1:]))
    print(f"fair ready in {time.perf_counter() - start:.0f} s (cache: {_cache_dir()})")
