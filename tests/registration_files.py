"""Messy registration files as partners send them, for the import tests and the GUI tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

# Excel rows (header is row 2, under a title row); what each row should become is in the tests.
MESSY_XLSX_ROWS: list[list[object]] = [
    ["2026 工厂直采节 预登记名单"],
    ["序号", "姓名*", "手机号码(必填)", "公司名称", "微信号", "观众类型", "城市", "预登记码"],
    [1, "张伟", 13800138000, "义乌小商品贸易有限公司", "zhangwei88", "抖音主播", "义乌", "FD001"],
    [2, "李娜", "+86 139-0013-9000", "深圳花店", None, "花店/小店", "深圳", "FD002"],
    [3, "王芳", "０１３７ ００１３ ７０００", None, "wangfang", "小红书博主", None, "FD003"],
    [],
    [4, None, "13600136000", "无名公司", None, "批发", None, None],
    [5, "赵强", "12345", "某公司", None, "批发", None, None],
    [6, "张伟", "0086 138 0013 8000", "义乌小商品贸易有限公司二部", None, None, None, None],
    [7, "陈晨", None, "跨境优选", "chenchen_x", "跨境电商", "广州", None],
    [8, "孙丽", "135 0013 5000", "孙记杂货", None, "牙医", "东莞", None],
    [9, "周杰", "#REF!", "周氏", None, None, None, None],
    [10, "王芳", "+8613700137000", "芳芳工作室", None, None, "杭州", None],
    [],
    ["备注：以上名单截至12月1日"],
]

GBK_CSV_ROWS: list[list[str]] = [
    ["姓名", "手机", "单位", "类型", "微信"],
    ["张伟", "138 0013 8000", "义乌小商品贸易有限公司", "快手", ""],
    ["刘洋", "158-0015-8000", "邻里社区团购", "社区团购", "liuyang"],
    ["陈晨", "18800188000", "", "", "chenchen_x"],
    ["", "", "", "", ""],
    ["何静", "abc", "", "", ""],
]


def write_messy_xlsx(path: Path, rows: list[list[object]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "报名表"
    for row in rows if rows is not None else MESSY_XLSX_ROWS:
        sheet.append(row)
    workbook.save(path)
    return path


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path, rows: list[list[str]] | None = None, encoding: str = "gbk", delimiter: str = ","
) -> Path:
    path.write_bytes(csv_text(rows or GBK_CSV_ROWS, delimiter).encode(encoding))
    return path
