"""The check-in desk page: scans to green/amber/red, undo, printing, search and walk-ins."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton
from sqlalchemy import func, select

from expo.models import Badge, BadgePrint, CheckIn, Visitor, VisitorType
from expo.services.badges import code_for_visitor, reissue_badge
from expo.services.checkin import CheckInStatus
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.ui.helpers import answer_next_box
from ui.context import AppContext
from ui.desk.page import DeskPage
from ui.desk.result_panel import AMBER, BLUE, GREEN, RED
from ui.desk.settings_dialog import DeskSettingsDialog
from ui.ops import TaskRunner
from ui.printing.badge_printer import BadgePrinter
from ui.settings import (
    DESK_BADGE_LAYOUT,
    DESK_PRINT_KEY,
    DESK_PRINT_MODE,
    PRINT_ON_CHECK_IN,
    STATION_NAME,
)


class RecordingSound:
    def __init__(self) -> None:
        self.played: list[CheckInStatus] = []

    def play(self, status: CheckInStatus) -> None:
        self.played.append(status)


@pytest.fixture
def visitors(empty_db) -> dict[str, int]:
    with empty_db.write(OFFICE) as session:
        return {
            "zhang": add_visitor(
                session, "张伟", "义乌小商品贸易有限公司", VisitorType.LIVESTREAMER, "FD260000001"
            ),
            "li": add_visitor(session, "李娜", "宁波家居", VisitorType.TAOBAO, "FD260000002"),
            # An id with five base32 digits: its code is 30 characters long.
            "far": add_visitor(session, "王芳", "杭州服饰", VisitorType.CROSS_BORDER, id=32**4),
        }


@pytest.fixture
def desk(qtbot, empty_db, settings, visitors, tmp_path: Path) -> DeskPage:
    settings.set(STATION_NAME, "Desk 1")
    ctx = AppContext(db=empty_db, tasks=TaskRunner(synchronous=True), settings=settings)
    page = DeskPage(
        ctx, sound=RecordingSound(), printer=BadgePrinter(output_pdf=tmp_path / "printed.pdf")
    )
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    return page


def _code(db, visitor_id: int) -> str:  # noqa: ANN001
    with db.write(OFFICE) as session:
        return code_for_visitor(session, visitor_id)


def _panel_colour(page: DeskPage) -> QColor:
    image = page.result.grab().toImage()
    return QColor(image.pixel(12, image.height() - 12))


def _close(colour: QColor, hex_colour: str) -> bool:
    want = QColor(hex_colour)
    return all(abs(a - b) <= 8 for a, b in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_a_scan_shows_green_then_amber_with_time_and_desk(
    qtbot, desk: DeskPage, empty_db, visitors, artifacts_dir: Path
) -> None:
    code = _code(empty_db, visitors["zhang"])
    qtbot.keyClicks(desk.scan, code)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.result.status is CheckInStatus.OK
    assert desk.result.name.text() == "张伟"
    assert "义乌小商品贸易有限公司" in desk.result.details.text()
    assert "主播" in desk.result.details.text()
    assert _close(_panel_colour(desk), GREEN)
    assert desk.sound.played == [CheckInStatus.OK]
    assert desk.scan.hasFocus() and desk.scan.text() == ""  # the next scan at once
    desk.grab().save(str(artifacts_dir / "desk-green.png"))

    qtbot.keyClicks(desk.scan, code)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.result.status is CheckInStatus.ALREADY
    with empty_db.session() as session:
        first_at = session.scalar(select(func.min(CheckIn.at)))
    local = first_at.astimezone(desk._event()[1])
    assert f"{local:%H:%M}" in desk.result.message.text()
    assert "Desk 1" in desk.result.message.text()
    assert _close(_panel_colour(desk), AMBER)
    assert desk.sound.played == [CheckInStatus.OK, CheckInStatus.ALREADY]
    assert desk.recent.count() == 2 and "re-entry" in desk.recent.item(0).text()
    desk.grab().save(str(artifacts_dir / "desk-amber.png"))


def test_tampered_and_revoked_codes_show_red(qtbot, desk: DeskPage, empty_db, visitors) -> None:
    code = _code(empty_db, visitors["li"])
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    desk.scan.setText(tampered)
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.INVALID
    assert _close(_panel_colour(desk), RED)
    with empty_db.write(OFFICE) as session:
        reissue_badge(session, visitors["li"])
    desk.scan.setText(code)
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.REVOKED
    assert desk.result.name.text() == "李娜"
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_a_30_character_scan_at_scanner_speed_without_enter_checks_in(
    qtbot, desk: DeskPage, empty_db, visitors
) -> None:
    code = _code(empty_db, visitors["far"])
    assert len(code) == 30
    with qtbot.waitSignal(desk.result_shown, timeout=3000) as blocker:
        qtbot.keyClicks(desk.scan, code, delay=6)
    assert blocker.args[0].status is CheckInStatus.OK
    assert desk.result.name.text() == "王芳"


def test_undo_removes_exactly_one_check_in(qtbot, desk: DeskPage, empty_db, visitors) -> None:
    for key in ("zhang", "li"):
        desk.scan.setText(_code(empty_db, visitors[key]))
        desk.scan.finish_scan()
    assert desk.undo_button.isEnabled()
    qtbot.keyClick(desk.scan, Qt.Key.Key_F8)
    with empty_db.session() as session:
        rows = session.execute(select(CheckIn.visitor_id, CheckIn.undone_at)).all()
    assert len(rows) == 2
    assert [visitor_id for visitor_id, undone_at in rows if undone_at is not None] == [
        visitors["li"]
    ]
    assert not desk.undo_button.isEnabled()
    assert "undone" in desk.result.headline.text().lower()
    assert desk.count_label.text().endswith(": 1")
    qtbot.keyClick(desk.scan, Qt.Key.Key_F8)  # a second undo does not reach further back
    with empty_db.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(CheckIn).where(CheckIn.undone_at.is_not(None))
            )
            == 1
        )


def test_print_on_key_prints_a_decodable_badge_and_counts_reprints(
    qtbot, desk: DeskPage, empty_db, visitors, tmp_path: Path
) -> None:
    code = _code(empty_db, visitors["zhang"])
    desk.scan.setText(code)
    desk.scan.finish_scan()
    printed = tmp_path / "printed.pdf"
    assert not printed.exists()  # print mode "on key": nothing yet
    qtbot.keyClick(desk.scan, Qt.Key.Key_F2)
    assert printed.exists()
    subprocess.run(["pdftoppm", "-png", "-r", "203", str(printed), str(tmp_path / "p")], check=True)
    page = next(tmp_path.glob("p-*.png"))
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(page))] == [code]
    qtbot.keyClick(desk.scan, Qt.Key.Key_F2)
    assert "reprint 1" in desk.status_line.text()
    with empty_db.session() as session:
        badge = session.scalar(select(Badge).where(Badge.code == code))
        assert badge.printed_at is not None and badge.reprint_count == 1
        assert session.scalar(select(func.count()).select_from(BadgePrint)) == 2


def _in_settings_dialog(qtbot, desk: DeskPage, act: Callable[[DeskSettingsDialog], None]) -> bool:
    """Open the desk settings as the user does (a modal dialog) and let ``act`` work in it."""

    def interact() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DeskSettingsDialog)
        try:
            act(dialog)
        finally:
            if dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted:
                dialog.reject()  # never leave the test waiting in exec()

    QTimer.singleShot(0, interact)
    accepted = desk.open_settings()
    qtbot.waitUntil(desk.isActiveWindow)  # the desk takes the keys back
    return accepted


def _ok(dialog: DeskSettingsDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_a_print_key_chosen_in_the_settings_dialog_prints_and_is_kept(
    qtbot, desk: DeskPage, empty_db, visitors, settings, tmp_path: Path, artifacts_dir: Path
) -> None:
    seen: dict[str, str] = {}

    def change_key(dialog: DeskSettingsDialog) -> None:
        dialog.key_edit.clear()
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_P)  # a key scanners type: refused
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
        seen["refusal"] = dialog.message.text()
        assert dialog.isVisible() and settings.get(DESK_PRINT_KEY) == "F2"
        dialog.key_edit.clear()
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_F6)
        dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("a6"))
        dialog.grab().save(str(artifacts_dir / "desk-settings-dialog.png"))
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)

    assert _in_settings_dialog(qtbot, desk, change_key)
    assert "Scanners type P" in seen["refusal"]
    assert settings.get(DESK_PRINT_KEY) == "F6"
    assert settings.get(DESK_BADGE_LAYOUT) == "a6"
    assert "F6" in desk.print_button.text() and "F6" in desk.shortcut_hint()
    desk.grab().save(str(artifacts_dir / "desk-after-settings.png"))

    code = _code(empty_db, visitors["zhang"])
    desk.scan.setText(code)
    desk.scan.finish_scan()
    printed = tmp_path / "printed.pdf"
    qtbot.keyClick(desk.scan, Qt.Key.Key_F2)  # the old key does nothing any more
    assert not printed.exists()
    qtbot.keyClick(desk.scan, Qt.Key.Key_F6)
    assert printed.exists()
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    assert "297 x 420 pts" in info  # A6, the layout chosen in the dialog
    subprocess.run(["pdftoppm", "-png", "-r", "203", str(printed), str(tmp_path / "p")], check=True)
    page = next(tmp_path.glob("p-*.png"))
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(page))] == [code]

    # The next start of the desk uses the saved key.
    again = DeskPage(desk.ctx, sound=RecordingSound(), printer=desk.printer)
    qtbot.addWidget(again)
    assert "F6" in again.print_button.text()
    assert again.print_shortcut.key() == QKeySequence("F6")


def test_cancel_in_the_settings_dialog_keeps_the_print_key(qtbot, desk: DeskPage, settings) -> None:
    def cancel(dialog: DeskSettingsDialog) -> None:
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_F7)
        dialog.reject()

    assert not _in_settings_dialog(qtbot, desk, cancel)
    assert settings.get(DESK_PRINT_KEY) == "F2"
    assert desk.print_shortcut.key() == QKeySequence("F2")


def test_auto_print_prints_on_a_first_check_in_only(
    qtbot, desk: DeskPage, empty_db, visitors
) -> None:
    def auto_mode(dialog: DeskSettingsDialog) -> None:
        dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData(PRINT_ON_CHECK_IN))
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)

    assert _in_settings_dialog(qtbot, desk, auto_mode)
    assert desk.ctx.settings.get(DESK_PRINT_MODE) == PRINT_ON_CHECK_IN
    printed: list[int] = []
    desk.badge_printed.connect(printed.append)
    code = _code(empty_db, visitors["li"])
    for _ in range(2):
        desk.scan.setText(code)
        desk.scan.finish_scan()
    assert len(printed) == 1


def test_search_and_walk_in_check_in_and_print_in_one_flow(
    qtbot, desk: DeskPage, empty_db, visitors
) -> None:
    printed: list[int] = []
    desk.badge_printed.connect(printed.append)
    desk.search.set_query("李娜")
    assert desk.search.hits()
    desk.search.chosen.emit(desk.search.hits()[0].id)
    assert desk.result.status is CheckInStatus.OK and desk.result.name.text() == "李娜"
    assert len(printed) == 1

    qtbot.keyClick(desk.scan, Qt.Key.Key_F4)
    assert desk.side.currentWidget() is desk.walkin
    form = desk.walkin
    form.name_edit.setText("赵敏")  # QTest types ASCII only
    qtbot.keyClicks(form.phone_edit, "13800138000")
    form.company_edit.setText("东莞玩具厂")
    form.save()
    assert desk.result.status is CheckInStatus.OK and desk.result.name.text() == "赵敏"
    assert len(printed) == 2
    with empty_db.session() as session:
        walk_in = session.scalar(select(Visitor).where(Visitor.name == "赵敏"))
        assert walk_in is not None
        assert (
            session.scalar(
                select(func.count()).select_from(CheckIn).where(CheckIn.visitor_id == walk_in.id)
            )
            == 1
        )
    assert desk.scan.hasFocus()


def test_a_lost_badge_is_reissued_and_the_old_code_turns_red(
    qtbot, desk: DeskPage, empty_db, visitors
) -> None:
    old = _code(empty_db, visitors["zhang"])
    desk.scan.setText(old)
    desk.scan.finish_scan()
    printed: list[int] = []
    desk.badge_printed.connect(printed.append)
    asked = answer_next_box("Keep the old badge")
    assert not desk.reissue_current()  # the desk said no: nothing changes
    assert "stops working" in asked[0] and "张伟" in asked[0]
    assert _code(empty_db, visitors["zhang"]) == old and printed == []
    asked = answer_next_box("Revoke and reissue")
    assert desk.reissue_current()
    assert len(asked) == 1
    assert "revoked" in desk.status_line.text() and len(printed) == 1
    new = _code(empty_db, visitors["zhang"])
    assert new != old
    desk.scan.setText(old)
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.REVOKED
    desk.scan.setText(new)
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.ALREADY  # the same visitor, checked in before


def test_bulk_dialog_writes_pdfs_and_codes_through_the_task_runner(
    qtbot, empty_db, settings, visitors, tmp_path: Path
) -> None:
    from ui.desk.bulk_dialog import BulkBadgesDialog

    ctx = AppContext(db=empty_db, tasks=TaskRunner(synchronous=True), settings=settings)
    dialog = BulkBadgesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(VisitorType.TAOBAO.value))
    dialog.out_edit.setText(str(tmp_path / "taobao.pdf"))
    dialog.make_pdfs()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=5000)
    assert dialog.last_result.badges == 1  # only 李娜 is a Taobao seller
    assert (tmp_path / "taobao.pdf").read_bytes().startswith(b"%PDF")
    assert "1 badges" in dialog.message.text()

    dialog.type_combo.setCurrentIndex(0)
    dialog.export_codes(tmp_path / "codes")
    qtbot.waitUntil(lambda: getattr(dialog.last_result, "visitors", 0) == 3, timeout=5000)
    assert len(list((tmp_path / "codes" / "qr").glob("*.png"))) == 3


def test_a_database_failure_is_reported_and_the_desk_stays_up(
    qtbot, desk: DeskPage, empty_db, visitors, monkeypatch
) -> None:
    import ui.desk.page as page_module

    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("database is locked")

    monkeypatch.setattr(page_module, "check_in", broken)
    desk.scan.setText(_code(empty_db, visitors["li"]))
    desk.scan.finish_scan()
    assert "database is locked" in desk.status_line.text()
    assert "scan again" in desk.status_line.text()
    assert desk.sound.played == [CheckInStatus.INVALID]
    monkeypatch.undo()
    desk.scan.setText(_code(empty_db, visitors["li"]))
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.OK


def _count(db, table) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_a_typed_registration_number_asks_enter_to_confirm_and_esc_cancels(
    qtbot, desk: DeskPage, empty_db, visitors, artifacts_dir: Path
) -> None:
    with empty_db.write(OFFICE) as session:
        session.get(Visitor, visitors["li"]).phone_tail = "6688"
    printed: list[int] = []
    desk.badge_printed.connect(printed.append)
    qtbot.keyClicks(desk.scan, "FD260000002")
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.result.status is CheckInStatus.CONFIRM and desk.pending_confirmation
    assert desk.result.name.text() == "李娜"
    assert "宁波家居" in desk.result.details.text() and "6688" in desk.result.details.text()
    assert "Enter" in desk.result.message.text() and "Esc" in desk.result.message.text()
    assert _close(_panel_colour(desk), BLUE)
    qtbot.wait(20)  # let the layout take the two-line message
    desk.grab().save(str(artifacts_dir / "desk-confirm.png"))
    # The print key does not issue a badge for someone nobody has confirmed.
    qtbot.keyClick(desk.scan, Qt.Key.Key_F2)
    assert printed == [] and not desk.print_button.isEnabled()
    assert _count(empty_db, CheckIn) == 0 and _count(empty_db, Badge) == 0

    qtbot.keyClick(desk.scan, Qt.Key.Key_Escape)
    assert not desk.pending_confirmation and desk.result.status is None
    assert "Cancelled" in desk.result.headline.text()
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)  # Enter after Esc confirms nothing
    assert _count(empty_db, CheckIn) == 0 and _count(empty_db, Badge) == 0

    qtbot.keyClicks(desk.scan, "FD260000002")
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.pending_confirmation
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)  # Enter on the empty field: confirmed
    assert desk.result.status is CheckInStatus.OK and desk.result.name.text() == "李娜"
    assert not desk.pending_confirmation
    assert _close(_panel_colour(desk), GREEN)
    assert _count(empty_db, CheckIn) == 1 and _count(empty_db, Badge) == 1
    assert len(printed) == 1  # the badge they did not have
    assert desk.sound.played == [CheckInStatus.CONFIRM, CheckInStatus.CONFIRM, CheckInStatus.OK]


def test_a_scan_after_a_pending_confirmation_replaces_it(
    qtbot, desk: DeskPage, empty_db, visitors
) -> None:
    desk.scan.setText("FD260000002")
    desk.scan.finish_scan()
    assert desk.pending_confirmation
    desk.scan.setText(_code(empty_db, visitors["zhang"]))
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.OK and desk.result.name.text() == "张伟"
    assert not desk.pending_confirmation
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    with empty_db.session() as session:
        checked = session.scalars(select(CheckIn.visitor_id)).all()
    assert checked == [visitors["zhang"]]  # 李娜 was never confirmed


def test_a_busy_database_is_said_in_words_and_the_scan_is_answered(
    qtbot, desk: DeskPage, empty_db, visitors
) -> None:
    code = _code(empty_db, visitors["li"])
    other_station = sqlite3.connect(empty_db.location, isolation_level=None)
    other_station.execute("BEGIN IMMEDIATE")  # an import on another computer holds the lock
    try:
        desk.scan.setText(code)
        desk.scan.finish_scan()
        assert "Another station is writing" in desk.status_line.text()
        assert "try again" in desk.status_line.text()
        assert "Traceback" not in desk.status_line.text()
        assert desk.sound.played == [CheckInStatus.INVALID]
    finally:
        other_station.execute("ROLLBACK")
        other_station.close()
    assert _count(empty_db, CheckIn) == 0
    desk.scan.setText(code)
    desk.scan.finish_scan()
    assert desk.result.status is CheckInStatus.OK


def test_the_desk_is_a_page_of_the_main_window(qtbot, demo_ctx) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("desk")
    assert isinstance(page, DeskPage)
    assert "签到" in window.navigation.currentItem().text()
    assert page.title.text().startswith("签到台")
