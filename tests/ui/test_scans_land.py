"""A scan lands on the page on screen whatever has the focus: every input of the desk and the
booth page, a dialog, a running progress dialog. A person typing is never taken for a scanner.

Keys are sent as the window system sends them, with timestamps: a scanner's 4 ms apart, a
person's 140 ms apart (tests/ui/scanner.py).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QScrollBar,
    QTextEdit,
    QWidget,
)
from sqlalchemy import func, select

from expo.models import CheckIn
from expo.services.checkin import CheckInStatus
from tests.fair import SmallFair
from tests.ui.scanner import Keyboard
from ui.booth.page import BoothPage
from ui.context import AppContext
from ui.desk.page import DeskPage
from ui.main_window import MainWindow
from ui.ops import TaskRunner
from ui.pages import PageSpec
from ui.printing.badge_printer import BadgePrinter
from ui.settings import STATION_NAME
from ui.widgets.scanner_bursts import ScannerBursts


class SilentSound:
    def play(self, status: CheckInStatus) -> None:
        self.last = status


def _window(qtbot, ctx: AppContext, spec: PageSpec) -> MainWindow:  # noqa: ANN001
    window = MainWindow(ctx, specs=[spec])

    def discard(widget: MainWindow = window) -> None:
        widget.ask_before_closing = False  # the test is over: what it typed may go

    qtbot.addWidget(window, before_close_func=discard)
    window.resize(1280, 800)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.show_page(spec.key)
    return window


def _inputs(page: QWidget) -> list[QWidget]:
    """Every widget of ``page`` that can hold the keyboard focus (not a composite's parts)."""
    found = []
    for widget in page.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or isinstance(widget, QScrollBar):
            continue
        if not widget.isVisible() or not widget.isEnabled():
            continue
        parent = widget.parentWidget()
        if isinstance(parent, QComboBox | QAbstractSpinBox | QKeySequenceEdit):
            continue
        found.append(widget)
    return found


def _typed_state(root: QWidget) -> dict[int, object]:
    """What every input of ``root`` holds: a scan must leave all of it as it was."""
    state: dict[int, object] = {}
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            state[id(widget)] = widget.text()
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            state[id(widget)] = widget.toPlainText()
        elif isinstance(widget, QComboBox):
            state[id(widget)] = (widget.currentIndex(), widget.currentText())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state[id(widget)] = widget.isChecked()
    return state


def _focus(qtbot, widget: QWidget) -> QWidget:  # noqa: ANN001
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(5)  # let a field that keeps the focus take it back, as it would
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


@pytest.fixture
def desk_window(qtbot, sync_ctx: AppContext, fair: SmallFair, tmp_path: Path) -> MainWindow:  # noqa: ANN001
    sync_ctx.settings.set(STATION_NAME, "Desk 1")
    printer = BadgePrinter(output_pdf=tmp_path / "badge.pdf")
    spec = PageSpec("desk", "Desk", lambda ctx: DeskPage(ctx, sound=SilentSound(), printer=printer))
    return _window(qtbot, sync_ctx, spec)


def test_a_scan_checks_in_with_the_focus_in_any_input_of_the_desk(
    qtbot,
    desk_window: MainWindow,
    fair: SmallFair,
    empty_db,  # noqa: ANN001
) -> None:
    desk = desk_window.pages["desk"]
    assert isinstance(desk, DeskPage)
    keyboard = Keyboard()
    codes = {fair.consenting: fair.code_consenting, fair.private: fair.code_private}
    scans = 0
    for side in (desk.show_search, desk.show_walkin):
        side()
        for widget in _inputs(desk):
            if isinstance(widget, QLineEdit) and widget is not desk.scan:
                widget.setText("zhang")  # a search or a half-typed walk-in stays as it is
            focused = _focus(qtbot, widget)
            before = _typed_state(desk_window)
            visitor_id = (fair.consenting, fair.private)[scans % 2]
            shown: list[object] = []
            desk.result_shown.connect(shown.append)
            keyboard.scan(codes[visitor_id], end=("Return", "Tab", None)[scans % 3])
            qtbot.waitUntil(lambda shown=shown: len(shown) == 1, timeout=2000)
            desk.result_shown.disconnect(shown.append)
            scans += 1
            result = shown[0]
            assert result.visitor is not None and result.visitor.id == visitor_id, focused
            assert _typed_state(desk_window) == before, f"a scan changed {focused!r}"
            qtbot.wait(80)  # nothing more arrives later (no second check-in, no stray key)
            assert len(shown) == 1
    assert scans >= 10
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckIn)) == scans


