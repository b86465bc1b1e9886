"""Small helpers for benchmarks: timing, percentiles and one line of figures per measurement."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


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
