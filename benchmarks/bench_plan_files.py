"""Hostile and huge plan files: the booth overlap check at 20,000 booths against the old
pairwise check, a 20,000-booth plan imported end to end, and how fast hostile files are refused.

Goals (issue 10): overlap checks near-linear (the pairwise check took 181 s at 20,000 booths);
a 2,000,000-column line, a whole-grid XLSX and a shared-strings bomb refused in seconds, not
minutes or an abort. Figures are single runs (p50/p95/p99 over ``--runs`` runs of the new
check); the baseline is the pairwise loop plan_files used before, measured in the same run at
``--baseline-booths`` (20,000 for the full comparison: about three minutes).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.common import BENCH_ACTOR, int_options, new_event, report, scratch_folder, summary
from expo.booths.geometry import Rect, first_overlap
from expo.errors import ExpoError
from expo.importing.reader import read_table
from expo.services.plan_files import import_plan
from tests.hostile_files import huge_dimension_xlsx, shared_strings_bomb_xlsx, wide_csv


def pairwise_overlap(rects: list[Rect]) -> tuple[int, int] | None:
    """The check plan_files._apply made before: every pair."""
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            if rects[a].overlaps(rects[b]):
                return a, b
    return None


def booth_grid(count: int) -> list[Rect]:
    """``count`` booths of 3 x 3 m in rows of 100 with a 3 m aisle after every second row (the
    last booth overlaps nothing: the check must look at every booth)."""
    rects = []
    for index in range(count):
        row, column = divmod(index, 100)
        y = row * 3 + (row // 2) * 3
        rects.append(Rect(column * 3.0 + (column // 10) * 2.0, float(y), 3.0, 3.0))
    return rects


def plan_csv(path: Path, rects: list[Rect]) -> Path:
    width = max(r.right for r in rects) + 3
    depth = max(r.bottom for r in rects) + 3
    lines = ["hall,code,x_m,y_m,width_m,depth_m,hall_width_m,hall_depth_m"]
    lines += [
        f"A,A-{i:05d},{r.x:g},{r.y:g},{r.w:g},{r.d:g},{width:g},{depth:g}"
        for i, r in enumerate(rects)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def refusal_seconds(path: Path) -> float:
    start = time.perf_counter()
    try:
        read_table(path)
    except ExpoError:
        return time.perf_counter() - start
    raise AssertionError(f"{path.name} was read")


def main(argv: list[str] | None = None) -> None:
    options = int_options(argv, booths=20_000, baseline_booths=5_000, runs=7)
    print(f"   load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    rects = booth_grid(options.booths)
    samples = []
    for _ in range(options.runs):
        start = time.perf_counter()
        assert first_overlap(rects) is None
        samples.append((time.perf_counter() - start) * 1000)
    print(f"   grid overlap check, {options.booths:,} booths: {summary(samples)}", flush=True)
    baseline_rects = booth_grid(options.baseline_booths)
    start = time.perf_counter()
    assert pairwise_overlap(baseline_rects) is None
    baseline_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    assert first_overlap(baseline_rects) is None
    same_size_ms = (time.perf_counter() - start) * 1000
    report(
        f"overlap check {options.baseline_booths:,} booths",
        same_size_ms,
        "ms",
        baseline=baseline_ms,
    )
    samples.sort()
    report(f"overlap check {options.booths:,} booths (p50)", samples[len(samples) // 2], "ms")

    with scratch_folder() as folder:
        db = new_event(folder / "plan.sqlite", "bench")
        path = plan_csv(folder / "plan.csv", rects)
        start = time.perf_counter()
        with db.write(BENCH_ACTOR) as session:
            result = import_plan(session, path)
        seconds = time.perf_counter() - start
        assert result.booths_created == options.booths
        report(f"import a plan of {options.booths:,} booths (CSV)", seconds, "s")
        db.dispose()

        for name, make, goal in (
            ("refuse a 2,000,000-column CSV line", wide_csv, "< 5 s (was > 90 s)"),
            ("refuse a whole-grid XLSX (1.9 kB)", huge_dimension_xlsx, "no abort"),
            ("refuse a shared-strings bomb XLSX", shared_strings_bomb_xlsx, "< 5 s (was 65 s)"),
        ):
            suffix = ".csv" if make is wide_csv else ".xlsx"
            report(name, refusal_seconds(make(folder / f"hostile{suffix}")), "s", goal=goal)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
