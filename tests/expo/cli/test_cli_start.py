"""The command line imports only the module of the command it runs, so ``stats`` and
``checkin`` start without scipy, pypinyin, alembic or the PDF and spreadsheet libraries."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from expo.cli import COMMAND_MODULES, COMMANDS, build_parser, requested_command
from expo.db import alembic_config, migration_graph

HEAVY = ("scipy", "pypinyin", "alembic", "openpyxl", "reportlab", "ortools", "numpy", "ezdxf")

# Runs a command in a fresh interpreter and reports, on stderr's last line, which heavy
# libraries it had imported by the end.
_PROBE = """
import json, sys
from expo.cli import main
code = main(sys.argv[1:])
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def _run_probe(*args: str) -> tuple[dict, str]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(completed.stderr.strip().splitlines()[-1])
    return report, completed.stdout


@pytest.fixture
def event_file(empty_db) -> str:
    return empty_db.location


def test_stats_imports_no_heavy_library(event_file: str) -> None:
    report, out = _run_probe("--db", event_file, "stats", "--json")
    assert report == {"code": 0, "heavy": []}
    assert json.loads(out)["event"] == "测试展会"


def test_checkin_imports_no_heavy_library(event_file: str) -> None:
    report, out = _run_probe("--db", event_file, "checkin", "R-NOBODY", "--station", "Desk 1")
    assert report == {"code": 0, "heavy": []}
    assert out.startswith("UNKNOWN:")


def test_a_command_group_still_gets_its_libraries(event_file: str, tmp_path: Path) -> None:
    # The lazy start must not break the heavier commands: export really writes its workbook.
    out = tmp_path / "all.xlsx"
    report, _ = _run_probe("--db", event_file, "visitors", "export", str(out), "--json")
    assert report["code"] == 0
    assert out.exists()


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["stats"], "stats"),
        (["--db", "stats", "checkin", "X"], "checkin"),  # "stats" here is the --db value
        (["--json", "--db=x.sqlite", "visitors", "search", "zw"], "visitors"),
        (["--help"], None),
        (["nonsense"], None),
    ],
)
def test_the_requested_command_is_found_in_argv(argv: list[str], command: str | None) -> None:
    assert requested_command(argv) == command


def _registered(module: str) -> dict[str, str]:
    """The top-level commands a module registers and their help lines."""
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    importlib.import_module(module).register(subparsers, argparse.ArgumentParser(add_help=False))
    return {action.dest: action.help for action in subparsers._choices_actions}


def test_the_command_table_matches_what_each_module_registers() -> None:
    for module in COMMAND_MODULES:
        listed = {name: c.help for name, c in COMMANDS.items() if c.module == module}
        assert _registered(module) == listed, module


def test_help_lists_every_command_without_importing_their_modules() -> None:
    parser = build_parser(["--help"])
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(subparsers.choices) == list(COMMANDS)


def test_an_unspotted_command_falls_back_to_the_full_parser(event_file: str, capsys) -> None:
    from expo.cli import main

    # argparse takes "--d" for "--db"; the quick scan then sees the file as the command.
    code = main(["--d", event_file, "stats", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["event"] == "测试展会"


def test_the_migration_graph_read_without_alembic_is_alembic_s() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    graph = migration_graph()
    assert graph.head == script.get_current_head()
    assert graph.known == {revision.revision for revision in script.walk_revisions()}
