"""Assign factories to booths: the pure solver on plain data (no database, no Qt).

The problem. Each factory gets one slot: a booth, or a straight run of adjacent booths whose
members are each too small for it (a 18 m2 request on two 3 x 3 booths side by side). A slot
must be at least the requested area and at most ``max_oversize`` times it; no booth is used
twice; locked booths keep what they hold; excluded booths, and booths the organiser excluded for
one factory, are not offered. Direct competitors (same main category, a shared hit product) never
stand in neighbouring booths (sharing a side or a corner). The objective adds, per placed
factory, a reward for being placed, its weight (TOP100 by ratings) times the slot's prominence,
a bonus for standing in its category's zone (a preferred area, so clustering stays linear) and
penalties for oversize and for every extra booth of a run.

The method, chosen by measurement (benchmarks/bench_booths.py: the demo fair, 500 factories x
584 booths, and a synthetic 500 x 601; 2 cores):

* Without the competitor rule the problem is almost an assignment problem. The assignment over
  *slots* (runs may share booths) is a rectangular ``scipy.optimize.linear_sum_assignment``,
  ~40 ms; dropping rules only raises the optimum, so its value is a valid (loose) bound.
* The **first proposal** (0.1-0.2 s) takes the assignment's choices, most valuable first, each
  if its booths are free and no competitor stands next door, else the best such slot.
* HiGHS' **LP** of the model with booth capacity but without the competitor rule
  (``scipy.optimize.linprog``, 200,000 columns, 3-10 s) gives the tight **bound** and, on
  these plans, an integral optimum. That optimum is **repaired** (a factory next to a direct
  competitor moves or swaps to its best legal slot) and **improved** (relocations, swaps and
  ejection chains with a positive gain) until stuck, the time limit, or ``target_gap``.
  Result: 0.5 % below the bound on the demo in ~5 s, 0.3 % on the synthetic instance in ~12 s,
  no competitors next door (the greedy baseline leaves 30-40 pairs and scores 17 % less).
* Rejected by measurement: HiGHS ``milp`` on the full model (the competitor rule as one row per
  touching booth pair and (category, hit product) group: 112,000 rows, 3.4 million non-zeros)
  had no incumbent after 5 minutes on the demo (the issue reports ~80 s to the optimum of its
  synthetic instance); CP-SAT alone stalled at a 5 % gap after 60 s (issue); a Lagrangian
  bound by subgradient steps on the assignment took 1.2 s for a bound 0.2 % looser than the LP
  with overlapping runs to mend; and zones of a single category cost 1.7 % against the bound
  (half the pairs inside a category compete, and a double row of 3 x 3 booths needs four
  mutually non-competing factories around every corner), hence zones of two categories below.
  The local search stops between moves, which gives progress and cancel.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment, linprog

from expo.booths.geometry import EPS, Rect, neighbour_pairs
from expo.progress import Progress

_FORBIDDEN = 1e9  # cost of a (factory, slot) pair that is not allowed, for the assignment


@dataclass(frozen=True)
class BoothInput:
    id: int
    hall: str
    rect: Rect
    prominence: float  # 0-100
    available: bool = True  # False: excluded, or locked (empty or holding a fixed factory)


@dataclass(frozen=True)
class FactoryInput:
    id: int
    category: str | None
    hit_products: frozenset[str]
    requested_area: float
    weight: float  # how much prominence is worth to this factory (TOP100: from its ratings)
    is_top100: bool = False
    excluded_booths: frozenset[int] = frozenset()  # booth ids the organiser ruled out for it
    fixed_booths: tuple[int, ...] = ()  # locked booths it holds: it stays there


@dataclass(frozen=True)
class Weights:
    placed: float = 40.0  # for placing a factory at all
    prominence: float = 1.0  # x factory weight x slot prominence (0-100)
    zone: float = 20.0  # standing in its category's zone (decays with distance outside it)
    zone_reach_m: float = 30.0  # the zone bonus is gone this far from the zone
    oversize: float = 10.0  # x (slot area / requested area - 1)
    extra_booth: float = 15.0  # per booth beyond the first in a run


@dataclass(frozen=True)
class SolverOptions:
    time_limit: float = 20.0  # seconds, the whole solve
    target_gap: float = 0.002  # stop improving once this close to the bound
    max_oversize: float = 1.5  # a slot may be at most this many times the requested area
    max_run: int = 4  # booths in a run forming one factory's stand
    weights: Weights = field(default_factory=Weights)


@dataclass
class Solution:
    placements: dict[int, tuple[int, ...]]  # factory id -> booth ids (fixed ones included)
    unassigned: dict[int, str]  # factory id -> why
    objective: float  # over the factories the solver placed (fixed ones are constant)
    bound: float  # no assignment scores more than this
    adjacent_competitors: int
    top100_in_best: int
    seconds: float
    method: str
    stages: list[tuple[str, float, float]] = field(default_factory=list)  # (stage, s, objective)

    @property
    def gap(self) -> float:
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)


# -- the model: slots, candidates, weights, competitors, zones -------------------------------------


class _Model:
    def __init__(
        self,
        booths: Sequence[BoothInput],
        factories: Sequence[FactoryInput],
        options: SolverOptions,
    ) -> None:
        self.booths = list(booths)
        self.factories = list(factories)
        self.options = options
        self.booth_index = {b.id: i for i, b in enumerate(self.booths)}
        nb = len(self.booths)
        self.neighbours: list[set[int]] = [set() for _ in range(nb)]
        pairs = neighbour_pairs([b.rect for b in self.booths], [b.hall for b in self.booths])
        for i, j in pairs.tolist():
            self.neighbours[i].add(j)
            self.neighbours[j].add(i)
        self.prominence = np.array([b.prominence for b in self.booths], dtype=float)
        self._build_slots()
        self.fixed = [f for f in self.factories if f.fixed_booths]
        self.free = [f for f in self.factories if not f.fixed_booths]
        self._build_competitors()
        self._build_zones()
        self._build_candidates()

    # Slots: single booths and straight runs (along a row, or two back to back).
    def _build_slots(self) -> None:
        rows: dict[tuple[str, float, float, float], int] = {}
        columns: dict[tuple[str, float, float, float], int] = {}
        for i, b in enumerate(self.booths):
            r = b.rect
            rows[(b.hall, round(r.y, 2), round(r.d, 2), round(r.x, 2))] = i
            columns[(b.hall, round(r.x, 2), round(r.w, 2), round(r.y, 2))] = i
        slots: list[tuple[int, ...]] = [(i,) for i in range(len(self.booths))]
        for i, b in enumerate(self.booths):
            r = b.rect
            run = [i]
            while len(run) < self.options.max_run:
                last = self.booths[run[-1]].rect
                key = (b.hall, round(r.y, 2), round(r.d, 2), round(last.right, 2))
                nxt = rows.get(key)
                if nxt is None:
                    break
                run.append(nxt)
                slots.append(tuple(run))
            below = columns.get((b.hall, round(r.x, 2), round(r.w, 2), round(r.bottom, 2)))
            if below is not None and self.options.max_run >= 2:
                slots.append((i, below))
        self.slots = slots
        area = np.array([b.rect.area for b in self.booths])
        self.slot_area = np.array([area[list(s)].sum() for s in slots])
        self.slot_size = np.array([len(s) for s in slots])
        self.slot_max_member = np.array([area[list(s)].max() for s in slots])
        self.slot_min_end = np.array([min(area[s[0]], area[s[-1]]) for s in slots])
        self.slot_prominence = np.array(
            [
                float(np.dot(area[list(s)], self.prominence[list(s)]) / area[list(s)].sum())
                for s in slots
            ]
        )
        cover_rows = [k for k, s in enumerate(slots) for _ in s]
        cover_cols = [i for s in slots for i in s]
        self.slot_cover = sparse.csr_matrix(
            (np.ones(len(cover_rows)), (cover_rows, cover_cols)),
            shape=(len(slots), len(self.booths)),
        )
        available = np.array([b.available for b in self.booths])
        self.slot_available = np.array([bool(available[list(s)].all()) for s in slots])
        self.slot_neighbours: list[frozenset[int]] = []
        for s in slots:
            members = set(s)
            around: set[int] = set()
            for i in s:
                around |= self.neighbours[i]
            self.slot_neighbours.append(frozenset(around - members))

    def _build_competitors(self) -> None:
        by_category: dict[str, list[FactoryInput]] = defaultdict(list)
        for f in self.factories:
            if f.category:
                by_category[f.category].append(f)
        self.competitors: dict[int, set[int]] = {f.id: set() for f in self.factories}
        for group in by_category.values():
            for a in range(len(group)):
                for b in range(a + 1, len(group)):
                    if group[a].hit_products & group[b].hit_products:
                        self.competitors[group[a].id].add(group[b].id)
                        self.competitors[group[b].id].add(group[a].id)

    def _build_zones(self) -> None:
        """Each category a contiguous area of the halls, in proportion to its factories' demand.

        Booths are ordered in vertical strips 12 m wide, snaking front to back, so every zone
        reaches from the entrance side to the back: each category has prominent booths too.
        """
        demand: dict[str, float] = defaultdict(float)
        for f in self.free:
            if f.category:
                demand[f.category] += f.requested_area
        self.zone_affinity: dict[str, np.ndarray] = {}
        self.slot_zone: dict[str, np.ndarray] = {}
        open_booths = [i for i, b in enumerate(self.booths) if b.available]
        if not demand or not open_booths:
            return
        halls = list(dict.fromkeys(b.hall for b in self.booths))

        def order(i: int) -> tuple[int, int, float]:
            b = self.booths[i]
            cx, cy = b.rect.centre
            strip = int(cx // 12.0)
            return (halls.index(b.hall), strip, cy if strip % 2 == 0 else -cy)

        open_booths.sort(key=order)
        total_area = sum(self.booths[i].rect.area for i in open_booths)
        total_demand = sum(demand.values())
        zone_of: dict[int, int] = {}
        categories = sorted(demand, key=lambda c: (-demand[c], c))
        # Two categories share a zone, the largest with the smallest: direct competitors of one
        # category can then alternate with the other category's factories at no loss, which
        # keeps the assignment bound tight (single-category zones left a 1.7 % gap on the demo:
        # half the pairs inside a category are competitors and a double row of 3 x 3 booths
        # needs four mutually non-competing groups around every corner).
        groups: list[tuple[str, ...]] = []
        low, high = 0, len(categories) - 1
        while low <= high:
            groups.append(
                (categories[low],) if low == high else (categories[low], categories[high])
            )
            low, high = low + 1, high - 1
        group_demand = [sum(demand[c] for c in g) for g in groups]
        position = 0
        used = 0.0
        for index in range(len(groups)):
            target = used + total_area * group_demand[index] / total_demand
            while position < len(open_booths) and (
                used + self.booths[open_booths[position]].rect.area / 2 <= target
                or index == len(groups) - 1
            ):
                zone_of[open_booths[position]] = index
                used += self.booths[open_booths[position]].rect.area
                position += 1
        centres = np.array([b.rect.centre for b in self.booths])
        hall_code = np.array([halls.index(b.hall) for b in self.booths])
        reach = self.options.weights.zone_reach_m
        for index, group in enumerate(groups):
            members = np.array([i for i, z in zone_of.items() if z == index], dtype=int)
            affinity = np.zeros(len(self.booths))
            if members.size:
                diff = centres[:, None, :] - centres[None, members, :]
                distance = np.sqrt((diff**2).sum(axis=2))
                distance[hall_code[:, None] != hall_code[None, members]] = np.inf
                affinity = np.clip(1.0 - distance.min(axis=1) / reach, 0.0, 1.0)
                affinity[members] = 1.0
            for category in group:
                self.zone_affinity[category] = affinity
        self.zone_groups = groups
        self.zone_of = zone_of
        # Mean affinity of a slot's booths: a sparse slot x booth averaging matrix.
        rows = [k for k, s in enumerate(self.slots) for _ in s]
        cols = [i for s in self.slots for i in s]
        vals = [1.0 / len(s) for s in self.slots for _ in s]
        mean = sparse.csr_matrix((vals, (rows, cols)), shape=(len(self.slots), len(self.booths)))
        self.slot_zone = {c: mean @ a for c, a in self.zone_affinity.items()}

    def _build_candidates(self) -> None:
        weights = self.options.weights
        self.cand: list[np.ndarray] = []
        self.cand_weight: list[np.ndarray] = []
        self.cand_lookup: list[dict[int, float]] = []
        self.no_candidate_reason: dict[int, str] = {}
        slot_booth_ids = [frozenset(self.booths[i].id for i in s) for s in self.slots]
        for f in self.free:
            r = f.requested_area
            size_ok = (
                (self.slot_area >= r - EPS)
                & (self.slot_area <= r * self.options.max_oversize + EPS)
                & (
                    (self.slot_size == 1)
                    | (
                        (self.slot_max_member < r - EPS)
                        & (self.slot_area - self.slot_min_end < r - EPS)
                    )
                )
            )
            mask = size_ok & self.slot_available
            idx = np.nonzero(mask)[0]
            if f.excluded_booths and idx.size:
                keep = [k for k in idx.tolist() if not (slot_booth_ids[k] & f.excluded_booths)]
                idx = np.array(keep, dtype=int)
            if idx.size == 0:
                self.no_candidate_reason[f.id] = self._why_no_candidate(f, size_ok)
            w = np.full(idx.size, weights.placed)
            if idx.size:
                w += weights.prominence * f.weight * self.slot_prominence[idx]
                if f.category in self.slot_zone:
                    w += weights.zone * self.slot_zone[f.category][idx]
                w -= weights.oversize * (self.slot_area[idx] / r - 1.0)
                w -= weights.extra_booth * (self.slot_size[idx] - 1)
            self.cand.append(idx)
            self.cand_weight.append(w)
            self.cand_lookup.append(dict(zip(idx.tolist(), w.tolist(), strict=True)))

    def _why_no_candidate(self, f: FactoryInput, size_ok: np.ndarray) -> str:
        area = f"{f.requested_area:g} m²"
        if not size_ok.any():
            return f"no booth (or run of adjacent booths) of {area} in the plan"
        if not (size_ok & self.slot_available).any():
            return f"every booth of {area} is locked or excluded"
        return f"the organiser excluded it from every free booth of {area}"

    def factory_ids(self) -> list[int]:
        return [f.id for f in self.free]

    def top_booths(self, count: int = 100) -> set[int]:
        order = np.argsort(-self.prominence, kind="stable")[:count]
        return {self.booths[i].id for i in order.tolist()}


# -- the working solution: who stands where --------------------------------------------------------


class _State:
    def __init__(self, model: _Model) -> None:
        self.m = model
        self.slot_of = np.full(len(model.free), -1, dtype=int)
        self.occ = np.full(len(model.booths), -1, dtype=int)  # internal factory index or -1
        self.free_index = {f.id: k for k, f in enumerate(model.free)}
        # Fixed (locked) factories occupy their booths under indexes after the free ones.
        self.fixed_ids = [f.id for f in model.fixed]
        self.all_ids = [f.id for f in model.free] + self.fixed_ids
        self.comp: list[set[int]] = []
        id_to_k = {fid: k for k, fid in enumerate(self.all_ids)}
        for fid in self.all_ids:
            self.comp.append({id_to_k[g] for g in model.competitors[fid] if g in id_to_k})
        for offset, f in enumerate(model.fixed):
            for booth_id in f.fixed_booths:
                index = model.booth_index.get(booth_id)
                if index is not None:
                    self.occ[index] = len(model.free) + offset
        self.dropped: dict[int, str] = {}  # free index -> reason it was taken out

    def copy(self) -> _State:
        other = object.__new__(_State)
        other.__dict__.update(self.__dict__)
        other.slot_of = self.slot_of.copy()
        other.occ = self.occ.copy()
        other.dropped = dict(self.dropped)
        return other

    def value(self, k: int) -> float:
        s = self.slot_of[k]
        return self.m.cand_lookup[k][s] if s >= 0 else 0.0

    def objective(self) -> float:
        return float(sum(self.value(k) for k in range(len(self.slot_of))))

    def is_free(self, s: int, k: int) -> bool:
        return all(self.occ[b] in (-1, k) for b in self.m.slots[s])

    def conflicted(self, k: int, s: int) -> bool:
        comp = self.comp[k]
        if not comp:
            return False
        occ = self.occ
        return any(occ[b] in comp for b in self.m.slot_neighbours[s])

    def place(self, k: int, s: int) -> None:
        self.remove(k)
        self.slot_of[k] = s
        for b in self.m.slots[s]:
            self.occ[b] = k

    def remove(self, k: int) -> None:
        s = self.slot_of[k]
        if s >= 0:
            for b in self.m.slots[s]:
                if self.occ[b] == k:
                    self.occ[b] = -1
        self.slot_of[k] = -1

    def owner_of_slot(self, s: int) -> int:
        """The free factory standing on exactly slot ``s``, else -1."""
        k = self.occ[self.m.slots[s][0]]
        if 0 <= k < len(self.slot_of) and self.slot_of[k] == s:
            return int(k)
        return -1

    def conflicts(self) -> list[int]:
        return [
            k
            for k in range(len(self.slot_of))
            if self.slot_of[k] >= 0 and self.conflicted(k, self.slot_of[k])
        ]

    def best_move(self, k: int, require_gain: bool) -> tuple[float, int, int] | None:
        """The best (gain, slot, swap partner or -1) for factory ``k``, keeping every rule."""
        m = self.m
        current = self.slot_of[k]
        base = self.value(k)
        best: tuple[float, int, int] | None = None
        for s, w in m.cand_lookup[k].items():
            if s == current:
                continue
            if self.is_free(s, k):
                gain = w - base
                if (best is None or gain > best[0]) and (not require_gain or gain > 1e-9):
                    self.remove(k)
                    ok = not self.conflicted(k, s)
                    if current >= 0:
                        self.place(k, current)
                    if ok:
                        best = (gain, s, -1)
                continue
            if current < 0:
                continue
            h = self.owner_of_slot(s)
            if h < 0 or current not in m.cand_lookup[h]:
                continue
            gain = w - base + m.cand_lookup[h][current] - self.value(h)
            if (best is not None and gain <= best[0]) or (require_gain and gain <= 1e-9):
                continue
            self._swap(k, h)
            ok = not self.conflicted(k, s) and not self.conflicted(h, current)
            self._swap(k, h)
            if ok:
                best = (gain, s, h)
        return best

    def _swap(self, k: int, h: int) -> None:
        sk, sh = self.slot_of[k], self.slot_of[h]
        self.remove(k)
        self.remove(h)
        self.place(k, sh)
        self.place(h, sk)

    def apply(self, k: int, s: int, h: int) -> None:
        if h >= 0:
            self._swap(k, h)
        else:
            self.place(k, s)


# -- the stages -----------------------------------------------------------------------------------


def _assignment_bound(model: _Model) -> tuple[np.ndarray, float]:
    """The assignment over slots (runs may share booths): a slot per factory and its value.

    Dropping the booth-sharing and competitor rules only raises the optimum, so the value is a
    valid upper bound; ~40 ms for 500 factories x 2,200 slots.
    """
    nf, ns = len(model.free), len(model.slots)
    if nf == 0:
        return np.zeros(0, dtype=int), 0.0
    cost = np.full((nf, ns + nf), _FORBIDDEN)
    for k in range(nf):
        cost[k, model.cand[k]] = -model.cand_weight[k]
    cost[np.arange(nf), ns + np.arange(nf)] = 0.0  # not placed
    rows, cols = linear_sum_assignment(cost)
    slot_of = np.full(nf, -1, dtype=int)
    real = cols < ns
    slot_of[rows[real]] = cols[real]
    return slot_of, -float(cost[rows[real], cols[real]].sum())


def _lp_relaxation(model: _Model, time_limit: float) -> tuple[np.ndarray, float] | None:
    """HiGHS' LP of the model with booth capacity but without the competitor rule.

    Its optimum is the tightest bound we have (0.2-0.5 % below the assignment bound on the
    demo) and its solution is integral or nearly so: the best start for the repair.
    Returns (slot per factory, bound), or None if HiGHS ran out of time.
    """
    nf = len(model.free)
    columns = [(k, s) for k in range(nf) for s in model.cand[k].tolist()]
    if not columns:
        return np.full(nf, -1, dtype=int), 0.0
    gain = np.concatenate([model.cand_weight[k] for k in range(nf)])
    factory_of = np.array([k for k, _ in columns])
    slot_of_column = np.array([s for _, s in columns])
    n = len(columns)
    assign_rows = sparse.csr_matrix((np.ones(n), (factory_of, np.arange(n))), shape=(nf, n))
    booth_rows = (model.slot_cover[slot_of_column]).T.tocsr()
    matrix = sparse.vstack([assign_rows, booth_rows]).tocsr()
    result = linprog(
        -gain,
        A_ub=matrix,
        b_ub=np.ones(matrix.shape[0]),
        bounds=(0.0, 1.0),
        method="highs",
        options={"time_limit": max(0.1, time_limit)},
    )
    if result.status != 0 or result.x is None:
        return None
    x = result.x
    slot_of = np.full(nf, -1, dtype=int)
    # Largest share first; a fractional factory takes its strongest slot if still free.
    for j in np.argsort(-x, kind="stable").tolist():
        if x[j] < 0.5:
            break
        if slot_of[factory_of[j]] < 0:
            slot_of[factory_of[j]] = slot_of_column[j]
    return slot_of, -float(result.fun)


def _first_proposal(model: _Model, relaxed: np.ndarray) -> _State:
    """The relaxed optimum made valid: runs that share a booth give way, then a greedy fill."""
    state = _State(model)
    order = sorted(
        (k for k in range(len(relaxed)) if relaxed[k] >= 0),
        key=lambda k: -model.cand_lookup[k][int(relaxed[k])],
    )
    for k in order:
        s = int(relaxed[k])
        if state.is_free(s, k):
            state.place(k, s)
    _greedy_fill(state, [k for k in range(len(model.free)) if state.slot_of[k] < 0])
    return state


def _greedy_fill(
    state: _State,
    factories: list[int],
    *,
    respect_competitors: bool = False,
    prefer: np.ndarray | None = None,
) -> None:
    """Place each factory, most valuable first, in its preferred slot or its best free one."""
    m = state.m

    def value(k: int) -> float:
        if prefer is not None and prefer[k] >= 0:
            return _slot_value(m, k, int(prefer[k]))
        return float(m.cand_weight[k].max(initial=0.0))

    for k in sorted(factories, key=lambda k: -value(k)):
        if prefer is not None and prefer[k] >= 0:
            s = int(prefer[k])
            if state.is_free(s, k) and not (respect_competitors and state.conflicted(k, s)):
                state.place(k, s)
                continue
        best, best_w = -1, -math.inf
        for s, w in m.cand_lookup[k].items():
            if w > best_w and state.is_free(s, k):
                if respect_competitors and state.conflicted(k, s):
                    continue
                best, best_w = s, w
        if best >= 0:
            state.place(k, best)


def _repair(state: _State, deadline: float, progress: Progress) -> None:
    """Move or swap factories until no direct competitors are neighbours."""
    m = state.m
    steps = 0
    while True:
        conflicted = state.conflicts()
        if not conflicted:
            return
        k = conflicted[0]
        progress.check()
        steps += 1
        candidates = [k] + [g for g in state.comp[k] if g < len(state.slot_of) and g in conflicted]
        best: tuple[float, int, int, int] | None = None
        for f in candidates:
            move = state.best_move(f, require_gain=False)
            if move is not None and (best is None or move[0] > best[0]):
                best = (move[0], f, move[1], move[2])
        if best is not None:
            _, f, s, h = best
            state.apply(f, s, h)
            continue
        # No legal place for either: the lower-valued one stands down, with the reason.
        worst = min(candidates, key=state.value)
        state.remove(worst)
        area = f"{m.free[worst].requested_area:g} m²"
        state.dropped[worst] = f"every free booth of {area} is next to a direct competitor"
        if time.monotonic() > deadline + 5.0:
            # Past the limit the remaining conflicts are resolved by standing down alone.
            for g in state.conflicts():
                state.remove(g)
                state.dropped[g] = "no time left to find it a booth away from its competitors"


def _improve(
    state: _State,
    bound: float,
    options: SolverOptions,
    deadline: float,
    progress: Progress,
    report: Callable[[_State, str], None],
) -> None:
    """Relocations and swaps with a positive gain, best gain first, until stuck or out of time."""
    m = state.m
    nf = len(state.slot_of)
    while time.monotonic() < deadline:
        improved = False
        # Most to gain first: the distance from each factory's best candidate.
        order = sorted(
            range(nf),
            key=lambda k: -(m.cand_weight[k].max(initial=0.0) - state.value(k)),
        )
        for k in order:
            progress.check()
            if time.monotonic() >= deadline:
                break
            if not m.cand_lookup[k]:
                continue
            if m.cand_weight[k].max() - state.value(k) <= 1e-9 and state.slot_of[k] >= 0:
                continue
            move = state.best_move(k, require_gain=True)
            if move is not None:
                state.apply(k, move[1], move[2])
                state.dropped.pop(k, None)
                improved = True
            elif state.slot_of[k] < 0 and _eject(state, k):
                state.dropped.pop(k, None)
                improved = True
        objective = state.objective()
        report(state, "improve")
        if not improved or (bound > 0 and (bound - objective) / bound <= options.target_gap):
            return


def _eject(state: _State, k: int) -> bool:
    """Place an unplaced factory by moving the one on its slot to a free slot (a 2-chain)."""
    m = state.m
    best: tuple[float, int, int, int] | None = None
    for s, w in m.cand_lookup[k].items():
        h = state.owner_of_slot(s)
        if h < 0:
            continue
        state.remove(h)
        if state.is_free(s, k) and not state.conflicted(k, s):
            state.place(k, s)
            for t, wh in m.cand_lookup[h].items():
                gain = w + wh - m.cand_lookup[h][s]
                if (best is None or gain > best[0]) and gain > 1e-9 and state.is_free(t, h):
                    if not state.conflicted(h, t):
                        best = (gain, s, h, t)
            state.remove(k)
        state.place(h, s)
    if best is None:
        return False
    _, s, h, t = best
    state.place(h, t)
    state.place(k, s)
    return True


# -- public entry points ---------------------------------------------------------------------------


def solve(
    booths: Sequence[BoothInput],
    factories: Sequence[FactoryInput],
    options: SolverOptions | None = None,
    progress: Progress | None = None,
    on_solution: Callable[[Solution], None] | None = None,
) -> Solution:
    """The best assignment found within ``options.time_limit``, with the bound.

    ``progress.update`` reports each stage with the best objective so far; ``progress.check``
    lets a caller cancel (it raises ``Cancelled``). ``on_solution`` receives each better
    proposal, the first within a second.
    """
    options = options or SolverOptions()
    progress = progress or Progress()
    started = time.monotonic()
    deadline = started + options.time_limit
    model = _Model(booths, factories, options)
    progress.check()
    relaxed, bound = _assignment_bound(model)
    stages: list[tuple[str, float, float]] = []
    bounds = {"bound": bound}

    def report(state: _State, stage: str) -> None:
        objective = state.objective()
        elapsed = time.monotonic() - started
        stages.append((stage, round(elapsed, 3), round(objective, 3)))
        best = bounds["bound"]
        gap = (best - objective) / best if best > 0 else 0.0
        progress.update(
            min(int(elapsed * 10), int(options.time_limit * 10)),
            int(options.time_limit * 10),
            f"{stage}: objective {objective:,.0f}, bound {best:,.0f} (gap {gap:.2%})",
        )
        if on_solution is not None:
            on_solution(_solution(model, state, best, started, stage, stages))

    # The first proposal, in well under a second: the assignment's choices in order of value,
    # each kept if its booths are free and no competitor stands next door, else the best such.
    first = _State(model)
    _greedy_fill(first, list(range(len(model.free))), respect_competitors=True, prefer=relaxed)
    report(first, "first proposal")
    progress.check()
    lp = _lp_relaxation(model, deadline - time.monotonic())
    best_state = first
    if lp is not None:
        lp_slots, lp_bound = lp
        bounds["bound"] = min(bounds["bound"], lp_bound)
        state = _State(model)
        for k in sorted(
            range(len(lp_slots)), key=lambda k: -_slot_value(model, k, int(lp_slots[k]))
        ):
            if lp_slots[k] >= 0 and state.is_free(int(lp_slots[k]), k):
                state.place(k, int(lp_slots[k]))
        _greedy_fill(state, [k for k in range(len(model.free)) if state.slot_of[k] < 0])
        _repair(state, deadline, progress)
        _greedy_fill(
            state,
            [k for k in range(len(model.free)) if state.slot_of[k] < 0],
            respect_competitors=True,
        )
        report(state, "repaired LP optimum")
        if state.objective() > best_state.objective():
            best_state = state
    _improve(best_state, bounds["bound"], options, deadline, progress, report)
    method = "assignment bound, HiGHS LP, repair and local search"
    return _solution(model, best_state, bounds["bound"], started, method, stages)


def _slot_value(model: _Model, k: int, s: int) -> float:
    return model.cand_lookup[k].get(int(s), 0.0) if s >= 0 else 0.0


def _solution(
    model: _Model,
    state: _State,
    bound: float,
    started: float,
    method: str,
    stages: list[tuple[str, float, float]],
) -> Solution:
    placements: dict[int, tuple[int, ...]] = {}
    unassigned: dict[int, str] = {}
    for k, f in enumerate(model.free):
        s = state.slot_of[k]
        if s >= 0:
            placements[f.id] = tuple(model.booths[i].id for i in model.slots[s])
        elif f.id in model.no_candidate_reason:
            unassigned[f.id] = model.no_candidate_reason[f.id]
        elif k in state.dropped:
            unassigned[f.id] = state.dropped[k]
        else:
            area = f"{f.requested_area:g} m²"
            free = [s for s in model.cand[k].tolist() if state.is_free(s, k)]
            if free:
                unassigned[f.id] = (
                    f"each of the {len(free)} free booths of {area} is next to a direct competitor"
                )
            else:
                n = int(model.cand[k].size)
                unassigned[f.id] = (
                    f"all {n} booths of {area} are taken by factories with a higher priority"
                )
    for f in model.fixed:
        placements[f.id] = tuple(f.fixed_booths)
    return Solution(
        placements=placements,
        unassigned=unassigned,
        objective=round(state.objective(), 3),
        bound=round(max(bound, state.objective()), 3),
        adjacent_competitors=count_adjacent_competitors(model.booths, model.factories, placements),
        top100_in_best=count_top100_in_best(model.booths, model.factories, placements),
        seconds=round(time.monotonic() - started, 3),
        method=method,
        stages=list(stages),
    )


def greedy_baseline(
    booths: Sequence[BoothInput],
    factories: Sequence[FactoryInput],
    options: SolverOptions | None = None,
) -> Solution:
    """What an organiser does by hand: TOP100 first (by weight), each into the most prominent
    free booth that fits, then everyone else the same way; neighbours are not looked at."""
    options = options or SolverOptions()
    started = time.monotonic()
    model = _Model(booths, factories, options)
    state = _State(model)
    order = sorted(
        range(len(model.free)),
        key=lambda k: (not model.free[k].is_top100, -model.free[k].weight, model.free[k].id),
    )
    for k in order:
        best, best_key = -1, None
        for s in model.cand[k].tolist():
            if not state.is_free(s, k):
                continue
            key = (model.slot_prominence[s], -model.slot_area[s])
            if best_key is None or key > best_key:
                best, best_key = s, key
        if best >= 0:
            state.place(k, best)
    _, bound = _assignment_bound(model)
    return _solution(model, state, bound, started, "greedy baseline", [])


def are_competitors(a: FactoryInput, b: FactoryInput) -> bool:
    return bool(a.category and a.category == b.category and a.hit_products & b.hit_products)


def count_adjacent_competitors(
    booths: Sequence[BoothInput],
    factories: Sequence[FactoryInput],
    placements: dict[int, tuple[int, ...]],
) -> int:
    """Pairs of direct competitors whose booths touch (a side or a corner), counted once."""
    rect = {b.id: (b.hall, b.rect) for b in booths}
    by_id = {f.id: f for f in factories}
    placed = [fid for fid in placements if fid in by_id]
    count = 0
    for a in range(len(placed)):
        for c in range(a + 1, len(placed)):
            fa, fc = by_id[placed[a]], by_id[placed[c]]
            if not are_competitors(fa, fc):
                continue
            if any(
                rect[x][0] == rect[y][0] and rect[x][1].touches(rect[y][1])
                for x in placements[fa.id]
                for y in placements[fc.id]
                if x in rect and y in rect
            ):
                count += 1
    return count


def count_top100_in_best(
    booths: Sequence[BoothInput],
    factories: Sequence[FactoryInput],
    placements: dict[int, tuple[int, ...]],
    best: int = 100,
) -> int:
    """TOP100 factories standing in one of the ``best`` most prominent booths."""
    order = sorted(booths, key=lambda b: (-b.prominence, b.id))[:best]
    top = {b.id for b in order}
    return sum(
        1 for f in factories if f.is_top100 and any(b in top for b in placements.get(f.id, ()))
    )