def test_a_scan_with_text_in_the_search_box_still_checks_in(
    qtbot,
    desk_window: MainWindow,
    fair: SmallFair,  # noqa: ANN001
) -> None:
    desk = desk_window.pages["desk"]
    assert isinstance(desk, DeskPage)
    desk.show_search()
    search = desk.search.findChild(QLineEdit)
    assert search is not None
    search.setFocus()
    Keyboard().person("zhangwei")  # the desk looked someone up by hand
    assert search.text() == "zhangwei"
    Keyboard(start_ms=5_000_000).scan(fair.code_private)
    assert desk.result.status is CheckInStatus.OK
    assert desk.last_result is not None and desk.last_result.visitor.id == fair.private
    assert search.text() == "zhangwei"


def test_a_person_typing_is_never_taken_for_a_scanner(
    qtbot,
    desk_window: MainWindow,
    fair: SmallFair,  # noqa: ANN001
) -> None:
    desk = desk_window.pages["desk"]
    assert isinstance(desk, DeskPage)
    desk.show_walkin()
    scans: list[str] = []
    desk_window.scanner.scanned.connect(scans.append)
    keyboard = Keyboard()
    desk.walkin.phone_edit.setFocus()
    keyboard.person("13800138000")  # looks like a registration number, typed by hand
    desk.walkin.wechat_edit.setFocus()
    keyboard.person(fair.code_consenting)  # even a whole badge code, typed by hand
    assert scans == []
    assert desk.walkin.phone_edit.text() == "13800138000"
    assert desk.walkin.wechat_edit.text() == fair.code_consenting
    assert desk.last_result is None  # nobody was checked in


def test_fast_typing_that_is_no_code_reaches_the_input_whole(
    qtbot,
    desk_window: MainWindow,  # noqa: ANN001
) -> None:
    desk = desk_window.pages["desk"]
    assert isinstance(desk, DeskPage)
    desk.show_walkin()
    desk.walkin.name_edit.setFocus()
    scans: list[str] = []
    desk_window.scanner.scanned.connect(scans.append)
    Keyboard().type("zhangwei", every_ms=10)  # a burst, but a name: no scan
    qtbot.waitUntil(lambda: desk.walkin.name_edit.text() == "zhangwei", timeout=1000)
    assert scans == []


def test_a_scan_during_a_bulk_badge_run_does_not_cancel_it(
    qtbot,
    empty_db,
    settings,
    fair: SmallFair,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    settings.set(STATION_NAME, "Desk 1")
    ctx = AppContext(db=empty_db, tasks=TaskRunner(), settings=settings)  # a real worker
    printer = BadgePrinter(output_pdf=tmp_path / "badge.pdf")
    spec = PageSpec("desk", "Desk", lambda c: DeskPage(c, sound=SilentSound(), printer=printer))
    window = _window(qtbot, ctx, spec)
    desk = window.pages["desk"]
    assert isinstance(desk, DeskPage)
    release = threading.Event()

    def long_job(progress) -> str:  # noqa: ANN001
        progress.update(0, 10, "badges")
        while not release.wait(0.01):
            progress.check()  # raises if the dialog's Cancel was pressed
        return "done"

    outcome: list[str] = []
    op = (
        ctx.tasks.op(long_job)
        .with_progress("Making badges…", window)
        .on_success(outcome.append)
        .on_cancelled(lambda: outcome.append("cancelled"))
        .run()
    )
    dialog = op.dialog
    assert isinstance(dialog, QProgressDialog)
    try:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        cancel = dialog.findChild(QAbstractButton)
        cancel.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is cancel, timeout=2000)
        Keyboard().scan(fair.code_consenting)  # ... then Enter, which would press Cancel
        Keyboard(start_ms=3_000_000).scan(fair.code_private, end=None)
        qtbot.waitUntil(
            lambda: desk.last_result is not None and desk.last_result.visitor.id == fair.private,
            timeout=2000,
        )
        assert not dialog.wasCanceled()
    finally:
        release.set()
    qtbot.waitUntil(lambda: outcome == ["done"], timeout=5000)
    with empty_db.session() as session:
        visitors = set(session.scalars(select(CheckIn.visitor_id)))
    assert visitors == {fair.consenting, fair.private}


