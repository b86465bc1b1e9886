"""Small helpers for benchmarks: their options, a scratch event database, timing, percentiles
and one line of figures per measurement."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from expo.actors import system_actor
from expo.db import EventDatabase, open_event
from expo.services.events import create_event

# Who the benchmarks' own set-up and measured writes act as.
BENCH_ACTOR = system_actor("Benchmark")


@contextmanager
def event_log_off() -> Iterator[None]:
    """Units of work commit without writing their events: what a write costs without the log
    (the event log's own cost is the difference, measured in the same run)."""
    from expo.unit_of_work import UnitOfWork

    write_events = UnitOfWork._write_events
    UnitOfWork._write_events = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        UnitOfWork._write_events = write_events  # type: ignore[method-assign]


T = TypeVar("T")


def int_options(argv: list[str] | None, **defaults: int) -> argparse.Namespace:
    """A benchmark's options: ``--name N`` for each default (``baseline_queries`` is
    ``--baseline-queries``), so a quick run can be asked for with smaller sizes."""
    parser = argparse.ArgumentParser()
    for name, default in defaults.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    return parser.parse_args(argv)


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A folder for the run's databases and files, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="expo-bench-") as folder:
        yield Path(folder)


def new_event(path: Path, name: str | None = None) -> EventDatabase:
    """A new event database at ``path`` built by the migrations; with ``name`` it already holds
    that event (``build_demo`` creates its own)."""
    db = open_event(path, create=True)
    if name is not None:
        with db.write(BENCH_ACTOR) as session:
            create_event(session, name)
    return db


def set_up(fn: Callable[[], T], says: Callable[[T], str]) -> T:
    """Run a benchmark's preparation and print what it made and how long it took (set-up time
    is not a figure of the benchmark)."""
    seconds, result = timed(fn)
    print(f"   {says(result)} in {seconds:.1f} s (setup)", flush=True)
    return result


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def repeat_ms(fn: Callable[[], Any], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(
    name: str, value: float, unit: str, baseline: float | None = None, goal: str = ""
) -> None:
    """One figure; with a baseline, how many times better the figure is (higher is better)."""
    ratio = ""
    if baseline is not None and value > 0:
        ratio = f"  baseline {baseline:,.3f} {unit}  ratio x{baseline / value:,.1f}"
    goal_text = f"  goal {goal}" if goal else ""
    print(f"{name:<48} {value:>12,.3f} {unit}{ratio}{goal_text}", flush=True)


def summary(samples: list[float]) -> str:
    return (
        f"p50 {statistics.median(samples):.3f} ms  p95 {percentile(samples, 0.95):.3f} ms  "
        f"p99 {percentile(samples, 0.99):.3f} ms"
    )
