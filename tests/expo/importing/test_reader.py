"""Reading spreadsheets and CSVs: encodings detected, rows numbered as Excel numbers them."""

from __future__ import annotations

from pathlib import Path

import pytest

from expo.importing.reader import UnreadableFile, cell_text, read_csv_bytes, read_table
from tests.registration_files import GBK_CSV_ROWS, csv_text, write_csv, write_messy_xlsx


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("big5", "big5"),
    ],
)
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    rows = [["姓名", "手机", "公司"], ["陳大文", "13800138000", "香港貿易有限公司"]]
    if encoding != "big5":
        rows.append(["张伟", "13900139000", "义乌小商品贸易有限公司"])
    table = read_table(write_csv(tmp_path / "list.csv", rows, encoding))
    assert table.encoding == expected
    assert table.rows[1].cells == ("陳大文", "13800138000", "香港貿易有限公司")


def test_a_short_gbk_file_is_not_taken_for_korean() -> None:
    # Left unrestricted, charset detection calls these few bytes cp949.
    table = read_csv_bytes("姓名,手机\n李,138\n".encode("gbk"))
    assert table.rows[0].cells == ("姓名", "手机")
    assert table.rows[1].cells == ("李", "138")


def test_characters_only_gb18030_has_survive(tmp_path: Path) -> None:
    rows = [["姓名", "手机"], ["𠮷野家", "13800138000"], ["龘", "13900139000"]]
    table = read_table(write_csv(tmp_path / "rare.csv", rows, "gb18030"))
    assert table.rows[1].cells[0] == "𠮷野家"


def test_tab_separated_and_semicolon_files(tmp_path: Path) -> None:
    for delimiter in ("\t", ";"):
        table = read_table(write_csv(tmp_path / "list.csv", GBK_CSV_ROWS, "utf-8", delimiter))
        assert table.rows[0].cells == tuple(GBK_CSV_ROWS[0])


def test_csv_rows_keep_blank_lines_in_the_numbering() -> None:
    data = csv_text([["姓名", "手机"], ["张伟", "13800138000"], [], ["李娜", "139"]]).encode()
    table = read_csv_bytes(data)
    assert [row.number for row in table.rows] == [1, 2, 3, 4]
    assert table.rows[2].is_blank()
    assert table.rows[3].cells == ("李娜", "139")


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    table = read_table(write_messy_xlsx(tmp_path / "messy.xlsx"))
    assert table.source == "sheet 报名表"
    by_number = {row.number: row.cells for row in table.rows}
    assert by_number[2][1] == "姓名*"
    assert by_number[3][1:3] == ("张伟", "13800138000")  # a number cell, without ".0"
    assert by_number[6] == (None,) * len(by_number[6])


def test_xlsx_data_starting_below_blank_rows_keeps_its_row_numbers(tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "low.xlsx", [[], [], ["姓名", "手机"], ["张伟", "138"]])
    table = read_table(path)
    assert [row.number for row in table.rows if not row.is_blank()] == [3, 4]


@pytest.mark.parametrize(
    ("value", "text"),
    [(13800138000.0, "13800138000"), (1.5, "1.5"), ("  x ", "x"), ("", None), (None, None)],
)
def test_cells_become_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_files_that_are_not_tables_are_refused_with_a_way_out(tmp_path: Path) -> None:
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableFile, match="xlsx"):
        read_table(pdf)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile, match="save it again"):
        read_table(broken)
    with pytest.raises(UnreadableFile, match="does not exist"):
        read_table(tmp_path / "missing.csv")
