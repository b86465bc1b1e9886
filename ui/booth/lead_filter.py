"""The filter bar above the booth's lead list: a tag, and an answer to one of the factory's
questions (an option, or text contained in a text answer)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from expo.models import QuestionKind
from expo.services.lead_questions import QuestionInfo
from expo.services.leads import LeadFilter

ANY = ""


class LeadFilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.questions: dict[int, QuestionInfo] = {}
        self.tag = QComboBox()
        self.tag.setObjectName("filterTag")
        self.tag.setMinimumWidth(110)
        self.question = QComboBox()
        self.question.setObjectName("filterQuestion")
        self.question.setMinimumWidth(150)
        self.option = QComboBox()
        self.option.setObjectName("filterOption")
        self.option.setMinimumWidth(110)
        self.text = QLineEdit()
        self.text.setObjectName("filterText")
        self.text.setPlaceholderText(self.tr("答案包含 answer contains"))
        self.text.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("筛选 Filter")))
        layout.addWidget(self.tag)
        layout.addWidget(self.question)
        layout.addWidget(self.option)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.tag.currentIndexChanged.connect(self.changed)
        self.question.currentIndexChanged.connect(self._question_changed)
        self.option.currentIndexChanged.connect(self.changed)
        self.text.textChanged.connect(self.changed)
        self.set_choices([], [])

    def set_choices(self, tags: list[tuple[str, int]], questions: list[QuestionInfo]) -> None:
        """The factory's tags (with counts) and questions; keeps the current choice if it is
        still there."""
        current_tag = self.tag.currentData()
        current_question = self.question.currentData()
        self.blockSignals(True)
        self.tag.blockSignals(True)
        self.question.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(self.tr("全部标签 any tag"), ANY)
        for tag, count in tags:
            self.tag.addItem(f"#{tag} ({count})", tag)
        self.tag.setCurrentIndex(max(0, self.tag.findData(current_tag)))
        self.questions = {q.id: q for q in questions}
        self.question.clear()
        self.question.addItem(self.tr("全部答案 any answer"), 0)
        for question in questions:
            self.question.addItem(question.text, question.id)
        self.question.setCurrentIndex(max(0, self.question.findData(current_question)))
        self.tag.blockSignals(False)
        self.question.blockSignals(False)
        self.blockSignals(False)
        self._question_changed(emit=False)

    def _question_changed(self, _index: int = 0, *, emit: bool = True) -> None:
        question = self.questions.get(self.question.currentData() or 0)
        current = self.option.currentData()
        self.option.blockSignals(True)
        self.option.clear()
        is_text = question is not None and question.kind == QuestionKind.TEXT
        self.text.setVisible(is_text)
        self.option.setVisible(question is not None and not is_text)
        if question is not None and not is_text:
            for option in question.options:
                self.option.addItem(option, option)
            self.option.setCurrentIndex(max(0, self.option.findData(current)))
        self.option.blockSignals(False)
        if emit:
            self.changed.emit()

    def select(
        self, *, tag: str | None = None, question: int | None = None, value: str = ""
    ) -> None:
        """Choose a filter as a click would (for the page and its tests)."""
        if tag is not None:
            self.tag.setCurrentIndex(self.tag.findData(tag))
        if question is not None:
            self.question.setCurrentIndex(self.question.findData(question))
            if self.questions[question].kind == QuestionKind.TEXT:
                self.text.setText(value)
            else:
                self.option.setCurrentIndex(self.option.findData(value))

    def value(self) -> LeadFilter:
        answers: dict[int, str] = {}
        question_id = self.question.currentData() or 0
        question = self.questions.get(question_id)
        if question is not None:
            value = (
                self.text.text()
                if question.kind == QuestionKind.TEXT
                else self.option.currentData()
            )
            if value:
                answers[question_id] = str(value).strip()
        return LeadFilter(tag=self.tag.currentData() or None, answers=answers)

    def active(self) -> bool:
        return self.value() != LeadFilter()
