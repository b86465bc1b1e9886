"""Issue 17 on the booth page: questions answered keyboard-only after a scan, salesperson and
tags, a buyer without a badge, consent at the booth, the lead filter, follow-up and figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from expo.models import InquiryAnswer, Lead, LeadCardImage
from expo.services.card_images import card_image_from_file
from expo.services.follow_up import save_template
from expo.services.lead_questions import add_question
from expo.services.leads import booth_station
from expo.services.salespeople import set_station_salespeople
from expo.services.unbadged import UnbadgedBuyer
from tests.actors import OFFICE
from tests.ui.helpers import show_page
from ui.booth.page import BoothPage
from ui.booth.questions_form import ChoiceKeys
from ui.booth.unbadged_dialog import UnbadgedDialog
from ui.settings import STATION_NAME


@pytest.fixture
def questions(empty_db, fair) -> dict[str, int]:
    with empty_db.write(OFFICE) as session:
        ids = {
            "volume": add_question(
                session, fair.factory_a, "月采购量 Monthly volume", "one", ["<1k", "1k-10k", ">10k"]
            ).id,
            "channels": add_question(
                session, fair.factory_a, "渠道 Sells on", "many", ["抖音", "小红书", "淘宝", "跨境"]
            ).id,
            "sample": add_question(session, fair.factory_a, "样品 Sample", "text").id,
        }
        station = booth_station(session, "Booth A-01", fair.factory_a)
        set_station_salespeople(session, station, ["王芳", "李雷"])
    return ids


@pytest.fixture
def page(qtbot, sync_ctx, fair, settings, questions) -> BoothPage:
    settings.set(STATION_NAME, "Booth A-01")
    page = BoothPage(sync_ctx)
    show_page(qtbot, page)
    assert page.bind_to(fair.factory_a)
    return page


def _scan(qtbot, page: BoothPage, payload: str) -> None:
    page.scan_field.setFocus()
    qtbot.keyClicks(page.scan_field, payload)
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)


def _tab(qtbot) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_questions_are_answered_keyboard_only_after_a_scan(
    qtbot, page: BoothPage, empty_db, fair, questions, artifacts_dir: Path
) -> None:
    _scan(qtbot, page, fair.code_consenting)
    assert page.product_search.hasFocus()
    qtbot.keyClicks(page.product_search, "CY-001")
    qtbot.keyClick(page.product_search, Qt.Key.Key_Return)
    _tab(qtbot)  # → the first question
    volume = QApplication.focusWidget()
    assert isinstance(volume, ChoiceKeys) and volume.question.id == questions["volume"]
    qtbot.keyClick(volume, Qt.Key.Key_3)
    qtbot.keyClick(volume, Qt.Key.Key_2)  # one choice: 2 replaces 3
    _tab(qtbot)
    channels = QApplication.focusWidget()
    assert isinstance(channels, ChoiceKeys) and channels.question.id == questions["channels"]
    for key in (Qt.Key.Key_1, Qt.Key.Key_4, Qt.Key.Key_2, Qt.Key.Key_2):  # many: 2 on, 2 off
        qtbot.keyClick(channels, key)
    _tab(qtbot)
    sample = QApplication.focusWidget()
    assert sample.objectName() == f"question_{questions['sample']}"
    qtbot.keyClicks(sample, "2 pcs")
    page.grab().save(str(artifacts_dir / "booth-questions-answered.png"))
    assert page.questions_form.answers() == [
        (questions["volume"], "1k-10k"),
        (questions["channels"], "抖音"),
        (questions["channels"], "跨境"),
        (questions["sample"], "2 pcs"),
    ]
    qtbot.keyClick(sample, Qt.Key.Key_F2)

    assert "已保存" in page.form_message.text(), page.form_message.text()
    assert page.scan_field.hasFocus()
    with empty_db.session() as session:
        stored = session.execute(
            select(InquiryAnswer.question_id, InquiryAnswer.value).order_by(InquiryAnswer.id)
        ).all()
    assert [tuple(r) for r in stored] == [
        (questions["volume"], "1k-10k"),
        (questions["channels"], "抖音"),
        (questions["channels"], "跨境"),
        (questions["sample"], "2 pcs"),
    ]
    # The form is empty for the next buyer.
    assert page.questions_form.answers() == []


def test_salesperson_and_tags_are_saved_and_the_list_filters_on_tag_and_answer(
    qtbot, page: BoothPage, empty_db, fair, questions
) -> None:
    assert [page.salesperson.itemText(i) for i in range(page.salesperson.count())] == [
        "王芳",
        "李雷",
    ]
    _scan(qtbot, page, fair.code_consenting)
    page.toggle_product("CY-001")
    page.salesperson.setCurrentIndex(1)
    page.tags.setText("VIP, 样品")
    volume = page.questions_form.inputs[0]
    volume.setFocus()
    qtbot.keyClick(volume, Qt.Key.Key_1)
    assert page.save()
    _scan(qtbot, page, fair.code_private)
    page.toggle_product("CY-002")
    assert page.save()
    assert page.lead_model.rowCount() == 2
    assert page.salesperson.currentText() == "李雷"  # kept for the next buyer

    page.filter_bar.select(tag="VIP")
    assert [page.lead_model.lead(r).name for r in range(page.lead_model.rowCount())] == ["张伟"]
    page.filter_bar.select(tag="")
    page.filter_bar.select(question=questions["volume"], value="<1k")
    assert page.lead_model.rowCount() == 1
    lead = page.lead_model.lead(0)
    assert (lead.salesperson, lead.tags) == ("李雷", ("VIP", "样品"))
    page.lead_table.selectRow(0)
    assert "李雷" in page.lead_details.text() and "#VIP" in page.lead_details.text()
    assert "月采购量 Monthly volume: <1k" in page.lead_details.text()


def _card_file(tmp_path: Path) -> Path:
    path = tmp_path / "card.png"
    Image.new("RGB", (2400, 1400), (250, 240, 210)).save(path)
    return path


def test_a_buyer_without_a_badge_is_typed_in_and_the_lead_marked_unverified(
    qtbot, page: BoothPage, empty_db, fair, tmp_path, artifacts_dir: Path
) -> None:
    dialog = UnbadgedDialog(page)
    qtbot.addWidget(dialog)
    dialog.name.setText("陈静")
    dialog.phone.setText("12345")
    dialog.accept()
    assert dialog.buyer is None and "Not a phone number" in dialog.message.text()
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert not dialog.set_card_file(bad) and "not a picture" in dialog.message.text()
    assert dialog.set_card_file(_card_file(tmp_path))
    dialog.phone.setText("139 2222 3333")
    dialog.company.setText("潮州陶瓷小店")
    dialog.show()
    dialog.grab().save(str(artifacts_dir / "booth-unbadged-dialog.png"))
    dialog.accept()
    assert dialog.buyer is not None and dialog.buyer.card is not None

    page.use_unbadged(dialog.buyer)
    assert "未核验" in page.buyer_type.text() and page.save_button.isEnabled()
    page.toggle_product("CY-002")
    assert page.save(), page.form_message.text()
    lead = page.lead_model.lead(0)
    assert (lead.name, lead.verified_by_badge) == ("陈静", False)
    assert page.lead_model.index(0, 0).data() == "陈静 ✎"
    with empty_db.session() as session:
        row = session.scalars(select(Lead)).one()
        assert row.verified_by_badge is False
        assert session.scalars(select(LeadCardImage)).one().lead_id == row.id


def test_a_scan_replaces_a_buyer_typed_in_by_hand(qtbot, page: BoothPage, fair, tmp_path) -> None:
    page.use_unbadged(UnbadgedBuyer("陈静", "13922223333"))
    _scan(qtbot, page, fair.code_consenting)
    assert page.unbadged is None and page.buyer_name.text() == "张伟"


def test_consent_at_the_booth_shows_the_contact_from_then_on(
    qtbot, page: BoothPage, empty_db, fair
) -> None:
    _scan(qtbot, page, fair.code_private)
    page.toggle_product("CY-001")
    assert page.save()
    page.lead_table.selectRow(0)
    assert page.lead_model.index(0, 8).data() == "未授权 not shared"
    assert page.consent_button.isEnabled()
    assert page.record_consent()
    assert page.lead_model.index(0, 8).data() == "+8613900139000"
    page.lead_table.selectRow(0)
    assert not page.consent_button.isEnabled()
    with empty_db.session() as session:
        lead = session.scalars(select(Lead)).one()
        assert lead.consent_at is not None and lead.consent_station_id is not None


def test_csv_export_from_the_page_uses_the_preset_and_the_filter(
    qtbot, page: BoothPage, fair, tmp_path
) -> None:
    for code, sku in ((fair.code_consenting, "CY-001"), (fair.code_private, "CY-002")):
        _scan(qtbot, page, code)
        page.toggle_product(sku)
        if code == fair.code_consenting:
            page.tags.setText("VIP")
        assert page.save()
    page.filter_bar.select(tag="VIP")
    out = tmp_path / "wecom.csv"
    page.export_csv(out, "wecom")
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [(r["姓名"], r["手机号"], r["标签"]) for r in rows] == [("张伟", "13800138000", "VIP")]


def test_follow_up_and_figures_tabs(qtbot, page: BoothPage, empty_db, fair, artifacts_dir) -> None:
    with empty_db.write(OFFICE) as session:
        save_template(
            session, fair.factory_a, "感谢", "wechat", "{name}您好，我是{salesperson}：{products}"
        )
    page.follow_up_panel.refresh()
    _scan(qtbot, page, fair.code_consenting)
    page.toggle_product("CY-001")
    page.salesperson.setEditText("王芳")
    page.rating_buttons[next(iter(page.rating_buttons))].click()  # hot
    page.follow_up.check.setChecked(True)
    page.follow_up.date_edit.setDate(page.follow_up.date_edit.date().currentDate())
    assert page.save()
    page.side_tabs.setCurrentWidget(page.follow_up_panel)
    assert page.follow_up_panel.due_list.count() == 1
    assert page.follow_up_panel.copy_current() == "张伟您好，我是王芳：折叠露营椅"
    assert QApplication.clipboard().text() == "张伟您好，我是王芳：折叠露营椅"
    page.grab().save(str(artifacts_dir / "booth-follow-up.png"))
    page.side_tabs.setCurrentWidget(page.figures_panel)
    text = page.figures_panel.view.text()
    assert "Leads today" in text and "CY-001" in text
    page.grab().save(str(artifacts_dir / "booth-figures.png"))


def test_card_file_is_bounded(tmp_path) -> None:
    card = card_image_from_file(_card_file(tmp_path))
    assert (card.width, card.height) == (1600, 933)
