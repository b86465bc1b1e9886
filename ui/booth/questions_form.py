"""The factory's qualifying questions on the booth form, answered in a few keys.

A text question is a line edit. A choice question is one focusable row of numbered options:
with the focus on it, the digit keys 1-9 pick options (one choice: the key picks that option,
again clears it; many: each key toggles its option), Tab goes on to the next question. The
options are buttons too, for the mouse. The form only collects; the page saves the answers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from expo.models import QuestionKind
from expo.services.lead_questions import QuestionInfo

_CHOICE_STYLE = (
    "QPushButton { padding: 2px 6px; border: 1px solid #cbd5e1; border-radius: 4px;"
    " background: white; color: #0f172a; }"
    " QPushButton:checked { background: #0f766e; color: white; border-color: #0f766e;"
    " font-weight: 600; }"
)
_FRAME_STYLE = {
    True: "ChoiceKeys { border: 2px solid #2563eb; border-radius: 5px; }",
    False: "ChoiceKeys { border: 2px solid transparent; border-radius: 5px; }",
}


class ChoiceKeys(QFrame):
    """Numbered options of one question; digit keys pick them while this row has the focus."""

    changed = Signal()

    def __init__(self, question: QuestionInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.single = question.kind == QuestionKind.ONE
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setObjectName(f"question_{question.id}")
        self.setStyleSheet(_FRAME_STYLE[False])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        self.buttons: list[QPushButton] = []
        for number, option in enumerate(question.options, 1):
            button = QPushButton(f"{number} {option}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes question to question
            button.setStyleSheet(_CHOICE_STYLE)
            button.clicked.connect(lambda _on, n=number - 1: self._clicked(n))
            self.buttons.append(button)
            layout.addWidget(button)
        layout.addStretch(1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            index = int(text) - 1
            self.buttons[index].setChecked(not self.buttons[index].isChecked())
            self._clicked(index)
            return
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_0):
            self.clear()
            self.changed.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        self.setStyleSheet(_FRAME_STYLE[True])
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        self.setStyleSheet(_FRAME_STYLE[False])
        super().focusOutEvent(event)

    def _clicked(self, index: int) -> None:
        if self.single and self.buttons[index].isChecked():
            for other, button in enumerate(self.buttons):
                if other != index:
                    button.setChecked(False)
        self.changed.emit()

    def values(self) -> list[str]:
        return [
            option
            for option, button in zip(self.question.options, self.buttons, strict=True)
            if button.isChecked()
        ]

    def clear(self) -> None:
        for button in self.buttons:
            button.setChecked(False)


class QuestionsForm(QWidget):
    """One row per question of the factory; ``answers()`` gives what the service stores."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionsForm")
        self.questions: list[QuestionInfo] = []
        self.inputs: list[QWidget] = []
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setVerticalSpacing(3)
        self.label_width = 134  # the booth form's label column, so the fields line up

    def set_label_width(self, width: int) -> None:
        self.label_width = width
        self.set_questions(self.questions)

    def set_questions(self, questions: list[QuestionInfo]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.questions = list(questions)
        self.inputs = []
        for question in self.questions:
            widget: QWidget
            if question.kind == QuestionKind.TEXT:
                line = QLineEdit()
                line.setObjectName(f"question_{question.id}")
                line.setMaxLength(500)
                widget = line
            else:
                widget = ChoiceKeys(question)
            label = QLabel()
            label.setFixedWidth(self.label_width)
            label.setText(
                label.fontMetrics().elidedText(
                    question.text, Qt.TextElideMode.ElideRight, self.label_width
                )
            )
            label.setToolTip(question.text)
            label.setBuddy(widget)
            self.inputs.append(widget)
            self.form.addRow(label, widget)
        self.setVisible(bool(self.questions))

    def answers(self) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        for question, widget in zip(self.questions, self.inputs, strict=True):
            if isinstance(widget, QLineEdit):
                if widget.text().strip():
                    found.append((question.id, widget.text()))
            elif isinstance(widget, ChoiceKeys):
                found += [(question.id, value) for value in widget.values()]
        return found

    def clear(self) -> None:
        for widget in self.inputs:
            if isinstance(widget, QLineEdit):
                widget.clear()
            elif isinstance(widget, ChoiceKeys):
                widget.clear()

    def first_input(self) -> QWidget | None:
        return self.inputs[0] if self.inputs else None

    def last_input(self) -> QWidget | None:
        return self.inputs[-1] if self.inputs else None
