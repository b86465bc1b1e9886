"""``visitors edit`` and ``audit list`` with --json: the fields organisers script against."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from expo.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fair_with_walk_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, int]:
    db = str(tmp_path / "fair.sqlite")
    assert run_cli(capsys, "--db", db, "init", "--json")[0] == 0
    code, out, err = run_cli(
        capsys, "--db", db, "visitors", "add", "--name", "周杰", "--phone", "13700137000",
        "--company", "杭州直播基地", "--station", "Desk 1", "--json",
    )  # fmt: skip
    assert code == 0, err
    return db, json.loads(out)["id"]


def test_visitors_edit_then_audit_list_shows_who_changed_what(
    fair_with_walk_in: tuple[str, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db, visitor = fair_with_walk_in
    code, out, err = run_cli(
        capsys, "--db", db, "visitors", "edit", str(visitor), "--company", "=HYPERLINK(\"x\")",
        "--consent", "yes", "--type", "抖音主播", "--station", "Desk 3", "--json",
    )  # fmt: skip
    assert code == 0, err
    edited = json.loads(out)
    assert {c["field"] for c in edited["changes"]} == {"company", "consent_share", "visitor_type"}

    code, out, err = run_cli(
        capsys, "--db", db, "audit", "list", "--visitor", str(visitor), "--kind", "visitor",
        "--export", str(tmp_path / "audit.xlsx"), "--json",
    )  # fmt: skip
    assert code == 0, err
    events = json.loads(out)
    assert [e["kind"] for e in events] == ["visitor.edited"]
    [event] = events
    assert event["station"] == "Desk 3"
    assert event["actor"] == "Desk 3"
    assert {"field": "company", "old": "杭州直播基地", "new": '=HYPERLINK("x")'} in event["changes"]
    sheet = load_workbook(tmp_path / "audit.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no live formula
    assert any(c.value == '\'=HYPERLINK("x")' for c in cells)


def test_a_stale_edit_exits_non_zero_with_advice(
    fair_with_walk_in: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, visitor = fair_with_walk_in
    args = ("--db", db, "visitors", "edit", str(visitor), "--station", "Desk 3")
    assert run_cli(capsys, *args, "--city", "杭州", "--version", "1")[0] == 0
    code, out, err = run_cli(capsys, *args, "--city", "深圳", "--version", "1")
    assert code != 0
    assert out == ""
    assert "reopen the visitor" in err
    assert "Traceback" not in err


def test_audit_list_refuses_a_bad_time_in_words(
    fair_with_walk_in: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = fair_with_walk_in
    code, _, err = run_cli(capsys, "--db", db, "audit", "list", "--since", "yesterday")
    assert code != 0
    assert "2026-12-02" in err
