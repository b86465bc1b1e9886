"""The scan field: Enter, Tab, no terminator at all, scanner-speed bursts, IME full-width input."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.widgets.scan_field import ScanField

CODE30 = "EXPO1.BAAAA.B.ABCDEFGHIJKLMNOP"  # 30 characters, the length of a code at 1M visitors


def _field(qtbot, **options) -> tuple[ScanField, list[str]]:  # noqa: ANN001, ANN003
    field = ScanField(**options)
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    field.setFocus()
    received: list[str] = []
    field.scanned.connect(received.append)
    return field, received


def test_enter_ends_a_scan_and_clears_the_field(qtbot) -> None:
    field, received = _field(qtbot)
    qtbot.keyClicks(field, "EXPO1.B.B.7FBPFIZ4JJACBCY2")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert received == ["EXPO1.B.B.7FBPFIZ4JJACBCY2"]
    assert field.text() == ""


def test_tab_ends_a_scan_and_does_not_move_the_focus(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    field = ScanField()
    other = QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(field)
    layout.addWidget(other)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    field.setFocus()
    received: list[str] = []
    field.scanned.connect(received.append)
    qtbot.keyClicks(field, "FD260000017")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert received == ["FD260000017"]
    assert QApplication.focusWidget() is field


def test_a_scan_with_no_terminator_ends_after_a_short_silence(qtbot) -> None:
    field, received = _field(qtbot)
    qtbot.keyClicks(field, "EXPO1.B.B.7FBPFIZ4JJACBCY2")  # a burst, no Enter, no Tab
    assert received == []
    blocker = qtbot.waitSignal(field.scanned, timeout=1000)
    blocker.wait()  # nothing more is typed: the silence ends the scan
    assert blocker.args == ["EXPO1.B.B.7FBPFIZ4JJACBCY2"]
    assert field.text() == ""


def test_a_30_character_scan_typed_at_scanner_speed(qtbot) -> None:
    field, received = _field(qtbot, gap_ms=80)
    assert len(CODE30) == 30
    with qtbot.waitSignal(field.scanned, timeout=3000) as blocker:
        qtbot.keyClicks(field, CODE30, delay=8)  # a USB scanner: a few ms per key
    assert blocker.args == [CODE30]
    assert received == [CODE30]  # one scan, not cut in pieces by the gap timer


def test_slow_typing_by_hand_waits_for_enter(qtbot) -> None:
    field, received = _field(qtbot, gap_ms=80)
    qtbot.keyClicks(field, "FD26000", delay=120)  # a person typing
    qtbot.wait(300)
    assert received == [] and field.text() == "FD26000"
    qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert received == ["FD26000"]


def test_full_width_input_from_a_chinese_ime_is_normalised(qtbot) -> None:
    field, received = _field(qtbot)
    full_width = "ＥＸＰＯ１。Ｂ。Ｂ。７ＦＢＰＦＩＺ４ＪＪＡＣＢＣＹ２"
    event = QInputMethodEvent("", [])
    event.setCommitString(full_width)
    QApplication.sendEvent(field, event)
    assert field.text() == full_width
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert received == ["EXPO1.B.B.7FBPFIZ4JJACBCY2"]


def test_empty_enter_emits_nothing(qtbot) -> None:
    field, received = _field(qtbot)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClicks(field, "   ")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert received == []


def test_the_field_takes_the_focus_back_from_a_button(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    field = ScanField()
    button = QPushButton("Print")
    layout = QVBoxLayout(window)
    layout.addWidget(field)
    layout.addWidget(button)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    field.setFocus()
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=1000)
