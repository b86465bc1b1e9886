"""GUI fixtures: the shipped font loaded, a context with a synchronous task runner and the small
fair of two factories."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tests.fair import SmallFair, build_small_fair
from tests.ui.helpers import shown
from ui.context import AppContext
from ui.fonts import install_cjk_font
from ui.main_window import MainWindow
from ui.ops import TaskRunner
from ui.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def _cjk_font(qapp: QApplication) -> str:
    return install_cjk_font(qapp)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def demo_ctx(demo_db, settings: Settings) -> AppContext:
    """The demo fair, with background work run inline (same code path, no threads)."""
    return AppContext(db=demo_db, tasks=TaskRunner(synchronous=True), settings=settings)


@pytest.fixture
def fair(empty_db) -> SmallFair:
    """Two factories with catalogues, three buyers with badges (see tests/fair.py)."""
    return build_small_fair(empty_db)


@pytest.fixture
def sync_ctx(empty_db, settings: Settings) -> AppContext:
    """The empty event (add ``fair`` for the small fair), background work run inline."""
    return AppContext(db=empty_db, tasks=TaskRunner(synchronous=True), settings=settings)


@pytest.fixture
def main_window(qtbot, demo_ctx: AppContext) -> MainWindow:
    """The main window on the demo fair, shown at 1280 x 800."""
    return shown(qtbot, MainWindow(demo_ctx))
