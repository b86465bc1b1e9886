"""``visitors import | search | add | export`` with --json: the documented fields, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from expo.cli import main
from tests.registration_files import GBK_CSV_ROWS, write_csv, write_messy_xlsx


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "fair.sqlite")
    code, _, err = run_cli(capsys, "--db", db, "init", "--json")
    assert code == 0, err
    return db


def test_import_prints_the_counts_and_the_rejected_rows(
    fair: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = write_messy_xlsx(tmp_path / "messy.xlsx")
    code, out, err = run_cli(capsys, "--db", fair, "visitors", "import", str(xlsx), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert {k: report[k] for k in ("created", "merged", "unchanged")} == {
        "created": 5,
        "merged": 1,
        "unchanged": 1,
    }
    assert [r["row"] for r in report["rejected"]] == [7, 8, 12]
    assert report["rejected"][0] == {"row": 7, "reason": "no name"}
    assert "import messy.xlsx" in err  # progress on stderr, never in the JSON

    code, out, _ = run_cli(capsys, "--db", fair, "visitors", "import", str(xlsx), "--json")
    assert json.loads(out)["created"] == 0

    csv_path = write_csv(tmp_path / "wps.csv", GBK_CSV_ROWS, "gbk")
    code, out, _ = run_cli(
        capsys, "--db", fair, "visitors", "import", str(csv_path), "--dry-run", "--json"
    )
    dry = json.loads(out)
    assert (dry["created"], dry["merged"], dry["dry_run"]) == (1, 1, True)
    code, out, _ = run_cli(capsys, "--db", fair, "visitors", "search", "liuyang", "--json")
    assert json.loads(out) == []  # the dry run saved nothing


def test_search_finds_by_initials_and_by_the_last_four_digits(
    fair: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "--db", fair, "visitors", "import", str(write_messy_xlsx(tmp_path / "m.xlsx")))
    code, out, _ = run_cli(capsys, "--db", fair, "visitors", "search", "zw", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits == [
        {
            "id": hits[0]["id"],
            "name": "张伟",
            "company": "义乌小商品贸易有限公司",
            "type": "livestreamer",
            "phone_masked": "138****8000",
        }
    ]
    code, out, _ = run_cli(capsys, "--db", fair, "visitors", "search", "9000", "--json")
    assert [h["name"] for h in json.loads(out)] == ["李娜"]


def test_an_unknown_type_is_refused_with_the_choices_and_nothing_saved(
    fair: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["--db", fair, "visitors", "add", "--name", "王小明", "--phone", "13800138000"]
    code, out, err = run_cli(capsys, *add, "--type", "宇航员", "--json")
    assert code == 1 and out == ""
    assert "Unknown visitor type '宇航员'" in err and "small_shop" in err
    out_file = tmp_path / "all.xlsx"
    export = ["--db", fair, "visitors", "export", str(out_file), "--type", "宇航员", "--json"]
    code, out, err = run_cli(capsys, *export)
    assert code == 1 and "Unknown visitor type" in err and not out_file.exists()
    code, out, _ = run_cli(capsys, "--db", fair, "visitors", "search", "王小明", "--json")
    assert code == 0 and json.loads(out) == []


def test_add_saves_a_walk_in_and_refuses_a_duplicate_phone_unless_forced(
    fair: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", fair, "visitors", "add", "--name", "王小明", "--phone", "138 0013 8000"]
    code, out, err = run_cli(capsys, *args, "--company", "小明花店", "--type", "花店", "--json")
    assert code == 0, err
    saved = json.loads(out)
    assert saved == {
        "id": saved["id"],
        "name": "王小明",
        "company": "小明花店",
        "type": "small_shop",
        "phone_masked": "138****8000",
    }

    code, out, err = run_cli(capsys, *args[:-2], "--phone", "+8613800138000", "--json")
    assert code == 1 and out == ""
    assert f"visitor {saved['id']}" in err and "--force" in err

    code, out, _ = run_cli(capsys, *args, "--force", "--json")
    assert code == 0 and json.loads(out)["id"] != saved["id"]

    code, _, err = run_cli(capsys, *args[:-2], "--phone", "12345", "--json")
    assert code == 1 and "not a phone number" in err


def test_export_writes_the_visitors_to_xlsx(
    fair: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "--db", fair, "visitors", "import", str(write_messy_xlsx(tmp_path / "m.xlsx")))
    out_path = tmp_path / "visitors.xlsx"
    code, out, err = run_cli(capsys, "--db", fair, "visitors", "export", str(out_path), "--json")
    assert code == 0, err
    assert json.loads(out)["exported"] == 5
    rows = CalamineWorkbook.from_path(str(out_path)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["ID", "姓名 Name", "拼音 Pinyin", "手机 Phone"]
    assert ["张伟", "+8613800138000"] in [r[1:4:2] for r in rows[1:]]

    filtered = tmp_path / "shops.xlsx"
    code, out, _ = run_cli(
        capsys, "--db", fair, "visitors", "export", str(filtered), "--query", "花店",
        "--mask-phones", "--json",
    )  # fmt: skip
    assert json.loads(out)["exported"] == 1
    rows = CalamineWorkbook.from_path(str(filtered)).get_sheet_by_index(0).to_python()
    assert rows[1][1:4:2] == ["李娜", "139****9000"]


def test_a_bad_mapping_or_file_is_an_error_that_says_what_to_do(
    fair: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = str(write_messy_xlsx(tmp_path / "m.xlsx"))
    code, out, err = run_cli(
        capsys, "--db", fair, "visitors", "import", xlsx, "--mapping", "{bad", "--json"
    )
    assert code == 1 and out == "" and "not valid JSON" in err
    code, _, err = run_cli(capsys, "--db", fair, "visitors", "import", str(tmp_path / "no.csv"))
    assert code == 1 and "does not exist" in err
