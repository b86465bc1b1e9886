"""Fuzzing the plan readers (CSV, JSON, DXF): a good import or a PlanError, never another
exception; a refused file changes nothing."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expo.booths.geometry import Rect, first_overlap
from expo.models import Booth
from expo.services.hall_plans import PlanError
from expo.services.plan_files import import_plan
from tests.expo.services.test_plan_dxf import _drawing

PLAN_FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FIELD = st.one_of(
    st.text(alphabet=st.sampled_from(list("A-1 .,e9x展位\x00\u202e=+\"'")), max_size=8),
    st.integers(min_value=-5, max_value=3000).map(str),
    st.floats(allow_nan=True).map(str),
)
JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "halls",
                    "code",
                    "name",
                    "width_m",
                    "depth_m",
                    "entrances",
                    "booths",
                    "x_m",
                    "y_m",
                    "notes",
                    "kind",
                    "prominence",
                    "prominence_manual",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


def _import(db, path: Path, **options: str) -> None:
    """Import inside a transaction that is always rolled back: each example starts empty."""
    with db.session() as session:
        try:
            import_plan(session, path, **options)
        except PlanError as exc:
            assert str(exc) and session.query(Booth).count() == 0
        finally:
            session.rollback()


@PLAN_FUZZ
@given(
    header=st.permutations(["hall", "code", "x_m", "y_m", "width_m", "depth_m", "notes"]),
    rows=st.lists(st.lists(FIELD, min_size=0, max_size=8), max_size=12),
    encoding=st.sampled_from(["utf-8", "gbk", "utf-16", "big5"]),
)
def test_plan_csv_fuzz(empty_db, tmp_path: Path, header, rows, encoding) -> None:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path = tmp_path / "plan.csv"
    path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    _import(empty_db, path)


@PLAN_FUZZ
@given(data=st.binary(max_size=600))
def test_plan_bytes_fuzz(empty_db, tmp_path: Path, data: bytes) -> None:
    for name in ("plan.csv", "plan.json"):
        path = tmp_path / name
        path.write_bytes(data)
        _import(empty_db, path)


@PLAN_FUZZ
@given(document=JSON_VALUE)
def test_plan_json_fuzz(empty_db, tmp_path: Path, document) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"halls": [document]} if isinstance(document, dict) else document))
    _import(empty_db, path)


@pytest.mark.parametrize("seed", range(12))
def test_plan_dxf_fuzz(empty_db, tmp_path: Path, seed: int) -> None:
    """A good drawing's DXF text with lines dropped, swapped and numbers changed (seeded)."""
    rng = random.Random(seed)
    lines = _drawing(tmp_path / "good.dxf").read_text(encoding="utf-8").splitlines()
    for _ in range(rng.randint(1, 30)):
        position = rng.randrange(len(lines))
        action = rng.random()
        if action < 0.4:
            lines[position] = rng.choice(["-1e308", "nan", "999999999", "0", "展位", "", "EOF"])
        elif action < 0.7:
            del lines[position : position + rng.randint(1, 6)]
        else:
            other = rng.randrange(len(lines))
            lines[position], lines[other] = lines[other], lines[position]
    path = tmp_path / "damaged.dxf"
    path.write_text("\n".join(lines), encoding="utf-8")
    _import(empty_db, path, hall="A")


def _pairwise(rects: list[Rect]) -> tuple[int, int] | None:
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            if rects[a].overlaps(rects[b]):
                return a, b
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 60), st.floats(0, 60), st.floats(0.5, 20), st.floats(0.5, 20)).map(
            lambda t: Rect(*t)
        ),
        max_size=40,
    )
)
def test_the_grid_finds_an_overlap_exactly_when_pairs_do(rects: list[Rect]) -> None:
    found = first_overlap(rects)
    expected = _pairwise(rects)
    assert (found is None) == (expected is None)
    if found is not None:
        i, j = found
        assert i < j and rects[i].overlaps(rects[j])
        # The first booth that clashes with an earlier one is named, as the pairwise check did.
        assert j == min(
            b for b in range(len(rects)) if any(rects[a].overlaps(rects[b]) for a in range(b))
        )
