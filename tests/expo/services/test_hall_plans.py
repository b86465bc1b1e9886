"""Editing hall plans: booths stay inside their hall and never overlap; files in and out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from expo.models import Booth, BoothKind
from expo.services.hall_plans import (
    PlanError,
    add_booth,
    add_booth_row,
    booth_info,
    create_hall,
    list_booths,
    merge_booths,
    move_booth,
    refresh_prominence,
    resize_booth,
    split_booth,
    update_booth,
)
from expo.services.plan_files import export_plan, import_plan
from tests.actors import OFFICE


@pytest.fixture
def hall(empty_db):
    with empty_db.write(OFFICE) as session:
        info = create_hall(session, "A", "A馆", 60, 40, entrances=[[30, 40]])
    return info


def _count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Booth)) or 0


def test_an_overlapping_or_outside_booth_is_refused_and_nothing_is_saved(empty_db, hall) -> None:
    with empty_db.write(OFFICE) as session:
        first = add_booth(session, hall.id, 3, 3, 3, 3)
    assert first.code == "A-01" and first.kind == BoothKind.STANDARD
    with pytest.raises(PlanError, match="overlap booth A-01"), empty_db.write(OFFICE) as session:
        add_booth(session, hall.id, 4.5, 4, 3, 3)
    with pytest.raises(PlanError, match="outside hall A"), empty_db.write(OFFICE) as session:
        add_booth(session, hall.id, 58, 0, 3, 3)
    with pytest.raises(PlanError, match="overlap"), empty_db.write(OFFICE) as session:
        add_booth_row(session, hall.id, 0, 3, 4, 3, 3)  # its 2nd booth hits A-01
    assert _count(empty_db) == 1
    # Touching is fine: a booth right next to A-01.
    with empty_db.write(OFFICE) as session:
        neighbour = add_booth(session, hall.id, 6, 3, 3, 3)
    assert neighbour.code == "A-02"


def test_rows_split_merge_move_and_resize(empty_db, hall) -> None:
    with empty_db.write(OFFICE) as session:
        row = add_booth_row(session, hall.id, 0, 0, 5, 3, 3)
    assert [b.x_m for b in row] == [0, 3, 6, 9, 12]
    assert [b.is_corner for b in row] == [True, False, False, False, True]
    with empty_db.write(OFFICE) as session:
        merged = merge_booths(session, [row[1].id, row[2].id])
    assert (merged.x_m, merged.width_m, merged.kind) == (3, 6, BoothKind.DOUBLE)
    assert _count(empty_db) == 4
    with pytest.raises(PlanError, match="one rectangle"), empty_db.write(OFFICE) as session:
        merge_booths(session, [row[0].id, row[4].id])
    with empty_db.write(OFFICE) as session:
        parts = split_booth(session, merged.id, 2)
    assert [(p.x_m, p.width_m) for p in parts] == [(3, 3), (6, 3)]
    with pytest.raises(PlanError, match="overlap"), empty_db.write(OFFICE) as session:
        move_booth(session, row[0].id, 2, 0)
    with empty_db.write(OFFICE) as session:
        moved = move_booth(session, row[0].id, 0, 10)
        bigger = resize_booth(session, moved.id, 6, 6)
    assert (bigger.y_m, bigger.width_m, bigger.kind) == (10, 6, BoothKind.RAW)


def test_prominence_is_derived_unless_set_by_hand(empty_db, hall) -> None:
    with empty_db.write(OFFICE) as session:
        near = add_booth(session, hall.id, 28.5, 35, 3, 3)  # right at the entrance
        far = add_booth(session, hall.id, 0, 0, 3, 3)
    assert near.near_entrance and not far.near_entrance
    assert near.prominence > far.prominence
    with empty_db.write(OFFICE) as session:
        manual = update_booth(session, far.id, prominence=99)
        aisle = update_booth(session, near.id, on_main_aisle=True)
    assert manual.prominence == 99 and manual.prominence_manual
    assert aisle.prominence > near.prominence
    with empty_db.write(OFFICE) as session:
        back = update_booth(session, far.id, prominence_manual=False)
    assert back.prominence == far.prominence


def test_near_entrance_set_by_hand_survives_moves_and_refreshes(empty_db, hall) -> None:
    with empty_db.write(OFFICE) as session:
        far = add_booth(session, hall.id, 0, 0, 3, 3)
        near = add_booth(session, hall.id, 28.5, 35, 3, 3)
    assert not far.near_entrance and not far.near_entrance_manual and near.near_entrance
    with empty_db.write(OFFICE) as session:
        # A side door the plan does not show: the organiser marks the far booth by hand.
        marked = update_booth(session, far.id, near_entrance=True)
        closed = update_booth(session, near.id, near_entrance=False)
    assert marked.near_entrance and marked.near_entrance_manual
    assert not closed.near_entrance and closed.near_entrance_manual
    with empty_db.write(OFFICE) as session:
        move_booth(session, far.id, 0, 3)
        resize_booth(session, far.id, 3, 4)
        update_booth(session, far.id, notes="side door", on_main_aisle=True)
        update_booth(session, near.id, locked=True)
        assert refresh_prominence(session, hall.id) == 2
    with empty_db.session() as session:
        far_now, near_now = booth_info(session, far.id), booth_info(session, near.id)
    assert (far_now.y_m, far_now.depth_m) == (3, 4)  # it did move
    assert far_now.near_entrance and far_now.near_entrance_manual
    assert not near_now.near_entrance and near_now.near_entrance_manual

    with empty_db.write(OFFICE) as session:
        far_back = update_booth(session, far.id, near_entrance_manual=False)
        near_back = update_booth(session, near.id, near_entrance_manual=False)
    assert not far_back.near_entrance and not far_back.near_entrance_manual
    assert near_back.near_entrance and not near_back.near_entrance_manual
    # Derived again, the flag follows the booth's place once more.
    with empty_db.write(OFFICE) as session:
        moved = move_booth(session, far.id, 27, 30)
    assert moved.near_entrance


def test_split_and_merge_keep_a_near_entrance_set_by_hand(empty_db, hall) -> None:
    with empty_db.write(OFFICE) as session:
        wide = add_booth(session, hall.id, 0, 0, 6, 3)
        update_booth(session, wide.id, near_entrance=True)
        parts = split_booth(session, wide.id, 2)
    assert all(p.near_entrance and p.near_entrance_manual for p in parts)
    with empty_db.write(OFFICE) as session:
        update_booth(session, parts[1].id, near_entrance_manual=False)
        merged = merge_booths(session, [parts[1].id, parts[0].id])
    assert merged.near_entrance and merged.near_entrance_manual
    with empty_db.write(OFFICE) as session:
        derived = update_booth(session, merged.id, near_entrance_manual=False)
        split_again = split_booth(session, merged.id, 2)
        merged_derived = merge_booths(session, [p.id for p in split_again])
    assert not derived.near_entrance
    assert not merged_derived.near_entrance and not merged_derived.near_entrance_manual


def test_plan_round_trips_through_csv_and_json(empty_db, hall, tmp_path: Path) -> None:
    with empty_db.write(OFFICE) as session:
        add_booth_row(session, hall.id, 0, 0, 3, 3, 3)
        first, second, _ = list_booths(session)
        update_booth(session, first.id, locked=True, notes="柱子 pillar", near_entrance=True)
        update_booth(session, second.id, near_entrance=False)

    def plan() -> list[tuple[object, ...]]:
        with empty_db.session() as session:
            return [
                (
                    b.code,
                    b.x_m,
                    b.width_m,
                    b.locked,
                    b.notes,
                    b.near_entrance,
                    b.near_entrance_manual,
                )
                for b in list_booths(session)
            ]

    before = plan()
    assert [row[5:] for row in before] == [(True, True), (False, True), (False, False)]
    for suffix in ("csv", "json"):
        path = tmp_path / f"plan.{suffix}"
        with empty_db.session() as session:
            assert export_plan(session, path) == 3
        with empty_db.write(OFFICE) as session:
            # Forget the hand-set flags: only the file can bring them back.
            for booth in list_booths(session):
                update_booth(session, booth.id, near_entrance_manual=False)
        with empty_db.write(OFFICE) as session:
            result = import_plan(session, path)
        assert (result.booths_created, result.booths_updated, result.booths_removed) == (0, 3, 0)
        assert plan() == before


def test_a_plan_file_without_near_entrance_columns_derives_the_flag(
    empty_db, hall, tmp_path: Path
) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "hall,code,x_m,y_m,width_m,depth_m,near_entrance\nA,A-01,0,0,3,3,1\nA,A-02,28.5,35,3,3,0\n"
    )
    with empty_db.write(OFFICE) as session:
        import_plan(session, path)
    with empty_db.session() as session:
        flags = [(b.code, b.near_entrance, b.near_entrance_manual) for b in list_booths(session)]
    # Without near_entrance_manual the file's near_entrance is not the organiser's word.
    assert flags == [("A-01", False, False), ("A-02", True, False)]


def test_importing_a_new_hall_from_a_spreadsheet(empty_db, tmp_path: Path) -> None:
    path = tmp_path / "organiser.csv"
    path.write_text(
        "hall;code;x_m;y_m;width_m;depth_m;kind\n"
        "B;B-1;0;0;3;3;\n"
        "B;B-2;3;0;6;3;\n"
        "B;B-3;20;10;6;6;island\n",
        encoding="utf-8",
    )
    with empty_db.write(OFFICE) as session:
        result = import_plan(session, path)
    assert result.halls_created == 1 and result.booths_created == 3
    with empty_db.session() as session:
        booths = list_booths(session)
    assert [b.kind for b in booths] == [BoothKind.STANDARD, BoothKind.DOUBLE, BoothKind.ISLAND]
    assert all(b.prominence > 0 for b in booths)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("hall,code,x_m,y_m,width_m\nA,A-1,0,0,3\n", "lacks the column"),
        ("hall,code,x_m,y_m,width_m,depth_m\nA,A-1,0,0,3,3\nA,A-2,1,1,3,3\n", "line 3.*overlaps"),
        ("hall,code,x_m,y_m,width_m,depth_m\nA,A-1,0,0,3,3\nA,A-1,9,0,3,3\n", "also used"),
        ("hall,code,x_m,y_m,width_m,depth_m\nA,A-1,zero,0,3,3\n", "line 2: x_m must be"),
        ("hall,code,x_m,y_m,width_m,depth_m\nA,A-1,59,0,3,3\n", "outside hall A"),
    ],
)
def test_a_bad_plan_file_is_refused_whole(empty_db, hall, tmp_path: Path, content, message):
    with empty_db.write(OFFICE) as session:
        add_booth(session, hall.id, 0, 10, 3, 3, code="KEEP-1")
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlanError, match=message), empty_db.write(OFFICE) as session:
        import_plan(session, path)
    with empty_db.session() as session:
        assert [b.code for b in list_booths(session)] == ["KEEP-1"]


def test_bad_json_says_where(empty_db, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"halls": [{"code": "C", "booths": [{"x_m": 0}]}]}))
    with pytest.raises(PlanError, match="has no code"), empty_db.write(OFFICE) as session:
        import_plan(session, path)


def test_booth_properties_are_edited_and_a_refused_edit_changes_nothing(empty_db, hall) -> None:
    with empty_db.write(OFFICE) as session:
        first = add_booth(session, hall.id, 0, 0, 3, 3)
        second = add_booth(session, hall.id, 3, 0, 3, 3)
    with empty_db.write(OFFICE) as session:
        edited = update_booth(
            session,
            first.id,
            code=" a-1 ",
            kind=BoothKind.ISLAND,
            is_corner=True,
            near_entrance=True,
            locked=True,
            notes="  柱子 pillar  ",
        )
    assert (edited.code, edited.kind, edited.is_corner) == ("A-1", BoothKind.ISLAND, True)
    assert edited.near_entrance and edited.locked and edited.notes == "柱子 pillar"
    # An island is more prominent than the standard booth it was (same place, derived score).
    assert edited.prominence > first.prominence and not edited.prominence_manual

    for changes, message in (
        ({"code": "A-1"}, "taken"),
        ({"code": "", "notes": "lost"}, "Type a booth code"),
        ({"prominence": 120.0, "locked": True}, "from 0 to 100"),
        ({"prominence": float("nan")}, "from 0 to 100"),
    ):
        with pytest.raises(PlanError, match=message), empty_db.write(OFFICE) as session:
            update_booth(session, second.id, **changes)
    with empty_db.session() as session:
        unchanged = booth_info(session, second.id)
    assert unchanged == second


def test_an_excluded_booth_loses_its_factory_unless_locked(empty_db, hall) -> None:
    from expo.models import Factory

    with empty_db.write(OFFICE) as session:
        booth = add_booth(session, hall.id, 0, 0, 3, 3)
        factory = Factory(name_zh="义乌市星光玩具有限公司", requested_area_m2=9)
        session.add(factory)
        session.flush()
        session.get(Booth, booth.id).factory_id = factory.id
        update_booth(session, booth.id, locked=True)
    with pytest.raises(PlanError, match="unlock it"), empty_db.write(OFFICE) as session:
        update_booth(session, booth.id, excluded=True)
    with empty_db.write(OFFICE) as session:
        freed = update_booth(session, booth.id, locked=False, excluded=True)
    assert freed.excluded and freed.factory_id is None
