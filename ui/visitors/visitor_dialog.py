"""One visitor, opened from the Visitors page (double-click): fix their details, see their
check-ins, badges and booth inquiries, print or reprint their badge, reissue a lost one.

Saving goes through ``expo.services.visitor_edit.update_visitor`` with the version read when the
dialog opened: if another station saved the visitor meanwhile, the save is refused with a
message and nothing is overwritten. A phone another visitor has is refused and names them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from expo.badges.layout import BadgeLayout
from expo.errors import ExpoError
from expo.models import CheckInKind, StationKind, VisitorType
from expo.services.badges import badge_card, record_badge_print, reissue_badge
from expo.services.checkin import event_zone
from expo.services.events import current_event
from expo.services.registry import DuplicateVisitor
from expo.services.visitor_details import VisitorDetails, visitor_details
from expo.services.visitor_edit import update_visitor
from expo.text.labels import SOURCE_LABELS, VISITOR_TYPE_LABELS
from ui.context import AppContext
from ui.printing.badge_printer import BadgePrinter
from ui.settings import DESK_BADGE_LAYOUT, DESK_PRINTER
from ui.visitors.walkin_form import CONSENT_TEXT
from ui.widgets.combo_search import make_type_searchable


class VisitorDialog(QDialog):
    saved = Signal(int)  # the visitor's id, after an edit, a print or a reissue

    def __init__(
        self,
        ctx: AppContext,
        visitor_id: int,
        parent: QWidget | None = None,
        *,
        printer: BadgePrinter | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visitor_id = visitor_id
        self.printer = printer or BadgePrinter(ctx.settings.get(DESK_PRINTER))
        self.details: VisitorDetails | None = None
        self.setObjectName("visitorDialog")

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("visitorName")
        self.company_edit = QLineEdit()
        self.company_edit.setObjectName("visitorCompany")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("visitorPhone")
        self.phone_error = QLabel()
        self.phone_error.setObjectName("visitorPhoneError")
        self.phone_error.setWordWrap(True)
        self.phone_error.setStyleSheet("color: #c0392b;")
        self.phone_error.hide()
        self.wechat_edit = QLineEdit()
        self.wechat_edit.setObjectName("visitorWechat")
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("visitorType")
        for visitor_type in VisitorType:
            zh, en = VISITOR_TYPE_LABELS[visitor_type]
            self.type_combo.addItem(f"{zh}  {en}", visitor_type.value)
        make_type_searchable(self.type_combo)
        self.city_edit = QLineEdit()
        self.city_edit.setObjectName("visitorCity")
        self.consent_box = QCheckBox(self.tr("同意 Agreed"))
        self.consent_box.setObjectName("visitorConsent")
        consent_text = QLabel(self.tr(CONSENT_TEXT))
        consent_text.setWordWrap(True)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("visitorNotes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(54)
        self.info = QLabel()
        self.info.setObjectName("visitorInfo")
        self.info.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("姓名 Name *"), self.name_edit)
        form.addRow(self.tr("公司 Company"), self.company_edit)
        form.addRow(self.tr("手机 Phone"), self.phone_edit)
        form.addRow("", self.phone_error)
        form.addRow(self.tr("微信 WeChat"), self.wechat_edit)
        form.addRow(self.tr("类型 Type"), self.type_combo)
        form.addRow(self.tr("城市 City"), self.city_edit)
        consent = QVBoxLayout()
        consent.addWidget(consent_text)
        consent.addWidget(self.consent_box)
        form.addRow(self.tr("授权 Consent"), consent)
        form.addRow(self.tr("备注 Notes"), self.notes_edit)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.info)
        details_layout.addLayout(form)
        details_layout.addStretch(1)  # the form stays together; spare height goes below it

        self.check_ins = QListWidget()
        self.check_ins.setObjectName("visitorCheckIns")
        self.badges = QListWidget()
        self.badges.setObjectName("visitorBadges")
        self.inquiries = QListWidget()
        self.inquiries.setObjectName("visitorInquiries")
        self.tabs = QTabWidget()
        self.tabs.addTab(details, self.tr("资料 Details"))
        self.tabs.addTab(self.check_ins, self.tr("签到 Check-ins"))
        self.tabs.addTab(self.badges, self.tr("胸卡 Badges"))
        self.tabs.addTab(self.inquiries, self.tr("询盘 Inquiries"))

        self.message = QLabel()
        self.message.setObjectName("visitorMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存 Save"))
        self.save_button.setObjectName("visitorSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        self.print_button = QPushButton()
        self.print_button.setObjectName("visitorPrint")
        self.print_button.clicked.connect(lambda: self.print_badge())
        self.reissue_button = QPushButton(self.tr("补办 Reissue lost badge…"))
        self.reissue_button.setObjectName("visitorReissue")
        self.reissue_button.clicked.connect(lambda: self.reissue())
        close = QPushButton(self.tr("关闭 Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.reissue_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(620, 620)
        self.load()

    # -- reading
    def load(self) -> None:
        """Read the visitor again (fields, version, history)."""
        with self.ctx.read(StationKind.DESK) as session:
            details = visitor_details(session, self.visitor_id)
            self._zone = event_zone(session)
            self._event_name = current_event(session).name
        self.details = details
        self.setWindowTitle(
            self.tr("观众 Visitor #{id}: {name}").format(id=details.id, name=details.name)
        )
        self.name_edit.setText(details.name)
        self.company_edit.setText(details.company or "")
        self.phone_edit.setText(details.phone or "")
        self.wechat_edit.setText(details.wechat or "")
        self.type_combo.setCurrentIndex(self.type_combo.findData(details.visitor_type.value))
        self.city_edit.setText(details.city or "")
        self.consent_box.setChecked(details.consent_share)
        self.notes_edit.setPlainText(details.notes or "")
        zh, en = SOURCE_LABELS[details.source]
        checked = (
            self.tr("已签到 checked in") if details.checked_in else self.tr("未签到 not checked in")
        )
        self.info.setText(
            f"#{details.id} · {zh} {en} · {details.registration_no or '—'} · {checked}"
        )
        self._fill_history(details)
        self._update_buttons()

    def _time(self, moment: Any) -> str:
        return f"{moment.astimezone(self._zone):%m-%d %H:%M}"

    def _fill_history(self, details: VisitorDetails) -> None:
        self.check_ins.clear()
        for line in details.check_ins:
            kind = "再次入场 re-entry" if line.kind is CheckInKind.RE_ENTRY else "入场 entry"
            undone = "  [已撤销 undone]" if line.undone else ""
            self.check_ins.addItem(f"{self._time(line.at)}  {line.station}  {kind}{undone}")
        if not details.check_ins:
            self.check_ins.addItem(self.tr("— 尚未签到 Not checked in yet"))
        self.badges.clear()
        for badge in details.badges:
            if badge.revoked_at is not None:
                state = self.tr("已作废 revoked {at}").format(at=self._time(badge.revoked_at))
            elif badge.printed_at is not None:
                state = self.tr("有效 valid, printed {n}×").format(n=badge.reprint_count + 1)
            else:
                state = self.tr("有效 valid, not printed")
            self.badges.addItem(f"#{badge.serial}  {badge.code}  {state}")
        if not details.badges:
            self.badges.addItem(self.tr("— 尚无胸卡 No badge yet (printing issues one)"))
        self.inquiries.clear()
        for inquiry in details.inquiries:
            quantity = f" × {inquiry.quantity:,}" if inquiry.quantity else ""
            self.inquiries.addItem(
                f"{self._time(inquiry.at)}  {inquiry.factory}  {', '.join(inquiry.skus)}{quantity}"
            )
        if not details.inquiries:
            self.inquiries.addItem(self.tr("— 无询盘 No booth inquiries"))

    def _update_buttons(self) -> None:
        valid = [b for b in (self.details.badges if self.details else []) if b.revoked_at is None]
        printed = bool(valid) and valid[-1].printed_at is not None
        self.print_button.setText(
            self.tr("重印胸卡 Reprint badge") if printed else self.tr("打印胸卡 Print badge")
        )

    # -- editing
    def changes(self) -> dict[str, Any]:
        """The fields the desk changed (what the save sends)."""
        assert self.details is not None
        before = self.details
        typed: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "company": self.company_edit.text().strip() or None,
            "phone": self.phone_edit.text().strip() or None,
            "wechat": self.wechat_edit.text().strip() or None,
            "visitor_type": VisitorType(self.type_combo.currentData()),
            "city": self.city_edit.text().strip() or None,
            "consent_share": self.consent_box.isChecked(),
            "notes": self.notes_edit.toPlainText().strip() or None,
        }
        return {field: value for field, value in typed.items() if getattr(before, field) != value}

    def has_unsaved_changes(self) -> bool:
        return self.details is not None and bool(self.changes())

    def save(self) -> bool:
        """Save the changed fields; False (and why, on screen) when they cannot be saved."""
        assert self.details is not None
        changes = self.changes()
        self.phone_error.hide()
        if not changes:
            self._say(self.tr("没有改动 Nothing changed."))
            return True
        try:
            with self.ctx.write(StationKind.DESK) as uow:
                update_visitor(
                    uow, self.visitor_id, expected_version=self.details.version, **changes
                )
        except DuplicateVisitor as exc:
            self.phone_error.setText(str(exc))
            self.phone_error.show()
            self.phone_edit.setFocus()
            return False
        except ExpoError as exc:
            self._say(str(exc), error=True)
            return False
        self.load()
        self._say(self.tr("✓ 已保存 Saved."))
        self.saved.emit(self.visitor_id)
        return True

    # -- badges
    def _layout(self) -> BadgeLayout:
        try:
            return BadgeLayout(self.ctx.settings.get(DESK_BADGE_LAYOUT))
        except ValueError:
            return BadgeLayout(DESK_BADGE_LAYOUT.default)

    def print_badge(self) -> bool:
        """Print (or reprint) the visitor's badge on the desk's printer; the print is logged."""
        with self.ctx.write(StationKind.DESK) as uow:
            card = badge_card(uow, self.visitor_id)  # issues the first badge if there is none
        layout = self._layout()
        try:
            self.printer.print_cards([card], layout, self._event_name)
        except ExpoError as exc:
            self._say(str(exc), error=True)
            return False
        assert card.badge_id is not None
        with self.ctx.write(StationKind.DESK) as uow:
            record = record_badge_print(uow, card.badge_id, uow.station(), layout=layout)
        self.load()
        if record.reprint:
            self._say(
                self.tr("胸卡已重印 Badge reprinted (reprint {n}).").format(n=record.reprint_count)
            )
        else:
            self._say(self.tr("胸卡已打印 Badge printed."))
        self.saved.emit(self.visitor_id)
        return True

    def confirm_reissue(self) -> bool:
        assert self.details is not None
        box = QMessageBox(self)
        box.setObjectName("confirmReissue")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("补办胸卡 Reissue a lost badge"))
        box.setText(
            self.tr("为 {name} 补办新胸卡？ Reissue the badge of {name}?").format(
                name=self.details.name
            )
        )
        box.setInformativeText(
            self.tr(
                "旧胸卡的二维码将立即在所有签到台和展位作废（扫码显示“已作废”），并生成新码。"
                "此操作不能撤销。\n"
                "The old badge's code stops working at once at every desk and booth (a scan "
                'shows "revoked"), and a new code is issued. This cannot be undone.'
            )
        )
        reissue = box.addButton(
            self.tr("作废并补办 Revoke and reissue"), QMessageBox.ButtonRole.DestructiveRole
        )
        keep = box.addButton(self.tr("取消 Keep the old badge"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is reissue

    def reissue(self) -> bool:
        """A lost badge, once confirmed: revoke the old code, issue a new one."""
        if not self.confirm_reissue():
            self._say(self.tr("没有改动 Nothing changed: the old badge still works."))
            return False
        with self.ctx.write(StationKind.DESK) as uow:
            reissue_badge(uow, self.visitor_id)
        self.load()
        self._say(
            self.tr("旧胸卡已作废，新码已生成 Old badge revoked; new code issued. Print it now.")
        )
        self.saved.emit(self.visitor_id)
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")
        self.message.setText(text)

    def reject(self) -> None:
        if self.has_unsaved_changes():
            from ui.main_window import confirm_discard

            fields = ", ".join(sorted(self.changes()))
            if not confirm_discard(
                self, [self.tr("观众资料 Visitor changes: {f}").format(f=fields)]
            ):
                return
        super().reject()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        # Enter in a line edit saves, as the default button would; Esc asks before losing edits.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(
            self.focusWidget(), QPlainTextEdit
        ):
            self.save()
            return
        super().keyPressEvent(event)
