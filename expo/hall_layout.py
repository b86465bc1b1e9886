"""Lay out exhibition halls: booths in double rows either side of a main aisle.

Pure geometry (no database): the demo uses it to build halls that fit its factories, and the
prominence rule here is the one the booth plans start from. Coordinates are metres, origin at
the hall's top-left corner, y growing towards the entrance on the front wall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from expo.models.enums import BoothKind

MAIN_AISLE_M = 6.0
AISLE_M = 3.0
FRONT_AISLE_M = 6.0  # the open area inside the entrance
ROW_DEPTH_M = 6.0  # a double row: two 3 m booths back to back
ROW_PITCH_M = ROW_DEPTH_M + AISLE_M
HALF_ROW_LENGTH_M = 54.0
HALL_WIDTH_M = AISLE_M * 2 + HALF_ROW_LENGTH_M * 2 + MAIN_AISLE_M  # 120 m
NEAR_ENTRANCE_M = 30.0


@dataclass(frozen=True)
class BoothPlan:
    """A booth's place, size and flags in metres; expo.services.hall_plans.BoothInfo adds the
    event's own data (id, what was set by hand, the factory)."""

    code: str
    x_m: float
    y_m: float
    width_m: float
    depth_m: float
    kind: BoothKind
    is_corner: bool
    on_main_aisle: bool
    near_entrance: bool
    prominence: float

    @property
    def area_m2(self) -> float:
        return self.width_m * self.depth_m


@dataclass
class HallPlan:
    code: str
    name: str
    width_m: float
    depth_m: float
    entrances: list[list[float]]
    booths: list[BoothPlan] = field(default_factory=list)


def booth_kind(width_m: float, depth_m: float) -> BoothKind:
    area = width_m * depth_m
    if area >= 36:
        return BoothKind.RAW
    if area >= 18:
        return BoothKind.DOUBLE
    return BoothKind.STANDARD


def is_near_entrance(centre: tuple[float, float], entrances: list[list[float]]) -> bool:
    """Within ``NEAR_ENTRANCE_M`` of an entrance (a hall without entrances has no such booth)."""
    distance = min(
        (math.dist(centre, (float(x), float(y))) for x, y in entrances), default=math.inf
    )
    return distance <= NEAR_ENTRANCE_M


def prominence_score(
    centre: tuple[float, float],
    area_m2: float,
    entrances: list[list[float]],
    *,
    on_main_aisle: bool,
    is_corner: bool,
    kind: BoothKind = BoothKind.STANDARD,
) -> float:
    """0-100: how much visitors see a booth.

    Most of it is footfall, which falls with the walking distance from the nearest entrance;
    the main aisle, a corner (two open sides), an island (four) and a large front add to it.
    """
    distance = min((math.dist(centre, (float(x), float(y))) for x, y in entrances), default=60.0)
    score = 55.0 * math.exp(-distance / 45.0)
    score += 18.0 if on_main_aisle else 0.0
    score += 10.0 if is_corner else 0.0
    score += 7.0 if kind == BoothKind.ISLAND else 0.0
    score += 10.0 * min(area_m2 / 72.0, 1.0)
    return round(min(score, 100.0), 1)


# A column of a double row, from the main aisle outwards: one large booth (full depth) or two
# smaller booths back to back.
@dataclass(frozen=True)
class _Column:
    width_m: float
    booths: tuple[tuple[float, float], ...]  # (width, depth) front to back


def _columns(areas: list[int]) -> list[_Column]:
    large = sorted((a for a in areas if a >= 36), reverse=True)
    doubles = sum(1 for a in areas if 18 <= a < 36)
    standards = sum(1 for a in areas if a < 18)
    columns = [_Column(a / ROW_DEPTH_M, ((a / ROW_DEPTH_M, ROW_DEPTH_M),)) for a in large]
    columns += [_Column(6.0, ((6.0, 3.0), (6.0, 3.0))) for _ in range(math.ceil(doubles / 2))]
    columns += [_Column(3.0, ((3.0, 3.0), (3.0, 3.0))) for _ in range(math.ceil(standards / 2))]
    return columns


def lay_out_halls(areas: list[int], *, min_halls: int = 2, max_halls: int = 4) -> list[HallPlan]:
    """Halls with booths for the given booth areas (m2), largest booths nearest the entrance.

    Halls share the booths round-robin so that every hall has prominent large stands; the
    hall is made as deep as its rows need.
    """
    columns = _columns(areas)
    total_length = sum(c.width_m for c in columns)
    rows_needed = math.ceil(total_length / (HALF_ROW_LENGTH_M * 0.97))
    halls = min(max(math.ceil(rows_needed / 16), min_halls), max_halls)
    per_hall: list[list[_Column]] = [[] for _ in range(halls)]
    for index, column in enumerate(columns):
        per_hall[index % halls].append(column)
    return [
        _lay_out_hall(chr(ord("A") + i), hall_columns) for i, hall_columns in enumerate(per_hall)
    ]


def _lay_out_hall(code: str, columns: list[_Column]) -> HallPlan:
    # Fill half-rows nearest the entrance first, alternating sides of the main aisle.
    half_rows: list[list[_Column]] = []
    current: list[_Column] = []
    used = 0.0
    for column in columns:
        if used + column.width_m > HALF_ROW_LENGTH_M:
            half_rows.append(current)
            current, used = [], 0.0
        current.append(column)
        used += column.width_m
    if current:
        half_rows.append(current)
    rows_per_side = max(1, math.ceil(len(half_rows) / 2))
    depth = AISLE_M + rows_per_side * ROW_PITCH_M + FRONT_AISLE_M
    entrance = [HALL_WIDTH_M / 2, depth]
    hall = HallPlan(code, f"{code}馆", HALL_WIDTH_M, depth, [entrance])
    main_left = AISLE_M + HALF_ROW_LENGTH_M
    main_right = main_left + MAIN_AISLE_M
    number = 0
    for index, half_row in enumerate(half_rows):
        row = index // 2  # 0 nearest the entrance
        left_side = index % 2 == 0
        y0 = depth - FRONT_AISLE_M - ROW_DEPTH_M - row * ROW_PITCH_M
        offset = 0.0
        for position, column in enumerate(half_row):
            first = position == 0
            last = position == len(half_row) - 1
            x0 = main_left - offset - column.width_m if left_side else main_right + offset
            y = y0
            for width, depth_m in column.booths:
                number += 1
                centre = (x0 + width / 2, y + depth_m / 2)
                kind = booth_kind(width, depth_m)
                corner = first or last
                hall.booths.append(
                    BoothPlan(
                        code=f"{code}-{number:02d}",
                        x_m=x0,
                        y_m=y,
                        width_m=width,
                        depth_m=depth_m,
                        kind=kind,
                        is_corner=corner,
                        on_main_aisle=first,
                        near_entrance=is_near_entrance(centre, [entrance]),
                        prominence=prominence_score(
                            centre,
                            width * depth_m,
                            [entrance],
                            on_main_aisle=first,
                            is_corner=corner,
                            kind=kind,
                        ),
                    )
                )
                y += depth_m
            offset += column.width_m
    return hall
