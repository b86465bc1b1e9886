"""Rectangles in metres: overlap, touching (side or corner), containment, snapping.

Booths are axis-aligned rectangles with the origin at the hall's top-left corner. Two booths are
neighbours when they touch along a side or at a corner; booths across an aisle are not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EPS = 0.01  # 1 cm: plans are drawn to the decimetre, so anything closer is the same line


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    d: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.d

    @property
    def area(self) -> float:
        return self.w * self.d

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.d / 2)

    def overlaps(self, other: Rect) -> bool:
        """True when the interiors intersect (touching edges is not overlapping)."""
        return (
            self.x < other.right - EPS
            and other.x < self.right - EPS
            and self.y < other.bottom - EPS
            and other.y < self.bottom - EPS
        )

    def touches(self, other: Rect) -> bool:
        """Neighbours: sharing part of a side or a corner, without overlapping."""
        if self.overlaps(other):
            return False
        return (
            self.x <= other.right + EPS
            and other.x <= self.right + EPS
            and self.y <= other.bottom + EPS
            and other.y <= self.bottom + EPS
        )

    def inside(self, width: float, depth: float) -> bool:
        return (
            self.x >= -EPS
            and self.y >= -EPS
            and self.right <= width + EPS
            and self.bottom <= depth + EPS
        )


def first_overlap(rects: Sequence[Rect]) -> tuple[int, int] | None:
    """``(i, j)`` with ``i < j``: rectangle ``j`` overlaps the earlier ``i``, for the first such
    ``j`` in order; None when no two overlap.

    Rectangles go into the cells of a grid they cover and are compared only with what shares a
    cell: near-linear where comparing every pair takes minutes at 20,000 booths. The cell is
    twice the typical booth side, and never so small that one rectangle covers more cells than
    about four times the number of rectangles (non-overlapping rectangles share out the area).
    """
    n = len(rects)
    if n < 2:
        return None
    left = min(r.x for r in rects)
    top = min(r.y for r in rects)
    area = (max(r.right for r in rects) - left) * (max(r.bottom for r in rects) - top)
    typical = sorted(max(r.w, r.d) for r in rects)[n // 2]
    cell = max(2 * typical, math.sqrt(area / (4 * n)), 0.5)
    buckets: dict[tuple[int, int], list[int]] = {}
    for j, rect in enumerate(rects):
        compared: set[int] = set()
        for gx in range(int((rect.x - left) // cell), int((rect.right - left) // cell) + 1):
            for gy in range(int((rect.y - top) // cell), int((rect.bottom - top) // cell) + 1):
                bucket = buckets.setdefault((gx, gy), [])
                for i in bucket:
                    if i not in compared:
                        compared.add(i)
                        if rects[i].overlaps(rect):
                            return i, j
                bucket.append(j)
    return None


def snap(value: float, grid: float) -> float:
    """``value`` on the nearest grid line (``grid`` <= 0: unchanged), rounded to the centimetre."""
    if grid <= 0:
        return round(value, 2)
    return round(round(value / grid) * grid, 2)


def neighbour_pairs(rects: Sequence[Rect], groups: Sequence[object] | None = None) -> np.ndarray:
    """Index pairs (i < j) of rectangles that touch; only within one group (hall) if given.

    Vectorised: 600 booths make 180,000 pairs, too many for a Python double loop per solve.
    """
    n = len(rects)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    x = np.array([r.x for r in rects])
    y = np.array([r.y for r in rects])
    right = x + np.array([r.w for r in rects])
    bottom = y + np.array([r.d for r in rects])
    close = (
        (x[:, None] <= right[None, :] + EPS)
        & (x[None, :] <= right[:, None] + EPS)
        & (y[:, None] <= bottom[None, :] + EPS)
        & (y[None, :] <= bottom[:, None] + EPS)
    )
    overlap = (
        (x[:, None] < right[None, :] - EPS)
        & (x[None, :] < right[:, None] - EPS)
        & (y[:, None] < bottom[None, :] - EPS)
        & (y[None, :] < bottom[:, None] - EPS)
    )
    mask = close & ~overlap
    if groups is not None:
        codes = {g: k for k, g in enumerate(dict.fromkeys(groups))}
        group = np.array([codes[g] for g in groups])
        mask &= group[:, None] == group[None, :]
    i, j = np.nonzero(np.triu(mask, k=1))
    return np.stack([i, j], axis=1)
