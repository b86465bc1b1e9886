"""``badges code|pdf|revoke|export-codes`` and ``checkin`` as scripts and people use them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from expo.cli import main
from expo.db import open_event
from expo.services.events import create_event
from tests.actors import OFFICE
from tests.people import add_visitor


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fair(tmp_path: Path) -> str:
    path = tmp_path / "fair.sqlite"
    db = open_event(path, create=True)
    with db.write(OFFICE) as session:
        create_event(session, "测试展会")
        add_visitor(session, "张伟", "义乌贸易", registration_no="FD260000001")
        add_visitor(session, "李娜", "宁波家居", registration_no="FD260000002")
    db.dispose()
    return str(path)


def test_code_then_checkin_ok_then_already(fair: str, capsys) -> None:
    code, out, err = run_cli(capsys, "--db", fair, "badges", "code", "1")
    assert code == 0, err
    payload = out.strip()
    assert payload.startswith("EXPO1.")

    code, out, _ = run_cli(
        capsys, "--db", fair, "checkin", payload, "--station", "Desk 1", "--json"
    )
    first = json.loads(out)
    assert code == 0
    assert set(first) >= {"status", "visitor", "first_at", "first_station"}
    assert first["status"] == "ok" and first["visitor"]["name"] == "张伟"
    assert first["first_at"] is None and first["first_station"] is None

    code, out, _ = run_cli(
        capsys, "--db", fair, "checkin", payload, "--station", "Desk 2", "--json"
    )
    again = json.loads(out)
    assert again["status"] == "already"
    assert again["first_station"] == "Desk 1" and again["first_at"].startswith("20")


def _count(fair: str, table: str) -> int:
    with sqlite3.connect(fair) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_checkin_refuses_tampered_codes_and_creates_no_station_for_them(fair: str, capsys) -> None:
    _, out, _ = run_cli(capsys, "--db", fair, "badges", "code", "2")
    payload = out.strip()
    tampered = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    _, out, _ = run_cli(capsys, "--db", fair, "checkin", tampered, "--station", "NEW", "--json")
    assert json.loads(out) == {
        "status": "invalid",
        "visitor": None,
        "first_at": None,
        "first_station": None,
        "message": json.loads(out)["message"],
        "check_in_id": None,
        "found_by": "code",
    }
    for garbage in ("%%%", "FD26999999", "EXPO1.B"):
        code, _, _ = run_cli(capsys, "--db", fair, "checkin", garbage, "--station", "NEW")
        assert code == 0
    assert _count(fair, "station") == 0 and _count(fair, "check_in") == 0


def test_a_registration_number_needs_confirm_before_the_check_in(fair: str, capsys) -> None:
    code, out, _ = run_cli(capsys, "--db", fair, "checkin", "FD260000002", "--station", "D")
    assert code == 0
    assert out.startswith("CONFIRM:") and "李娜" in out and "宁波家居" in out
    assert "--confirm" in out
    _, out, _ = run_cli(capsys, "--db", fair, "checkin", "FD260000002", "--station", "D", "--json")
    found = json.loads(out)
    assert found["status"] == "confirm" and found["found_by"] == "registration_no"
    assert found["visitor"]["name"] == "李娜" and found["check_in_id"] is None
    assert _count(fair, "check_in") == 0 and _count(fair, "badge") == 0
    assert _count(fair, "station") == 0

    code, out, _ = run_cli(
        capsys, "--db", fair, "checkin", "FD260000002", "--station", "D", "--confirm", "--json"
    )
    confirmed = json.loads(out)
    assert code == 0 and confirmed["status"] == "ok" and confirmed["check_in_id"] is not None
    assert _count(fair, "check_in") == 1 and _count(fair, "badge") == 1
    code, out, _ = run_cli(
        capsys, "--db", fair, "checkin", "fd260000002", "--station", "D", "--confirm"
    )
    assert code == 0 and out.startswith("ALREADY:") and "D" in out


def test_revoke_reissues_and_the_old_code_is_revoked(fair: str, capsys) -> None:
    _, out, _ = run_cli(capsys, "--db", fair, "badges", "code", "1")
    old = out.strip()
    code, out, _ = run_cli(capsys, "--db", fair, "badges", "revoke", "1", "--json")
    assert code == 0
    new = json.loads(out)["payload"]
    assert new != old and new.startswith("EXPO1.")
    _, out, _ = run_cli(capsys, "--db", fair, "checkin", old, "--station", "D", "--json")
    assert json.loads(out)["status"] == "revoked"
    _, out, _ = run_cli(capsys, "--db", fair, "checkin", new, "--station", "D", "--json")
    assert json.loads(out)["status"] == "ok"


def test_badges_pdf_writes_the_chosen_layout(fair: str, tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "out" / "badges.pdf"
    code, out, err = run_cli(
        capsys,
        "--db", fair, "badges", "pdf", "--out", str(out_file),
        "--visitor", "1", "--visitor", "2", "--layout", "label", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data == {"files": [str(out_file)], "badges": 2, "layout": "label"}
    assert out_file.read_bytes().startswith(b"%PDF")

    code, out, err = run_cli(capsys, "--db", fair, "badges", "pdf", "--out", str(out_file))
    assert code != 0 and out == "" and "--visitor" in err and "--all" in err
    code, _, err = run_cli(
        capsys, "--db", fair, "badges", "pdf", "--out", str(out_file), "--visitor", "99"
    )
    assert code != 0 and "No visitor with id 99" in err


def test_export_codes_and_unknown_visitor_errors(fair: str, tmp_path: Path, capsys) -> None:
    code, out, _ = run_cli(
        capsys, "--db", fair, "badges", "export-codes", "--out", str(tmp_path / "c"), "--json"
    )
    assert code == 0
    assert json.loads(out)["visitors"] == 2
    assert (tmp_path / "c" / "qr" / "1.png").exists()
    code, out, err = run_cli(capsys, "--db", fair, "badges", "code", "42")
    assert code != 0 and out == "" and "No visitor with id 42" in err


def test_on_the_demo_fair_a_printed_label_decodes_and_checks_in(
    demo_db, tmp_path: Path, capsys
) -> None:
    """The issue's "done when", end to end through the command line."""
    import subprocess

    import zxingcpp
    from PIL import Image

    fair = demo_db.location
    demo_db.dispose()
    _, out, _ = run_cli(capsys, "--db", fair, "badges", "code", "42")
    payload = out.strip()
    label = tmp_path / "label.pdf"
    code, _, err = run_cli(
        capsys, "--db", fair, "badges", "pdf", "--out", str(label), "--visitor", "42",
        "--layout", "label", "--json",
    )  # fmt: skip
    assert code == 0, err
    subprocess.run(["pdftoppm", "-png", "-r", "203", str(label), str(tmp_path / "l")], check=True)
    (raster,) = tmp_path.glob("l-*.png")
    (decoded,) = zxingcpp.read_barcodes(Image.open(raster))
    assert decoded.text == payload

    def checkin(text: str, station: str) -> dict:
        _, out, _ = run_cli(capsys, "--db", fair, "checkin", text, "--station", station, "--json")
        return json.loads(out)

    first = checkin(decoded.text, "东门 1号台")
    assert first["status"] == "ok" and first["visitor"]["id"] == 42
    tampered = decoded.text[:-1] + ("A" if decoded.text[-1] != "A" else "B")
    assert checkin(tampered, "东门 1号台")["status"] == "invalid"
    again = checkin(decoded.text, "西门 2号台")
    assert again["status"] == "already"
    assert again["first_station"] == "东门 1号台"
    assert again["first_at"] is not None
