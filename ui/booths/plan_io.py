"""The Booths page's plan files: import a plan (CSV, JSON or a DXF drawing) and export it
(CSV or JSON), through ``expo.services.plan_files``.

The functions here run on a worker thread (``ctx.tasks.op``), each with its own session. An
import runs twice: first as a preview in a session that is never committed (the service checks
the whole file and says what it would replace), then, once the organiser agreed, for real in
one transaction. A bad file fails at the preview and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from expo.db import EventDatabase
from expo.models import StationKind
from expo.progress import Progress
from expo.services.plan_dxf import BOOTH_LAYERS
from expo.services.plan_files import ImportResult, export_plan, import_plan
from ui.context import AppContext

PLAN_FILTERS = "Plans (*.csv *.json *.dxf);;CSV (*.csv);;JSON (*.json);;DXF drawing (*.dxf)"
EXPORT_FILTERS = {"CSV (*.csv)": ".csv", "JSON (*.json)": ".json"}


@dataclass(frozen=True)
class PlanImport:
    """What to import: the file and, for a DXF drawing, its hall and booth layer."""

    path: Path
    hall: str | None = None
    layer: str | None = None

    @property
    def is_dxf(self) -> bool:
        return self.path.suffix.lower() == ".dxf"


def preview_plan_import(
    db: EventDatabase, request: PlanImport, progress: Progress | None = None
) -> ImportResult:
    """Check the whole file and count what it would change, writing nothing."""
    # The session is closed without a commit, so everything the import did is rolled back.
    with db.session() as session:
        result = import_plan(session, request.path, hall=request.hall, layer=request.layer)
        session.rollback()
    if progress is not None:
        progress.check()
    return result


def run_plan_import(
    ctx: AppContext, request: PlanImport, progress: Progress | None = None
) -> ImportResult:
    """Import the file for real, in one unit of work: all or nothing."""
    if progress is not None:
        progress.check()
    with ctx.write(StationKind.OFFICE) as session:
        return import_plan(session, request.path, hall=request.hall, layer=request.layer)


def run_plan_export(db: EventDatabase, path: Path, progress: Progress | None = None) -> int:
    """Write every hall's booths to ``path`` (.csv or .json); returns the number of booths."""
    with db.session() as session:
        return export_plan(session, path)


def export_path(path: str, chosen_filter: str) -> Path:
    """The file the organiser named, with the chosen type's extension when it has none."""
    target = Path(path)
    if target.suffix.lower() not in EXPORT_FILTERS.values():
        target = target.with_name(target.name + EXPORT_FILTERS.get(chosen_filter, ".csv"))
    return target


class DxfOptionsDialog(QDialog):
    """A DXF drawing holds one hall: which hall it is, and on which layer its booths are."""

    def __init__(self, file_name: str, halls: list[str], current: str | None, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import a DXF drawing 导入DXF图纸"))
        self.hall = QComboBox()
        self.hall.setEditable(True)
        self.hall.addItems(halls)
        self.hall.setCurrentText(current or (halls[0] if halls else "A"))
        self.hall.setToolTip(self.tr("An existing hall's booths are replaced; a new code adds one"))
        self.layer = QLineEdit()
        self.layer.setPlaceholderText(
            self.tr("automatic: %1").replace("%1", " / ".join(BOOTH_LAYERS))
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        intro = QLabel(self.tr("%1 draws one hall's booths.").replace("%1", file_name))
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow(self.tr("Hall code 展馆"), self.hall)
        form.addRow(self.tr("Booth layer 图层"), self.layer)
        form.addRow(buttons)

    def request(self, path: Path) -> PlanImport:
        return PlanImport(
            path,
            hall=self.hall.currentText().strip().upper() or None,
            layer=self.layer.text().strip() or None,
        )
