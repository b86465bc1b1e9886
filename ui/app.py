"""Start Expo Desk: the application, its font, the event to open, the main window.

Nothing heavy is imported here (the demo builder pulls in scipy and pypinyin): on an existing
event the window is up in about a second and builds its pages as they are first shown. On a
new machine the demo is built on a worker thread behind a progress dialog that is on screen at
once, and the main window opens when the demo is ready.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from expo.db import (
    EventDatabase,
    default_event_path,
    events_dir,
    open_event,
    remember_current_event,
)
from expo.errors import ExpoError
from expo.progress import Progress
from ui.context import AppContext
from ui.fonts import install_cjk_font
from ui.main_window import MainWindow
from ui.ops import Op, TaskRunner
from ui.settings import Settings

DEMO_VISITORS = 100_000


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description="Expo Desk")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="event database to open")
    parser.add_argument(
        "--demo", action="store_true", help="open the demo event, building it on first start"
    )
    return parser.parse_args(argv)


def build_demo_file(location: Path, progress: Progress, visitors: int = DEMO_VISITORS) -> None:
    """Build the demo fair into ``location`` (on a worker thread: it takes a while).

    It is built beside as ``NAME.building`` and renamed when complete, so a start that is
    cancelled or killed half-way leaves no half-built demo to open next time.
    """
    from expo.demo import DemoOptions, build_demo

    building = location.with_name(location.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    db = open_event(building, create=True)
    try:
        # Booths assigned too, so the Booths and Exhibitors pages show a fair as it will stand:
        # about one second more (python -m expo demo --assign-booths, measured).
        build_demo(db, DemoOptions(visitors=visitors, assign_booths=True), progress)
    except BaseException:
        db.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        raise
    db.dispose()  # folds the write-ahead log into the file: the file alone is the event
    building.replace(location)


def start_after_demo(location: Path, settings: Settings, visitors: int = DEMO_VISITORS) -> Op:
    """Show a progress dialog at once, build the demo behind it, then open the main window.

    Cancel (or a failure, reported) quits the app; nothing half-built is left behind.
    """
    app = QApplication.instance()
    # The progress dialog closes just before the main window opens: that moment must not
    # count as "the last window closed".
    app.setQuitOnLastWindowClosed(False)

    def built(_result: object) -> None:
        window = open_window(str(location), settings)
        app.setQuitOnLastWindowClosed(True)
        if window is None:
            app.exit(1)

    def failed(exc: BaseException) -> None:
        _report(exc)
        app.exit(1)

    label = QCoreApplication.translate("App", "Building the demo fair ({count} visitors)…")
    op = (
        TaskRunner(report_error=_report)
        .op(build_demo_file, location, visitors=visitors)
        .with_progress(label.format(count=f"{visitors:,}"), None)
        .on_success(built)
        .on_failure(failed)
        .on_cancelled(lambda: app.exit(1))
        .run()
    )
    if op.dialog is not None:
        op.dialog.setMinimumWidth(420)
        op.dialog.show()  # at once, not after the usual short delay: the first thing seen
    return op


def _report(exc: BaseException) -> None:
    QMessageBox.critical(None, QCoreApplication.translate("App", "Expo Desk"), str(exc))


def create_window(db: EventDatabase, settings: Settings) -> MainWindow:
    ctx = AppContext(db=db, tasks=TaskRunner(report_error=_report), settings=settings)
    return MainWindow(ctx)


def open_window(location: str, settings: Settings) -> MainWindow | None:
    """Open the event and show its main window (kept alive by the application)."""
    try:
        db = open_event(location)
    except ExpoError as exc:
        QMessageBox.critical(None, "Expo Desk", str(exc))
        return None
    remember_current_event(location)
    window = create_window(db, settings)
    QApplication.instance().setProperty("expo_window", window)
    window.show()
    return window


def reopen(window: QWidget, location: str) -> None:
    """Open another event in a new window, closing ``window`` only if that worked."""
    try:
        db = open_event(location)
    except ExpoError as exc:
        QMessageBox.warning(window, QCoreApplication.translate("App", "Open event"), str(exc))
        return
    remember_current_event(location)
    new_window = create_window(db, Settings())
    app = QApplication.instance()
    app.setProperty("expo_window", new_window)  # keeps it alive
    new_window.show()
    window.close()


def run(argv: Sequence[str] | None = None) -> int:
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Expo Desk")
    app.setOrganizationName("ExpoDesk")
    install_cjk_font(app)
    settings = Settings()

    if args.db:
        location = args.db
    elif args.demo:
        location = str(events_dir() / "demo.sqlite")
    else:
        location = os.environ.get("EXPO_DB") or str(default_event_path())
    if args.demo and not Path(location).exists():
        start_after_demo(Path(location), settings)
    elif open_window(location, settings) is None:
        return 1
    code = app.exec()
    QThreadPool.globalInstance().waitForDone(30000)  # the demo build, the pages' tasks
    window = app.property("expo_window")
    if isinstance(window, MainWindow):
        window.ctx.db.dispose()
    return code
