"""Hall plans: halls and their booths as rectangles in metres, edited only through here.

Every change keeps the plan valid: booths stay inside their hall and never overlap, codes are
unique, and a booth's derived prominence (expo.hall_layout.prominence_score) and its
near-entrance flag follow its geometry unless the organiser set them by hand
(``prominence_manual``, ``near_entrance_manual``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.booths.geometry import EPS, Rect
from expo.errors import ExpoError
from expo.hall_layout import BoothPlan, booth_kind, is_near_entrance, prominence_score
from expo.models import Booth, BoothKind, Category, Factory, Hall
from expo.permissions import Permission, permit

MIN_BOOTH_M = 1.0


class PlanError(ExpoError):
    """A change that would break the plan (overlap, outside the hall, unknown booth ...)."""


@dataclass(frozen=True, kw_only=True)
class BoothInfo(BoothPlan):
    """A booth of the event's plan: its place and flags (the fields of BoothPlan), its identity,
    what the organiser set by hand, and who stands in it."""

    id: int
    hall_id: int
    hall_code: str
    near_entrance_manual: bool
    prominence_manual: bool
    locked: bool
    excluded: bool
    notes: str | None
    factory_id: int | None
    factory_name: str | None
    factory_category: str | None
    category_color: str | None
    is_top100: bool
    top100_rank: int | None

    @property
    def rect(self) -> Rect:
        return Rect(self.x_m, self.y_m, self.width_m, self.depth_m)


@dataclass(frozen=True)
class HallInfo:
    id: int
    code: str
    name: str
    width_m: float
    depth_m: float
    entrances: list[list[float]]
    sort_order: int


@dataclass(frozen=True)
class HallPlanInfo:
    hall: HallInfo
    booths: list[BoothInfo]


# -- reading -------------------------------------------------------------------------------------


def _hall_info(hall: Hall) -> HallInfo:
    return HallInfo(
        hall.id,
        hall.code,
        hall.name,
        hall.width_m,
        hall.depth_m,
        [list(map(float, e)) for e in (hall.entrances or [])],
        hall.sort_order,
    )


def list_halls(session: Session) -> list[HallInfo]:
    halls = session.scalars(select(Hall).order_by(Hall.sort_order, Hall.code))
    return [_hall_info(h) for h in halls]


def list_booths(session: Session, hall_id: int | None = None) -> list[BoothInfo]:
    """Booths with whoever stands in them, ordered by hall and code."""
    query = (
        select(Booth, Hall.code, Factory, Category.color)
        .join(Hall, Booth.hall_id == Hall.id)
        .outerjoin(Factory, Booth.factory_id == Factory.id)
        .outerjoin(Category, Factory.main_category == Category.code)
        .order_by(Hall.sort_order, Hall.code, Booth.code)
    )
    if hall_id is not None:
        query = query.where(Booth.hall_id == hall_id)
    return [_booth_info(b, code, f, color) for b, code, f, color in session.execute(query)]


def _booth_info(booth: Booth, hall_code: str, factory: Factory | None, color: str | None):
    return BoothInfo(
        id=booth.id,
        hall_id=booth.hall_id,
        hall_code=hall_code,
        code=booth.code,
        x_m=booth.x_m,
        y_m=booth.y_m,
        width_m=booth.width_m,
        depth_m=booth.depth_m,
        kind=booth.kind,
        is_corner=booth.is_corner,
        on_main_aisle=booth.on_main_aisle,
        near_entrance=booth.near_entrance,
        near_entrance_manual=booth.near_entrance_manual,
        prominence=booth.prominence,
        prominence_manual=booth.prominence_manual,
        locked=booth.locked,
        excluded=booth.excluded,
        notes=booth.notes,
        factory_id=booth.factory_id,
        factory_name=factory.name_zh if factory else None,
        factory_category=factory.main_category if factory else None,
        category_color=color,
        is_top100=bool(factory and factory.is_top100),
        top100_rank=factory.top100_rank if factory else None,
    )


def hall_plan(session: Session, hall_id: int) -> HallPlanInfo:
    return HallPlanInfo(_hall_info(_hall(session, hall_id)), list_booths(session, hall_id))


def booth_info(session: Session, booth_id: int) -> BoothInfo:
    booth = _booth(session, booth_id)
    factory = session.get(Factory, booth.factory_id) if booth.factory_id else None
    color = None
    if factory is not None and factory.main_category:
        color = session.scalar(select(Category.color).where(Category.code == factory.main_category))
    return _booth_info(booth, booth.hall.code, factory, color)


# -- halls ---------------------------------------------------------------------------------------


def create_hall(
    session: Session,
    code: str,
    name: str | None,
    width_m: float,
    depth_m: float,
    entrances: Sequence[Sequence[float]] = (),
) -> HallInfo:
    permit(session, Permission.MANAGE_BOOTHS)
    code = code.strip().upper()
    if not code or len(code) > 8:
        raise PlanError("A hall needs a short code of 1-8 letters (A, B, 1号馆 ...).")
    if session.scalar(select(Hall.id).where(Hall.code == code)) is not None:
        raise PlanError(f"Hall {code} exists already; choose another code.")
    _check_hall_size(width_m, depth_m)
    order = (session.scalar(select(Hall.sort_order).order_by(Hall.sort_order.desc())) or 0) + 1
    hall = Hall(
        code=code,
        name=(name or f"{code}馆").strip(),
        width_m=float(width_m),
        depth_m=float(depth_m),
        entrances=_entrances(entrances, width_m, depth_m),
        sort_order=order,
    )
    session.add(hall)
    session.flush()
    return _hall_info(hall)


def update_hall(
    session: Session,
    hall_id: int,
    *,
    name: str | None = None,
    width_m: float | None = None,
    depth_m: float | None = None,
    entrances: Sequence[Sequence[float]] | None = None,
) -> HallInfo:
    permit(session, Permission.MANAGE_BOOTHS)
    hall = _hall(session, hall_id)
    width = hall.width_m if width_m is None else float(width_m)
    depth = hall.depth_m if depth_m is None else float(depth_m)
    _check_hall_size(width, depth)
    outside = [b.code for b in hall.booths if not Rect(*_xywd(b)).inside(width, depth)]
    if outside:
        raise PlanError(
            f"Hall {hall.code} cannot shrink to {width:g} x {depth:g} m: booths "
            f"{', '.join(outside[:5])} would stand outside. Move them first."
        )
    if name is not None:
        hall.name = name.strip() or hall.name
    hall.width_m, hall.depth_m = width, depth
    if entrances is not None:
        hall.entrances = _entrances(entrances, width, depth)
    session.flush()
    refresh_prominence(session, hall.id)
    return _hall_info(hall)


def _check_hall_size(width: float, depth: float) -> None:
    if not (5 <= width <= 2000 and 5 <= depth <= 2000):
        raise PlanError(f"A hall of {width:g} x {depth:g} m is not plausible; use 5-2000 m a side.")


def _entrances(points: Iterable[Sequence[float]], width: float, depth: float) -> list[list[float]]:
    result = []
    for point in points:
        x, y = float(point[0]), float(point[1])
        if not (-EPS <= x <= width + EPS and -EPS <= y <= depth + EPS):
            raise PlanError(
                f"Entrance ({x:g}, {y:g}) lies outside the hall ({width:g} x {depth:g})."
            )
        result.append([x, y])
    return result


# -- booths --------------------------------------------------------------------------------------


def _hall(session: Session, hall_id: int) -> Hall:
    hall = session.get(Hall, hall_id)
    if hall is None:
        raise PlanError(f"No hall with id {hall_id}; `python -m expo booths list` shows the halls.")
    return hall


def _booth(session: Session, booth_id: int) -> Booth:
    booth = session.get(Booth, booth_id)
    if booth is None:
        raise PlanError(f"No booth with id {booth_id}; it may have been deleted meanwhile.")
    return booth


def find_booth(session: Session, code: str) -> BoothInfo:
    booth = session.scalar(select(Booth).where(Booth.code == code.strip().upper()))
    if booth is None:
        raise PlanError(f"No booth {code!r}; `python -m expo booths list` shows the codes.")
    return booth_info(session, booth.id)


def _xywd(booth: Booth) -> tuple[float, float, float, float]:
    return booth.x_m, booth.y_m, booth.width_m, booth.depth_m


def check_place(
    session: Session, hall: Hall, rect: Rect, ignore: Iterable[int] = (), label: str = "The booth"
) -> None:
    """Refuse a rectangle outside the hall or over another booth (``ignore``: booth ids)."""
    if rect.w < MIN_BOOTH_M - EPS or rect.d < MIN_BOOTH_M - EPS:
        raise PlanError(f"{label} must be at least {MIN_BOOTH_M:g} x {MIN_BOOTH_M:g} m.")
    if not rect.inside(hall.width_m, hall.depth_m):
        raise PlanError(
            f"{label} ({rect.w:g} x {rect.d:g} m at {rect.x:g}, {rect.y:g}) would stand outside "
            f"hall {hall.code} ({hall.width_m:g} x {hall.depth_m:g} m); move it inside."
        )
    skip = set(ignore)
    for other in session.scalars(select(Booth).where(Booth.hall_id == hall.id)):
        if other.id not in skip and rect.overlaps(Rect(*_xywd(other))):
            raise PlanError(f"{label} would overlap booth {other.code}; place it on free floor.")


def _next_code(session: Session, hall: Hall, taken: set[str] | None = None) -> str:
    codes = set(session.scalars(select(Booth.code).where(Booth.hall_id == hall.id)))
    codes |= taken or set()
    number = len(codes) + 1
    while f"{hall.code}-{number:02d}" in codes:
        number += 1
    return f"{hall.code}-{number:02d}"


def _check_code(session: Session, code: str, booth_id: int | None = None) -> str:
    code = code.strip().upper()
    if not code or len(code) > 16:
        raise PlanError("Type a booth code of 1-16 characters, like A-12.")
    existing = session.scalar(select(Booth.id).where(Booth.code == code))
    if existing is not None and existing != booth_id:
        raise PlanError(f"Booth code {code} is taken; choose another.")
    return code


def _new_booth(hall: Hall, code: str, rect: Rect, kind: BoothKind | None, **flags: bool) -> Booth:
    """A booth at ``rect`` (not yet added to the session); its kind from its size unless given."""
    return Booth(
        hall_id=hall.id,
        code=code,
        x_m=rect.x,
        y_m=rect.y,
        width_m=rect.w,
        depth_m=rect.d,
        kind=kind or booth_kind(rect.w, rect.d),
        **flags,
    )


def add_booth(
    session: Session,
    hall_id: int,
    x_m: float,
    y_m: float,
    width_m: float,
    depth_m: float,
    *,
    code: str | None = None,
    kind: BoothKind | None = None,
    on_main_aisle: bool = False,
    is_corner: bool | None = None,
) -> BoothInfo:
    """A new booth on free floor; kind from its size unless given, prominence derived."""
    permit(session, Permission.MANAGE_BOOTHS)
    hall = _hall(session, hall_id)
    rect = Rect(float(x_m), float(y_m), float(width_m), float(depth_m))
    check_place(session, hall, rect)
    booth = _new_booth(
        hall,
        _check_code(session, code) if code else _next_code(session, hall),
        rect,
        kind,
        on_main_aisle=on_main_aisle,
        is_corner=bool(is_corner),
    )
    session.add(booth)
    session.flush()
    if is_corner is None:
        booth.is_corner = _is_row_end(session, booth)
    _derive(booth, hall)
    session.flush()
    return booth_info(session, booth.id)


def add_booth_row(
    session: Session,
    hall_id: int,
    x_m: float,
    y_m: float,
    count: int,
    width_m: float,
    depth_m: float,
    *,
    vertical: bool = False,
    kind: BoothKind | None = None,
) -> list[BoothInfo]:
    """``count`` equal booths side by side (or one below another), all or none."""
    permit(session, Permission.MANAGE_BOOTHS)
    if not 1 <= count <= 200:
        raise PlanError("A row holds 1-200 booths.")
    hall = _hall(session, hall_id)
    taken: set[str] = set()
    booths: list[Booth] = []
    for index in range(count):
        dx, dy = (0.0, index * depth_m) if vertical else (index * width_m, 0.0)
        rect = Rect(float(x_m) + dx, float(y_m) + dy, float(width_m), float(depth_m))
        check_place(session, hall, rect, label=f"Booth {index + 1} of the row")
        code = _next_code(session, hall, taken)
        taken.add(code)
        booth = _new_booth(hall, code, rect, kind, is_corner=index in (0, count - 1))
        session.add(booth)
        session.flush()  # the next booth of the row is checked against this one
        booths.append(booth)
    for booth in booths:
        _derive(booth, hall)
    session.flush()
    return [booth_info(session, b.id) for b in booths]


def set_booth_rect(
    session: Session, booth_id: int, x_m: float, y_m: float, width_m: float, depth_m: float
) -> BoothInfo:
    """Move and/or resize a booth, refusing overlaps and the hall's walls."""
    permit(session, Permission.MANAGE_BOOTHS)
    booth = _booth(session, booth_id)
    rect = Rect(float(x_m), float(y_m), float(width_m), float(depth_m))
    check_place(session, booth.hall, rect, ignore=[booth.id], label=f"Booth {booth.code}")
    if booth.factory_id is not None:
        requested = session.scalar(
            select(Factory.requested_area_m2).where(Factory.id == booth.factory_id)
        )
        held = _factory_area(session, booth.factory_id) - booth.width_m * booth.depth_m + rect.area
        if requested and held + EPS < requested:
            raise PlanError(
                f"Booth {booth.code} would be {rect.area:g} m², too small for its factory "
                f"({requested} m² requested); unassign it first."
            )
    resized = abs(rect.w - booth.width_m) > EPS or abs(rect.d - booth.depth_m) > EPS
    booth.x_m, booth.y_m, booth.width_m, booth.depth_m = rect.x, rect.y, rect.w, rect.d
    if resized and booth.kind != BoothKind.ISLAND:
        booth.kind = booth_kind(rect.w, rect.d)
    _derive(booth, booth.hall)
    session.flush()
    return booth_info(session, booth.id)


