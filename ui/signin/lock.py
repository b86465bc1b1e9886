"""Locking a station: after some idle minutes, or at once on Ctrl+L; the PIN opens it again.

Input anywhere in the application counts as activity (an application-wide event filter). A
locked station shows the unlock dialog over the window; nothing behind it takes input.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from expo.permissions import users_exist
from ui.context import AppContext
from ui.settings import LOCK_IDLE_MINUTES
from ui.signin.dialog import SignInDialog

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class StationLock(QObject):
    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.dialog: SignInDialog | None = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self.restart_idle()
        shortcut = QShortcut(QKeySequence("Ctrl+L"), window)
        shortcut.activated.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def restart_idle(self) -> None:
        minutes = self.ctx.settings.get(LOCK_IDLE_MINUTES)
        if minutes > 0:
            self.idle.start(minutes * 60_000)
        else:
            self.idle.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and not self.locked:
            self.restart_idle()
        return False

    def needs_sign_in(self) -> bool:
        with self.ctx.db.session() as session:
            return users_exist(session)

    def require_sign_in(self) -> None:
        """At start: an event with users shows the sign-in before anything else."""
        if self.ctx.signed_in is None and self.needs_sign_in():
            self._show(None)

    def lock(self) -> None:
        if self.locked or not self.needs_sign_in():
            return
        user = self.ctx.signed_in.user if self.ctx.signed_in else None
        self._show(user)

    def _show(self, user: str | None) -> None:
        # Nothing of the fair stays readable behind the dialog (a visitor list, leads).
        self._set_contents_visible(False)
        self.dialog = SignInDialog(self.ctx, self.window, locked_user=user)
        self.dialog.signed_in.connect(self._unlocked)
        self.dialog.open()

    def _unlocked(self, _actor: object) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        self._set_contents_visible(True)
        self.restart_idle()

    def _set_contents_visible(self, visible: bool) -> None:
        central = getattr(self.window, "centralWidget", None)
        widget = central() if callable(central) else None
        if widget is not None:
            widget.setVisible(visible)
