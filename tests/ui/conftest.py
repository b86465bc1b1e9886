"""GUI fixtures: the shipped font loaded, a context with a synchronous task runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.context import AppContext
from ui.fonts import install_cjk_font
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