def move_booth(session: Session, booth_id: int, x_m: float, y_m: float) -> BoothInfo:
    booth = _booth(session, booth_id)
    return set_booth_rect(session, booth_id, x_m, y_m, booth.width_m, booth.depth_m)


def resize_booth(session: Session, booth_id: int, width_m: float, depth_m: float) -> BoothInfo:
    booth = _booth(session, booth_id)
    return set_booth_rect(session, booth_id, booth.x_m, booth.y_m, width_m, depth_m)


def _factory_area(session: Session, factory_id: int) -> float:
    booths = session.scalars(select(Booth).where(Booth.factory_id == factory_id))
    return sum(b.width_m * b.depth_m for b in booths)


def split_booth(session: Session, booth_id: int, parts: int = 2, *, vertical: bool = False):
    """Cut a free booth into ``parts`` equal booths along its width (or depth)."""
    permit(session, Permission.MANAGE_BOOTHS)
    booth = _booth(session, booth_id)
    if not 2 <= parts <= 20:
        raise PlanError("Split a booth into 2-20 parts.")
    if booth.factory_id is not None or booth.locked:
        raise PlanError(f"Booth {booth.code} is assigned or locked; unassign and unlock it first.")
    hall = booth.hall
    x, y, w, d = _xywd(booth)
    size = (d if vertical else w) / parts
    if size < MIN_BOOTH_M - EPS:
        raise PlanError(f"Booth {booth.code} is too small for {parts} parts.")
    first = booth
    result = [first]
    if vertical:
        first.depth_m = size
    else:
        first.width_m = size
    first.kind = booth_kind(first.width_m, first.depth_m)
    session.flush()
    taken: set[str] = set()
    for index in range(1, parts):
        code = _next_code(session, hall, taken)
        taken.add(code)
        place = (
            Rect(x, y + index * size, w, size) if vertical else Rect(x + index * size, y, size, d)
        )
        part = _new_booth(
            hall,
            code,
            place,
            None,
            on_main_aisle=booth.on_main_aisle,
            excluded=booth.excluded,
            # The organiser's word on the whole booth holds for each of its parts.
            near_entrance=booth.near_entrance,
            near_entrance_manual=booth.near_entrance_manual,
        )
        session.add(part)
        result.append(part)
    session.flush()
    for part in result:
        part.is_corner = _is_row_end(session, part)
        _derive(part, hall)
    session.flush()
    return [booth_info(session, b.id) for b in result]


