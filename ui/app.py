"""Start Expo Desk: the application, its font, the event to open, the main window."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from expo.db import (
    EventDatabase,
    default_event_path,
    events_dir,
    open_event,
    remember_current_event,
)
from expo.demo import DemoOptions, build_demo
from expo.errors import ExpoError
from expo.progress import Progress
from ui.context import AppContext
from ui.fonts import install_cjk_font
from ui.main_window import MainWindow
from ui.ops import TaskRunner
from ui.settings import Settings


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description="Expo Desk")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="event database to open")
    parser.add_argument(
        "--demo", action="store_true", help="open the demo event, building it on first start"
    )
    return parser.parse_args(argv)


def build_demo_with_dialog(location: Path) -> None:
    """Build the demo fair on first start, showing progress (it takes a few seconds)."""
    dialog = QProgressDialog(
        QCoreApplication.translate("App", "Building the demo fair (100,000 visitors)…"),
        "",
        0,
        100,
    )
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)
    dialog.setValue(0)

    class DialogProgress(Progress):
        def changed(self) -> None:
            fraction = self.fraction()
            if fraction is not None:
                dialog.setValue(int(fraction * 100))
            QApplication.processEvents()

    db = open_event(location, create=True)
    try:
        # Booths assigned too, so the Booths and Exhibitors pages show a fair as it will stand:
        # about one second more on ~15 s (python -m expo demo --assign-booths, measured).
        build_demo(db, DemoOptions(assign_booths=True), DialogProgress())
    finally:
        db.dispose()
        dialog.close()


def create_window(db: EventDatabase, settings: Settings) -> MainWindow:
    def report(exc: BaseException) -> None:
        QMessageBox.critical(None, QCoreApplication.translate("App", "Expo Desk"), str(exc))

    ctx = AppContext(db=db, tasks=TaskRunner(report_error=report), settings=settings)
    return MainWindow(ctx)


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
        build_demo_with_dialog(Path(location))
    try:
        db = open_event(location)
    except ExpoError as exc:
        QMessageBox.critical(None, "Expo Desk", str(exc))
        return 1
    remember_current_event(location)
    window = create_window(db, settings)
    window.show()
    code = app.exec()
    window.ctx.tasks.wait_for_done()
    db.dispose()
    return code
