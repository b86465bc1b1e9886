"""Registration in the GUI: the import preview, search as you type, walk-ins by keyboard."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QProgressDialog, QPushButton
from sqlalchemy import func, select

from expo.importing.columns import Field
from expo.models import ImportBatch, Visitor, VisitorSearchKey
from expo.progress import Cancelled
from expo.services import visitor_import
from expo.services.registry import search_visitors
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.registration_files import write_csv, write_messy_xlsx
from tests.ui.helpers import shown
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.ops import TaskRunner
from ui.settings import Settings
from ui.visitors.import_dialog import ImportDialog
from ui.visitors.page import VisitorsPage
from ui.visitors.search_box import VisitorSearchBox
from ui.visitors.walkin_form import WalkInForm


def _visitor_count(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(Visitor)) or 0


def _dark_pixels(image: QImage) -> int:
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if QColor(image.pixel(x, y)).lightness() < 90
    )


def test_the_import_preview_shows_the_mapping_and_lets_a_column_be_fixed(
    qtbot, sync_ctx: AppContext, tmp_path: Path, artifacts_dir: Path
) -> None:
    dialog = ImportDialog(sync_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(write_messy_xlsx(tmp_path / "messy.xlsx"))
    qtbot.waitUntil(lambda: dialog.prepared is not None)

    assert "header in row 2" in dialog.file_label.text()
    assert [combo.currentData() for combo in dialog.combos] == [
        None,  # 序号
        "name",
        "phone",
        "company",
        "wechat",
        "type",
        "city",
        "registration_no",
    ]
    assert dialog.table.item(1, 3).text() == "手机号码(必填)"
    assert dialog.table.item(2, 3).text() == "13800138000"
    assert dialog.result_text(0) == "✓ 张伟  138****8000  抖音/快手主播"
    assert dialog.result_text(2).startswith("✓ 王芳  137****7000")  # full-width digits
    assert dialog.result_text(3) == "✗ no name"
    # The same phone as row 3: the import merges it, and the preview says so.
    assert dialog.result_text(5).startswith("↻ 张伟  138****8000")
    assert dialog.result_text(5).endswith("merges with row 3")
    assert dialog.import_button.isEnabled()
    dialog.grab().save(str(artifacts_dir / "import-preview.png"))

    # The person says the phone column is not a phone: now nothing identifies the rows by
    # phone, the WeChat-less rows are rejected, and the preview says so before any import.
    dialog.set_field(2, None)
    assert dialog.result_text(1) == "✗ no phone number or WeChat id"
    assert dialog.result_text(0).startswith("✓ 张伟  WeChat zhangwei88")
    dialog.set_field(2, Field.PHONE)
    # Choosing a field taken by another column moves it: one column a field.
    dialog.set_field(0, Field.NAME)
    assert dialog.combos[1].currentData() is None
    assert dialog.result_text(0).startswith("✓ 1  138****8000")  # 序号 as the name: visibly wrong
    dialog.set_field(1, Field.NAME)
    assert dialog.combos[0].currentData() is None
    assert _visitor_count(sync_ctx) == 0  # nothing written by previewing

    reports = []
    dialog.imported.connect(reports.append)
    dialog.start_import()
    qtbot.waitUntil(lambda: bool(reports))
    assert (reports[0].created, reports[0].merged, reports[0].unchanged) == (5, 1, 1)
    assert "row 7: no name" in dialog.summary.toPlainText()
    assert _visitor_count(sync_ctx) == 5
    dialog.grab().save(str(artifacts_dir / "import-done.png"))


def test_the_import_preview_marks_a_row_of_someone_registered_as_a_merge(
    qtbot, sync_ctx: AppContext, tmp_path: Path
) -> None:
    with sync_ctx.db.write(OFFICE) as session:
        li = add_visitor(session, "李娜", "宁波家居", phone="+8613900139000")
    dialog = ImportDialog(sync_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(write_messy_xlsx(tmp_path / "messy.xlsx"))
    qtbot.waitUntil(lambda: dialog.prepared is not None)
    assert dialog.result_text(1).startswith("↻ 李娜  139****9000")
    assert dialog.result_text(1).endswith(f"merges into #{li} 李娜")
    assert dialog.result_text(0).startswith("✓ 张伟")


def test_an_unreadable_file_says_why_and_offers_no_import(
    qtbot, sync_ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "list.pdf"
    path.write_bytes(b"%PDF-1.4")
    dialog = ImportDialog(sync_ctx)
    qtbot.addWidget(dialog)
    dialog.load(path)
    qtbot.waitUntil(lambda: bool(dialog.message.text()))
    assert "xlsx" in dialog.message.text()
    assert not dialog.import_button.isEnabled()


def test_damaged_rows_of_a_utf8_csv_can_be_skipped(
    qtbot, sync_ctx: AppContext, tmp_path: Path
) -> None:
    lines = ["姓名,手机"] + [f"张伟{i},1380013{i:04d}" for i in range(40)]
    data = "\n".join(lines).encode("utf-8").replace("张伟7,".encode(), b"\xe5\xbc\xa0\xff7,")
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    dialog = ImportDialog(sync_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: bool(dialog.message.text()))
    assert "Row 9 of the CSV holds bytes that are not valid UTF-8" in dialog.message.text()
    assert dialog.skip_button.isVisible() and not dialog.import_button.isEnabled()
    dialog.skip_button.click()
    qtbot.waitUntil(lambda: dialog.prepared is not None)
    assert dialog.prepared.table.bad_rows == (9,)
    assert not dialog.skip_button.isVisible() and dialog.import_button.isEnabled()


def test_a_mapping_without_a_name_column_cannot_be_imported(
    qtbot, sync_ctx: AppContext, tmp_path: Path
) -> None:
    rows = [["参会人", "电话"], ["张伟", "13800138000"]]
    dialog = ImportDialog(sync_ctx)
    qtbot.addWidget(dialog)
    dialog.load(write_csv(tmp_path / "odd.csv", rows, "gbk"))
    qtbot.waitUntil(lambda: dialog.prepared is not None)
    assert "name" in dialog.message.text() and not dialog.import_button.isEnabled()
    dialog.set_field(0, Field.NAME)
    assert dialog.import_button.isEnabled()
    assert dialog.result_text(0) == "✓ 张伟  138****8000  其他"


def test_the_visitors_page_searches_as_you_type(
    main_window: MainWindow, qtbot, demo_ctx: AppContext, artifacts_dir: Path
) -> None:
    page = main_window.show_page("visitors")
    assert isinstance(page, VisitorsPage)
    assert page.model.rowCount() == 3000
    with demo_ctx.db.session() as session:
        target = session.scalars(select(Visitor).order_by(Visitor.id).offset(1234)).first()
        assert target is not None
        initials = search_visitors(session, target.name)[0]
        expected = [h.id for h in search_visitors(session, target.name_pinyin[:4], 500)]
    assert initials.name == target.name

    qtbot.keyClicks(page.search, target.name_pinyin[:4])
    qtbot.waitUntil(lambda: page.shown_ids() == expected)
    assert page.count_label.text().startswith("找到")
    names = {page.model.index(row, 1).data() for row in range(page.model.rowCount())}
    assert target.name in names
    main_window.grab().save(str(artifacts_dir / "visitors-search-pinyin.png"))

    page.search.clear()
    qtbot.keyClicks(page.search, target.phone[-4:])
    qtbot.waitUntil(lambda: target.id in page.shown_ids())
    row = page.shown_ids().index(target.id)
    assert page.model.index(row, 4).data() == f"{target.phone[3:6]}****{target.phone[-4:]}"
    image = main_window.grab().toImage()
    image.save(str(artifacts_dir / "visitors-search-tail.png"))
    assert _dark_pixels(image.copy(0, 120, 600, 200)) > 200  # the rows are drawn

    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3000)


def test_the_search_box_finds_as_you_type_and_enter_chooses(
    qtbot, demo_ctx: AppContext, artifacts_dir: Path
) -> None:
    box = shown(qtbot, VisitorSearchBox(demo_ctx), 520, 360)
    with demo_ctx.db.session() as session:
        target = session.scalars(select(Visitor).order_by(Visitor.id).offset(77)).first()
        assert target is not None
    chosen: list[int] = []
    box.chosen.connect(chosen.append)
    box.edit.insert(target.name)  # typed with an input method: the whole word at once
    qtbot.waitUntil(lambda: any(h.id == target.id for h in box.hits()))
    assert box.results.count() == len(box.hits())
    box.grab().save(str(artifacts_dir / "search-box.png"))
    while box.hits()[box.results.currentRow()].id != target.id:
        qtbot.keyClick(box.edit, Qt.Key.Key_Down)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert chosen == [target.id]
    qtbot.keyClick(box.edit, Qt.Key.Key_Escape)
    assert box.edit.text() == "" and box.results.count() == 0


def test_a_walk_in_is_registered_with_the_keyboard_only(
    qtbot, sync_ctx: AppContext, artifacts_dir: Path
) -> None:
    form = shown(qtbot, WalkInForm(sync_ctx), 560, 320)
    form.activateWindow()
    qtbot.waitActive(form)
    saved: list[int] = []
    existing: list[int] = []
    form.saved.connect(saved.append)
    form.existing_chosen.connect(existing.append)

    form.setFocus()
    assert form.focusWidget() is form.name_edit
    form.name_edit.insert("张伟")  # through the input method
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert form.focusWidget() is form.phone_edit
    qtbot.keyClicks(form.focusWidget(), "138 0013 8000")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert form.focusWidget() is form.company_edit
    form.company_edit.insert("义乌小商品")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert form.focusWidget() is form.type_combo
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Down)  # livestreamer -> xiaohongshu ...
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert form.focusWidget() is form.wechat_edit
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)
    assert len(saved) == 1
    assert form.name_edit.text() == "" and form.focusWidget() is form.name_edit
    with sync_ctx.db.session() as session:
        visitor = session.get(Visitor, saved[0])
        assert visitor is not None
        assert (visitor.name, visitor.phone, visitor.company) == (
            "张伟",
            "+8613800138000",
            "义乌小商品",
        )
        assert visitor.source.value == "walkin"

    # The same phone again: the form warns once the number is complete, before any Enter.
    form.name_edit.insert("张伟伟")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(form.focusWidget(), "+86 1380013800")
    assert not form.duplicate_panel.isVisible()
    qtbot.keyClicks(form.focusWidget(), "0")
    assert form.duplicate_panel.isVisible()
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert "张伟" in form.duplicate_label.text() and "138****8000" in form.duplicate_label.text()
    form.grab().save(str(artifacts_dir / "walkin-duplicate.png"))
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)  # Enter: refused, existing offered
    assert len(saved) == 1
    assert form.focusWidget() is form.use_existing_button
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)
    assert existing == [saved[0]]
    assert _visitor_count(sync_ctx) == 1

    # A real second person with the same phone (a shared shop phone): Ctrl+Enter saves anyway.
    form.name_edit.insert("张太太")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(form.focusWidget(), "13800138000")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(saved) == 2 and _visitor_count(sync_ctx) == 2


def test_a_walk_in_with_a_bad_phone_is_told_what_to_fix(qtbot, sync_ctx: AppContext) -> None:
    form = WalkInForm(sync_ctx)
    qtbot.addWidget(form)
    form.resize(460, 900)  # as tall as the desk's side panel at 1280x800
    form.show()
    form.name_edit.insert("李四")
    form.phone_edit.setText("12345")
    assert form.save() is None
    assert "not a phone number" in form.phone_error.text()
    # Said right under the phone field, not at the bottom of a tall panel.
    below = form.phone_error.mapTo(form, form.phone_error.rect().topLeft()).y()
    field_bottom = form.phone_edit.mapTo(form, form.phone_edit.rect().bottomLeft()).y()
    assert 0 <= below - field_bottom <= 20
    assert _visitor_count(sync_ctx) == 0
    form.phone_edit.setText("13812345678")
    assert form.save() is not None
    assert form.phone_error.isHidden()


def test_the_page_registers_a_walk_in_and_shows_them(qtbot, demo_ctx: AppContext) -> None:
    page = VisitorsPage(demo_ctx)
    qtbot.addWidget(page)
    dialog = page.open_walk_in()
    dialog.form.name_edit.insert("欧阳娜娜")
    dialog.form.phone_edit.setText("19912345678")
    visitor_id = dialog.form.save()
    assert visitor_id is not None
    assert page.shown_ids() == [visitor_id]
    assert page.search.text() == f"#{visitor_id}"
    dialog.close()
    page.set_search("oynn")
    assert visitor_id in page.shown_ids()


def test_the_page_exports_what_the_search_shows(
    qtbot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    from python_calamine import CalamineWorkbook

    page = VisitorsPage(demo_ctx)
    qtbot.addWidget(page)
    page.set_search("zh")
    shown = page.shown_ids()
    assert 0 < len(shown) <= 500
    target = tmp_path / "zh.xlsx"
    page.export_to(target)
    qtbot.waitUntil(lambda: "Exported" in page.status.text())
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert [int(r[0]) for r in rows[1:]] == shown


def test_cancel_during_an_import_on_the_real_thread_pool_leaves_the_event_as_it_was(
    qtbot, empty_db, settings: Settings, tmp_path: Path, monkeypatch, artifacts_dir: Path
) -> None:
    # The real pool: reading and importing run on worker threads, results come back queued.
    ctx = AppContext(db=empty_db, tasks=TaskRunner(QThreadPool()), settings=settings)
    with empty_db.write(OFFICE) as session:
        known = add_visitor(session, "张伟", None, phone="+8613800138000")
    keys_before = _search_key_count(ctx)
    rows = [["姓名", "手机", "公司"], ["张伟", "13800138000", "义乌小商品"]] + [
        [f"访客{n}", f"1390000{n:04d}", "宁波家居"] for n in range(300)
    ]
    path = write_csv(tmp_path / "visitors.csv", rows, "gbk")

    # Hold the worker after every row is written in its transaction, until Cancel is pressed:
    # the Cancel then lands at the worst moment, just before the commit.
    written, release = threading.Event(), threading.Event()
    index_companies = visitor_import.index_companies

    def held(session, companies) -> None:  # noqa: ANN001
        index_companies(session, companies)
        written.set()
        release.wait(30)

    monkeypatch.setattr(visitor_import, "index_companies", held)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.prepared is not None)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.waitUntil(written.is_set, timeout=20_000)
        progress = dialog.findChild(QProgressDialog)
        assert progress is not None
        qtbot.waitUntil(progress.isVisible)  # shown after its minimum duration
        dialog.grab().save(str(artifacts_dir / "import-cancelling.png"))
        cancel = progress.findChild(QPushButton)
        assert dialog.import_op is not None and cancel is not None
        with qtbot.waitSignal(dialog.import_op.signals.failed, timeout=20_000) as blocker:
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
            release.set()
    finally:
        release.set()
        ctx.tasks.wait_for_done()
    assert isinstance(blocker.args[0], Cancelled)
    qtbot.waitUntil(lambda: "Cancelled" in dialog.message.text())
    assert dialog.import_button.isEnabled()  # the person may try again

    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Visitor)) == 1
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert session.get(Visitor, known).company is None  # the merge was rolled back too
    assert _search_key_count(ctx) == keys_before


def _search_key_count(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(VisitorSearchKey)) or 0