def merge_booths(session: Session, booth_ids: Sequence[int]) -> BoothInfo:
    """Join booths that together form one rectangle into the first of them."""
    permit(session, Permission.MANAGE_BOOTHS)
    booths = [_booth(session, i) for i in dict.fromkeys(booth_ids)]
    if len(booths) < 2:
        raise PlanError("Select two or more booths to merge.")
    if len({b.hall_id for b in booths}) > 1:
        raise PlanError("Booths of different halls cannot be merged.")
    factories = {b.factory_id for b in booths}
    if any(b.locked for b in booths) or len(factories - {None}) > 1:
        raise PlanError(
            "Locked booths, or booths of different factories, cannot be merged; unlock or "
            "unassign them first."
        )
    x0 = min(b.x_m for b in booths)
    y0 = min(b.y_m for b in booths)
    x1 = max(b.x_m + b.width_m for b in booths)
    y1 = max(b.y_m + b.depth_m for b in booths)
    area = sum(b.width_m * b.depth_m for b in booths)
    if abs((x1 - x0) * (y1 - y0) - area) > 0.05:
        codes = ", ".join(b.code for b in booths)
        raise PlanError(f"Booths {codes} do not form one rectangle; select adjacent booths.")
    first, rest = booths[0], booths[1:]
    factory_id = next(iter(factories - {None}), None)
    on_main = any(b.on_main_aisle for b in booths)
    # A part set near an entrance by hand makes the whole booth so; set "not near" by hand
    # only when no part was set near.
    hand_set = [b.near_entrance for b in booths if b.near_entrance_manual]
    for other in rest:
        session.delete(other)
    session.flush()
    first.x_m, first.y_m, first.width_m, first.depth_m = x0, y0, x1 - x0, y1 - y0
    first.kind = booth_kind(first.width_m, first.depth_m)
    first.factory_id = factory_id
    first.on_main_aisle = on_main
    first.near_entrance_manual = bool(hand_set)
    if hand_set:
        first.near_entrance = any(hand_set)
    first.is_corner = _is_row_end(session, first)
    _derive(first, first.hall)
    session.flush()
    return booth_info(session, first.id)


