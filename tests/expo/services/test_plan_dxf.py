"""Importing a hall's booths from a DXF drawing: rectangles become booths, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import ezdxf
import pytest
from sqlalchemy import select

from expo.cli import main
from expo.models import Booth, BoothKind, Hall
from expo.services.hall_plans import PlanError, add_booth, create_hall, list_booths
from expo.services.plan_dxf import DxfOptionMissing
from expo.services.plan_files import import_plan
from tests.actors import OFFICE

# The hall's outline sits away from the drawing's origin, as in a real site plan (millimetres).
OX, OY = 100_000.0, 50_000.0


def _rect(msp, x: float, y: float, w: float, d: float, layer: str = "BOOTHS") -> None:
    points = [
        (OX + x, OY + y),
        (OX + x + w, OY + y),
        (OX + x + w, OY + y + d),
        (OX + x, OY + y + d),
    ]
    msp.add_lwpolyline(points, close=True, dxfattribs={"layer": layer})


def _drawing(path: Path, extra=None, units: int = 4) -> Path:
    doc = ezdxf.new("R2010", units=units)
    for layer in ("HALL", "BOOTHS", "TEXT"):
        doc.layers.add(layer)
    msp = doc.modelspace()
    _rect(msp, 0, 0, 60_000, 30_000, layer="HALL")
    # Front row (low y in CAD = near the front wall at the bottom of the drawing).
    _rect(msp, 3_000, 3_000, 3_000, 3_000)
    msp.add_text("a-101", dxfattribs={"layer": "TEXT", "height": 300}).set_placement(
        (OX + 4_500, OY + 4_500)
    )
    _rect(msp, 6_000, 3_000, 6_000, 3_000)
    msp.add_mtext("A-102", dxfattribs={"layer": "BOOTHS", "insert": (OX + 7_000, OY + 5_000)})
    # Back row: an old-style POLYLINE and a booth of four LINEs, both without a code.
    x, y = OX + 3_000, OY + 24_000
    msp.add_polyline2d(
        [(x, y), (x + 6_000, y), (x + 6_000, y + 6_000), (x, y + 6_000)],
        close=True,
        dxfattribs={"layer": "BOOTHS"},
    )
    x = OX + 12_000
    for start, end in (
        ((x, y), (x + 3_000, y)),
        ((x + 3_000, y), (x + 3_000, y + 3_000)),
        ((x + 3_000, y + 3_000), (x, y + 3_000)),
        ((x, y + 3_000), (x, y)),
    ):
        msp.add_line(start, end, dxfattribs={"layer": "BOOTHS"})
    if extra is not None:
        extra(msp)
    doc.saveas(path)
    return path


def _plan(db) -> list[tuple[str, str, float, float, float, float, BoothKind]]:
    with db.session() as session:
        return [
            (b.hall_code, b.code, b.x_m, b.y_m, b.width_m, b.depth_m, b.kind)
            for b in list_booths(session)
        ]


def test_a_drawing_becomes_a_hall_with_its_booths(empty_db, tmp_path: Path) -> None:
    path = _drawing(tmp_path / "hall-a.dxf")
    with empty_db.write(OFFICE) as session:
        result = import_plan(session, path, hall="a")
    assert result.as_dict() == {
        "halls_created": 1,
        "booths_created": 4,
        "booths_updated": 0,
        "booths_removed": 0,
        "hall": "A",
        "units": "mm",
        "codes_from_text": 2,
    }
    with empty_db.session() as session:
        hall = session.scalars(select(Hall)).one()
        assert (hall.code, hall.width_m, hall.depth_m) == ("A", 60.0, 30.0)
    # y flipped: CAD's bottom (front wall) is the plan's bottom, 30 m down from the back wall.
    assert sorted(_plan(empty_db)) == [
        ("A", "A-01", 3.0, 0.0, 6.0, 6.0, BoothKind.RAW),
        ("A", "A-02", 12.0, 3.0, 3.0, 3.0, BoothKind.STANDARD),
        ("A", "A-101", 3.0, 24.0, 3.0, 3.0, BoothKind.STANDARD),
        ("A", "A-102", 6.0, 24.0, 6.0, 3.0, BoothKind.DOUBLE),
    ]


def test_importing_again_replaces_the_halls_booths(empty_db, tmp_path: Path) -> None:
    with empty_db.write(OFFICE) as session:
        hall = create_hall(session, "A", "A馆", 80, 40)
        add_booth(session, hall.id, 50, 10, 3, 3, code="OLD-1")
    path = _drawing(tmp_path / "hall-a.dxf")
    with empty_db.write(OFFICE) as session:
        result = import_plan(session, path, hall="A")
    assert (result.halls_created, result.booths_created, result.booths_removed) == (0, 4, 1)
    assert "OLD-1" not in {row[1] for row in _plan(empty_db)}
    with empty_db.session() as session:
        assert session.scalars(select(Hall.width_m)).one() == 60.0  # the drawn outline


def _slanted(msp) -> None:
    msp.add_lwpolyline(
        [(OX + 30_000, OY + 10_000), (OX + 33_000, OY + 10_000), (OX + 31_000, OY + 13_000)],
        close=True,
        dxfattribs={"layer": "BOOTHS"},
    )


def _overlapping(msp) -> None:
    _rect(msp, 4_700, 5_200, 1_000, 1_000)  # over A-101's corner, holding no label


def _outside(msp) -> None:
    _rect(msp, 58_000, 10_000, 3_000, 3_000)


def _open(msp) -> None:
    msp.add_lwpolyline(
        [(OX + 30_000, OY + 10_000), (OX + 33_000, OY + 10_000), (OX + 33_000, OY + 13_000)],
        dxfattribs={"layer": "BOOTHS"},
    )


def _stray_line(msp) -> None:
    msp.add_line(
        (OX + 40_000, OY + 5_000), (OX + 43_000, OY + 5_000), dxfattribs={"layer": "BOOTHS"}
    )


def _circle(msp) -> None:
    msp.add_circle((OX + 40_000, OY + 5_000), 1_000, dxfattribs={"layer": "BOOTHS"})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (_slanted, "not an upright rectangle"),
        (_overlapping, "overlaps"),
        (_outside, "outside hall A"),
        (_open, "not closed"),
        (_stray_line, "do not close a rectangle"),
        (_circle, "CIRCLE on layer BOOTHS is not a booth outline"),
    ],
)
def test_a_bad_drawing_is_refused_whole(empty_db, tmp_path: Path, extra, message) -> None:
    with empty_db.write(OFFICE) as session:
        hall = create_hall(session, "A", "A馆", 60, 30)
        add_booth(session, hall.id, 50, 10, 3, 3, code="KEEP-1")
    before = _plan(empty_db)
    path = _drawing(tmp_path / "bad.dxf", extra)
    with pytest.raises(PlanError, match=message), empty_db.write(OFFICE) as session:
        import_plan(session, path, hall="A")
    assert _plan(empty_db) == before


def test_units_layers_and_the_hall_are_named_or_explained(empty_db, tmp_path: Path) -> None:
    # A drawing in metres without a hall outline: the origin is the hall's corner.
    doc = ezdxf.new("R2010", units=6)
    doc.layers.add("展位")
    doc.modelspace().add_lwpolyline(
        [(2, 2), (5, 2), (5, 5), (2, 5)], close=True, dxfattribs={"layer": "展位"}
    )
    path = tmp_path / "metres.dxf"
    doc.saveas(path)
    # The service's words suit the GUI's dialog as well as the command line: no flags in them.
    with pytest.raises(DxfOptionMissing, match="name the hall it shows") as missing:
        with empty_db.write(OFFICE) as session:
            import_plan(session, path)
    assert missing.value.option == "hall" and "--" not in str(missing.value)
    stands = ezdxf.new("R2010", units=6)
    stands.layers.add("stands")
    stands.modelspace().add_lwpolyline(
        [(2, 2), (5, 2), (5, 5), (2, 5)], close=True, dxfattribs={"layer": "stands"}
    )
    stands.saveas(tmp_path / "stands.dxf")
    with pytest.raises(DxfOptionMissing, match="Name the booth layer") as missing:
        with empty_db.write(OFFICE) as session:
            import_plan(session, tmp_path / "stands.dxf", hall="B")
    assert missing.value.option == "layer" and "--" not in str(missing.value)
    with (
        pytest.raises(PlanError, match="no layer 'stands'; its layers are 0"),
        empty_db.write(OFFICE) as session,
    ):
        import_plan(session, path, hall="B", layer="stands")
    with empty_db.write(OFFICE) as session:
        result = import_plan(session, path, hall="B")
    assert result.units == "m"
    # No outline and no such hall yet: the booths' extent and a 3 m aisle.
    assert _plan(empty_db) == [("B", "B-01", 2.0, 3.0, 3.0, 3.0, BoothKind.STANDARD)]
    not_dxf = tmp_path / "broken.dxf"
    not_dxf.write_text("this is no drawing")
    with pytest.raises(PlanError, match="save it again as DXF"), empty_db.write(OFFICE) as session:
        import_plan(session, not_dxf, hall="B")


def test_cli_imports_a_dxf_by_its_extension(empty_db, tmp_path: Path, capsys) -> None:
    path = _drawing(tmp_path / "hall-a.dxf")
    code = main(["--db", empty_db.location, "booths", "import", str(path), "--hall", "A", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["booths_created"] == 4 and data["units"] == "mm" and data["hall"] == "A"
    code = main(["--db", empty_db.location, "booths", "import", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "name the hall it shows" in err and "Give it with --hall CODE." in err
    renamed = ezdxf.readfile(str(path))
    renamed.layers.get("BOOTHS").dxf.name = "stands"
    renamed.saveas(tmp_path / "stands.dxf")
    cli = ["--db", empty_db.location, "booths", "import", str(tmp_path / "stands.dxf")]
    code = main([*cli, "--hall", "A"])
    err = capsys.readouterr().err
    assert code == 1 and "Name the booth layer. Give it with --layer NAME." in err
    with empty_db.session() as session:
        assert len(session.scalars(select(Booth)).all()) == 4
