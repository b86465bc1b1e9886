"""From the command line, a signed-in booth user reads and writes its own factory only, and a
desk user exports no personal data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from expo.actors import Actor, Role
from expo.cli import main
from expo.db import EventDatabase
from expo.models import StationKind
from expo.services.users import add_user
from tests.fair import SmallFair, build_small_fair


@pytest.fixture
def fair_with_users(empty_db: EventDatabase) -> tuple[str, SmallFair]:
    fair = build_small_fair(empty_db)
    with empty_db.write(Actor("Office", StationKind.OFFICE)) as uow:
        add_user(uow, "boss", Role.ORGANISER, "135790")
    boss = Actor("Office", StationKind.OFFICE, "boss", Role.ORGANISER)
    with empty_db.write(boss) as uow:
        add_user(uow, "a.sales", Role.BOOTH, "1111", factory_id=fair.factory_a)
        add_user(uow, "li.na", Role.DESK, "2468")
    return empty_db.location, fair


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pin: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_booth_user_reads_its_own_leads_and_no_one_elses(
    fair_with_users: tuple[str, SmallFair],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, fair = fair_with_users
    me = ("--db", db, "--user", "a.sales", "--pin-stdin")
    code, out, err = run(
        capsys, monkeypatch, "1111", *me, "inquiries", "add", "--factory", str(fair.factory_a),
        "--badge", fair.code_consenting, "--product", fair.skus_a[0], "--json",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(
        capsys, monkeypatch, "1111", *me, "inquiries", "leads", "--factory",
        str(fair.factory_a), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert len(json.loads(out)) == 1
    for command in ("leads", "list"):
        code, out, err = run(
            capsys, monkeypatch, "1111", *me, "inquiries", command, "--factory",
            str(fair.factory_b), "--json",
        )  # fmt: skip
        assert code != 0 and out == ""
        assert f"factory {fair.factory_a}" in err and "Traceback" not in err
    # Without signing in, nothing at all.
    code, out, err = run(
        capsys, monkeypatch, "", "--db", db, "inquiries", "leads", "--factory",
        str(fair.factory_a),
    )  # fmt: skip
    assert code != 0 and "Sign in" in err


def test_a_desk_user_exports_no_personal_data(
    fair_with_users: tuple[str, SmallFair],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    db, _ = fair_with_users
    code, _, err = run(
        capsys, monkeypatch, "2468", "--db", db, "--user", "li.na", "--pin-stdin",
        "visitors", "export", str(tmp_path / "all.xlsx"),
    )  # fmt: skip
    assert code != 0 and "may not export personal data" in err
    assert not (tmp_path / "all.xlsx").exists()
    code, _, err = run(
        capsys, monkeypatch, "135790", "--db", db, "--user", "boss", "--pin-stdin",
        "visitors", "export", str(tmp_path / "all.xlsx"),
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "all.xlsx").exists()
    code, out, err = run(
        capsys, monkeypatch, "135790", "--db", db, "--user", "boss", "--pin-stdin",
        "audit", "list", "--kind", "export", "--json",
    )  # fmt: skip
    assert code == 0, err
    [logged] = json.loads(out)
    assert (logged["kind"], logged["user"], logged["data"]["rows"]) == (
        "export.visitors", "boss", 3,
    )  # fmt: skip
