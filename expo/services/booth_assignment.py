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

from expo.actors import Actor
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
from expo.db import EventDatabase
from expo.errors import ExpoError
from expo.models import RATING_DIMENSIONS, Booth, BoothExclusion, Factory, Hall
from expo.permissions import Permission, permit
from expo.progress import Progress
from expo.unit_of_work import UnitOfWork


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
    session: UnitOfWork,
    options: AssignOptions | None = None,
    progress: Progress | None = None,
    on_solution: Callable[[Solution], None] | None = None,
) -> AssignmentResult:
    """Propose (and with ``options.save`` write) the assignment of every factory to booths.

    Saving records one ``booth.assignment_saved`` event with every placement."""
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
        session.record(
            "booth.assignment_saved",
            method=solution.method,
            assigned=len(solution.placements),
            unassigned=len(solution.unassigned),
            objective=solution.objective,
            placements=_placements_by_code(session),
        )
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


def run_assignment(
    db: EventDatabase,
    actor: Actor,
    options: AssignOptions | None = None,
    progress: Progress | None = None,
) -> AssignmentResult:
    """The background task behind the Assign button: its own unit of work acting as
    ``actor``, committed when the solver's proposal is saved."""
    with db.write(actor) as uow:
        return assign_booths(uow, options, progress)


def _placements_by_code(session: Session) -> dict[str, list[str]]:
    """Every factory's booths as ``{factory uuid: [hall/booth code ...]}`` (what sync replays)."""
    placements: dict[str, list[str]] = {}
    rows = session.execute(
        select(Factory.uuid, Hall.code, Booth.code)
        .join(Booth, Booth.factory_id == Factory.id)
        .join(Hall, Hall.id == Booth.hall_id)
        .order_by(Factory.id, Booth.code)
    )
    for factory_uuid, hall_code, booth_code in rows:
        placements.setdefault(str(factory_uuid), []).append(f"{hall_code}/{booth_code}")
    return placements


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


