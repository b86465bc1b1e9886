"""The Visitors page's filters: visitor type, checked in or not, walk-in or pre-registered.

The filtering itself is SQL in ``expo.services.visitor_list`` (``VisitorFilter``); this bar
only says what is wanted and tells when it changes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from expo.models import VisitorSource, VisitorType
from expo.services.visitor_list import VisitorFilter
from expo.text.labels import visitor_type_label
from ui.widgets.combo_search import make_type_searchable


class VisitorFilterBar(QWidget):
    changed = Signal(object)  # the new VisitorFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("visitorTypeFilter")
        self.type_combo.addItem(self.tr("全部类型 All types"), None)
        for visitor_type in VisitorType:
            self.type_combo.addItem(visitor_type_label(visitor_type), visitor_type.value)
        self.checked_combo = QComboBox()
        self.checked_combo.setObjectName("visitorCheckedFilter")
        self.checked_combo.addItem(self.tr("签到 Any check-in"), None)
        self.checked_combo.addItem(self.tr("已签到 Checked in"), True)
        self.checked_combo.addItem(self.tr("未签到 Not checked in"), False)
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("visitorSourceFilter")
        self.source_combo.addItem(self.tr("来源 Any source"), None)
        self.source_combo.addItem(
            self.tr("预登记 Pre-registered"), VisitorSource.PREREGISTERED.value
        )
        self.source_combo.addItem(self.tr("现场登记 Walk-in"), VisitorSource.WALK_IN.value)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("筛选 Filter:")))
        for combo in (self.type_combo, self.checked_combo, self.source_combo):
            make_type_searchable(combo)
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit(self.current()))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            layout.addWidget(combo)
        layout.addStretch(1)

    def current(self) -> VisitorFilter:
        visitor_type = self.type_combo.currentData()
        source = self.source_combo.currentData()
        return VisitorFilter(
            visitor_type=VisitorType(visitor_type) if visitor_type else None,
            checked_in=self.checked_combo.currentData(),
            source=VisitorSource(source) if source else None,
        )

    def set_filter(self, wanted: VisitorFilter) -> None:
        """Show ``wanted`` (emits ``changed`` once if it differs)."""
        for combo, value in (
            (self.type_combo, wanted.visitor_type.value if wanted.visitor_type else None),
            (self.checked_combo, wanted.checked_in),
            (self.source_combo, wanted.source.value if wanted.source else None),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))