# -- the booth page


@pytest.fixture
def booth_window(qtbot, sync_ctx: AppContext, fair: SmallFair) -> MainWindow:  # noqa: ANN001
    sync_ctx.settings.set(STATION_NAME, "Booth A-01")
    window = _window(qtbot, sync_ctx, PageSpec("booth", "Booth", BoothPage))
    page = window.pages["booth"]
    assert isinstance(page, BoothPage)
    assert page.bind_to(fair.factory_a)
    return window


def test_a_scan_replaces_the_buyer_with_the_focus_in_any_input_of_the_booth(
    qtbot,
    booth_window: MainWindow,
    fair: SmallFair,  # noqa: ANN001
) -> None:
    page = booth_window.pages["booth"]
    assert isinstance(page, BoothPage)
    keyboard = Keyboard()
    buyers = [(fair.consenting, fair.code_consenting), (fair.private, fair.code_private)]
    count = 0
    for widget in _inputs(page):
        focused = _focus(qtbot, widget)
        before = _typed_state(page)
        visitor_id, code = buyers[count % 2]
        keyboard.scan(code, end=("Return", "Tab", None)[count % 3])
        qtbot.waitUntil(
            lambda v=visitor_id: page.buyer is not None and page.buyer.visitor_id == v,
            timeout=2000,
        )
        qtbot.wait(80)
        count += 1
        after = _typed_state(page)
        changed = [key for key in before if before[key] != after.get(key)]
        assert not changed, f"a scan into {focused!r} changed an input"
        assert page.factory is not None and page.factory.id == fair.factory_a
    assert count >= 10


def test_the_first_scan_after_choosing_the_factory_does_not_go_into_the_chooser(
    qtbot,
    sync_ctx: AppContext,
    fair: SmallFair,  # noqa: ANN001
) -> None:
    sync_ctx.settings.set(STATION_NAME, "Booth B-01")
    window = _window(qtbot, sync_ctx, PageSpec("booth", "Booth", BoothPage))
    page = window.pages["booth"]
    assert isinstance(page, BoothPage)
    page.factory_combo.setFocus()
    row = page.factory_combo.findData(fair.factory_b)
    page.factory_combo.setCurrentIndex(row)
    page.factory_combo.activated.emit(row)  # as a click in the list does
    qtbot.waitUntil(lambda: page.scan_field.hasFocus(), timeout=2000)
    chooser_text = page.factory_combo.currentText()
    Keyboard().scan(fair.code_consenting)
    assert page.buyer is not None and page.buyer.visitor_id == fair.consenting
    assert page.factory is not None and page.factory.id == fair.factory_b
    assert page.factory_combo.currentText() == chooser_text


def test_an_unsaved_inquiry_stays_with_its_buyer_as_a_draft(
    qtbot,
    booth_window: MainWindow,
    fair: SmallFair,
    empty_db,  # noqa: ANN001
) -> None:
    from expo.models import Inquiry

    page = booth_window.pages["booth"]
    assert isinstance(page, BoothPage)
    keyboard = Keyboard()
    keyboard.scan(fair.code_consenting)
    assert page.product_search.hasFocus()
    page.toggle_product("CY-001")
    page.notes.setPlainText("要样品")
    # The next buyer's badge, with the focus in the product search.
    keyboard.scan(fair.code_private)
    assert page.buyer is not None and page.buyer.visitor_id == fair.private
    assert page.picked == {} and page.notes.toPlainText() == ""
    assert "draft" in page.form_message.text()
    assert not page.save()  # nothing picked for this buyer: nothing is saved for them
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0
    assert booth_window.unsaved_work() == [
        "展位询盘草稿 Booth inquiry draft: 张伟",
    ]
    # The first buyer comes back: their draft too, and it is saved against them.
    keyboard.scan(fair.code_consenting)
    assert [p.sku for p in page.picked.values()] == ["CY-001"]
    assert page.notes.toPlainText() == "要样品"
    assert page.save()
    with empty_db.session() as session:
        inquiry = session.scalars(select(Inquiry)).one()
        assert inquiry.notes == "要样品"
    assert page.drafts == {} and booth_window.unsaved_work() == []


