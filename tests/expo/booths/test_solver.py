"""The pure assignment solver on small hand-made halls where the right answer is known."""

from __future__ import annotations

import itertools

import pytest

from expo.booths.geometry import Rect, neighbour_pairs
from expo.booths.solver import (
    BoothInput,
    FactoryInput,
    SolverOptions,
    Weights,
    count_adjacent_competitors,
    greedy_baseline,
    solve,
)
from expo.progress import Cancelled, Progress

# Only prominence counts in these tests, so the optimum can be worked out by hand.
PLAIN = SolverOptions(
    time_limit=5.0,
    weights=Weights(placed=10.0, zone=0.0, oversize=0.0, extra_booth=0.0),
)


def row(count: int, prominences: list[float], y: float = 0.0, first_id: int = 1, hall="A"):
    """``count`` 3 x 3 booths side by side."""
    return [
        BoothInput(first_id + i, hall, Rect(3.0 * i, y, 3.0, 3.0), prominences[i])
        for i in range(count)
    ]


def factory(fid: int, weight: float, category: str | None = None, hits=(), area=9.0, **kw):
    return FactoryInput(fid, category, frozenset(hits), area, weight, **kw)


def brute_force(booths, factories, weights=PLAIN.weights) -> float:
    """The optimum by trying every injective assignment of single booths (tiny cases only)."""
    best = 0.0
    ids = [b.id for b in booths]
    by_id = {b.id: b for b in booths}
    for perm in itertools.permutations(ids, len(factories)):
        placements = {f.id: (b,) for f, b in zip(factories, perm, strict=True)}
        if count_adjacent_competitors(booths, factories, placements):
            continue
        value = sum(
            weights.placed + weights.prominence * f.weight * by_id[b].prominence
            for f, b in zip(factories, perm, strict=True)
        )
        best = max(best, value)
    return best


def test_the_most_valued_factories_get_the_most_prominent_booths() -> None:
    booths = row(4, [10, 80, 40, 20])
    factories = [factory(1, 1.0), factory(2, 3.0), factory(3, 2.0)]
    solution = solve(booths, factories, PLAIN)
    assert solution.placements == {2: (2,), 3: (3,), 1: (4,)}
    expected = 30 + 3 * 80 + 2 * 40 + 1 * 20
    assert solution.objective == pytest.approx(expected)
    assert solution.objective == pytest.approx(brute_force(booths, factories))
    assert solution.bound == pytest.approx(expected)
    assert solution.gap == 0.0


def test_competitors_are_kept_apart_at_the_known_optimum() -> None:
    # Two competitors (same category, both sell tents) want the two best booths, which touch.
    booths = row(5, [100, 90, 10, 5, 1])
    factories = [
        factory(1, 1.0, "camping", ["tent"]),
        factory(2, 1.0, "camping", ["tent", "chair"]),
        factory(3, 0.5, "kitchen", ["pan"]),
    ]
    solution = solve(booths, factories, PLAIN)
    assert solution.adjacent_competitors == 0
    assert count_adjacent_competitors(booths, factories, solution.placements) == 0
    optimum = brute_force(booths, factories)
    # By hand: competitors on booths 1 and 3 (100 + 10), the kitchen factory between them.
    assert optimum == pytest.approx(30 + 100 + 10 + 0.5 * 90)
    assert solution.objective == pytest.approx(optimum)
    assert solution.bound >= solution.objective


def test_corner_contact_counts_as_neighbours() -> None:
    a = BoothInput(1, "A", Rect(0, 0, 3, 3), 50)
    b = BoothInput(2, "A", Rect(3, 3, 3, 3), 50)  # touches a at one corner only
    c = BoothInput(3, "A", Rect(9, 0, 3, 3), 50)  # across a 3 m aisle
    d = BoothInput(4, "B", Rect(3, 0, 3, 3), 50)  # same place, another hall
    assert neighbour_pairs([x.rect for x in (a, b, c, d)], ["A", "A", "A", "B"]).tolist() == [
        [0, 1]
    ]
    rivals = [factory(1, 1, "pets", ["leash"]), factory(2, 1, "pets", ["leash"])]
    assert count_adjacent_competitors([a, b, c], rivals, {1: (1,), 2: (2,)}) == 1
    assert count_adjacent_competitors([a, b, c], rivals, {1: (1,), 2: (3,)}) == 0
    other_category = [factory(1, 1, "pets", ["leash"]), factory(2, 1, "toys", ["leash"])]
    assert count_adjacent_competitors([a, b, c], other_category, {1: (1,), 2: (2,)}) == 0


