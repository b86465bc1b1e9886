"""``users add | list | disable`` and ``--user NAME --pin-stdin`` from the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from expo.cli import main


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_users_add_list_and_a_wrong_pin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "fair.sqlite")
    assert run(capsys, monkeypatch, "--db", db, "init")[0] == 0
    code, out, err = run(
        capsys, monkeypatch, "--db", db, "users", "add", "--name", "boss", "--role",
        "organiser", "--pin-stdin", "--json", stdin="135790\n",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {
        "id": 1, "name": "boss", "role": "organiser", "factory": None, "disabled": False,
    }  # fmt: skip

    # From now on adding a user needs a signed-in organiser: their PIN first, then the new one.
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "users", "add", "--name", "li", "--role", "desk",
        "--pin-stdin", stdin="2468\n",
    )  # fmt: skip
    assert code != 0 and "Sign in" in err
    code, out, err = run(
        capsys, monkeypatch, "--db", db, "--user", "boss", "--pin-stdin", "users", "add",
        "--name", "li", "--role", "desk", "--pin-stdin", "--json", stdin="135790\n2468\n",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, monkeypatch, "--db", db, "--user", "boss", "--pin-stdin", "users", "disable",
        "li", stdin="999999\n",
    )  # fmt: skip
    assert code != 0 and "wrong PIN" in err and "Traceback" not in err

    code, out, _ = run(capsys, monkeypatch, "--db", db, "users", "list", "--json")
    assert [(u["name"], u["role"]) for u in json.loads(out)] == [
        ("boss", "organiser"),
        ("li", "desk"),
    ]
