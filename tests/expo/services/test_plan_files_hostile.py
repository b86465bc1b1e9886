"""Plan files picked by mistake or made to hurt: each refused whole with a PlanError that names
the line or the hall and says what to do, or imported when it is a good plan in another dress
(GBK from Excel). Through the command line: a message on stderr, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from expo.services.hall_plans import PlanError, list_booths
from expo.services.plan_files import import_plan
from tests.actors import OFFICE
from tests.hostile_files import deep_json, gbk_plan_csv, wide_csv, wrong_types_json

HEADER = "hall,code,x_m,y_m,width_m,depth_m\n"


def _xlsx_plan(path: Path) -> Path:
    workbook = Workbook()
    workbook.active.append(["hall", "code", "x_m", "y_m", "width_m", "depth_m"])
    workbook.save(path)
    return path


def _renamed_xlsx(path: Path) -> Path:
    path.write_bytes(_xlsx_plan(path.with_suffix(".xlsx")).read_bytes())
    return path


def _pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def _text(content: str, encoding: str = "utf-8"):
    def write(path: Path) -> Path:
        path.write_bytes(content.encode(encoding))
        return path

    return write


HOSTILE = [
    ("plan.xlsx", _xlsx_plan, r"not \.xlsx\. A plan in Excel: File > Save As > CSV UTF-8"),
    ("plan.csv", _renamed_xlsx, "is an Excel workbook or another zip archive, not a .csv plan"),
    ("plan.pdf", _pdf, r"not \.pdf"),
    ("plan.json", _pdf, "is a PDF document, not a .json plan"),
    ("deep.json", deep_json, "nests brackets deeper than a plan ever does"),
    ("types.json", wrong_types_json, r"hall 1: the hall code must be text, not \['A'\]"),
    ("wide.csv", wide_csv, "Row 1 of the CSV has 2,000,000 columns"),
    (
        "field.csv",
        _text(HEADER + 'A,A-1,0,0,3,3\nA,"' + "x" * 200_000 + '",0,0,3,3\n'),
        "Row 3 of the CSV cannot be read",
    ),
    ("nul.csv", _text(HEADER + "A,A\x00-1,0,0,3,3\n" * 3), "not a text file"),
    (
        "bytes.csv",
        lambda p: (
            p.write_bytes(
                (HEADER + "A,A-1,0,0,3,3\n" + "A,展位,3,0,3,3\n")
                .encode()
                .replace("展位".encode(), b"\xff\xfe\xfd")
            )
            and p
        ),
        "Row 3 of the CSV holds bytes that are not valid UTF-8",
    ),
    ("huge.csv", _text(HEADER + "A,A-1,0,0,3000,3\n"), "A hall of 3,003 x 6 m|not plausible"),
    ("far.csv", _text(HEADER + "A,A-1,1e300,0,3,3\n"), "line 2: x_m must be a number of metres"),
    ("code.csv", _text(HEADER + "A," + "B" * 40 + ",0,0,3,3\n"), "line 2: the booth code"),
    ("hall.json", _text('{"halls": [{"code": "A", "booths": {"a": 1}}]}'), "booths must be a list"),
    ("entrance.json", _text('{"halls": [{"code": "A", "entrances": [5]}]}'), "entrance 5 must be"),
    (
        "digits.json",
        _text('{"halls": [{"code": "A", "width_m": ' + "9" * 5000 + "}]}"),
        "not a plan",
    ),
    (
        "notes.json",
        _text(
            '{"halls": [{"code": "A", "booths": [{"code": "A-1", "x_m": 0, '
            '"y_m": 0, "width_m": 3, "depth_m": 3, "notes": [1]}]}]}'
        ),
        "notes must be text",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_plan_is_refused_whole(empty_db, tmp_path: Path, name, make, message) -> None:
    path = make(tmp_path / name)
    with pytest.raises(PlanError, match=message) as caught, empty_db.write(OFFICE) as session:
        import_plan(session, path)
    assert len(str(caught.value)) < 600
    with empty_db.session() as session:
        assert list_booths(session) == []


def test_a_gbk_plan_from_excel_imports_with_its_chinese(empty_db, tmp_path: Path) -> None:
    with empty_db.write(OFFICE) as session:
        result = import_plan(session, gbk_plan_csv(tmp_path / "展位图.csv"))
    assert result.booths_created == 2
    with empty_db.session() as session:
        assert [(b.code, b.notes) for b in list_booths(session)] == [
            ("A-01", "靠近入口"),
            ("A-02", "角位"),
        ]


def test_control_characters_do_not_reach_the_plan(empty_db, tmp_path: Path) -> None:
    plan = {
        "halls": [
            {
                "code": "A\u202e",
                "name": "一号\u0007馆",
                "booths": [
                    {
                        "code": "A-1\u200f",
                        "x_m": 0,
                        "y_m": 0,
                        "width_m": 3,
                        "depth_m": 3,
                        "notes": "line 1\u202e\nline 2\u0000",
                    }
                ],
            }
        ]
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    with empty_db.write(OFFICE) as session:
        import_plan(session, path)
    with empty_db.session() as session:
        booth = list_booths(session)[0]
    assert (booth.hall_code, booth.code, booth.notes) == ("A", "A-1", "line 1\nline 2")


def test_the_cli_says_what_to_do_and_never_shows_a_traceback(empty_db, tmp_path: Path) -> None:
    files = [
        deep_json(tmp_path / "deep.json"),
        wrong_types_json(tmp_path / "types.json"),
        _renamed_xlsx(tmp_path / "plan.csv"),
        _pdf(tmp_path / "plan.pdf"),
        wide_csv(tmp_path / "wide.csv"),
        (tmp_path / "gbk.dxf").write_bytes("展位".encode("gbk") * 100) and tmp_path / "gbk.dxf",
    ]
    for path in files:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "expo",
                "--db",
                str(empty_db.location),
                "booths",
                "import",
                str(path),
                "--hall",
                "A",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode != 0, path.name
        assert done.stdout == ""
        assert done.stderr.startswith("error: "), done.stderr[-2000:]
        assert "Traceback" not in done.stderr and len(done.stderr) < 800
