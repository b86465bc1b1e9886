"""The Exhibitors page: factory filters, the catalogue edited in its table, XLSX import."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLineEdit

from expo.services.catalogue import list_products
from tests.ui.helpers import ink_pixels, show_page
from ui.exhibitors.page import ExhibitorsPage
from ui.main_window import MainWindow


@pytest.fixture
def page(qtbot, sync_ctx, fair) -> ExhibitorsPage:
    page = ExhibitorsPage(sync_ctx)
    show_page(qtbot, page)
    return page


def _cell(page: ExhibitorsPage, row: int, field: str):
    return page.catalogue.index(row, page.catalogue.column_of(field))


def test_the_factory_list_filters_by_top100_and_category(page: ExhibitorsPage, fair) -> None:
    assert page.factory_proxy.rowCount() == 2
    page.top100_only.setChecked(True)
    assert page.factory_proxy.rowCount() == 1
    assert page.factory_model.factory(0).id == fair.factory_a
    page.top100_only.setChecked(False)
    page.category_filter.setCurrentIndex(page.category_filter.findData("pets"))
    assert page.factory_proxy.rowCount() == 1
    assert page.factory_model.factory(0).id == fair.factory_b
    page.category_filter.setCurrentIndex(0)
    page.name_filter.setText("星尚")
    assert page.factory_proxy.rowCount() == 1
    assert "1 家工厂" in page.factory_count.text()


def test_editing_the_catalogue_checks_each_cell_and_saves_in_one_go(
    qtbot, page: ExhibitorsPage, empty_db, fair, artifacts_dir: Path
) -> None:
    assert page.select_factory(fair.factory_a)
    assert page.factory_title.text() == "宁波市星尚户外用品有限公司"
    assert page.catalogue.rowCount() == 4
    assert _cell(page, 0, "price_max").data() == "58.50"

    # A bad value is refused with a reason and leaves the cell as it was.
    assert not page.catalogue.setData(_cell(page, 0, "price_max"), "很便宜")
    assert "not a price" in page.message.text()
    assert _cell(page, 0, "price_max").data() == "58.50"
    assert not page.save_button.isEnabled()

    # Typed through the table's editor, as a person would.
    index = _cell(page, 0, "price_max")
    page.catalogue_table.setFocus()
    page.catalogue_table.setCurrentIndex(index)
    qtbot.keyClick(page.catalogue_table, Qt.Key.Key_F2)
    editor = page.catalogue_table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "62.8")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: _cell(page, 0, "price_max").data() == "62.80")
    assert page.save_button.isEnabled()

    page.catalogue.setData(
        _cell(page, 1, "oem"), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    row = page.catalogue.add_product()
    page.catalogue.setData(_cell(page, row, "sku"), "CY-010")
    page.catalogue.setData(_cell(page, row, "name"), "户外折叠床")
    page.catalogue.setData(_cell(page, row, "category"), "露营")
    page.catalogue.setData(_cell(page, row, "price_min"), "150")
    page.catalogue.setData(_cell(page, row, "price_max"), "199")
    page.catalogue.setData(_cell(page, row, "moq"), "20")
    page.catalogue_table.setCurrentIndex(_cell(page, 3, "sku"))
    page.delete_selected()
    page.grab().save(str(artifacts_dir / "exhibitors-page-editing.png"))
    assert page.save()
    assert "Saved: 1 new, 2 changed, 1 deleted" in page.message.text()

    with empty_db.session() as session:
        products = {p.sku: p for p in list_products(session, fair.factory_a)}
    assert sorted(products) == ["CY-001", "CY-002", "CY-003", "CY-010"]
    assert products["CY-001"].price_max == Decimal("62.80")
    assert products["CY-002"].oem is True
    assert products["CY-010"].category == "camping" and products["CY-010"].moq == 20
    assert page.catalogue.rowCount() == 4 and not page.catalogue.dirty


def test_a_save_with_problems_marks_the_rows_and_writes_nothing(
    page: ExhibitorsPage, empty_db, fair, artifacts_dir: Path
) -> None:
    page.select_factory(fair.factory_a)
    page.catalogue.setData(_cell(page, 0, "price_min"), "99")  # above its max of 58.50
    row = page.catalogue.add_product()
    page.catalogue.setData(_cell(page, row, "sku"), "CY-002")  # taken, and no name
    assert page.save() is False
    assert "Nothing was saved" in page.message.text()
    text = page.report.toPlainText()
    assert page.report.isVisible()
    assert "Row 1: The lowest price 99.00 is above the highest price 58.50" in text
    assert "Row 5: The SKU CY-002 is also on row 2" in text
    assert "Row 5: The name (名称) is empty" in text
    assert page.catalogue.row(0).problems and page.catalogue.row(row).problems
    assert _cell(page, 0, "sku").data(Qt.ItemDataRole.BackgroundRole) is not None
    page.grab().save(str(artifacts_dir / "exhibitors-page-problems.png"))
    with empty_db.session() as session:
        assert [p.sku for p in list_products(session, fair.factory_a)] == list(fair.skus_a)


def test_import_from_the_page_shows_the_rejected_rows(
    page: ExhibitorsPage, empty_db, fair, tmp_path: Path, artifacts_dir: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["货号", "名称", "价格", "起订量"])
    sheet.append(["CY-300", "充气沙发", "45-66", 100])
    sheet.append(["CY-301", "", "45-66", 100])
    sheet.append(["CY-302", "挂灯", "贵", 100])
    workbook.save(tmp_path / "catalogue.xlsx")
    page.select_factory(fair.factory_a)
    page.import_file(tmp_path / "catalogue.xlsx")
    assert page.last_import is not None
    assert "1 new" in page.message.text() and "2 rejected" in page.message.text()
    assert page.report.isVisible()
    report = page.report.toPlainText()
    assert "Row 3:" in report and "Row 4:" in report
    assert page.catalogue.rowCount() == 5
    image = page.grab().toImage()
    image.save(str(artifacts_dir / "exhibitors-page-import.png"))
    assert ink_pixels(image, page.factory_title, page) > 100  # the Chinese name is drawn


def test_both_pages_are_in_the_main_window(main_window: MainWindow, artifacts_dir: Path) -> None:
    exhibitors = main_window.show_page("exhibitors")
    assert isinstance(exhibitors, ExhibitorsPage)
    assert exhibitors.factory_proxy.rowCount() == 120
    exhibitors.top100_only.setChecked(True)
    assert exhibitors.factory_proxy.rowCount() == 24
    first = exhibitors.factory_model.factory(0)
    assert exhibitors.select_factory(first.id)
    assert 5 <= exhibitors.catalogue.rowCount() <= 30
    main_window.grab().save(str(artifacts_dir / "main-window-exhibitors.png"))
    from ui.booth.page import BoothPage

    assert isinstance(main_window.show_page("booth"), BoothPage)


def test_a_product_photo_is_kept_and_shown_as_a_thumbnail(
    page: ExhibitorsPage, empty_db, fair, tmp_path: Path
) -> None:
    from PySide6.QtGui import QPixmap

    photo = tmp_path / "chair.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3f9b4f"))
    assert image.save(str(photo))
    page.select_factory(fair.factory_a)
    assert page.set_photo(0, str(photo))
    decoration = _cell(page, 0, "photo_path").data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(decoration, QPixmap) and decoration.width() == 24
    assert _cell(page, 0, "photo_path").data() == "chair.png"
    assert page.save()
    with empty_db.session() as session:
        chair = next(p for p in list_products(session, fair.factory_a) if p.sku == "CY-001")
    assert chair.photo_path == str(photo)