def test_a_large_request_takes_adjacent_booths_or_a_large_booth() -> None:
    booths = row(3, [50, 60, 50]) + [BoothInput(9, "A", Rect(0, 10, 6, 3), 5)]
    factories = [factory(1, 1.0, area=18.0)]
    solution = solve(booths, factories, PLAIN)
    held = solution.placements[1]
    # The two best adjacent 3 x 3 booths beat the 6 x 3 booth at the back.
    assert sorted(held) in ([1, 2], [2, 3])
    area = sum(b.rect.area for b in booths if b.id in held)
    assert area >= 18


def test_more_factories_than_booths_gives_reasons_not_a_crash() -> None:
    booths = row(3, [30, 20, 10])
    factories = [factory(i, 1.0 + i / 10) for i in range(1, 6)] + [factory(9, 1.0, area=100.0)]
    solution = solve(booths, factories, PLAIN)
    assert len(solution.placements) == 3
    assert set(solution.unassigned) == {1, 2, 9}
    assert "no booth" in solution.unassigned[9] and "100 m²" in solution.unassigned[9]
    assert "higher priority" in solution.unassigned[1]
    assert len({b for held in solution.placements.values() for b in held}) == 3


def test_locks_and_exclusions_are_honoured() -> None:
    booths = row(3, [90, 50, 10])
    locked = BoothInput(1, "A", booths[0].rect, 90, available=False)
    booths = [locked, *booths[1:]]
    factories = [
        factory(1, 0.1, fixed_booths=(1,)),  # locked into the best booth
        factory(2, 5.0, excluded_booths=frozenset({2})),  # never in booth 2
        factory(3, 1.0),
    ]
    solution = solve(booths, factories, PLAIN)
    assert solution.placements[1] == (1,)
    assert solution.placements[2] == (3,)
    assert solution.placements[3] == (2,)
    only_excluded = solve(booths[1:2], [factory(5, 1.0, excluded_booths=frozenset({2}))], PLAIN)
    assert "excluded" in only_excluded.unassigned[5]
    all_locked = solve([locked], [factory(6, 1.0)], PLAIN)
    assert "locked or excluded" in all_locked.unassigned[6]


def test_the_solver_beats_the_greedy_baseline_and_respects_its_bound() -> None:
    # Two double rows with a 3 m aisle; twelve factories, some of them competitors.
    booths = row(6, [90, 80, 70, 60, 50, 40]) + row(6, [85, 75, 65, 55, 45, 35], y=3.0, first_id=7)
    factories = [
        factory(i, w, "camping" if i % 2 else "pets", ["a"] if i % 3 else ["b"])
        for i, w in enumerate([3, 2.5, 2, 1.5, 1, 0.9, 0.8, 0.7, 0.5, 0.3, 0.2, 0.1], start=1)
    ]
    options = SolverOptions(time_limit=5.0)
    solution = solve(booths, factories, options)
    baseline = greedy_baseline(booths, factories, options)
    assert solution.adjacent_competitors == 0
    assert solution.objective <= solution.bound + 1e-6
    assert solution.objective >= baseline.objective or baseline.adjacent_competitors > 0
    used = [b for held in solution.placements.values() for b in held]
    assert len(used) == len(set(used))


def test_cancel_stops_the_solver() -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        solve(row(3, [1, 2, 3]), [factory(1, 1.0)], PLAIN, progress)


def test_progress_reports_the_best_objective_so_far() -> None:
    seen: list[float] = []
    progress = Progress()
    final = solve(
        row(4, [10, 20, 30, 40]),
        [factory(1, 1.0)],
        PLAIN,
        progress,
        on_solution=lambda s: seen.append(s.objective),
    )
    assert seen and seen[0] <= final.objective
    assert seen[-1] == pytest.approx(final.objective)
    assert "objective 50" in progress.message and "bound 50" in progress.message
