"""Hostile files, generated small in the test that needs them (never committed binaries).

Each one is what a careless user or an attacker hands an import: a sheet claiming the whole
Excel grid, a zip bomb of shared strings, a plan saved in GBK, JSON nested ten thousand deep.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="报名表" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
 Target="sharedStrings.xml"/>
</Relationships>"""
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def raw_xlsx(
    path: Path,
    sheet_data: str,
    *,
    dimension: str | None = None,
    shared_strings: list[str] | bytes | None = None,
) -> Path:
    """A minimal XLSX whose one sheet holds ``sheet_data`` (the XML inside <sheetData>)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = f"{_SHEET_HEAD}{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    if isinstance(shared_strings, bytes):
        sst = shared_strings
    else:
        items = "".join(f"<si><t>{s}</t></si>" for s in shared_strings or [])
        sst = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{items}</sst>"
        ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", sst)
    return path


def inline_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def huge_dimension_xlsx(path: Path) -> Path:
    """1.6 kB: cells A1 and XFD1048576, which makes calamine allocate the whole Excel grid."""
    cells = (
        f'<row r="1">{inline_cell("A1", "姓名")}</row>'
        f'<row r="1048576">{inline_cell("XFD1048576", "x")}</row>'
    )
    return raw_xlsx(path, cells, dimension="A1:XFD1048576")


def shared_strings_bomb_xlsx(path: Path, megabytes: int = 300) -> Path:
    """A few hundred kB on disk, hundreds of MB of shared strings once inflated."""
    header = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    )
    body = header + b"A" * (megabytes * 1024 * 1024) + b"</t></si></sst>"
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return raw_xlsx(path, cells, shared_strings=body)


def wide_csv(path: Path, columns: int = 2_000_000) -> Path:
    path.write_bytes(b",".join([b"x"] * columns) + b"\n")
    return path


def deep_json(path: Path, depth: int = 100_000) -> Path:
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    return path


def gbk_plan_csv(path: Path) -> Path:
    """A booth plan as Excel on Chinese Windows saves it: GBK, a Chinese hall name and notes."""
    text = (
        "hall,code,x_m,y_m,width_m,depth_m,notes,hall_name\n"
        "A,A-01,0,0,3,3,靠近入口,一号馆\n"
        "A,A-02,3,0,3,3,角位,一号馆\n"
    )
    path.write_bytes(text.encode("gbk"))
    return path


def wrong_types_json(path: Path) -> Path:
    document = {
        "halls": [
            {
                "code": ["A"],
                "name": {"x": 1},
                "width_m": [1],
                "entrances": [5, "x"],
                "booths": [{"code": 12, "x_m": None, "y_m": {}, "width_m": True, "depth_m": "3"}],
            },
        ]
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
