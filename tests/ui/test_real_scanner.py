"""The scanner as it really types: xdotool sends a badge code at 4 ms a key into a real Expo
Desk window under Xvfb, with the focus in the desk's search box (which holds text). The scan
checks the visitor in and the search box keeps its text. The window fits a 1280x800 screen and
is titled with the event's name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from expo.services.badges import code_for_visitor
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]


def test_a_real_scanner_burst_lands_in_a_real_window(empty_db, tmp_path: Path) -> None:
    require_tool("Xvfb", "xvfb")
    require_tool("xdotool", "xdotool")
    with empty_db.write(OFFICE) as session:
        visitor = add_visitor(session, "李娜", "宁波家居", registration_no="FD26000002")
        code = code_for_visitor(session, visitor)
    location = empty_db.location
    empty_db.dispose()
    display = f":{90 + os.getpid() % 50}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    try:
        time.sleep(1.0)
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ui.real_window_desk",
                location,
                str(tmp_path / "s.ini"),
                "4",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert app.stdout is not None
        line = app.stdout.readline()
        assert line.strip() == "READY", app.stderr.read() if app.stderr else line
        time.sleep(0.3)
        subprocess.run(["xdotool", "type", "--delay", "4", code], env=env, check=True)
        subprocess.run(["xdotool", "key", "Return"], env=env, check=True)
        time.sleep(0.5)
        subprocess.run(["xdotool", "type", "--delay", "4", "FD26000002"], env=env, check=True)
        out, err = app.communicate(timeout=30)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    report = json.loads(out.strip().splitlines()[-1])
    # The code admits; the typed registration number only finds the person (staff confirm).
    assert report["shown"] == ["ok", "confirm"], err
    assert report["visitor"] == visitor
    assert report["search"] == "zhangwei"  # the search box kept what the desk typed
    assert report["frame"][0] <= report["screen"][0]
    assert report["frame"][1] <= report["screen"][1]
    assert report["title"].startswith("1688") or "Expo Desk" in report["title"]
    assert location not in report["title"]
