"""The desk's printing settings: when badges print, on which key, in which layout, on which printer.

Saved through ``ui.settings`` when the dialog is accepted (the printer as soon as it is chosen in
the system dialog, which changes the desk's printer at once). The print key must not be
something a barcode scanner types: a plain letter or digit, Enter or Tab would fire in the
middle of a scan, and the desk's other keys (F3, F4, F8, Esc) keep their jobs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from expo.badges.layout import BadgeLayout
from ui.printing.badge_printer import BadgePrinter
from ui.settings import (
    DESK_BADGE_LAYOUT,
    DESK_PRINT_KEY,
    DESK_PRINT_MODE,
    DESK_PRINTER,
    DESK_RESULT_SECONDS,
    PRINT_OFF,
    PRINT_ON_CHECK_IN,
    PRINT_ON_KEY,
    Settings,
)

# Keys the desk already uses, and the ones a scanner ends a scan with.
RESERVED_KEYS = {"F3", "F4", "F8", "Esc", "Return", "Enter", "Tab", "Backtab", "Backspace"}
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def print_key_problem(key: QKeySequence) -> str | None:
    """Why ``key`` cannot be the print key, or None if it can."""
    if key.isEmpty():
        return "Press the key that should print the badge (for example F2)."
    text = key.toString(QKeySequence.SequenceFormat.PortableText)
    if key.count() > 1:
        return f"{text} is a sequence of keys: choose one key, such as F2 or Ctrl+P."
    combination = key[0]  # type: ignore[index]  # PySide6 has __getitem__; stubs lack it
    if text in RESERVED_KEYS:
        return f"{text} has another job at the desk: choose a function key such as F2."
    is_text_key = combination.key().value < Qt.Key.Key_Escape.value  # letters, digits, space
    if is_text_key and not combination.keyboardModifiers() & _COMMAND_MODIFIERS:
        return f"Scanners type {text}: choose a function key (F2) or Ctrl+{text}."
    return None


class DeskSettingsDialog(QDialog):
    """Edits the desk's print mode, print key, badge layout and printer."""

    def __init__(
        self, settings: Settings, printer: BadgePrinter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.printer = printer
        self.setWindowTitle(self.tr("签到台设置 Desk settings"))

        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("deskSettingsMode")
        for label, value in (
            (self.tr("签到即打印 Print on check-in"), PRINT_ON_CHECK_IN),
            (self.tr("按键打印 Print on key"), PRINT_ON_KEY),
            (self.tr("不打印 Do not print"), PRINT_OFF),
        ):
            self.mode_combo.addItem(label, value)
        self.mode_combo.setCurrentIndex(
            max(0, self.mode_combo.findData(settings.get(DESK_PRINT_MODE)))
        )
        self.key_edit = QKeySequenceEdit(QKeySequence(settings.get(DESK_PRINT_KEY)))
        self.key_edit.setObjectName("deskSettingsKey")
        self.key_edit.setMaximumSequenceLength(1)
        self.key_edit.setClearButtonEnabled(True)
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("deskSettingsLayout")
        for label, value in (
            (self.tr("标签 Label 100×50"), BadgeLayout.LABEL),
            (self.tr("A6"), BadgeLayout.A6),
        ):
            self.layout_combo.addItem(label, value.value)
        self.layout_combo.setCurrentIndex(
            max(0, self.layout_combo.findData(settings.get(DESK_BADGE_LAYOUT)))
        )
        self.result_seconds = QSpinBox()
        self.result_seconds.setObjectName("deskSettingsResultSeconds")
        self.result_seconds.setRange(0, 120)
        self.result_seconds.setSpecialValueText(self.tr("一直显示 stays"))
        self.result_seconds.setSuffix(self.tr(" 秒 s"))
        self.result_seconds.setValue(round(settings.get(DESK_RESULT_SECONDS)))
        self.printer_button = QPushButton()
        self.printer_button.setObjectName("deskSettingsPrinter")
        self.printer_button.clicked.connect(self.choose_printer)
        self._show_printer()
        self.message = QLabel()
        self.message.setObjectName("deskSettingsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #C62828;")

        form = QFormLayout()
        form.addRow(self.tr("打印时机 Print"), self.mode_combo)
        form.addRow(self.tr("打印键 Print key"), self.key_edit)
        form.addRow(self.tr("版式 Layout"), self.layout_combo)
        form.addRow(self.tr("打印机 Printer"), self.printer_button)
        form.addRow(self.tr("结果显示 Result shown for"), self.result_seconds)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(self.message)
        outer.addWidget(self.buttons)
        self.key_edit.setFocus()

    def print_key(self) -> QKeySequence:
        return self.key_edit.keySequence()

    def choose_printer(self) -> None:
        if self.printer.choose(self):
            # A printer's name, or pdf:<file> for "Print to File (PDF)".
            self.settings.set(DESK_PRINTER, self.printer.setting_value())
        self._show_printer()

    def _show_printer(self) -> None:
        name = self.printer.describe()
        self.printer_button.setText(name if len(name) <= 40 else "…" + name[-39:])
        self.printer_button.setToolTip(name)

    def accept(self) -> None:
        problem = print_key_problem(self.print_key())
        if problem is not None:
            self.message.setText(problem)
            self.adjustSize()
            self.key_edit.setFocus()
            return
        self.settings.set(DESK_PRINT_MODE, str(self.mode_combo.currentData()))
        self.settings.set(
            DESK_PRINT_KEY, self.print_key().toString(QKeySequence.SequenceFormat.PortableText)
        )
        self.settings.set(DESK_BADGE_LAYOUT, str(self.layout_combo.currentData()))
        self.settings.set(DESK_RESULT_SECONDS, float(self.result_seconds.value()))
        self.settings.sync()
        super().accept()