def delete_booth(session: Session, booth_id: int) -> None:
    permit(session, Permission.MANAGE_BOOTHS)
    booth = _booth(session, booth_id)
    if booth.locked:
        raise PlanError(f"Booth {booth.code} is locked; unlock it before deleting it.")
    session.delete(booth)
    session.flush()


def update_booth(
    session: Session,
    booth_id: int,
    *,
    code: str | None = None,
    kind: BoothKind | None = None,
    is_corner: bool | None = None,
    on_main_aisle: bool | None = None,
    near_entrance: bool | None = None,
    near_entrance_manual: bool | None = None,
    prominence: float | None = None,
    prominence_manual: bool | None = None,
    locked: bool | None = None,
    excluded: bool | None = None,
    notes: str | None = None,
) -> BoothInfo:
    """Change a booth's code, kind or flags. Setting ``prominence`` or ``near_entrance`` makes
    it manual; ``prominence_manual=False`` / ``near_entrance_manual=False`` give the derived
    value back."""
    permit(session, Permission.MANAGE_BOOTHS)
    booth = _booth(session, booth_id)
    # Everything is checked before anything changes: a refused edit leaves the booth as it was.
    if prominence is not None and not (math.isfinite(prominence) and 0 <= prominence <= 100):
        raise PlanError(
            f"Prominence {prominence:g} is out of range: type a score from 0 to 100, or derive "
            "it again from the booth's place."
        )
    stays_locked = booth.locked if locked is None else locked
    if excluded and stays_locked and booth.factory_id is not None:
        raise PlanError(
            f"Booth {booth.code} is locked with its factory; unlock it (or unassign the factory) "
            "before excluding it."
        )
    new_code = _check_code(session, code, booth.id) if code is not None else None
    if new_code is not None:
        booth.code = new_code
    if kind is not None:
        booth.kind = kind
    if is_corner is not None:
        booth.is_corner = is_corner
    if on_main_aisle is not None:
        booth.on_main_aisle = on_main_aisle
    if near_entrance is not None:
        booth.near_entrance = near_entrance
        booth.near_entrance_manual = True
    elif near_entrance_manual is not None:
        booth.near_entrance_manual = near_entrance_manual
    if prominence is not None:
        booth.prominence = round(float(prominence), 1)
        booth.prominence_manual = True
    elif prominence_manual is not None:
        booth.prominence_manual = prominence_manual
    if locked is not None:
        booth.locked = locked
    if excluded is not None:
        if excluded:
            booth.factory_id = None  # an excluded booth is offered to nobody
        booth.excluded = excluded
    if notes is not None:
        booth.notes = notes.strip() or None
    _derive(booth, booth.hall)
    session.flush()
    return booth_info(session, booth.id)


