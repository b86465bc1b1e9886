"""Writing one factory's XLSX file from a page: ask where, then write it off the GUI thread.

The Exhibitors page (its catalogue) and the Booth page (its leads) share this; what goes in the
file is the ``expo`` service the page passes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from ui.context import AppContext

Result = TypeVar("Result")

OK_STYLE = "color: #166534; font-weight: 600;"
ERROR_STYLE = "color: #b91c1c; font-weight: 600;"


def ask_xlsx_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    """The file the user chose to write (None if they cancelled)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Excel (*.xlsx)")
    return Path(path) if path else None


def export_factory_file(
    ctx: AppContext,
    factory_id: int,
    path: Path,
    export: Callable[[Any, int, Path], Result],
    on_done: Callable[[Result], None],
    on_error: Callable[[str], object],
) -> None:
    """Run ``export(session, factory_id, path)`` in a read session off the GUI thread, then
    ``on_done(result)``, or ``on_error(message)`` if it failed."""
    db = ctx.db

    def run() -> Result:
        with db.session() as session:
            return export(session, factory_id, path)

    def failed(exc: BaseException) -> None:
        on_error(str(exc))

    ctx.tasks.op(run).on_success(on_done).on_failure(failed).run()


def show_status(label: QLabel, text: str, *, error: bool = False) -> None:
    """A page's one-line status: green when done, red with what to do when not."""
    label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
    label.setText(text)
