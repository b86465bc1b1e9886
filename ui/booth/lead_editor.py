"""The booth's follow-up panel for one lead: its rating, follow-up date and notes, editable after
the fact (the lead's inquiries stay as they were logged). Also the follow-up date field that the
inquiry form uses too.

The panel only collects; the Booth page saves through ``expo.services.leads.update_lead``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from expo.models import LeadRating
from expo.services.leads import LeadSummary, LeadUpdate
from ui.booth.models import RATING_TEXT
from ui.widgets.combo_search import make_type_searchable
from ui.widgets.factory_files import show_status

DEFAULT_FOLLOW_UP_DAYS = 7


class FollowUpField(QWidget):
    """A check box "follow up on" and its date; ``value()`` is None while unchecked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(self.tr("跟进 Follow up on"))
        self.date_edit = QDateEdit(QDate.currentDate().addDays(DEFAULT_FOLLOW_UP_DAYS))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setEnabled(False)
        self.check.toggled.connect(self.date_edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.date_edit)
        layout.addStretch(1)

    def value(self) -> dt.date | None:
        if not self.check.isChecked():
            return None
        date = self.date_edit.date()
        return dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.date_edit.setDate(QDate(value.year, value.month, value.day))
        else:
            self.date_edit.setDate(QDate.currentDate().addDays(DEFAULT_FOLLOW_UP_DAYS))


class LeadEditor(QFrame):
    """Rating, follow-up date and notes of the selected lead; ``save_requested`` on the button
    (the page maps Ctrl+Enter and F2 to it while the focus is in here)."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.lead: LeadSummary | None = None
        self.title = QLabel(self.tr("线索跟进 Follow-up — select a lead"))
        self.title.setObjectName("leadEditorTitle")
        self.title.setStyleSheet("font-weight: 600;")
        self.rating = QComboBox()
        make_type_searchable(self.rating)  # pinyin, initials or any word picks an item
        self.rating.setObjectName("leadRating")
        self.rating.addItem(self.tr("— 未评级 not rated"), "")
        for rating in LeadRating:
            self.rating.addItem(RATING_TEXT[rating], rating.value)
        self.follow_up = FollowUpField()
        self.follow_up.setObjectName("leadFollowUp")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("leadNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(self.tr("线索备注 Notes on this buyer, for after the fair"))
        self.notes.setFixedHeight(52)
        self.save_button = QPushButton(self.tr("保存线索 Save lead   Ctrl+Enter / F2"))
        self.save_button.setObjectName("saveLead")
        self.message = QLabel()
        self.message.setObjectName("leadMessage")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("评级 Rating"), self.rating)
        form.addRow("", self.follow_up)
        form.addRow(self.tr("备注 Notes"), self.notes)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(bottom)
        self.save_button.clicked.connect(self.save_requested)
        self.show_lead(None)

    def show_lead(self, lead: LeadSummary | None) -> None:
        """Load ``lead``'s values (or empty and disabled without one)."""
        self.lead = lead
        for widget in (self.rating, self.follow_up, self.notes, self.save_button):
            widget.setEnabled(lead is not None)
        self.message.clear()
        if lead is None:
            self.title.setText(self.tr("线索跟进 Follow-up — select a lead"))
            self.rating.setCurrentIndex(0)
            self.follow_up.set_value(None)
            self.notes.clear()
            return
        self.title.setText(self.tr("线索跟进 Follow-up: {name}").format(name=lead.name))
        self.rating.setCurrentIndex(self.rating.findData(lead.rating.value if lead.rating else ""))
        self.follow_up.set_value(lead.follow_up_on)
        self.notes.setPlainText(lead.notes or "")

    def focus(self) -> None:
        if self.lead is not None:
            self.rating.setFocus()

    def change(self) -> LeadUpdate:
        """The panel's values as a full update of the lead."""
        rating = self.rating.currentData()
        return LeadUpdate(
            rating=LeadRating(rating) if rating else None,
            follow_up_on=self.follow_up.value(),
            notes=self.notes.toPlainText(),
        )

    def show_result(self, text: str, *, error: bool = False) -> None:
        show_status(self.message, text, error=error)
