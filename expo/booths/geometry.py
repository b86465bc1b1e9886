"""Rectangles in metres: overlap, touching (side or corner), containment, snapping.

Booths are axis-aligned rectangles with the origin at the hall's top-left corner. Two booths are
neighbours when they touch along a side or at a corner; booths across an aisle are not.
"""

from __future__ import annotations

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
