"""The assignment on the demo fair: every rule checked on what lands in the database."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from expo.booths.solver import are_competitors
from expo.cli import main
from expo.models import Booth, Factory
from expo.services.booth_assignment import (
    AssignmentError,
    AssignOptions,
    assign_booths,
    assign_by_hand,
    check_plan,
    exclude_factory,
    load_problem,
)
from expo.services.booth_exports import export_exhibitors_xlsx, export_plan_pdf
from expo.services.hall_plans import update_booth
from tests.actors import OFFICE
from tests.tools import require_tool


def _placements(session) -> dict[int, list[Booth]]:
    placed: dict[int, list[Booth]] = {}
    for booth in session.scalars(select(Booth).where(Booth.factory_id.is_not(None))):
        placed.setdefault(booth.factory_id, []).append(booth)
    return placed


def _true_adjacent_pairs(session) -> int:
    """Competitor pairs in touching booths, counted independently of the solver's code."""
    placed = _placements(session)
    factories = {f.id: f for f in session.scalars(select(Factory))}
    ids = sorted(placed)
    pairs = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            fa, fb = factories[a], factories[b]
            if fa.main_category != fb.main_category or not set(fa.hit_products) & set(
                fb.hit_products
            ):
                continue
            if any(
                x.hall_id == y.hall_id
                and x.x_m <= y.x_m + y.width_m + 0.01
                and y.x_m <= x.x_m + x.width_m + 0.01
                and x.y_m <= y.y_m + y.depth_m + 0.01
                and y.y_m <= x.y_m + x.depth_m + 0.01
                for x in placed[a]
                for y in placed[b]
            ):
                pairs += 1
    return pairs


def test_assignment_on_the_demo_fair_keeps_every_rule(demo_db) -> None:
    with demo_db.write(OFFICE) as session:
        booths = session.scalars(select(Booth).order_by(Booth.prominence.desc())).all()
        # The organiser locks a TOP100-worthy booth for factory 7 and keeps one booth empty.
        factory_7 = session.get(Factory, 7)
        assert factory_7 is not None
        keep = next(b for b in booths if b.width_m * b.depth_m == factory_7.requested_area_m2)
        keep.factory_id, keep.locked = 7, True
        empty = next(b for b in booths if b.id != keep.id)
        empty.locked = True
        kept, empty_id = keep.id, empty.id
        excluded = next(b.id for b in booths if b.id not in (keep.id, empty.id))
        exclude_factory(session, 3, excluded)

    with demo_db.write(OFFICE) as session:
        result = assign_booths(session, AssignOptions(time_limit=15))

    with demo_db.session() as session:
        factories = {f.id: f for f in session.scalars(select(Factory))}
        placed = _placements(session)
        every_booth = session.scalars(select(Booth)).all()
        # No booth twice: one factory per booth row, and every factory's booths are enough.
        assert len(placed) == result.assigned
        for factory_id, held in placed.items():
            area = sum(b.width_m * b.depth_m for b in held)
            assert area >= factories[factory_id].requested_area_m2 - 0.01
        # Locks kept: factory 7 still in its booth, the empty locked booth still empty.
        assert session.get(Booth, kept).factory_id == 7
        assert session.get(Booth, empty_id).factory_id is None
        assert session.get(Booth, excluded).factory_id != 3
        # Competitors next door: reported truly, and none.
        assert result.adjacent_competitors == _true_adjacent_pairs(session) == 0
        # Every factory with a booth of its size is placed; the others say why.
        sizes = sorted(b.width_m * b.depth_m for b in every_booth)
        unplaced = {u.factory: u.reason for u in result.unassigned}
        assert len(placed) + len(unplaced) == len(factories)
        for factory_id in unplaced:
            assert factories[factory_id].requested_area_m2 > 0
            assert unplaced[factory_id]
        assert result.assigned >= len(factories) - len(unplaced)
        assert sizes
        check = check_plan(session)
    assert check.too_small == [] and check.adjacent_competitors == 0
    assert result.objective <= result.bound
    assert result.gap <= 0.01
    assert result.seconds < 15 + 5
    assert result.top100_in_best == check.top100_in_best
    assert result.top100_in_best > 0


