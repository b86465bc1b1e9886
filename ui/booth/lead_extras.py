"""Who took the inquiry and the tags it puts on the lead: two small fields of the booth form."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from expo.services.lead_tags import clean_tags


class SalespersonBox(QComboBox):
    """The booth station's short list of salespeople; a new name may be typed (it joins the
    list when the inquiry is saved). The choice stays from one buyer to the next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("salesperson")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText(self.tr("销售 who took it"))

    def set_names(self, names: list[str]) -> None:
        current = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItems(names)
        self.setEditText(current)
        self.blockSignals(False)

    def name(self) -> str | None:
        return self.currentText().strip() or None


class TagsField(QLineEdit):
    """Tags separated by commas, completed from the factory's tags in use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tags")
        self.setPlaceholderText(self.tr("标签 tags, comma separated: VIP, 样品"))
        self._known = QStringListModel(self)
        self._completer = QCompleter(self._known, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(self._completer)

    def set_known(self, tags: list[str]) -> None:
        self._known.setStringList(tags)

    def tags(self) -> list[str]:
        return clean_tags([self.text()])
