"""The walk-in form: register a visitor at the desk with the keyboard only, in seconds.

Tab goes name → phone → company → type → WeChat; Enter saves from any field. When the phone or
WeChat id belongs to someone already registered, the form says so as soon as the number is
complete (or the field is left) and again on Enter, and offers that visitor (Enter) or saving a
new one anyway (Ctrl+Enter).
One visitor is one small transaction, so saving runs on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from expo.errors import ExpoError
from expo.models import StationKind, VisitorType
from expo.services.registry import (
    DuplicateVisitor,
    NewVisitor,
    VisitorHit,
    add_visitor,
    find_likely_duplicates,
)
from expo.text.labels import VISITOR_TYPE_LABELS
from expo.text.phones import normalise_phone
from ui.context import AppContext


class WalkInForm(QWidget):
    saved = Signal(int)  # the new visitor's id
    existing_chosen = Signal(int)  # the id of the already registered visitor the desk chose

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("walkinName")
        self.name_edit.setPlaceholderText(self.tr("姓名 Name"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("walkinPhone")
        self.phone_edit.setPlaceholderText(self.tr("手机 Mobile, e.g. 138 0013 8000"))
        self.company_edit = QLineEdit()
        self.company_edit.setObjectName("walkinCompany")
        self.company_edit.setPlaceholderText(self.tr("公司 / 店铺 Company or shop"))
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("walkinType")
        for visitor_type in VisitorType:
            zh, en = VISITOR_TYPE_LABELS[visitor_type]
            self.type_combo.addItem(f"{zh}  {en}", visitor_type.value)
        self.type_combo.setCurrentIndex(self.type_combo.findData(VisitorType.OTHER.value))
        self.wechat_edit = QLineEdit()
        self.wechat_edit.setObjectName("walkinWechat")
        self.wechat_edit.setPlaceholderText(self.tr("微信号 WeChat id (optional)"))
        self.save_button = QPushButton(self.tr("保存 Save (Enter)"))
        self.save_button.setObjectName("walkinSave")
        self.save_button.clicked.connect(lambda: self.save())

        self.message = QLabel()
        self.message.setObjectName("walkinMessage")
        self.message.setWordWrap(True)

        self.duplicate_panel = QFrame()
        self.duplicate_panel.setObjectName("walkinDuplicate")
        self.duplicate_panel.setStyleSheet(
            "#walkinDuplicate { background: #fff4e0; border: 1px solid #e8a33a;"
            " border-radius: 4px; }"
        )
        self.duplicate_label = QLabel()
        self.duplicate_label.setWordWrap(True)
        self.use_existing_button = QPushButton(self.tr("用这位观众 Use this visitor (Enter)"))
        self.use_existing_button.setObjectName("walkinUseExisting")
        self.use_existing_button.clicked.connect(self.choose_existing)
        self.save_anyway_button = QPushButton(self.tr("仍然新建 Save as new (Ctrl+Enter)"))
        self.save_anyway_button.setObjectName("walkinSaveAnyway")
        self.save_anyway_button.clicked.connect(lambda: self.save(force=True))
        panel_layout = QVBoxLayout(self.duplicate_panel)
        panel_layout.addWidget(self.duplicate_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_existing_button)
        buttons.addWidget(self.save_anyway_button)
        buttons.addStretch(1)
        panel_layout.addLayout(buttons)
        self.duplicate_panel.hide()

        form = QFormLayout()
        form.addRow(self.tr("姓名 Name *"), self.name_edit)
        form.addRow(self.tr("手机 Phone *"), self.phone_edit)
        form.addRow(self.tr("公司 Company"), self.company_edit)
        form.addRow(self.tr("类型 Type"), self.type_combo)
        form.addRow(self.tr("微信 WeChat"), self.wechat_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.duplicate_panel)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)

        order = [
            self.name_edit,
            self.phone_edit,
            self.company_edit,
            self.type_combo,
            self.wechat_edit,
            self.save_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.name_edit)

        # Warn as soon as the phone is a whole number, and again when a field is left (a
        # focus-out filter: editingFinished only fires for some focus changes).
        self.phone_edit.textEdited.connect(self._phone_typed)
        self.phone_edit.installEventFilter(self)
        self.wechat_edit.installEventFilter(self)
        self._duplicate: VisitorHit | None = None

    # -- actions
    def save(self, force: bool = False) -> int | None:
        """Save the visitor; returns the new id, or None when the form shows why not."""
        new = NewVisitor(
            name=self.name_edit.text(),
            phone=self.phone_edit.text(),
            company=self.company_edit.text(),
            visitor_type=VisitorType(self.type_combo.currentData()),
            wechat=self.wechat_edit.text(),
        )
        try:
            with self.ctx.write(StationKind.DESK) as session:
                station = session.station()
                hit = add_visitor(session, new, station, force=force)
        except DuplicateVisitor as exc:
            self._show_duplicate(exc.existing)
            self.use_existing_button.setFocus()
            return None
        except ExpoError as exc:
            self._show_error(str(exc))
            return None
        self.clear()
        self._show_message(
            self.tr("已保存 Saved: {name} ({phone}), #{id}").format(
                name=hit.name, phone=hit.phone_masked, id=hit.id
            ),
            error=False,
        )
        self.saved.emit(hit.id)
        return hit.id

    def check_duplicates(self) -> VisitorHit | None:
        """Show the already registered visitor with this phone or WeChat id, if any."""
        with self.ctx.db.session() as session:
            duplicates = find_likely_duplicates(
                session, self.phone_edit.text(), self.wechat_edit.text()
            )
        if duplicates:
            self._show_duplicate(duplicates[0])
            return duplicates[0]
        self._duplicate = None
        self.duplicate_panel.hide()
        return None

    def _phone_typed(self, text: str) -> None:
        if normalise_phone(text) is not None:
            self.check_duplicates()
        elif self._duplicate is not None:
            self._duplicate = None
            self.duplicate_panel.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusOut and watched in (self.phone_edit, self.wechat_edit):
            self.check_duplicates()
        return super().eventFilter(watched, event)

    def choose_existing(self) -> None:
        if self._duplicate is None:
            return
        visitor_id = self._duplicate.id
        self.clear()
        self.existing_chosen.emit(visitor_id)

    def clear(self) -> None:
        for edit in (self.name_edit, self.phone_edit, self.company_edit, self.wechat_edit):
            edit.clear()
        self.type_combo.setCurrentIndex(self.type_combo.findData(VisitorType.OTHER.value))
        self._duplicate = None
        self.duplicate_panel.hide()
        self.message.clear()
        self.name_edit.setFocus()

    # -- display
    def _show_duplicate(self, hit: VisitorHit) -> None:
        self._duplicate = hit
        company = f" · {hit.company}" if hit.company else ""
        self.duplicate_label.setText(
            self.tr(
                "可能已登记 Probably registered already: {name}  {phone}{company}  (#{id})"
            ).format(name=hit.name, phone=hit.phone_masked, company=company, id=hit.id)
        )
        self.message.clear()
        self.duplicate_panel.show()

    def _show_error(self, text: str) -> None:
        self._show_message(text, error=True)
        lowered = text.lower()
        if "name" in lowered:
            self.name_edit.setFocus()
        elif "phone" in lowered or "wechat" in lowered:
            self.phone_edit.setFocus()
            self.phone_edit.selectAll()

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")
        self.message.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Line edits and the closed combo box pass Enter up to here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save(force=True)  # the desk saw the warning and means a new person
            elif isinstance(focused, QPushButton):
                focused.click()
            else:
                self.save()
            event.accept()
            return
        super().keyPressEvent(event)
