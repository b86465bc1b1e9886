"""Signing in at a station and its lock: PIN checked by the service, idle lock, Ctrl+L."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from expo.actors import Actor, Role
from expo.models import StationKind
from expo.services.users import add_user
from tests.ui.helpers import shown
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.settings import LOCK_IDLE_MINUTES


def _users(ctx: AppContext) -> None:
    with ctx.db.write(Actor("Office", StationKind.OFFICE)) as uow:
        add_user(uow, "boss", Role.ORGANISER, "135790")
    boss = Actor("Office", StationKind.OFFICE, user="boss", role=Role.ORGANISER)
    with ctx.db.write(boss) as uow:
        add_user(uow, "li.na", Role.DESK, "2468")


def test_an_event_with_users_asks_to_sign_in_and_acts_as_that_user(
    qtbot: QtBot, sync_ctx: AppContext
) -> None:
    _users(sync_ctx)
    window = shown(qtbot, MainWindow(sync_ctx))
    dialog = window.station_lock.dialog
    assert dialog is not None and dialog.isVisible()

    dialog.name_edit.setText("li.na")
    qtbot.keyClicks(dialog.pin_edit, "0000")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert "wrong PIN" in dialog.message.text()
    assert sync_ctx.signed_in is None

    qtbot.keyClicks(dialog.pin_edit, "2468")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert not window.station_lock.locked
    actor = sync_ctx.actor()
    assert (actor.user, actor.role) == ("li.na", Role.DESK)


def test_ctrl_l_locks_and_only_the_pin_unlocks(qtbot: QtBot, sync_ctx: AppContext) -> None:
    _users(sync_ctx)
    sync_ctx.signed_in = Actor("Desk", user="li.na", role=Role.DESK)
    window = shown(qtbot, MainWindow(sync_ctx))
    assert not window.station_lock.locked
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = window.station_lock.dialog
    assert dialog is not None and dialog.name_edit.text() == "li.na"
    assert not window.centralWidget().isVisible()  # nothing readable behind the lock
    dialog.reject()  # Esc: still locked
    assert window.station_lock.locked
    qtbot.keyClicks(dialog.pin_edit, "2468")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert not window.station_lock.locked
    assert window.centralWidget().isVisible()


def test_the_station_locks_when_left_idle(qtbot: QtBot, sync_ctx: AppContext) -> None:
    _users(sync_ctx)
    sync_ctx.signed_in = Actor("Desk", user="li.na", role=Role.DESK)
    sync_ctx.settings.set(LOCK_IDLE_MINUTES, 1)
    window = shown(qtbot, MainWindow(sync_ctx))
    assert window.station_lock.idle.isActive()
    window.station_lock.idle.timeout.emit()  # a minute without input
    assert window.station_lock.locked


def test_an_event_without_users_opens_without_sign_in(qtbot: QtBot, sync_ctx: AppContext) -> None:
    window = shown(qtbot, MainWindow(sync_ctx))
    assert not window.station_lock.locked
    window.station_lock.lock()
    assert not window.station_lock.locked
