"""The visitor export: the right rows in the right order, text never a formula, a cancel
leaves no file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from expo.errors import ExpoError
from expo.progress import Cancelled, Progress
from expo.services.visitor_export import HEADERS, export_visitors
from tests.actors import OFFICE
from tests.people import add_visitor

FORMULA_NAME = '=HYPERLINK("http://evil.example/x","点我")'


@pytest.fixture
def visitor_ids(empty_db) -> list[int]:
    with empty_db.write(OFFICE) as session:
        return [
            add_visitor(session, "张伟", phone="+8613800138000", city="义乌"),
            add_visitor(session, FORMULA_NAME, company="=1+1", phone="+8613900139000"),
            add_visitor(session, "李娜", company="007", wechat="+86 139", consent_share=True),
        ]


def _sheet_rows(path: Path) -> list[tuple]:
    sheet = load_workbook(path)["观众 Visitors"]
    return list(sheet.iter_rows(values_only=True))


def test_every_visitor_is_exported_in_id_order_with_its_values(
    empty_db, visitor_ids: list[int], tmp_path: Path
) -> None:
    target = tmp_path / "all.xlsx"
    with empty_db.session() as session:
        result = export_visitors(session, target)
    assert result.exported == 3
    rows = _sheet_rows(target)
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == visitor_ids
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["姓名 Name"] == "张伟" and first["拼音 Pinyin"] == "zhangwei"
    assert first["手机 Phone"] == "+8613800138000" and first["城市 City"] == "义乌"
    assert first["同意分享 Consent"] == "否"
    assert isinstance(first["登记时间 Registered (UTC)"], dt.datetime)
    third = dict(zip(HEADERS, rows[3], strict=True))
    assert third["公司 Company"] == "007"  # text that looks like a number stays text
    assert third["微信 WeChat"] == "+86 139" and third["同意分享 Consent"] == "是"


def test_a_name_that_looks_like_a_formula_stays_text(
    empty_db, visitor_ids: list[int], tmp_path: Path
) -> None:
    target = tmp_path / "all.xlsx"
    with empty_db.session() as session:
        export_visitors(session, target, mask_phones=True)
    sheet = load_workbook(target)["观众 Visitors"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = [cell.value for cell in cells]
    assert FORMULA_NAME in values and "=1+1" in values
    assert "139****9000" in values and "+8613900139000" not in values


def test_given_ids_are_exported_in_their_order(
    empty_db, visitor_ids: list[int], tmp_path: Path
) -> None:
    target = tmp_path / "some.xlsx"
    wanted = [visitor_ids[2], visitor_ids[0]]
    with empty_db.session() as session:
        result = export_visitors(session, target, ids=wanted)
    assert result.exported == 2
    assert [row[0] for row in _sheet_rows(target)[1:]] == wanted


def test_a_cancelled_export_leaves_no_file(
    empty_db, visitor_ids: list[int], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    progress = Progress()
    progress.cancel()
    with empty_db.session() as session, pytest.raises(Cancelled):
        export_visitors(session, folder / "all.xlsx", progress=progress)
    assert list(folder.iterdir()) == []


def test_an_unwritable_place_is_a_clear_error(
    empty_db, visitor_ids: list[int], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "all.xlsx").mkdir(parents=True)  # a folder where the file should go: rename fails
    with empty_db.session() as session, pytest.raises(ExpoError, match="choose another place"):
        export_visitors(session, out / "all.xlsx")
    assert [path.name for path in out.iterdir()] == ["all.xlsx"]