def test_a_refused_badge_keeps_the_previous_buyers_inquiry_as_a_draft(
    qtbot,
    booth_window: MainWindow,
    fair: SmallFair,  # noqa: ANN001
) -> None:
    page = booth_window.pages["booth"]
    assert isinstance(page, BoothPage)
    keyboard = Keyboard()
    keyboard.scan(fair.code_consenting)
    page.toggle_product("CY-002")
    keyboard.scan(fair.revoked_code)
    assert page.buyer is None and page.card.property("state") == "refused"
    assert page.picked == {}
    assert fair.consenting in page.drafts


def test_scanner_bursts_need_scanner_speed_and_a_code(qtbot) -> None:  # noqa: ANN001
    field = QLineEdit()
    qtbot.addWidget(field)
    with qtbot.waitActive(field):
        field.show()
        field.activateWindow()
    field.setFocus()
    bursts = ScannerBursts()
    bursts.install()
    try:
        scans: list[str] = []
        bursts.scanned.connect(scans.append)
        keyboard = Keyboard()
        keyboard.scan("FD260000017")
        assert scans == ["FD260000017"] and field.text() == ""
        keyboard.type("FD26", every_ms=4)  # too short to be a code
        keyboard.key(Qt.Key.Key_Return, "\r")
        assert scans == ["FD260000017"] and field.text() == "FD26"
        field.clear()
        keyboard.type("FD260000018", every_ms=45)  # a fast person, not a scanner
        keyboard.key(Qt.Key.Key_Return, "\r")
        assert scans == ["FD260000017"] and field.text() == "FD260000018"
    finally:
        bursts.uninstall()


def test_the_walk_in_asks_consent_in_words_and_saves_it(
    qtbot,
    sync_ctx: AppContext,
    empty_db,  # noqa: ANN001
) -> None:
    from expo.models import Visitor
    from ui.visitors.walkin_form import WalkInForm

    form = WalkInForm(sync_ctx)
    qtbot.addWidget(form)
    form.show()
    assert not form.consent_box.isChecked()  # off until the visitor agrees
    texts = " ".join(label.text() for label in form.findChildren(type(form.message)))
    assert "我同意" in texts and "I agree that factories" in texts
    form.name_edit.setText("赵敏")
    form.phone_edit.setText("13912345678")
    first = form.save()
    form.name_edit.setText("钱多多")
    form.phone_edit.setText("13912345679")
    form.consent_box.setChecked(True)
    second = form.save()
    assert first and second
    assert not form.consent_box.isChecked()  # the next walk-in is asked again
    with empty_db.session() as session:
        assert session.get(Visitor, first).consent_share is False
        assert session.get(Visitor, second).consent_share is True


def test_the_result_panel_goes_back_to_ready(
    qtbot, desk_window: MainWindow, fair: SmallFair
) -> None:
    from ui.settings import DESK_RESULT_SECONDS

    desk = desk_window.pages["desk"]
    assert isinstance(desk, DeskPage)
    desk_window.ctx.settings.set(DESK_RESULT_SECONDS, 0.2)
    Keyboard().scan(fair.code_consenting)
    assert desk.result.status is CheckInStatus.OK
    assert desk.result_timer.isActive()
    qtbot.waitUntil(lambda: desk.result.status is None, timeout=3000)
    assert "Scan a badge" in desk.result.headline.text()
    assert desk.result.name.text() == ""


def test_closing_with_an_unsaved_walk_in_or_inquiry_asks_first(
    qtbot, desk_window: MainWindow
) -> None:
    from tests.ui.helpers import answer_next_box

    desk = desk_window.pages["desk"]
    assert isinstance(desk, DeskPage)
    desk.show_walkin()
    desk.walkin.name_edit.setText("欧阳娜娜")
    asked = answer_next_box("Go back")
    assert not desk_window.close()
    assert desk_window.isVisible()
    assert "欧阳娜娜" in asked[0]
    answer_next_box("Discard")
    assert desk_window.close()


def test_closing_the_walk_in_dialog_with_typing_asks_first(qtbot, sync_ctx: AppContext) -> None:
    from tests.ui.helpers import answer_next_box
    from ui.visitors.page import WalkInDialog

    dialog = WalkInDialog(sync_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.phone_edit.setText("13912345678")
    answer_next_box("Go back")
    dialog.reject()
    assert dialog.isVisible()
    answer_next_box("Discard")
    dialog.reject()
    assert not dialog.isVisible()
    dialog.show()
    dialog.form.clear()
    dialog.reject()  # nothing typed: closes without a question
    assert not dialog.isVisible()
