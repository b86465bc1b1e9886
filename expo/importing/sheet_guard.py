"""Checking a spreadsheet's size before a library reads it: what it would unpack to, and how big
a grid of cells its sheets claim.

An XLSX or ODS file is a zip of XML. A 2 kB file can claim the whole Excel grid (cells A1 and
XFD1048576), and python-calamine allocates that dense range before returning anything: 17
billion cells, an abort of the whole process. A few hundred kB can inflate to gigabytes of
shared strings (a zip bomb). These checks read only the zip's directory and stream each sheet's
XML once through a regular expression, so they stay cheap and bounded for any file; what they
cannot see (XLS and XLSB are binary) the child process of ``expo.importing.spreadsheets``
still contains.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from expo.errors import ExpoError
from expo.text.clean import clip

MAX_FILE_BYTES = 300 * 1024 * 1024  # on disk; a 200,000-row XLSX is about 20 MB
MAX_ENTRY_BYTES = 1024 * 1024 * 1024  # one part of the zip, unpacked
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # all parts, unpacked
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
# Apache POI's rule: XML parts that inflate more than 100 times (beyond a small size) are bombs.
MAX_INFLATE_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_CELLS = 5_000_000  # rows x columns of the dense range: 200,000 visitors x 25 columns
MAX_COLUMNS = 1_000
_CHUNK = 1024 * 1024


class SpreadsheetRefused(ExpoError):
    """The spreadsheet is too big, too compressed or claims too many cells to be read safely."""


@dataclass(frozen=True)
class SheetExtent:
    """The cells with a value: rows and columns 1-based, as Excel counts them."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def check_spreadsheet(path: Path) -> None:
    """Refuse a file that would take the reader more memory or time than any real list."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SpreadsheetRefused(
            f"{path.name} is {size / 2**20:,.0f} MB; Expo Desk reads spreadsheets up to "
            f"{MAX_FILE_BYTES / 2**20:,.0f} MB. Split the list into smaller files."
        )
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".ods") or not zipfile.is_zipfile(path):
        return  # binary formats (and broken zips) are left to the contained reader
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, path.name)
            if suffix == ".ods":
                _check_ods(archive, path.name)
            else:
                _check_xlsx(archive, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise SpreadsheetRefused(
            f"{path.name} is a damaged spreadsheet ({exc}). Open it in Excel or WPS and save "
            "it again as .xlsx."
        ) from exc


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    total = 0
    for info in archive.infolist():
        total += info.file_size
        too_big = info.file_size > MAX_ENTRY_BYTES
        ratio = info.file_size / max(info.compress_size, 1)
        if too_big or (info.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_INFLATE_RATIO):
            raise SpreadsheetRefused(
                f"{name} unpacks to {info.file_size / 2**20:,.0f} MB in its part "
                f"{clip(info.filename)} ({ratio:,.0f} times its packed size): not a list "
                "Expo Desk can read safely. Open it in Excel or WPS, check what it holds and "
                "save it again as .xlsx."
            )
        if info.filename.lower().endswith("sharedstrings.xml") and (
            info.file_size > MAX_SHARED_STRINGS_BYTES
        ):
            raise SpreadsheetRefused(
                f"{name} holds {info.file_size / 2**20:,.0f} MB of cell texts; Expo Desk reads "
                f"up to {MAX_SHARED_STRINGS_BYTES / 2**20:,.0f} MB. Split the list into "
                "smaller files."
            )
    if total > MAX_TOTAL_BYTES:
        raise SpreadsheetRefused(
            f"{name} unpacks to {total / 2**20:,.0f} MB; Expo Desk reads spreadsheets up to "
            f"{MAX_TOTAL_BYTES / 2**20:,.0f} MB unpacked. Split the list into smaller files."
        )


# -- XLSX ----------------------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# A cell's start tag that is not self-closing (``<c r="B2" s="1"/>`` holds no value); its
# attributes (r, s, t, cm, vm, ph) never hold a "/".
_CELL_REST = rb'([A-Z]{1,3})([0-9]{1,7})"[^>/]*>'
_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"'
)


def _attributes(tag_body: bytes) -> dict[bytes, bytes]:
    return {
        key.split(b":")[-1]: double or single
        for key, double, single in _ATTRIBUTE.findall(tag_body)
    }


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> the sheet's name as Excel shows it (best effort)."""
    try:
        workbook = _read_small(archive, "xl/workbook.xml")
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        attributes = _attributes(tag)
        target = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        if not target.startswith("xl/"):
            target = f"xl/{target}"
        targets[attributes.get(b"Id", b"")] = target
    names = {}
    for tag in _SHEET_TAG.findall(workbook):
        attributes = _attributes(tag)
        part = targets.get(attributes.get(b"id", b""))
        if part:
            names[part] = html.unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
    return names


def _read_small(archive: zipfile.ZipFile, member: str, limit: int = 16 * 1024 * 1024) -> bytes:
    with archive.open(member) as handle:
        return handle.read(limit)


