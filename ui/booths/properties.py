"""The booth properties panel of the floor-plan editor: one selected booth's code, kind, flags,
prominence, lock, exclusion and notes.

The panel only asks: ``apply_requested`` carries the changed fields as keyword arguments of
``expo.services.hall_plans.update_booth``, ``derive_requested`` asks for a value set by hand
(the prominence or the near-entrance flag) to be derived again. The page runs them as undoable
plan edits and shows what the service said.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from expo.models import BoothKind
from expo.services.hall_plans import BoothInfo
from ui.widgets.combo_search import make_type_searchable

KIND_LABELS = {
    BoothKind.STANDARD: "标准 standard 3 x 3",
    BoothKind.DOUBLE: "双展位 double 6 x 3",
    BoothKind.RAW: "光地 raw space",
    BoothKind.ISLAND: "岛型 island",
}
FLAGS = (
    ("is_corner", "Corner 角位", "Open on two sides"),
    ("on_main_aisle", "Main aisle 主通道", "Faces the hall's main aisle"),
    (
        "near_entrance",
        "Near entrance 近入口",
        "Within sight of an entrance; set by hand, it stays when the booth moves",
    ),
    ("locked", "Locked 锁定", "The assignment keeps this booth as it is"),
    ("excluded", "Excluded 不分配", "Offered to no factory (a pillar, a café …)"),
)


class BoothPropertiesPanel(QWidget):
    apply_requested = Signal(int, dict)  # booth id, update_booth keyword arguments
    # booth id, the field to derive again: "prominence" or "near_entrance"
    derive_requested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.booth: BoothInfo | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: 600;")
        self.code = QLineEdit()
        self.code.setMaxLength(16)
        self.code.setPlaceholderText("A-12")
        self.kind = QComboBox()
        make_type_searchable(self.kind)  # pinyin, initials or any word picks an item
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(self.tr(label), kind)
        self.flags: dict[str, QCheckBox] = {}
        self.prominence = QDoubleSpinBox()
        self.prominence.setRange(0, 100)
        self.prominence.setDecimals(1)
        self.prominence.setToolTip(
            self.tr("Set by hand, the score stays when the booth moves; derive it again to undo.")
        )
        self.prominence_state = QLabel()
        self.derive_button = QPushButton(self.tr("Derive again 重新计算"))
        self.derive_button.setToolTip(
            self.tr("Score the booth again from its place, size and flags")
        )
        self.derive_button.clicked.connect(lambda: self._derive("prominence"))
        self.near_entrance_state = QLabel()
        self.derive_near_button = QPushButton(self.tr("Derive 重新计算"))
        self.derive_near_button.setToolTip(
            self.tr("Near an entrance or not from the booth's distance to the nearest entrance")
        )
        self.derive_near_button.clicked.connect(lambda: self._derive("near_entrance"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes 备注 (a pillar, power, water …)"))
        self.notes.setMaximumHeight(70)
        self.apply_button = QPushButton(self.tr("Apply 应用"))
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self._apply)
        self.revert_button = QPushButton(self.tr("Revert 还原"))
        self.revert_button.clicked.connect(lambda: self.show_booth(self.booth))
        self.message = QLabel()
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        # Labels above their fields: the panel shares the page with the plan, so it stays narrow.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow(self.tr("Code 编号"), self.code)
        form.addRow(self.tr("Kind 类型"), self.kind)
        prominence_row = QHBoxLayout()
        prominence_row.addWidget(self.prominence)
        prominence_row.addWidget(self.prominence_state, 1)
        form.addRow(self.tr("Prominence 显要度"), prominence_row)
        self.fields = QWidget()
        fields_layout = QVBoxLayout(self.fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_layout.addLayout(form)
        fields_layout.addWidget(self.derive_button)
        for key, label, tip in FLAGS:
            box = QCheckBox(self.tr(label))
            box.setToolTip(self.tr(tip))
            self.flags[key] = box
            fields_layout.addWidget(box)
            if key == "near_entrance":
                # Its own line under the box: the panel is too narrow for all three side by side.
                row = QHBoxLayout()
                row.setContentsMargins(22, 0, 0, 0)
                row.addWidget(self.near_entrance_state, 1)
                row.addWidget(self.derive_near_button)
                fields_layout.addLayout(row)
        fields_layout.addWidget(self.notes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.revert_button)
        fields_layout.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.fields)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.show_booth(None)

    def show_booth(self, booth: BoothInfo | None, selected: int = 0) -> None:
        """Fill the fields from ``booth`` (None: nothing or several booths selected)."""
        self.booth = booth
        self.message.clear()
        self.fields.setEnabled(booth is not None)
        if booth is None:
            self.heading.setText(
                self.tr("%n booths selected; select one booth to edit it.", "", selected)
                if selected > 1
                else self.tr("Select a booth on the plan to edit it. 选择展位以编辑")
            )
            self.code.clear()
            self.notes.clear()
            return
        heading = self.tr("Booth %1 · hall %2 · %3 m²").replace("%1", booth.code)
        heading = heading.replace("%2", booth.hall_code)
        heading = heading.replace(
            "%3", f"{booth.width_m:g} × {booth.depth_m:g} m = {booth.width_m * booth.depth_m:g}"
        )
        if booth.factory_name:
            heading += f"\n{booth.factory_name}"
        self.heading.setText(heading)
        self.code.setText(booth.code)
        self.kind.setCurrentIndex(self.kind.findData(booth.kind))
        for key, box in self.flags.items():
            box.setChecked(bool(getattr(booth, key)))
        self.prominence.setValue(booth.prominence)
        self.prominence_state.setText(
            self.tr("set by hand 手动") if booth.prominence_manual else self.tr("derived 自动")
        )
        self.derive_button.setEnabled(booth.prominence_manual)
        self.near_entrance_state.setText(
            self.tr("set by hand 手动") if booth.near_entrance_manual else self.tr("derived 自动")
        )
        self.derive_near_button.setEnabled(booth.near_entrance_manual)
        self.notes.setPlainText(booth.notes or "")

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the booth as saved, as ``update_booth`` arguments."""
        booth = self.booth
        if booth is None:
            return {}
        result: dict[str, Any] = {}
        if self.code.text().strip().upper() != booth.code:
            result["code"] = self.code.text()
        if self.kind.currentData() != booth.kind:
            result["kind"] = self.kind.currentData()
        for key, box in self.flags.items():
            if box.isChecked() != bool(getattr(booth, key)):
                result[key] = box.isChecked()
        if abs(self.prominence.value() - booth.prominence) >= 0.05:
            result["prominence"] = self.prominence.value()
        if self.notes.toPlainText().strip() != (booth.notes or ""):
            result["notes"] = self.notes.toPlainText()
        return result

    def put(self, changes: dict[str, Any]) -> None:
        """Show ``changes`` in the fields again (after a refused edit, so nothing typed is lost)."""
        if "code" in changes:
            self.code.setText(changes["code"])
        if "kind" in changes:
            self.kind.setCurrentIndex(self.kind.findData(changes["kind"]))
        for key, box in self.flags.items():
            if key in changes:
                box.setChecked(changes[key])
        if "prominence" in changes:
            self.prominence.setValue(changes["prominence"])
        if "notes" in changes:
            self.notes.setPlainText(changes["notes"])

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #B00020;" if error else "color: #1f2a36;")
        self.message.setText(text)

    def _apply(self) -> None:
        if self.booth is None:
            return
        changes = self.changes()
        if not changes:
            self.say(self.tr("Nothing changed; edit a field first."))
            return
        self.apply_requested.emit(self.booth.id, changes)

    def _derive(self, field: str) -> None:
        if self.booth is not None:
            self.derive_requested.emit(self.booth.id, field)