def assign_by_hand(
    session: UnitOfWork,
    factory_id: int,
    booth_ids: Sequence[int],
    *,
    lock: bool = False,
    move_locked: bool = False,
) -> HandAssignment:
    """Put a factory on these booths (one, or adjacent ones forming its size).

    Refused: a booth that is locked, excluded (for all or for this factory) or another factory's,
    booths that are not adjacent, less area than requested. A direct competitor next door is
    allowed but comes back as a warning, for the organiser to decide.

    ``lock``: the new booths are locked, so a later assignment keeps the placement (the plan
    editor's drops). ``move_locked``: the factory may leave booths it is locked in (the organiser
    confirmed moving it); they are unlocked as it leaves them.
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
    chosen_ids = {c.id for c in chosen}
    if not move_locked and any(b.locked and b.id not in chosen_ids for b in previous):
        raise AssignmentError(
            f"{factory.name_zh} is locked in its booth; unlock it before moving it."
        )
    before = [_code(b) for b in previous]
    for booth in previous:
        booth.factory_id = None
        if booth.id not in chosen_ids:
            booth.locked = False
    for booth in chosen:
        booth.factory_id = factory_id
        booth.locked = booth.locked or lock
    session.flush()
    session.record(
        "booth.assigned",
        [factory.uuid],
        factory=factory_id,
        factory_uuid=factory.uuid,
        booths=[_code(b) for b in chosen],
        previous=before,
    )
    return HandAssignment(
        factory_id, tuple(b.id for b in chosen), _competitor_warnings(session, factory, chosen)
    )


@dataclass(frozen=True)
class StandingBooth:
    id: int
    code: str
    hall_id: int
    locked: bool


@dataclass(frozen=True)
class DropPreview:
    """What a drop of a factory on a booth would do, for the plan editor to confirm it."""

    factory_name: str
    booth_code: str
    hall_id: int
    standing: list[StandingBooth]  # where the factory stands now

    def leaves(self, booth_id: int) -> list[StandingBooth]:
        """The booths the factory would leave."""
        return [b for b in self.standing if b.id != booth_id]


def drop_preview(session: Session, factory_id: int, booth_id: int) -> DropPreview:
    factory = session.get(Factory, factory_id)
    booth = session.get(Booth, booth_id)
    if factory is None or booth is None:
        raise AssignmentError("That factory or booth no longer exists; the plan was reloaded.")
    rows = session.execute(
        select(Booth.id, Booth.code, Booth.hall_id, Booth.locked)
        .where(Booth.factory_id == factory_id)
        .order_by(Booth.code)
    )
    standing = [StandingBooth(r.id, r.code, r.hall_id, r.locked) for r in rows]
    return DropPreview(factory.name_zh, booth.code, booth.hall_id, standing)


def locked_placements(session: Session) -> int:
    """How many factories stand in a locked booth (placed by hand, or locked by the organiser):
    the assignment keeps them where they are unless they are unlocked."""
    return len(
        set(
            session.scalars(
                select(Booth.factory_id).where(
                    Booth.locked.is_(True), Booth.factory_id.is_not(None)
                )
            )
        )
    )


def unlock_placements(session: Session) -> int:
    """Unlock every booth that holds a factory, so the assignment may move it; how many."""
    result = session.execute(
        update(Booth)
        .where(Booth.locked.is_(True), Booth.factory_id.is_not(None))
        .values(locked=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


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


def _code(booth: Booth) -> str:
    return f"{booth.hall.code}/{booth.code}"


def unassign_booth(session: UnitOfWork, booth_id: int) -> None:
    """Take the factory off this booth (and off the rest of its run)."""
    permit(session, Permission.MANAGE_BOOTHS)
    booth = session.get(Booth, booth_id)
    if booth is None:
        raise AssignmentError(f"No booth with id {booth_id}.")
    if booth.locked:
        raise AssignmentError(f"Booth {booth.code} is locked; unlock it first.")
    if booth.factory_id is None:
        return
    factory_id = booth.factory_id
    freed: list[str] = []
    for other in session.scalars(select(Booth).where(Booth.factory_id == factory_id)):
        if not other.locked:
            other.factory_id = None
            freed.append(_code(other))
    session.flush()
    factory_uuid = session.scalar(select(Factory.uuid).where(Factory.id == factory_id))
    session.record(
        "booth.unassigned",
        [factory_uuid],
        factory=factory_id,
        factory_uuid=factory_uuid,
        booths=freed,
    )


def exclude_factory(
    session: UnitOfWork, factory_id: int, booth_id: int, reason: str | None = None
) -> None:
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
        session.record(
            "booth.factory_excluded",
            [factory.uuid],
            factory=factory_id,
            factory_uuid=factory.uuid,
            booth=_code(booth),
            reason=reason,
        )
    if booth.factory_id == factory_id:
        unassign_booth(session, booth_id)
    session.flush()


def allow_factory(session: UnitOfWork, factory_id: int, booth_id: int) -> None:
    """Lift the organiser's exclusion of this factory from this booth."""
    permit(session, Permission.MANAGE_BOOTHS)
    exclusion = session.get(BoothExclusion, (factory_id, booth_id))
    if exclusion is not None:
        session.delete(exclusion)
        session.flush()
        booth = session.get(Booth, booth_id)
        factory_uuid = session.scalar(select(Factory.uuid).where(Factory.id == factory_id))
        session.record(
            "booth.factory_allowed",
            [factory_uuid],
            factory=factory_id,
            factory_uuid=factory_uuid,
            booth=_code(booth) if booth else booth_id,
        )


@dataclass(frozen=True)
class FactoryRow:
    id: int
    name_zh: str
    main_category: str | None
    requested_area_m2: int
    is_top100: bool
    top100_rank: int | None
    booth_codes: tuple[str, ...]
    booth_area_m2: float = 0.0  # what its booths measure (may be more than requested)


def list_factories_for_plan(session: Session) -> list[FactoryRow]:
    """Factories with their booths: the list the plan view drags from."""
    codes: dict[int, list[str]] = {}
    areas: dict[int, float] = {}
    for code, factory_id, width, depth in session.execute(
        select(Booth.code, Booth.factory_id, Booth.width_m, Booth.depth_m)
        .where(Booth.factory_id.is_not(None))
        .order_by(Booth.code)
    ):
        codes.setdefault(factory_id, []).append(code)
        areas[factory_id] = areas.get(factory_id, 0.0) + width * depth
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
            areas.get(f.id, 0.0),
        )
        for f in factories
    ]