def refresh_prominence(session: Session, hall_id: int | None = None) -> int:
    """Derive every booth's prominence and near-entrance flag again where not set by hand
    (after the hall or its entrances changed)."""
    query = select(Booth)
    if hall_id is not None:
        query = query.where(Booth.hall_id == hall_id)
    count = 0
    for booth in session.scalars(query):
        _derive(booth, booth.hall)
        count += 1
    session.flush()
    return count


def _is_row_end(session: Session, booth: Booth) -> bool:
    """A corner booth: nothing touching its left or its right side (two open sides)."""
    rect = Rect(*_xywd(booth))
    left = right = False
    for other in session.scalars(
        select(Booth).where(Booth.hall_id == booth.hall_id, Booth.id != booth.id)
    ):
        o = Rect(*_xywd(other))
        overlap_y = min(rect.bottom, o.bottom) - max(rect.y, o.y) > EPS
        if overlap_y and abs(o.right - rect.x) <= EPS:
            left = True
        if overlap_y and abs(o.x - rect.right) <= EPS:
            right = True
    return not (left and right)


def _derive(booth: Booth, hall: Hall) -> None:
    """Near-entrance from the distance, prominence from flags and distance (each unless set by
    hand)."""
    centre = (booth.x_m + booth.width_m / 2, booth.y_m + booth.depth_m / 2)
    entrances = hall.entrances or []
    if not booth.near_entrance_manual:
        booth.near_entrance = is_near_entrance(centre, entrances)
    if not booth.prominence_manual:
        booth.prominence = prominence_score(
            centre,
            booth.width_m * booth.depth_m,
            entrances,
            on_main_aisle=booth.on_main_aisle,
            is_corner=booth.is_corner,
            kind=booth.kind,
        )


