"""The sign-in dialog: a name and a PIN, checked off the GUI thread (argon2 takes a moment).

Also the unlock dialog of a locked station: then the name is the signed-in person's and only
their PIN (or another user's sign-in, "switch user") opens the station again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from expo.actors import Actor
from expo.models import StationKind
from expo.services.users import check_pin
from ui.context import AppContext
from ui.settings import STATION_NAME


class SignInDialog(QDialog):
    signed_in = Signal(object)  # the Actor

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, locked_user: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.locked_user = locked_user
        self.setModal(True)
        self.setMinimumWidth(380)
        self.setWindowTitle(
            self.tr("Station locked 已锁定") if locked_user else self.tr("Sign in 登录")
        )
        self.name_edit = QLineEdit(locked_user or "")
        self.name_edit.setAccessibleName(self.tr("User name"))
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName(self.tr("PIN"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.sign_in_button = QPushButton(self.tr("Sign in 登录"))
        self.sign_in_button.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        if locked_user:
            self.switch_button = buttons.addButton(
                self.tr("Switch user 切换用户"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.switch_button.clicked.connect(self._switch_user)
            self.name_edit.setReadOnly(True)
        form = QFormLayout()
        form.addRow(self.tr("Name 姓名"), self.name_edit)
        form.addRow(self.tr("PIN 密码"), self.pin_edit)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("{station}: sign in to continue.").format(
                station=ctx.settings.get(STATION_NAME)
            )
        )
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        (self.pin_edit if locked_user else self.name_edit).setFocus()

    def reject(self) -> None:
        # Esc or the close button does not open a locked station; it only clears the PIN.
        self.pin_edit.clear()
        self.message.setText(self.tr("Sign in to use this station."))

    def _switch_user(self) -> None:
        self.locked_user = None
        self.name_edit.setReadOnly(False)
        self.name_edit.clear()
        self.pin_edit.clear()
        self.name_edit.setFocus()

    def try_sign_in(self) -> None:
        name, pin = self.name_edit.text().strip(), self.pin_edit.text()
        if not name or not pin:
            self.message.setText(self.tr("Type your name and PIN."))
            return
        self.sign_in_button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        station = self.ctx.settings.get(STATION_NAME)
        (
            self.ctx.tasks.op(check_pin, self.ctx.db, name, pin, station, StationKind.DESK)
            .owned_by(self)
            .on_success(self._accepted)
            .on_failure(self._refused)
            .run()
        )

    def _accepted(self, actor: Actor) -> None:
        self.ctx.signed_in = actor
        self.pin_edit.clear()
        self.sign_in_button.setEnabled(True)
        self.signed_in.emit(actor)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, exc: BaseException) -> None:
        self.pin_edit.clear()
        self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sign_in_button.setEnabled(True)
        self.message.setText(str(exc))
