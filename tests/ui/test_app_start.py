"""Starting Expo Desk: pages are built when first shown, the start imports nothing heavy, and
a first start builds the demo on a worker behind a progress dialog that is shown at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import shown
from ui import app as app_module
from ui.main_window import MainWindow
from ui.pages import page_specs
from ui.settings import Settings

HEAVY = ("expo.demo", "scipy", "pypinyin", "alembic", "openpyxl", "reportlab", "ortools")


def test_only_the_page_shown_is_built(qtbot, demo_ctx) -> None:
    window = shown(qtbot, MainWindow(demo_ctx))
    assert list(window.pages) == ["overview"]
    booths = window.show_page("booths")
    assert type(booths).__name__ == "BoothsPage"
    assert window.stack.currentWidget() is booths
    assert list(window.pages) == ["overview", "booths"]
    assert window.show_page("booths") is booths  # built once
    assert window.stack.count() == len(window.page_keys) == len(page_specs())


_START = """
import json, os, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui import app as app_module
from ui.settings import Settings

app = QApplication([])
settings = Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat))
window = app_module.open_window(sys.argv[1], settings)
app.processEvents()
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print(json.dumps({{"shown": window.isVisible(), "pages": list(window.pages), "heavy": heavy}}))
window.close()
window.ctx.tasks.wait_for_done()
"""


def test_the_window_opens_on_an_event_without_heavy_imports(empty_db, tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _START.format(heavy=HEAVY),
            empty_db.location,
            str(tmp_path / "settings.ini"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report == {"shown": True, "pages": ["overview"], "heavy": []}


def test_a_first_start_builds_the_demo_behind_a_progress_dialog(
    qtbot, qapp: QApplication, tmp_path: Path
) -> None:
    location = tmp_path / "events" / "demo.sqlite"
    location.parent.mkdir()
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qapp.setProperty("expo_window", None)
    op = app_module.start_after_demo(location, settings, visitors=300)
    try:
        assert op.dialog is not None and op.dialog.isVisible()  # at once, before any progress
        assert "300 visitors" in op.dialog.labelText()
        qtbot.waitUntil(
            lambda: isinstance(qapp.property("expo_window"), MainWindow), timeout=180_000
        )
        window = qapp.property("expo_window")
        assert window.isVisible() and op.dialog is None
        assert location.exists() and not location.with_name("demo.sqlite.building").exists()
        with window.ctx.db.session() as session:
            from expo.services.stats import event_stats

            assert event_stats(session).visitors == 300
    finally:
        window = qapp.property("expo_window")
        if isinstance(window, MainWindow):
            window.close()
            window.ctx.tasks.wait_for_done()
            window.ctx.db.dispose()
        qapp.setProperty("expo_window", None)
        qapp.setQuitOnLastWindowClosed(True)


def test_a_cancelled_first_start_leaves_no_demo_and_quits(
    qtbot, qapp: QApplication, tmp_path: Path, monkeypatch
) -> None:
    events = tmp_path / "events"
    events.mkdir()
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qapp.setProperty("expo_window", None)
    exits: list[int] = []
    # The real exit would end the test session's event loops too.
    monkeypatch.setattr(qapp, "exit", exits.append)
    op = app_module.start_after_demo(events / "demo.sqlite", settings, visitors=300)
    try:
        op.cancel()
        qtbot.waitUntil(lambda: op.finished, timeout=180_000)
        assert sorted(events.iterdir()) == []
        assert qapp.property("expo_window") is None
        assert exits == [1]
    finally:
        qapp.setQuitOnLastWindowClosed(True)
