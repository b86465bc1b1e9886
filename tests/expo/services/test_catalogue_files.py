"""Catalogue XLSX import and export: bad rows with their Excel row numbers, one transaction."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from expo.models import Product
from expo.progress import Cancelled, Progress
from expo.services import catalogue_files
from expo.services.catalogue import list_products
from expo.services.catalogue_files import (
    CatalogueFileError,
    export_catalogue,
    header_field,
    import_catalogue,
)
from tests.actors import OFFICE
from tests.fair import build_small_fair


def _write(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def messy_catalogue(path: Path) -> Path:
    """What a factory sends: a title row, headers in its own order and words, a price range
    column, mistakes on some rows, a blank row and a note at the end."""
    return _write(
        path,
        [
            ["星尚户外 2026 产品目录"],  # row 1: a title, not the header
            [
                "产品名称",
                "货号",
                "价格区间(元)",
                "起订量",
                "类目",
                "支持定制",
                "OEM代工",
                "交期(天)",
            ],
            ["自动充气床垫", "CY-101", "68-95", 100, "露营", "是", "否", "20天"],  # 3 good
            ["户外折叠推车", "CY-102", 129, "50件", "camping", "否", "是", 30],  # 4 good
            ["", "CY-103", "10-20", 100, "露营", "", "", ""],  # 5 no name
            ["便携烧烤架", "", "40-60", 100, "露营", "", "", ""],  # 6 no SKU
            ["野餐垫", "CY-104", "便宜", 100, "露营", "", "", ""],  # 7 not a price
            ["吊床", "CY-105", "80-60", 100, "露营", "", "", ""],  # 8 min above max
            [None, None, None, None, None, None, None, None],  # 9 blank: ignored
            ["保温箱", "CY-101", "50-70", 100, "露营", "", "", ""],  # 10 SKU twice
            ["登山杖", "CY-106", "30-45", 12.5, "露营", "", "", ""],  # 11 MOQ not whole
            ["睡袋", "CY-107", "55-88", 200, "火箭", "", "", ""],  # 12 unknown category
            ["防潮垫", "CY-108", "￥15.5～22", "1,000", "露营", "可定制", "", ""],  # 13 good
            ["注：价格含税，不含运费"],  # 14: a note, ignored
        ],
    )


def test_import_reports_bad_rows_by_excel_row_and_keeps_the_good_ones(
    empty_db, tmp_path: Path
) -> None:
    fair = build_small_fair(empty_db)
    path = messy_catalogue(tmp_path / "星尚目录.xlsx")
    with empty_db.write(OFFICE) as session:
        result = import_catalogue(session, fair.factory_a, path)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    reasons = {r.row: r.reason for r in result.rejected}
    assert sorted(reasons) == [5, 6, 7, 8, 10, 11, 12]
    assert "name" in reasons[5]
    assert "SKU" in reasons[6]
    assert "not a price" in reasons[7]
    assert "above the highest price" in reasons[8]
    assert "already on row 3" in reasons[10]
    assert "whole number" in reasons[11]
    assert "Unknown category" in reasons[12]
    with empty_db.session() as session:
        products = {p.sku: p for p in list_products(session, fair.factory_a)}
    mattress = products["CY-101"]
    assert (mattress.name, mattress.category, mattress.moq) == ("自动充气床垫", "camping", 100)
    assert (mattress.price_min, mattress.price_max) == (Decimal("68.00"), Decimal("95.00"))
    assert (mattress.customisable, mattress.oem, mattress.lead_time_days) == (True, False, 20)
    assert products["CY-102"].price_min == products["CY-102"].price_max == Decimal("129.00")
    assert products["CY-102"].oem is True and products["CY-102"].moq == 50
    assert products["CY-108"].price_min == Decimal("15.50")
    assert products["CY-108"].moq == 1000 and products["CY-108"].customisable is True
    assert products["CY-101"].name_pinyin.startswith("zidongchongqichuangdian")


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    empty_db, tmp_path: Path
) -> None:
    fair = build_small_fair(empty_db)
    path = messy_catalogue(tmp_path / "catalogue.xlsx")
    with empty_db.write(OFFICE) as session:
        import_catalogue(session, fair.factory_a, path)
    with empty_db.write(OFFICE) as session:
        again = import_catalogue(session, fair.factory_a, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_known_sku_is_updated_and_absent_columns_are_left_alone(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    path = _write(
        tmp_path / "prices.xlsx",
        [["SKU", "Name", "Price min", "Price max"], ["CY-001", "折叠露营椅", 33, 55.5]],
    )
    with empty_db.write(OFFICE) as session:
        result = import_catalogue(session, fair.factory_a, path)
    assert (result.created, result.updated) == (0, 1)
    with empty_db.session() as session:
        chair = next(p for p in list_products(session, fair.factory_a) if p.sku == "CY-001")
    assert (chair.price_min, chair.price_max) == (Decimal("33.00"), Decimal("55.50"))
    assert chair.moq == 200 and chair.customisable is True and chair.lead_time_days == 15


def test_a_dry_run_reports_and_writes_nothing(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    path = messy_catalogue(tmp_path / "catalogue.xlsx")
    with empty_db.write(OFFICE) as session:
        result = import_catalogue(session, fair.factory_a, path, dry_run=True)
    assert result.created == 3 and len(result.rejected) == 7
    with empty_db.session() as session:
        assert len(list_products(session, fair.factory_a)) == len(fair.skus_a)


def _product_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Product)) or 0


def test_a_cancelled_import_leaves_the_catalogue_as_it_was(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    rows: list[list[object]] = [["货号", "名称", "最低价", "最高价"]]
    rows += [[f"BULK-{i:04}", f"产品{i}", 1, 2] for i in range(450)]
    path = _write(tmp_path / "big.xlsx", rows)
    before = _product_count(empty_db)

    class CancelHalfWay(Progress):
        def changed(self) -> None:
            if self.done >= 200:
                self.cancel()

    with pytest.raises(Cancelled), empty_db.write(OFFICE) as session:
        import_catalogue(session, fair.factory_a, path, progress=CancelHalfWay())
    assert _product_count(empty_db) == before


def test_a_crash_mid_import_leaves_the_catalogue_as_it_was(
    empty_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fair = build_small_fair(empty_db)
    path = messy_catalogue(tmp_path / "catalogue.xlsx")
    before = _product_count(empty_db)
    calls = []
    real_apply = catalogue_files.apply_draft

    def failing_apply(product, draft):  # type: ignore[no-untyped-def]
        calls.append(draft.sku)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_apply(product, draft)

    monkeypatch.setattr(catalogue_files, "apply_draft", failing_apply)
    with pytest.raises(OSError), empty_db.write(OFFICE) as session:
        import_catalogue(session, fair.factory_a, path)
    assert _product_count(empty_db) == before


def test_files_that_cannot_be_imported_say_what_to_do(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    csv = tmp_path / "catalogue.csv"
    csv.write_text("sku,name\nA,B\n", encoding="utf-8")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    headless = _write(tmp_path / "headless.xlsx", [["A-1", "椅子", 12]])
    with empty_db.write(OFFICE) as session:
        with pytest.raises(CatalogueFileError, match="save the catalogue as .xlsx"):
            import_catalogue(session, fair.factory_a, csv)
        with pytest.raises(CatalogueFileError, match="cannot be read"):
            import_catalogue(session, fair.factory_a, broken)
        with pytest.raises(CatalogueFileError, match="no header row"):
            import_catalogue(session, fair.factory_a, headless)
        with pytest.raises(CatalogueFileError, match="No file"):
            import_catalogue(session, fair.factory_a, tmp_path / "missing.xlsx")


def test_headers_are_understood_in_chinese_english_and_both() -> None:
    assert header_field("货号") == "sku"
    assert header_field("Item No.") == "sku"
    assert header_field("最低价 Price min (¥)") == "price_min"
    assert header_field("价格区间（元）") == "price"
    assert header_field("OEM 代工") == "oem"
    assert header_field("交期(天) Lead time (days)") == "lead_time_days"
    assert header_field("备注") is None


def test_export_opens_in_openpyxl_and_imports_back_unchanged(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    out = tmp_path / "export.xlsx"
    with empty_db.session() as session:
        assert export_catalogue(session, fair.factory_a, out) == len(fair.skus_a)
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("货号 SKU", "名称 Name")
    assert [row[0] for row in rows[1:]] == list(fair.skus_a)
    chair = rows[1]
    assert chair[1:6] == ("折叠露营椅", "露营", 200, 35, 58.5)
    assert chair[6:9] == ("是", "否", 15)
    assert not list(tmp_path.glob("*.part"))
    with empty_db.write(OFFICE) as session:
        again = import_catalogue(session, fair.factory_a, out)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 4, [])