# -- snapshots for the editor's undo ---------------------------------------------------------------

# A booth's own place, flags and notes: what the undo snapshot and the plan files both carry.
BOOTH_COLUMNS = (
    "code",
    "x_m",
    "y_m",
    "width_m",
    "depth_m",
    "kind",
    "is_corner",
    "on_main_aisle",
    "near_entrance",
    "near_entrance_manual",
    "prominence",
    "prominence_manual",
    "locked",
    "excluded",
    "notes",
)
_SNAPSHOT_COLUMNS = ("id", *BOOTH_COLUMNS, "factory_id")


@dataclass(frozen=True)
class HallSnapshot:
    """A hall's booths as plain values: what the editor's undo puts back."""

    hall_id: int
    booths: tuple[tuple[object, ...], ...]
    exclusions: tuple[tuple[int, int, str | None], ...]


def hall_snapshot(session: Session, hall_id: int) -> HallSnapshot:
    from expo.models import BoothExclusion

    booths = session.scalars(select(Booth).where(Booth.hall_id == hall_id).order_by(Booth.id))
    rows = tuple(tuple(getattr(b, c) for c in _SNAPSHOT_COLUMNS) for b in booths)
    ids = [r[0] for r in rows]
    exclusions = tuple(
        (e.factory_id, e.booth_id, e.reason)
        for e in session.scalars(select(BoothExclusion).where(BoothExclusion.booth_id.in_(ids)))
    )
    return HallSnapshot(hall_id, rows, exclusions)


def restore_hall_snapshot(session: Session, snapshot: HallSnapshot) -> None:
    """Put a hall's booths back exactly as in ``snapshot`` (same ids, codes and factories).

    A factory the snapshot places that meanwhile stands elsewhere is taken off its other booths,
    so no factory ends up in two places.
    """
    permit(session, Permission.MANAGE_BOOTHS)
    from expo.models import BoothExclusion

    hall = _hall(session, snapshot.hall_id)
    wanted: dict[int, tuple[object, ...]] = {cast(int, row[0]): row for row in snapshot.booths}
    for booth in session.scalars(select(Booth).where(Booth.hall_id == hall.id)):
        if booth.id not in wanted:
            session.delete(booth)
    session.flush()
    # Codes first out of the way: a restored booth may take a code another booth holds now.
    current = {b.id: b for b in session.scalars(select(Booth).where(Booth.hall_id == hall.id))}
    for booth in current.values():
        booth.code = f"~{booth.id}"
    session.flush()
    factory_at = _SNAPSHOT_COLUMNS.index("factory_id")
    placed = {row[factory_at] for row in snapshot.booths if row[factory_at] is not None}
    if placed:
        for booth in session.scalars(
            select(Booth).where(Booth.factory_id.in_(placed), Booth.hall_id != hall.id)
        ):
            booth.factory_id = None
    for booth_id, row in wanted.items():
        values = dict(zip(_SNAPSHOT_COLUMNS, row, strict=True))
        existing = current.get(booth_id)
        if existing is None:
            session.add(Booth(hall_id=hall.id, **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
    session.flush()
    ids = list(wanted)
    for exclusion in session.scalars(
        select(BoothExclusion).where(BoothExclusion.booth_id.in_(ids))
    ):
        session.delete(exclusion)
    session.flush()
    for factory_id, booth_id, reason in snapshot.exclusions:
        session.add(BoothExclusion(factory_id=factory_id, booth_id=booth_id, reason=reason))
    session.flush()
