"""The badge key is not in the event file: a copy of the file cannot mint badges."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from expo.actors import Actor
from expo.badges.codes import make_code
from expo.cli import main
from expo.db import EventDatabase, open_event
from expo.keys import key_dir
from expo.services.badges import issue_badge
from expo.services.checkin import CheckInStatus, check_in
from tests.people import add_visitor

DESK = Actor("Desk 1")


def _raw_secret(path: str) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT badge_secret FROM event").fetchone()[0]


def test_the_event_file_holds_no_key_and_the_key_file_is_private(
    empty_db: EventDatabase,
) -> None:
    assert _raw_secret(empty_db.location) == ""
    [key_file] = [p for p in key_dir().glob("*.key") if _belongs(p, empty_db)]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def _belongs(path: Path, db: EventDatabase) -> bool:
    with sqlite3.connect(db.location) as connection:
        event_uuid = connection.execute("SELECT uuid FROM event").fetchone()[0]
    return json.loads(path.read_text())["event"].replace("-", "") == event_uuid.replace("-", "")


def test_a_code_forged_from_a_copied_file_is_refused(empty_db: EventDatabase) -> None:
    with empty_db.write(DESK) as uow:
        visitor = add_visitor(uow, "林峰")
        genuine = issue_badge(uow, visitor).code
    # All an attacker with the file has: the (empty) column and the visitor ids.
    forged = make_code(b"", visitor, 2)
    with empty_db.write(DESK) as uow:
        assert check_in(uow, forged, uow.station()).status is CheckInStatus.INVALID
        assert check_in(uow, genuine, uow.station()).status is CheckInStatus.OK


def test_a_station_without_the_key_says_how_to_get_it(
    empty_db: EventDatabase,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with empty_db.write(DESK) as uow:
        add_visitor(uow, "林峰")
    empty_db.checkpoint()  # the file as it would be copied off a closed station
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(empty_db.location, copy)
    exported = tmp_path / "key.json"
    assert main(["--db", empty_db.location, "keys", "export", "--out", str(exported)]) == 0

    monkeypatch.setenv("EXPO_KEY_DIR", str(tmp_path / "other-laptop-keys"))
    code = main(["--db", str(copy), "badges", "code", "1"])
    err = capsys.readouterr().err
    assert code != 0 and "keys import" in err and "Traceback" not in err

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", str(copy), "keys", "import", str(exported)]) == 0
    assert main(["--db", str(copy), "badges", "code", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["payload"].startswith("EXPO1.")


def test_an_old_event_file_has_its_key_moved_out_when_opened(
    empty_db: EventDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with empty_db.write(DESK) as uow:
        visitor = add_visitor(uow, "林峰")
        code = issue_badge(uow, visitor).code
    empty_db.checkpoint()
    legacy = tmp_path / "legacy.sqlite"
    shutil.copyfile(empty_db.location, legacy)
    key = next(p for p in key_dir().glob("*.key") if _belongs(p, empty_db))
    with sqlite3.connect(legacy) as connection:  # as Expo Desk 0.1 wrote it
        connection.execute(
            "UPDATE event SET badge_secret = ?", (json.loads(key.read_text())["key"],)
        )
    monkeypatch.setenv("EXPO_KEY_DIR", str(tmp_path / "fresh-keys"))
    db = open_event(legacy)
    try:
        assert _raw_secret(str(legacy)) == ""
        with db.write(DESK) as uow:
            assert check_in(uow, code, uow.station()).status is CheckInStatus.OK
    finally:
        db.dispose()
