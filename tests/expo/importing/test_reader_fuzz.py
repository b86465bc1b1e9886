"""Fuzzing the visitor and catalogue readers: whatever the bytes, the answer is a table (or an
import report) or an ExpoError with a message, never another exception."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from expo.errors import ExpoError
from expo.importing.reader import Table, read_csv_bytes, read_table
from expo.services.catalogue_files import CatalogueFileError, parse_catalogue_rows, read_sheet_rows
from expo.services.visitor_import import check_mapping, prepare_table

# What people and attackers put in cells: Chinese, controls, formulas, huge numbers, quotes.
CELL_TEXT = st.text(
    alphabet=st.sampled_from(
        list("张伟李娜公司手机姓名 ,;\t\"'\n\r=+-@#0123456789abcXYZ\x00\x07\u202e\ufeff")
        + ["\ud7ff"]
    ),
    max_size=30,
)
CELL = st.one_of(
    st.none(),
    CELL_TEXT,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
HEADERS = ["姓名", "手机", "公司", "微信", "类型", "货号", "名称", "价格", "起订量"]
FUZZ = settings(max_examples=150, deadline=None)
SLOW_FUZZ = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _import_or_refuse(table: Table) -> None:
    try:
        prepared = prepare_table(table, "fuzz.csv")
        check_mapping(prepared)
    except ExpoError as exc:
        assert str(exc)


@FUZZ
@given(st.binary(max_size=2000))
def test_csv_bytes_give_a_table_or_a_message(data: bytes) -> None:
    try:
        table = read_csv_bytes(data)
    except ExpoError as exc:
        assert str(exc)
        return
    assert all(row.number > 0 for row in table.rows)
    _import_or_refuse(table)


@FUZZ
@given(
    st.lists(st.lists(CELL_TEXT, max_size=8), max_size=20),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    st.sampled_from([",", ";", "\t"]),
)
def test_csv_text_in_any_encoding_gives_a_table_or_a_message(rows, encoding, separator) -> None:
    lines = [separator.join(HEADERS[:4])] + [separator.join(row) for row in rows]
    data = "\n".join(lines).encode(encoding, errors="replace")
    try:
        table = read_csv_bytes(data)
    except ExpoError as exc:
        assert str(exc)
        return
    assert [row.number for row in table.rows] == sorted({row.number for row in table.rows})
    _import_or_refuse(table)


@SLOW_FUZZ
@given(rows=st.lists(st.lists(CELL, max_size=6), max_size=8))
def test_xlsx_cells_of_any_kind_give_a_table_or_a_message(tmp_path: Path, rows) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS[:5])
    for row in rows:
        sheet.append([_storable(cell) for cell in row])
    path = tmp_path / "fuzz.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.rows[0].cells[:2] == ("姓名", "手机")
    _import_or_refuse(table)


def _storable(cell: object) -> object:
    """openpyxl refuses control characters itself; NaN and infinities are not Excel numbers."""
    if isinstance(cell, str):
        return "".join(ch for ch in cell if ch >= " " or ch in "\t\n\r")
    if isinstance(cell, float) and (cell != cell or cell in (float("inf"), float("-inf"))):
        return None
    return cell


def _good_xlsx(path: Path) -> Path:
    workbook = Workbook()
    workbook.active.append(["货号", "名称", "价格", "姓名", "手机"])
    for index in range(30):
        workbook.active.append([f"SKU-{index}", f"产品{index}", "12.5-18", "张伟", "13800138000"])
    workbook.save(path)
    return path


@pytest.mark.parametrize("seed", range(8))
def test_damaged_xlsx_bytes_give_rows_or_a_message(tmp_path: Path, seed: int) -> None:
    """A real workbook with bytes flipped, cut or repeated (seeded): both readers survive."""
    rng = random.Random(seed)
    data = bytearray(_good_xlsx(tmp_path / "good.xlsx").read_bytes())
    for _ in range(rng.randint(1, 40)):
        position = rng.randrange(len(data))
        action = rng.random()
        if action < 0.6:
            data[position] = rng.randrange(256)
        elif action < 0.8:
            del data[position : position + rng.randint(1, 200)]
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 50)))
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    try:
        read_table(path)
    except ExpoError as exc:
        assert str(exc)
    try:
        read_sheet_rows(path)
    except CatalogueFileError as exc:
        assert str(exc)


@FUZZ
@given(st.lists(st.lists(CELL, max_size=12), max_size=15))
def test_catalogue_rows_of_any_kind_are_imported_or_rejected_by_row(rows) -> None:
    sheet = [["货号", "名称", "价格", "起订量", "最低价", "可定制", "交期", "图片"], *rows]
    try:
        good, rejected = parse_catalogue_rows(sheet, "fuzz.xlsx", {"camping": "camping"})
    except CatalogueFileError as exc:
        assert str(exc)
        return
    numbers = [r.row for r in good] + [r.row for r in rejected]
    assert all(2 <= n <= len(sheet) for n in numbers)
