"""Files that used to kill, hang or flood the app: refused with a short message that says what
to do, or read as far as they are good. Every file is generated here, small."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from expo.importing import spreadsheets
from expo.importing.reader import BAD_ROW_REASON, UnreadableFile, read_csv_bytes, read_table
from expo.importing.sheet_guard import MAX_COLUMNS, SpreadsheetRefused, check_spreadsheet
from expo.services.catalogue_files import CatalogueFileError, read_sheet_rows
from expo.services.visitor_import import (
    ImportProblem,
    check_mapping,
    import_visitors,
    prepare_import,
)
from tests.actors import OFFICE
from tests.hostile_files import (
    huge_dimension_xlsx,
    inline_cell,
    raw_xlsx,
    shared_strings_bomb_xlsx,
    wide_csv,
)


def test_a_sheet_claiming_the_whole_grid_is_refused_before_reading(tmp_path: Path) -> None:
    path = huge_dimension_xlsx(tmp_path / "报名.xlsx")
    assert path.stat().st_size < 2500
    with pytest.raises(UnreadableFile, match="reaches cell XFD1048576") as caught:
        read_table(path)
    assert "Ctrl+End" in str(caught.value) and len(str(caught.value)) < 400
    with pytest.raises(CatalogueFileError, match="reaches cell XFD1048576"):
        read_sheet_rows(path)


def test_an_abort_in_the_reader_is_a_message_not_the_end_of_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the size check calamine aborts (SIGABRT) on this file: in the child process."""
    path = huge_dimension_xlsx(tmp_path / "报名.xlsx")
    monkeypatch.setattr(spreadsheets, "check_spreadsheet", lambda _path: None)
    with pytest.raises(SpreadsheetRefused, match="reader stopped on 报名.xlsx") as caught:
        spreadsheets.read_sheet(path)
    assert "Ctrl+End" in str(caught.value)
    with pytest.raises(UnreadableFile, match="reader stopped"):
        read_table(path)


def test_a_sheet_whose_dimension_lies_is_caught_by_the_child(tmp_path: Path) -> None:
    """The dimension says A1:B2 (so the quick check trusts it); the cells reach XFD1048576."""
    cells = (
        f'<row r="1">{inline_cell("A1", "姓名")}</row>'
        f'<row r="1048576">{inline_cell("XFD1048576", "x")}</row>'
    )
    path = raw_xlsx(tmp_path / "liar.xlsx", cells, dimension="A1:B2")
    check_spreadsheet(path)
    with pytest.raises(UnreadableFile, match="reader stopped on liar.xlsx"):
        read_table(path)


def test_a_shared_strings_bomb_is_refused_quickly_with_a_short_message(tmp_path: Path) -> None:
    path = shared_strings_bomb_xlsx(tmp_path / "bomb.xlsx", megabytes=300)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(UnreadableFile, match="unpacks to 300 MB") as caught:
        read_table(path)
    assert len(str(caught.value)) < 400


def test_cells_beyond_the_limit_and_empty_styled_cells(tmp_path: Path) -> None:
    wide = "".join(inline_cell(f"{letter}1", "x") for letter in ("A", "ALM"))  # column 1001
    with pytest.raises(SpreadsheetRefused, match="1,001 columns"):
        check_spreadsheet(raw_xlsx(tmp_path / "wide.xlsx", f'<row r="1">{wide}</row>'))
    # A styled empty cell far away holds nothing: the sheet is read.
    styled = f'<row r="1">{inline_cell("A1", "姓名")}<c r="XFD1048576" s="1"/></row>'
    table = read_table(raw_xlsx(tmp_path / "styled.xlsx", styled, dimension="A1:XFD1048576"))
    assert table.rows[0].cells[0] == "姓名"


def test_an_ods_repeating_a_cell_over_the_grid_is_refused(tmp_path: Path) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="表1">'
        '<table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "repeat.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    with pytest.raises(UnreadableFile, match="Sheet '表1'.*16,384 columns"):
        read_table(path)


def test_a_huge_header_is_cut_in_messages(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["备注" * 10_000, "x"])
    workbook.active.append(["a", "b"])
    path = tmp_path / "headers.xlsx"
    workbook.save(path)
    prepared = prepare_import(path)
    with pytest.raises(ImportProblem) as caught:
        check_mapping(prepared)
    assert len(str(caught.value)) < 500 and "…" in str(caught.value)


def test_a_line_of_two_million_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        UnreadableFile, match=f"Row 1 of the CSV has 2,000,000 columns.*{MAX_COLUMNS:,}"
    ):
        read_table(wide_csv(tmp_path / "wide.csv"))


def test_a_huge_field_names_its_row() -> None:
    data = b"name,phone\n" + b"a,1\n" + b'"' + b"x" * 200_000 + b'",2\n'
    with pytest.raises(UnreadableFile, match="Row 3 of the CSV cannot be read"):
        read_csv_bytes(data)


def _utf8_with_a_bad_byte(rows: int = 2000, bad_row: int = 1234) -> bytes:
    lines = ["姓名,手机"] + [f"张伟{i},1380013{i:04d}" for i in range(rows)]
    data = "\n".join(lines).encode("utf-8")
    good = f"张伟{bad_row - 2},".encode()
    return data.replace(good, good[:-2] + b"\xff,", 1)


def test_one_bad_byte_names_the_row_and_can_be_skipped(empty_db, tmp_path: Path) -> None:
    data = _utf8_with_a_bad_byte()
    with pytest.raises(UnreadableFile, match="Row 1,234 of the CSV .*--skip-bad-rows"):
        read_csv_bytes(data)
    table = read_csv_bytes(data, skip_bad_rows=True)
    assert table.bad_rows == (1234,) and table.encoding == "utf-8"
    assert len(table.rows) == 2000 and 1234 not in [row.number for row in table.rows]

    path = tmp_path / "visitors.csv"
    path.write_bytes(data)
    prepared = prepare_import(path, skip_bad_rows=True)
    with empty_db.write(OFFICE) as session:
        report = import_visitors(session, prepared, None)
    assert report.created == 1999
    assert [(r.row, r.reason) for r in report.rejected] == [(1234, BAD_ROW_REASON)]


def test_readers_take_off_the_apostrophe_of_our_exports() -> None:
    table = read_csv_bytes("姓名,手机\n'=SUM(1),'+8613800138000\n'quoted,x\n".encode())
    assert table.rows[1].cells == ("=SUM(1)", "+8613800138000")
    assert table.rows[2].cells == ("'quoted", "x")
