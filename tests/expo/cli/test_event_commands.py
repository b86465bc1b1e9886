"""The command line: init, demo and stats, their JSON, and their errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from expo.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_then_stats_report_the_fair(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "fair.sqlite")
    code, out, err = run_cli(
        capsys, "--db", db, "demo", "--visitors", "2000", "--factories", "150", "--json"
    )
    assert code == 0, err
    built = json.loads(out)
    assert built["visitors"] == 2000 and built["factories"] == 150
    assert "demo:" in err  # progress goes to stderr, never into the JSON

    code, out, _ = run_cli(capsys, "--db", db, "stats", "--json")
    stats = json.loads(out)
    assert code == 0
    assert stats["visitors"] == 2000
    assert stats["factories"] == 150
    assert stats["top100"] == 30
    assert stats["halls"] >= 2 and stats["booths"] >= 150
    assert stats["products"] >= 150 * 5
    assert stats["checked_in"] == 0 and stats["inquiries"] == 0
    assert set(stats) >= {
        "visitors",
        "factories",
        "top100",
        "halls",
        "booths",
        "products",
        "checked_in",
        "inquiries",
    }


def test_json_flag_works_before_the_command_too(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "new.sqlite")
    code, out, _ = run_cli(capsys, "--json", "--db", db, "init", "--name", "春季展")
    assert code == 0 and json.loads(out)["event"] == "春季展"


def test_demo_refuses_to_overwrite_an_event_without_replace(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "fair.sqlite")
    assert run_cli(capsys, "--db", db, "init")[0] == 0
    code, out, err = run_cli(capsys, "--db", db, "demo", "--visitors", "10", "--json")
    assert code != 0 and out == ""
    assert "--replace" in err
    code, out, err = run_cli(
        capsys, "--db", db, "demo", "--visitors", "10", "--factories", "5", "--replace", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["visitors"] == 10


def test_demo_replace_that_fails_midway_leaves_the_old_event_as_it_was(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    import expo.cli.demo as demo_command
    from expo.demo import build_demo

    db = str(tmp_path / "fair.sqlite")
    assert run_cli(capsys, "--db", db, "demo", "--visitors", "12", "--factories", "5")[0] == 0

    def killed_midway(event_db, options, progress, actor=None):  # noqa: ANN001, ANN202
        build_demo(event_db, options, progress, actor=actor)  # the new event is half there ...
        raise KeyboardInterrupt  # ... when Ctrl+C (or a kill) comes

    monkeypatch.setattr(demo_command, "build_demo", killed_midway)
    code, _, err = run_cli(
        capsys, "--db", db, "demo", "--visitors", "30", "--factories", "5", "--replace"
    )
    assert code == 130 and "nothing was changed" in err
    assert sorted(p.name for p in tmp_path.iterdir() if "fair" in p.name) == ["fair.sqlite"]
    code, out, _ = run_cli(capsys, "--db", db, "stats", "--json")
    assert code == 0 and json.loads(out)["visitors"] == 12  # the old event, whole

    monkeypatch.undo()
    code, out, err = run_cli(
        capsys, "--db", db, "demo", "--visitors", "30", "--factories", "5", "--replace", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["visitors"] == 30
    assert json.loads(run_cli(capsys, "--db", db, "stats", "--json")[1])["visitors"] == 30


def test_stats_on_a_file_that_is_not_an_event_says_what_to_do(tmp_path: Path, capsys) -> None:
    path = tmp_path / "list.csv"
    path.write_text("姓名,手机\n张三,13800138000\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "--db", str(path), "stats", "--json")
    assert code == 1 and out == ""
    assert "not an Expo Desk event database" in err


def test_stats_without_an_event_database_says_how_to_make_one(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "--db", str(tmp_path / "none.sqlite"), "stats")
    assert code == 1 and "init" in err


def test_env_var_names_the_database(tmp_path: Path, capsys, monkeypatch) -> None:
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("EXPO_DB", str(db))
    assert run_cli(capsys, "init", "--name", "环境变量展")[0] == 0
    code, out, _ = run_cli(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["event"] == "环境变量展"


def test_python_dash_m_expo_runs_as_a_program(tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "expo", "--db", db, "init", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["db"] == db
    bad = subprocess.run(
        [sys.executable, "-m", "expo", "--db", db, "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr and bad.stdout == ""


def test_output_cut_short_by_the_reader_is_not_an_error(tmp_path: Path) -> None:
    db = str(tmp_path / "pipe.sqlite")
    main(["--db", db, "demo", "--visitors", "300", "--factories", "20"])
    script = f"{sys.executable} -m expo --db {db} factories list --json | true"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, check=False
    )
    assert "BrokenPipeError" not in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_with_assign_booths_gives_every_factory_its_booth(tmp_path: Path, capsys) -> None:
    from expo.db import open_event
    from expo.models import Booth

    plain, placed = str(tmp_path / "plain.sqlite"), str(tmp_path / "placed.sqlite")
    small = ("--visitors", "50", "--factories", "40", "--json")
    code, out, err = run_cli(capsys, "--db", plain, "demo", *small)
    assert code == 0, err
    assert json.loads(out)["assigned"] == 0
    code, out, err = run_cli(capsys, "--db", placed, "demo", "--assign-booths", *small)
    assert code == 0, err
    assert json.loads(out)["assigned"] == 40

    code, out, _ = run_cli(capsys, "--db", plain, "factories", "list", "--json")
    assert code == 0 and {f["booth"] for f in json.loads(out)} == {None}
    code, out, _ = run_cli(capsys, "--db", placed, "factories", "list", "--json")
    listed = {f["id"]: f["booth"] for f in json.loads(out)}
    assert len(listed) == 40 and None not in listed.values()
    db = open_event(placed)
    try:
        with db.session() as session:
            booths: dict[int, list[str]] = {}
            for booth in session.scalars(select(Booth).where(Booth.factory_id.is_not(None))):
                booths.setdefault(booth.factory_id, []).append(booth.code)
    finally:
        db.dispose()
    assert set(booths) == set(listed)
    assert listed == {fid: ", ".join(sorted(codes)) for fid, codes in booths.items()}
