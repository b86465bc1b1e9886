"""Who stands where: the optimised assignment of factories to booths, and placing by hand.

``assign_booths`` reads the plan and the factories, runs the pure solver (expo.booths.solver,
which explains the method) and writes the result in the caller's transaction: booths that are
not locked lose their factory, then every placement is written. Locked booths keep theirs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from expo.booths.geometry import EPS, Rect
from expo.booths.solver import (
    BoothInput,
    FactoryInput,
    Solution,
    SolverOptions,
    are_competitors,
    count_adjacent_competitors,
    count_top100_in_best,
    greedy_baseline,
    solve,
)
from expo.errors import ExpoError
from expo.models import RATING_DIMENSIONS, Booth, BoothExclusion, Factory, Hall
from expo.permissions import Permission, permit
from expo.progress import Progress


class AssignmentError(ExpoError):
    """A placement by hand that breaks a rule (too small, taken, locked ...)."""


@dataclass(frozen=True)
class AssignOptions:
    time_limit: float = 20.0
    save: bool = True  # False: propose only, write nothing
    with_baseline: bool = False  # also run the greedy baseline (for comparison)


@dataclass(frozen=True)
class Unassigned:
    factory: int
    name: str
    reason: str


@dataclass
class AssignmentResult:
    assigned: int
    unassigned: list[Unassigned]
    objective: float
    bound: float
    top100_in_best: int
    adjacent_competitors: int
    seconds: float
    method: str
    placements: dict[int, tuple[int, ...]] = field(default_factory=dict)
    baseline_objective: float | None = None
    baseline_adjacent_competitors: int | None = None
    baseline_top100_in_best: int | None = None

    @property
    def gap(self) -> float:
        return max(0.0, (self.bound - self.objective) / self.bound) if self.bound > 0 else 0.0

    def as_json(self) -> dict[str, object]:
        """The document ``booths assign --json`` prints (the issue's field names, exactly)."""
        return {
            "assigned": self.assigned,
            "unassigned": [{"factory": u.factory, "reason": u.reason} for u in self.unassigned],
            "objective": round(self.objective, 2),
            "bound": round(self.bound, 2),
            "top100_in_best": self.top100_in_best,
            "adjacent_competitors": self.adjacent_competitors,
            "seconds": round(self.seconds, 2),
        }


def factory_weight(factory: Factory) -> float:
    """How much prominence is worth to a factory: TOP100 by their mean rating, others little."""
    if not factory.is_top100:
        return 0.1
    ratings = [getattr(factory, column) for column, _, _ in RATING_DIMENSIONS]
    known = [r for r in ratings if r is not None]
    mean = sum(known) / len(known) if known else 75.0
    return round(1.0 + 3.0 * max(0.0, mean - 50.0) / 50.0, 4)


@dataclass(frozen=True)
class Problem:
    booths: list[BoothInput]
    factories: list[FactoryInput]
    names: dict[int, str]


def load_problem(session: Session) -> Problem:
    """The plan and the factories as the solver's plain inputs."""
    booths = session.scalars(
        select(Booth).join(Hall).order_by(Hall.sort_order, Hall.code, Booth.code)
    ).all()
    halls = {h.id: h.code for h in session.scalars(select(Hall))}
    inputs = [
        BoothInput(
            id=b.id,
            hall=halls[b.hall_id],
            rect=Rect(b.x_m, b.y_m, b.width_m, b.depth_m),
            prominence=b.prominence,
            available=not b.excluded and not b.locked,
        )
        for b in booths
    ]
    fixed: dict[int, list[int]] = {}
    for b in booths:
        if b.locked and b.factory_id is not None:
            fixed.setdefault(b.factory_id, []).append(b.id)
    exclusions: dict[int, set[int]] = {}
    for factory_id, booth_id in session.execute(
        select(BoothExclusion.factory_id, BoothExclusion.booth_id)
    ):
        exclusions.setdefault(factory_id, set()).add(booth_id)
    factories = session.scalars(select(Factory).order_by(Factory.id)).all()
    return Problem(
        booths=inputs,
        factories=[
            FactoryInput(
                id=f.id,
                category=f.main_category,
                hit_products=frozenset(f.hit_products or ()),
                requested_area=float(f.requested_area_m2 or 9),
                weight=factory_weight(f),
                is_top100=f.is_top100,
                excluded_booths=frozenset(exclusions.get(f.id, ())),
                fixed_booths=tuple(fixed.get(f.id, ())),
            )
            for f in factories
        ],
        names={f.id: f.name_zh for f in factories},
    )


def assign_booths(
    session: Session,
    options: AssignOptions | None = None,
    progress: Progress | None = None,
    on_solution: Callable[[Solution], None] | None = None,
) -> AssignmentResult:
    """Propose (and with ``options.save`` write) the assignment of every factory to booths."""
    permit(session, Permission.MANAGE_BOOTHS)
    options = options or AssignOptions()
    progress = progress or Progress()
    started = time.monotonic()
    problem = load_problem(session)
    if not problem.booths:
        raise ExpoError(
            "The event has no booths yet. Draw halls and booths on the Booths page, or import "
            "a plan with `python -m expo booths import plan.csv`."
        )
    baseline = greedy_baseline(problem.booths, problem.factories) if options.with_baseline else None
    solution = solve(
        problem.booths,
        problem.factories,
        SolverOptions(time_limit=max(0.5, options.time_limit - (time.monotonic() - started))),
        progress,
        on_solution,
    )
    progress.check()
    if options.save:
        _write(session, solution)
    return AssignmentResult(
        assigned=len(solution.placements),
        unassigned=[
            Unassigned(fid, problem.names.get(fid, ""), reason)
            for fid, reason in sorted(solution.unassigned.items())
        ],
        objective=solution.objective,
        bound=solution.bound,
        top100_in_best=solution.top100_in_best,
        adjacent_competitors=solution.adjacent_competitors,
        seconds=round(time.monotonic() - started, 3),
        method=solution.method,
        placements=solution.placements,
        baseline_objective=baseline.objective if baseline else None,
        baseline_adjacent_competitors=baseline.adjacent_competitors if baseline else None,
        baseline_top100_in_best=baseline.top100_in_best if baseline else None,
    )


def _write(session: Session, solution: Solution) -> None:
    session.execute(
        update(Booth).where(Booth.locked.is_(False)).values(factory_id=None),
        execution_options={"synchronize_session": "fetch"},
    )
    locked = set(session.scalars(select(Booth.id).where(Booth.locked.is_(True))))
    for factory_id, booth_ids in solution.placements.items():
        free = [b for b in booth_ids if b not in locked]
        if free:
            session.execute(
                update(Booth).where(Booth.id.in_(free)).values(factory_id=factory_id),
                execution_options={"synchronize_session": "fetch"},
            )
    session.flush()


# -- checking a plan as it stands ----------------------------------------------------------------


@dataclass(frozen=True)
class PlanCheck:
    """The rules, checked on the database as it is (after the solver or hand edits)."""

    assigned: int
    booths_used: int
    too_small: list[int]  # factory ids whose booths add up to less than requested
    adjacent_competitors: int
    top100_in_best: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def current_placements(session: Session) -> dict[int, tuple[int, ...]]:
    placements: dict[int, list[int]] = {}
    for booth_id, factory_id in session.execute(
        select(Booth.id, Booth.factory_id).where(Booth.factory_id.is_not(None)).order_by(Booth.id)
    ):
        placements.setdefault(factory_id, []).append(booth_id)
    return {k: tuple(v) for k, v in placements.items()}


def check_plan(session: Session) -> PlanCheck:
    problem = load_problem(session)
    placements = current_placements(session)
    area = {b.id: b.rect.area for b in problem.booths}
    requested = {f.id: f.requested_area for f in problem.factories}
    too_small = [
        fid
        for fid, booths in placements.items()
        if sum(area[b] for b in booths) + EPS < requested.get(fid, 0)
    ]
    return PlanCheck(
        assigned=len(placements),
        booths_used=sum(len(v) for v in placements.values()),
        too_small=too_small,
        adjacent_competitors=count_adjacent_competitors(
            problem.booths, problem.factories, placements
        ),
        top100_in_best=count_top100_in_best(problem.booths, problem.factories, placements),
    )


# -- by hand -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandAssignment:
    factory_id: int
    booth_ids: tuple[int, ...]
    warnings: list[str]


def assign_by_hand(session: Session, factory_id: int, booth_ids: Sequence[int]) -> HandAssignment:
    """Put a factory on these booths (one, or adjacent ones forming its size).

    Refused: a booth that is locked, excluded (for all or for this factory) or another factory's,
    booths that are not adjacent, less area than requested. A direct competitor next door is
    allowed but comes back as a warning, for the organiser to decide.
    """
    permit(session, Permission.MANAGE_BOOTHS)
    factory = session.get(Factory, factory_id)
    if factory is None:
        raise AssignmentError(f"No factory with id {factory_id}.")
    booths = [session.get(Booth, b) for b in dict.fromkeys(booth_ids)]
    if not booths or any(b is None for b in booths):
        raise AssignmentError("Choose one or more existing booths.")
    chosen: list[Booth] = [b for b in booths if b is not None]
    excluded_for_it = set(
        session.scalars(
            select(BoothExclusion.booth_id).where(BoothExclusion.factory_id == factory_id)
        )
    )
    for booth in chosen:
        if booth.locked and booth.factory_id != factory_id:
            raise AssignmentError(f"Booth {booth.code} is locked; unlock it first.")
        if booth.excluded:
            raise AssignmentError(f"Booth {booth.code} is excluded from the assignment.")
        if booth.id in excluded_for_it:
            raise AssignmentError(
                f"The organiser excluded {factory.name_zh} from booth {booth.code}."
            )
        if booth.factory_id not in (None, factory_id):
            other = session.get(Factory, booth.factory_id)
            raise AssignmentError(
                f"Booth {booth.code} is taken by {other.name_zh if other else '?'}; "
                "unassign it first."
            )
    if len({b.hall_id for b in chosen}) > 1:
        raise AssignmentError("A factory's booths must stand in one hall.")
    rects = [Rect(b.x_m, b.y_m, b.width_m, b.depth_m) for b in chosen]
    if len(rects) > 1 and not _connected(rects):
        raise AssignmentError("The booths of one factory must be adjacent.")
    area = sum(r.area for r in rects)
    if area + EPS < factory.requested_area_m2:
        raise AssignmentError(
            f"{factory.name_zh} asked for {factory.requested_area_m2} m²; "
            f"{'these booths give' if len(rects) > 1 else 'this booth gives'} only {area:g} m². "
            "Choose a larger booth or add an adjacent one."
        )
    previous = session.scalars(select(Booth).where(Booth.factory_id == factory_id)).all()
    if any(b.locked and b.id not in {c.id for c in chosen} for b in previous):
        raise AssignmentError(
            f"{factory.name_zh} is locked in its booth; unlock it before moving it."
        )
    for booth in previous:
        booth.factory_id = None
    for booth in chosen:
        booth.factory_id = factory_id
    session.flush()
    return HandAssignment(
        factory_id, tuple(b.id for b in chosen), _competitor_warnings(session, factory, chosen)
    )


def _connected(rects: list[Rect]) -> bool:
    seen = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j, other in enumerate(rects):
            if j not in seen and _share_side(rects[i], other):
                seen.add(j)
                frontier.append(j)
    return len(seen) == len(rects)


def _share_side(a: Rect, b: Rect) -> bool:
    vertical = min(a.bottom, b.bottom) - max(a.y, b.y) > EPS and (
        abs(a.right - b.x) <= EPS or abs(b.right - a.x) <= EPS
    )
    horizontal = min(a.right, b.right) - max(a.x, b.x) > EPS and (
        abs(a.bottom - b.y) <= EPS or abs(b.bottom - a.y) <= EPS
    )
    return vertical or horizontal


def _competitor_warnings(session: Session, factory: Factory, chosen: list[Booth]) -> list[str]:
    mine = FactoryInput(
        factory.id, factory.main_category, frozenset(factory.hit_products or ()), 0, 0
    )
    rects = [Rect(b.x_m, b.y_m, b.width_m, b.depth_m) for b in chosen]
    hall_id = chosen[0].hall_id
    warnings: list[str] = []
    ids = {b.id for b in chosen}
    others = session.execute(
        select(Booth, Factory)
        .join(Factory, Booth.factory_id == Factory.id)
        .where(Booth.hall_id == hall_id, Booth.factory_id != factory.id)
    )
    for booth, other in others:
        if booth.id in ids:
            continue
        rect = Rect(booth.x_m, booth.y_m, booth.width_m, booth.depth_m)
        if not any(rect.touches(r) for r in rects):
            continue
        theirs = FactoryInput(
            other.id, other.main_category, frozenset(other.hit_products or ()), 0, 0
        )
        if are_competitors(mine, theirs):
            shared = "、".join(sorted(mine.hit_products & theirs.hit_products))
            warnings.append(
                f"Direct competitor next door: {other.name_zh} in {booth.code} "
                f"(both sell {shared})."
            )
    return warnings


def unassign_booth(session: Session, booth_id: int) -> None:
    """Take the factory off this booth (and off the rest of its run)."""
    permit(session, Permission.MANAGE_BOOTHS)
    booth = session.get(Booth, booth_id)
    if booth is None:
        raise AssignmentError(f"No booth with id {booth_id}.")
    if booth.locked:
        raise AssignmentError(f"Booth {booth.code} is locked; unlock it first.")
    if booth.factory_id is None:
        return
    for other in session.scalars(select(Booth).where(Booth.factory_id == booth.factory_id)):
        if not other.locked:
            other.factory_id = None
    session.flush()


def exclude_factory(session: Session, factory_id: int, booth_id: int, reason: str | None = None):
    """The organiser's rule: never this factory in this booth (it loses the booth now if held)."""
    permit(session, Permission.MANAGE_BOOTHS)
    factory = session.get(Factory, factory_id)
    booth = session.get(Booth, booth_id)
    if factory is None or booth is None:
        raise AssignmentError("Choose an existing factory and booth.")
    if booth.locked and booth.factory_id == factory_id:
        raise AssignmentError(f"{factory.name_zh} is locked in {booth.code}; unlock it first.")
    if session.get(BoothExclusion, (factory_id, booth_id)) is None:
        session.add(BoothExclusion(factory_id=factory_id, booth_id=booth_id, reason=reason))
    if booth.factory_id == factory_id:
        unassign_booth(session, booth_id)
    session.flush()


def allow_factory(session: Session, factory_id: int, booth_id: int) -> None:
    permit(session, Permission.MANAGE_BOOTHS)
    exclusion = session.get(BoothExclusion, (factory_id, booth_id))
    if exclusion is not None:
        session.delete(exclusion)
        session.flush()


@dataclass(frozen=True)
class FactoryRow:
    id: int
    name_zh: str
    main_category: str | None
    requested_area_m2: int
    is_top100: bool
    top100_rank: int | None
    booth_codes: tuple[str, ...]


def list_factories_for_plan(session: Session) -> list[FactoryRow]:
    """Factories with their booths: the list the plan view drags from."""
    codes: dict[int, list[str]] = {}
    for code, factory_id in session.execute(
        select(Booth.code, Booth.factory_id)
        .where(Booth.factory_id.is_not(None))
        .order_by(Booth.code)
    ):
        codes.setdefault(factory_id, []).append(code)
    factories = session.scalars(
        select(Factory).order_by(Factory.is_top100.desc(), Factory.top100_rank, Factory.id)
    )
    return [
        FactoryRow(
            f.id,
            f.name_zh,
            f.main_category,
            f.requested_area_m2,
            f.is_top100,
            f.top100_rank,
            tuple(codes.get(f.id, ())),
        )
        for f in factories
    ]