def _check_xlsx(archive: zipfile.ZipFile, name: str) -> None:
    names = _sheet_names(archive)
    for info in archive.infolist():
        part = info.filename
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        with archive.open(info) as handle:
            extent = xlsx_sheet_extent(handle)
        _check_extent(extent, name, names.get(part, part.rsplit("/", 1)[-1]))


def xlsx_sheet_extent(handle: IO[bytes]) -> SheetExtent:
    """How far a worksheet reaches with cells that hold something.

    Excel and WPS write the used range first (``<dimension ref="A1:H2001"/>``): within the
    limits, that is the answer, and a file whose cells reach further than its dimension says
    is left to the child process's memory ceiling. Without a dimension (openpyxl's streaming
    writer), or one beyond the limits (it may count cells that are only formatted), the cells
    are scanned: found by their reference written first (``<c r="B7" ...>``), self-closing
    cells (empty, styled only) not counted, the work per cell kept in C.
    """
    start = handle.read(4096)
    dimension = _DIMENSION.search(start)
    if dimension:
        claimed = SheetExtent(int(dimension.group(2)), _column_number(dimension.group(1)))
        if claimed.columns <= MAX_COLUMNS and claimed.cells <= MAX_CELLS:
            return claimed
    prefix = _PREFIX.search(start)
    # A literal start (with the namespace prefix the sheet uses) lets the engine jump to cells.
    pattern = re.compile(
        re.escape(b"<" + (prefix.group(1) if prefix and prefix.group(1) else b"") + b'c r="')
        + _CELL_REST
    )
    letters: set[bytes] = set()
    max_row = 0
    for found in _scan(handle, pattern, start):
        if found:
            columns, rows = zip(*found, strict=True)
            letters.update(columns)
            max_row = max(max_row, max(map(int, set(rows))))
    return SheetExtent(max_row, max(map(_column_number, letters), default=0))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan(handle: IO[bytes], pattern: re.Pattern[bytes], carry: bytes = b"") -> Iterator[list[Any]]:
    """``pattern.findall`` over ``carry`` and what ``handle`` holds, chunk by chunk (a tag cut
    in two at a chunk's end is carried to the next one)."""
    while True:
        chunk = handle.read(_CHUNK)
        data = carry + chunk
        if not chunk:
            yield pattern.findall(data)
            return
        # Keep an unfinished tag for the next round (a tag never holds another "<").
        cut = data.rfind(b"<")
        if cut == -1 or data.find(b">", cut) != -1:
            cut = len(data)
        yield pattern.findall(data, 0, cut)
        carry = data[cut:]
        if len(carry) > _CHUNK:  # one tag a megabyte long: no spreadsheet writes that
            raise SpreadsheetRefused("A tag in the spreadsheet's XML is over 1 MB long.")


def _check_extent(extent: SheetExtent, name: str, sheet: str) -> None:
    if extent.columns > MAX_COLUMNS or extent.cells > MAX_CELLS:
        last = f"{_column_letters(extent.columns)}{extent.rows}"
        raise SpreadsheetRefused(
            f"Sheet {clip(sheet)!r} of {name} reaches cell {last} ({extent.rows:,} rows x "
            f"{extent.columns:,} columns); Expo Desk reads up to {MAX_CELLS:,} cells and "
            f"{MAX_COLUMNS:,} columns. In Excel, Ctrl+End shows the last cell: delete the rows "
            "and columns beyond the list, save, and import again."
        )


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


# -- ODS -----------------------------------------------------------------------------------------

# ODS repeats rows and cells by attribute: one <table:table-cell number-columns-repeated=
# "16384"> with a value is 16,384 cells to the reader.
_ODS_TAG = re.compile(
    rb"<(table:table-row|table:table-cell|table:covered-table-cell|table:table)\b([^>]*)>"
)


def _check_ods(archive: zipfile.ZipFile, name: str) -> None:
    try:
        handle = archive.open("content.xml")
    except KeyError:
        return
    with handle:
        sheet = "1"
        row = max_row = max_column = column = 0
        for kind, body in (tag for found in _scan(handle, _ODS_TAG) for tag in found):
            # Attributes matter only for repeats and sheet names: parse them only there.
            attributes = _attributes(body) if b"repeated" in body or kind == b"table:table" else {}
            empty = body.rstrip().endswith(b"/")
            if kind == b"table:table":
                _check_extent(SheetExtent(max_row, max_column), name, sheet)
                sheet = attributes.get(b"name", b"?").decode("utf-8", "replace")
                row = max_row = max_column = 0
            elif kind == b"table:table-row":
                # The row's cells stand on every repeated row: the last one is how far they reach.
                row += _count(attributes.get(b"number-rows-repeated"))
                column = 0
            else:
                column += _count(attributes.get(b"number-columns-repeated"))
                if not empty:
                    max_row = max(max_row, row)
                    max_column = max(max_column, column)
        _check_extent(SheetExtent(max_row, max_column), name, sheet)


def _count(value: bytes | None) -> int:
    if value is None or not value.isdigit():
        return 1
    return min(int(value[:9]), 10**9)
