"""The booth page: scan a badge, pick two products, save with one key, see the lead."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette
from sqlalchemy import select

from expo.colors import contrast_ratio
from expo.models import Inquiry, Lead, LeadRating, Station, StationKind, Visitor, VisitorType
from expo.text.labels import VISITOR_TYPE_COLORS, visitor_type_label
from tests.actors import OFFICE
from tests.ui.helpers import ink_pixels, show_page
from ui.booth.models import RATING_COLORS
from ui.booth.page import BoothPage
from ui.context import AppContext
from ui.ops import TaskRunner
from ui.settings import BOOTH_FACTORY, STATION_NAME


@pytest.fixture
def page(qtbot, sync_ctx, fair, settings) -> BoothPage:
    settings.set(STATION_NAME, "Booth A-01")
    page = BoothPage(sync_ctx)
    show_page(qtbot, page)
    assert page.bind_to(fair.factory_a)
    return page


def _scan(qtbot, page: BoothPage, payload: str) -> None:
    page.scan_field.setFocus()
    qtbot.keyClicks(page.scan_field, payload)
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)


def test_scan_pick_two_products_save_with_one_key_and_see_the_lead(
    qtbot, page: BoothPage, empty_db, fair, artifacts_dir: Path
) -> None:
    _scan(qtbot, page, fair.code_consenting)
    assert page.buyer_name.text() == "张伟"
    assert page.buyer_company.text() == "义乌优选百货"
    assert page.buyer_type.text() == "抖音/快手主播"
    assert page.card.property("state") == "ok"
    assert page.product_search.hasFocus()

    # Pick by pinyin initials and by SKU, each with Enter.
    qtbot.keyClicks(page.product_search, "zdly")
    assert page.product_list.count() == 1
    qtbot.keyClick(page.product_search, Qt.Key.Key_Return)
    qtbot.keyClicks(page.product_search, "CY-003")
    qtbot.keyClick(page.product_search, Qt.Key.Key_Return)
    assert sorted(p.sku for p in page.picked.values()) == ["CY-001", "CY-003"]
    assert "折叠露营椅" in page.picked_label.text()

    page.quantity.setFocus()
    page.quantity.selectAll()
    qtbot.keyClicks(page.quantity, "2000")
    qtbot.keyClicks(page.target_price, "30.5")
    # Chinese arrives from the input method as committed text, not as key presses.
    page.customisation.insert("印 logo")
    page.notes.insertPlainText("直播间要样品")
    page.rating_buttons[LeadRating.HOT].click()
    page.grab().save(str(artifacts_dir / "booth-page-form.png"))

    qtbot.keyClick(page.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert "已保存" in page.form_message.text(), page.form_message.text()
    assert page.scan_field.hasFocus()
    assert page.lead_model.rowCount() == 1
    assert page.lead_model.index(0, 0).data() == "张伟"
    assert page.lead_model.index(0, 3).data() == "热 Hot"
    assert page.lead_model.index(0, 6).data() == "CY-001, CY-003"
    assert page.lead_model.index(0, 8).data() == "+8613800138000"
    with empty_db.session() as session:
        inquiry = session.scalars(select(Inquiry)).one()
        assert (inquiry.factory_id, inquiry.visitor_id) == (fair.factory_a, fair.consenting)
        assert sorted(p.sku for p in inquiry.products) == ["CY-001", "CY-003"]
        assert inquiry.quantity == 2000 and inquiry.target_price == Decimal("30.50")
        assert inquiry.customisation == "印 logo" and inquiry.rating == LeadRating.HOT
        station = session.get(Station, inquiry.station_id)
        assert (station.name, station.kind, station.factory_id) == (
            "Booth A-01",
            StationKind.BOOTH,
            fair.factory_a,
        )

    page.lead_table.selectRow(0)
    assert "直播间要样品" in page.lead_details.text()
    image = page.grab().toImage()
    image.save(str(artifacts_dir / "booth-page-saved.png"))
    # The Chinese is drawn as glyphs: the buyer's name, the lead list's name cell, the details.
    assert ink_pixels(image, page.buyer_name, page) > 100
    cell = page.lead_table.visualRect(page.lead_model.index(0, 0))
    assert ink_pixels(image, page.lead_table.viewport(), page, cell) > 20
    assert ink_pixels(image, page.lead_details, page) > 200


def test_the_same_buyer_again_adds_to_the_one_lead(qtbot, page: BoothPage, empty_db, fair) -> None:
    for sku in ("CY-002", "CY-004"):
        _scan(qtbot, page, fair.code_private)
        page.toggle_product(sku)
        qtbot.keyClick(page.product_search, Qt.Key.Key_F2)
    assert "回头客" in page.buyer_note.text() or page.card.property("state") == "saved"
    assert page.lead_model.rowCount() == 1
    assert page.lead_model.index(0, 4).data() == "2"
    assert page.lead_model.index(0, 8).data() == "未授权 not shared"
    with empty_db.session() as session:
        assert len(session.scalars(select(Lead)).all()) == 1
        assert len(session.scalars(select(Inquiry)).all()) == 2


@pytest.mark.parametrize("which", ["revoked", "forged"])
def test_an_invalid_or_revoked_badge_is_refused_in_red(
    qtbot, page: BoothPage, fair, artifacts_dir: Path, which: str
) -> None:
    payload = fair.revoked_code if which == "revoked" else fair.code_consenting[:-3] + "AAA"
    _scan(qtbot, page, payload)
    assert page.card.property("state") == "refused"
    assert page.buyer is None
    assert not page.save_button.isEnabled()
    expected = "replaced" if which == "revoked" else "Not a valid badge"
    assert expected in page.buyer_note.text()
    assert page.save() is False
    page.grab().save(str(artifacts_dir / f"booth-page-{which}.png"))


def test_a_registration_number_is_refused_at_the_booth(
    qtbot, page: BoothPage, sync_ctx, fair
) -> None:
    with sync_ctx.db.write(OFFICE) as session:
        session.get(Visitor, fair.consenting).registration_no = "FD260001002"
    _scan(qtbot, page, "FD260001002")
    assert page.card.property("state") == "refused"
    assert page.buyer is None and not page.save_button.isEnabled()
    assert "registration number" in page.buyer_note.text()
    assert "Scan the QR code on the badge" in page.buyer_note.text()
    assert page.save() is False
    with sync_ctx.db.session() as session:
        assert session.scalars(select(Inquiry)).all() == []


def test_saving_without_products_says_what_to_do(qtbot, page: BoothPage, fair) -> None:
    _scan(qtbot, page, fair.code_consenting)
    qtbot.keyClick(page.product_search, Qt.Key.Key_F2)
    assert "Pick at least one product" in page.form_message.text()
    page.toggle_product("CY-001")
    qtbot.keyClicks(page.target_price, "cheap")
    assert page.save() is False
    assert "Target price" in page.form_message.text()


def test_the_binding_is_a_setting_and_factory_b_s_leads_never_show(
    qtbot, page: BoothPage, fair, settings
) -> None:
    _scan(qtbot, page, fair.code_consenting)
    page.toggle_product("CY-001")
    assert page.save()
    assert settings.get(BOOTH_FACTORY) == fair.factory_a
    assert page.bind_to(fair.factory_b)
    assert settings.get(BOOTH_FACTORY) == fair.factory_b
    assert page.lead_model.rowCount() == 0
    assert [p.sku for p in page.products] == list(fair.skus_b)


def test_export_from_the_booth(qtbot, page: BoothPage, fair, tmp_path: Path) -> None:
    _scan(qtbot, page, fair.code_private)
    page.toggle_product("CY-002")
    assert page.save()
    page.export_file(tmp_path / "leads.xlsx")
    qtbot.waitUntil(lambda: page.last_export is not None)
    sheet = load_workbook(tmp_path / "leads.xlsx")["询盘 Inquiries"]
    assert sheet.max_row == 2
    assert sheet["B2"].value == "李娜" and sheet["E2"].value == "未授权 not shared"


def test_the_booth_page_on_the_demo_fair(qtbot, demo_ctx, artifacts_dir: Path) -> None:
    from expo.models import Visitor
    from expo.services.badges import code_for_visitor
    from expo.services.factories import list_factories

    with demo_ctx.db.write(OFFICE) as session:
        factory = list_factories(session, top100=True)[0]
        visitor = session.scalar(select(Visitor).where(Visitor.consent_share.is_(True)))
        code = code_for_visitor(session, visitor.id)
        name = visitor.name
    page = BoothPage(demo_ctx)
    show_page(qtbot, page)
    assert page.bind_to(factory.id)
    _scan(qtbot, page, code)
    assert page.buyer_name.text() == name
    for product in page.products[:2]:
        page.toggle_product(product.sku)
    page.quantity.setValue(1200)
    qtbot.keyClicks(page.target_price, "18.8")
    qtbot.keyClick(page.target_price, Qt.Key.Key_F2)
    assert page.lead_model.rowCount() == 1, page.form_message.text()
    assert page.lead_model.index(0, 0).data() == name
    page.lead_table.selectRow(0)
    qtbot.wait(20)  # let the layouts take the new texts before the screenshot
    assert page.lead_count.text().startswith("1 位买家")
    page.grab().save(str(artifacts_dir / "booth-page-demo.png"))


def test_an_unbound_station_asks_for_its_factory_and_remembers_it(
    qtbot, empty_db, fair, settings
) -> None:
    ctx = AppContext(db=empty_db, tasks=TaskRunner(synchronous=True), settings=settings)
    page = BoothPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    assert not page.scan_field.isEnabled()
    assert "Choose this booth's factory" in page.binding_label.text()
    page.scan(fair.code_consenting)
    assert page.card.property("state") == "refused" and page.buyer is None
    # Choosing the factory in the combo box binds the station (and the setting).
    page.factory_combo.setCurrentIndex(page.factory_combo.findData(fair.factory_b))
    page.factory_combo.activated.emit(page.factory_combo.currentIndex())
    assert page.factory is not None and page.factory.id == fair.factory_b
    assert page.scan_field.isEnabled()
    assert settings.get(BOOTH_FACTORY) == fair.factory_b
    # The next start of the page is bound already.
    again = BoothPage(ctx)
    qtbot.addWidget(again)
    again.activated()
    assert again.factory is not None and again.factory.id == fair.factory_b


def test_a_lead_s_rating_follow_up_and_notes_are_edited_from_the_keyboard(
    qtbot, page: BoothPage, empty_db, fair, artifacts_dir: Path
) -> None:
    assert not page.lead_editor.save_button.isEnabled()  # no lead to edit yet
    _scan(qtbot, page, fair.code_consenting)
    page.toggle_product("CY-001")
    page.rating_buttons[LeadRating.WARM].click()
    assert page.save()

    page.lead_table.setFocus()
    page.lead_table.selectRow(0)
    assert page.lead_editor.title.text().endswith("张伟")
    assert page.lead_editor.rating.currentText() == "温 Warm"
    qtbot.keyClick(page.lead_table, Qt.Key.Key_Return)
    assert page.lead_editor.rating.hasFocus()
    page.lead_editor.rating.setCurrentIndex(page.lead_editor.rating.findData("hot"))
    qtbot.keyClick(page.lead_editor.rating, Qt.Key.Key_Tab)
    assert page.lead_editor.follow_up.check.hasFocus()
    qtbot.keyClick(page.lead_editor.follow_up.check, Qt.Key.Key_Space)
    page.lead_editor.follow_up.date_edit.setDate(QDate(2025, 5, 9))
    page.lead_editor.notes.setFocus()
    page.lead_editor.notes.insertPlainText("寄样品到义乌 send samples")
    qtbot.keyClick(page.lead_editor.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert page.lead_editor.message.text() == "✓ 已保存 Saved", page.lead_editor.message.text()
    assert page.lead_table.hasFocus()
    assert page.lead_model.index(0, 3).data() == "热 Hot"
    assert page.lead_model.index(0, 7).data() == "2025-05-09"
    assert page.lead_editor.notes.toPlainText() == "寄样品到义乌 send samples"
    with empty_db.session() as session:
        lead = session.scalars(select(Lead)).one()
        assert (lead.rating, lead.follow_up_on, lead.notes) == (
            LeadRating.HOT,
            dt.date(2025, 5, 9),
            "寄样品到义乌 send samples",
        )
        # The inquiry is as it was logged, and Ctrl+Enter in the panel logged no new one.
        inquiry = session.scalars(select(Inquiry)).one()
        assert (inquiry.rating, inquiry.notes) == (LeadRating.WARM, None)
    qtbot.wait(20)
    image = page.grab().toImage()
    image.save(str(artifacts_dir / "booth-page-lead-follow-up.png"))
    assert ink_pixels(image, page.lead_editor.notes, page) > 100


def test_the_visitor_type_tag_is_readable_for_every_type(
    qtbot, page: BoothPage, empty_db, fair, artifacts_dir: Path
) -> None:
    """The tag's text is white or black by contrast: light types (other's grey) get black."""
    seen = set()
    for visitor_type in VisitorType:
        with empty_db.write(OFFICE) as session:
            session.get(Visitor, fair.consenting).visitor_type = visitor_type
        _scan(qtbot, page, fair.code_consenting)
        tag = page.buyer_type
        assert tag.text() == visitor_type_label(visitor_type)
        tag.ensurePolished()
        background = VISITOR_TYPE_COLORS[visitor_type]
        text = tag.palette().color(QPalette.ColorRole.WindowText).name()
        assert contrast_ratio(text, background) >= 4.5, (visitor_type, text, background)
        # And on screen: the glyphs drawn on the tag are that colour.
        image = tag.grab().toImage()
        pixels = [
            QColor(image.pixel(x, y)).name()
            for y in range(image.height())
            for x in range(image.width())
        ]
        assert Counter(pixels).most_common(1)[0][0].upper() == background.upper()
        # Anti-aliased strokes blend into the background; their cores reach the text colour.
        ink = max(pixels, key=lambda pixel: contrast_ratio(pixel, background))
        assert contrast_ratio(ink, background) >= 4.5, (visitor_type, ink, background)
        assert contrast_ratio(ink, text) < 1.5, (visitor_type, ink, text)
        seen.add(text)
        if visitor_type is VisitorType.OTHER:
            tag.grab().save(str(artifacts_dir / "booth-visitor-type-other.png"))
    assert seen == {"#000000", "#ffffff"}  # both are needed: the colours differ in lightness


def test_the_rating_buttons_are_readable_when_checked(
    qtbot, page: BoothPage, artifacts_dir: Path
) -> None:
    """Hot, warm and cold: the checked button's text reaches 4.5:1 on its colour."""
    for rating, button in page.rating_buttons.items():
        button.click()
        assert button.isChecked() and page.rating() is rating
        background = RATING_COLORS[rating]
        qtbot.wait(10)
        image = button.grab().toImage()
        pixels = [
            QColor(image.pixel(x, y)).name()
            for y in range(image.height())
            for x in range(image.width())
        ]
        # The button is painted in its rating's colour ...
        assert Counter(pixels).most_common(1)[0][0].upper() == background.upper(), rating
        # ... and the label's glyph cores reach the text colour's contrast on it.
        ink = max(pixels, key=lambda pixel: contrast_ratio(pixel, background))
        assert contrast_ratio(ink, background) >= 4.5, (rating, ink, background)
        # The checked state's palette is not the widget's; the three shades are dark: white text.
        assert contrast_ratio(ink, "#ffffff") < 1.5, (rating, ink)
        if rating is LeadRating.WARM:
            button.grab().save(str(artifacts_dir / "booth-rating-warm.png"))
