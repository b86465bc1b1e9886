"""Storage failures in words: each says what happened and what to do, exits non-zero and
changes nothing. Real failures where the machine allows them (a lock held by another process,
an immutable file, a full tmpfs disk, a damaged page); the server that is down is a port where
nothing listens."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from expo.cli import main
from expo.db import open_event
from expo.services.badges import code_for_visitor
from expo.services.events import create_event
from tests.actors import OFFICE
from tests.people import add_visitor


def _event(path: Path, visitors: int = 1) -> str:
    db = open_event(path, create=True)
    with db.write(OFFICE) as session:
        create_event(session, "测试展会")
        ids = [
            add_visitor(session, f"访客{i}", registration_no=f"FD26{i:07d}")
            for i in range(visitors)
        ]
        code = code_for_visitor(session, ids[0])
    db.dispose()
    return code


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _counts(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("visitor", "check_in", "station", "badge")
        )


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and err.startswith("error: ")


def _optional(component: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{component} is needed in CI for this storage-failure test")
    pytest.skip(f"{component} is not available here")


def test_a_lock_held_by_another_process_is_said_in_words(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fair.sqlite"
    code = _event(path)
    before = _counts(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        status, out, err = _run(capsys, "--db", str(path), "checkin", code, "--station", "NEW")
    finally:
        holder.communicate("")
    assert status == 1 and out == ""
    _no_traceback(err)
    assert "Another station is writing" in err and "try again" in err
    assert _counts(path) == before


def test_an_immutable_event_file_is_said_in_words(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fair.sqlite"
    _event(path)
    before = _counts(path)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        _optional("chattr +i (an immutable file)")
    try:
        status, _, err = _run(
            capsys, "--db", str(path), "visitors", "add", "--name", "李四", "--phone", "13800138001"
        )
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert status == 1
    _no_traceback(err)
    assert "read-only" in err and "writable" in err and "Nothing was changed" in err
    assert _counts(path) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, unmounted afterwards."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        _optional("mounting a tmpfs (root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_is_said_in_words(small_disk: Path, capsys) -> None:
    path = small_disk / "fair.sqlite"
    code = _event(path)
    before = _counts(path)
    filler = small_disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass  # the disk is full now
    for command in (
        ("visitors", "add", "--name", "李四", "--phone", "13800138001"),
        ("checkin", code, "--station", "NEW"),
    ):
        status, _, err = _run(capsys, "--db", str(path), *command)
        assert status == 1
        _no_traceback(err)
        assert "is full" in err and "Free space" in err, err
        assert "choose another file" not in err.lower()
    filler.unlink()
    assert _counts(path) == before


def test_a_damaged_page_is_found_at_open(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fair.sqlite"
    _event(path, visitors=400)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'visitor'"
        ).fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + 200] = b"\xa5" * 192  # the page's cell pointers: garbage
    path.write_bytes(bytes(data))
    status, out, err = _run(capsys, "--db", str(path), "stats", "--json")
    assert status == 1 and out == ""
    _no_traceback(err)
    assert "damaged" in err and "backup" in err
    assert path.read_bytes() == bytes(data)  # nothing written


def test_a_wrong_schema_record_is_said_in_words_after_the_backup(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fair.sqlite"
    _event(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0104'")  # a lie
        tables = connection.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    before = _counts(path)
    status, out, err = _run(capsys, "--db", str(path), "stats", "--json")
    assert status == 1 and out == ""
    _no_traceback(err)
    assert "schema 0104" in err and "alembic_version" in err and "left as it was" in err
    backups = list(tmp_path.glob("fair.before-upgrade-0104-*.sqlite"))
    assert len(backups) == 1 and str(backups[0]) in err
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0104",)
        assert (
            connection.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
            == tables
        )
    assert _counts(path) == before


def test_a_postgresql_server_that_is_down_is_said_in_words(capsys) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/fair"
    status, out, err = _run(capsys, "--db", url, "stats", "--json")
    assert status == 1 and out == ""
    _no_traceback(err)
    assert f"Cannot reach the database server at 127.0.0.1:{port}" in err
    assert "running" in err