def test_assign_json_prints_exactly_the_documented_fields(demo_db, capsys) -> None:
    location = demo_db.location
    code = main(["--db", location, "booths", "assign", "--time-limit", "8", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    assert list(document) == [
        "assigned",
        "unassigned",
        "objective",
        "bound",
        "top100_in_best",
        "adjacent_competitors",
        "seconds",
    ]
    assert document["assigned"] == 120 - len(document["unassigned"])
    assert document["objective"] <= document["bound"]
    assert document["adjacent_competitors"] == 0
    assert "assign:" in captured.err  # progress on stderr only


def test_dry_run_writes_nothing(demo_db, capsys) -> None:
    code = main(["--db", demo_db.location, "booths", "assign", "--time-limit", "3", "--dry-run"])
    assert code == 0
    with demo_db.session() as session:
        assert not _placements(session)


def test_placing_by_hand_checks_size_and_warns_about_competitors(demo_db) -> None:
    with demo_db.write(OFFICE) as session:
        problem = load_problem(session)
        factories = {f.id: f for f in problem.factories}
        # Two direct competitors and two touching booths large enough for both.
        pair = next(
            (a, b)
            for a in problem.factories
            for b in problem.factories
            if a.id < b.id
            and are_competitors(a, b)
            and max(a.requested_area, b.requested_area) <= 9
        )
        small = [b for b in problem.booths if b.rect.area == 9]
        first, second = next(
            (x, y)
            for x in small
            for y in small
            if x.hall == y.hall and x.id != y.id and x.rect.touches(y.rect)
        )
        assign_by_hand(session, pair[0].id, [first.id])
        placed = assign_by_hand(session, pair[1].id, [second.id])
    assert placed.warnings and "Direct competitor next door" in placed.warnings[0]
    big = next(f for f in factories.values() if f.requested_area >= 36)
    third = next(b for b in small if b.id not in (first.id, second.id))
    with pytest.raises(AssignmentError, match="asked for"), demo_db.write(OFFICE) as session:
        assign_by_hand(session, big.id, [third.id])
    with pytest.raises(AssignmentError, match="taken by"), demo_db.write(OFFICE) as session:
        assign_by_hand(session, pair[1].id, [first.id])
    with demo_db.write(OFFICE) as session:
        update_booth(session, first.id, locked=True)
    with (
        pytest.raises(AssignmentError, match="locked in its booth"),
        demo_db.write(OFFICE) as session,
    ):
        assign_by_hand(session, pair[0].id, [third.id])
    with demo_db.session() as session:
        assert session.get(Booth, first.id).factory_id == pair[0].id
        assert session.get(Booth, second.id).factory_id == pair[1].id


def test_pdf_and_xlsx_show_the_assignment(demo_db, tmp_path: Path, artifacts_dir: Path) -> None:
    with demo_db.write(OFFICE) as session:
        assign_booths(session, AssignOptions(time_limit=5))
    pdf = artifacts_dir / "booths-floor-plan.pdf"
    xlsx = tmp_path / "exhibitors.xlsx"
    with demo_db.session() as session:
        result = export_plan_pdf(session, pdf)
        listed = export_exhibitors_xlsx(session, xlsx)
        placed = _placements(session)
        top = session.scalars(
            select(Factory).where(Factory.is_top100.is_(True)).order_by(Factory.top100_rank)
        ).first()
    assert result.pages >= 2
    assert listed.pages == len(placed)
    sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("展馆 Hall", "展位 Booth", "面积 m²", "工厂 Factory")
    assert len(rows) == len(placed) + 1
    names = {row[3] for row in rows[1:]}
    assert top is not None and top.name_zh in names
    halls = [row[0] for row in rows[1:]]
    assert halls == sorted(halls, key=halls.index)  # grouped by hall

    require_tool("pdffonts", "poppler-utils")
    require_tool("pdftoppm", "poppler-utils")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    line = next(line for line in fonts.splitlines() if "ExpoCJK" in line or "WenQuanYi" in line)
    assert " yes " in line.split("Identity-H")[-1] or "yes yes" in line
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "入口" in text and "TOP100" in text
    out = artifacts_dir / "booths-floor-plan"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(out)], check=True
    )
    assert Path(f"{out}-1.png").exists()


def test_entrance_labels_stay_clear_of_the_legend_and_the_title(empty_db, tmp_path: Path) -> None:
    import re

    from expo.services.hall_plans import create_hall

    require_tool("pdftotext", "poppler-utils")
    pdf = tmp_path / "plan.pdf"
    with empty_db.write(OFFICE) as session:
        # A deep hall fills the page's height: entrances on its front and back walls.
        create_hall(session, "A", "一号馆", 60, 120, entrances=[[30, 0], [30, 120]])
    with empty_db.session() as session:
        export_plan_pdf(session, pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (word, float(y_min), float(y_max))
        for y_min, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]
    entrances = [w for w in words if w[0] == "Entrance"]
    # The legend's band: 64 pt above the 36 pt bottom margin (whatever rows it holds).
    page_height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    legend_top = page_height - 36 - 64
    title_bottom = max(y_max for word, _, y_max in words[:3])
    assert len(entrances) == 2
    for _word, y_min, y_max in entrances:
        assert y_max < legend_top and y_min > title_bottom
