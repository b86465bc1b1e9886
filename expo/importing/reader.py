"""Reading registration spreadsheets: XLSX/XLS/ODS through python-calamine, CSV in any encoding.

Every cell comes back as text (or None when empty), numbered the way Excel shows the row, so a
report can say "row 7" and the person finds row 7. Excel numbers that are really identifiers
(phone numbers stored as numbers: ``13800138000.0``) come back without the ``.0``. calamine
reads Excel error cells (``#REF!``) as empty; in CSV files they arrive as text, and the row is
reported as unreadable.

CSV files are decoded with the encoding charset-normalizer detects, restricted to what Chinese
spreadsheets are saved in: UTF-8 (with or without BOM, as Excel and WPS write it), UTF-16
(Excel's "Unicode text"), GB18030 (the superset of GBK and GB2312, WPS's default on Chinese
Windows) and Big5. Left free, the detector takes a short GBK file for Korean.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from expo.errors import ExpoError
from expo.importing.spreadsheets import SpreadsheetRefused, read_sheet

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
CSV_ENCODINGS = ["utf_8", "utf_16", "gb18030", "big5"]
_DELIMITERS = ",\t;|"


class UnreadableFile(ExpoError):
    """The file cannot be read as a table of visitors."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: the first line of the file is row 1
    cells: tuple[str | None, ...]

    def is_blank(self) -> bool:
        return all(cell is None for cell in self.cells)

    def filled(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)


@dataclass(frozen=True)
class Table:
    """The rows of one sheet, blank rows included (they keep the numbering)."""

    rows: list[Row]
    source: str  # "sheet 报名表" or "CSV, gb18030"
    encoding: str | None = None


def cell_text(value: object) -> str | None:
    """A cell as text: None when empty; integral floats without ``.0``; dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value).strip()
    return text or None


def read_table(path: str | Path) -> Table:
    """The first sheet of a spreadsheet, or a CSV file, as numbered rows of text cells."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"{path} does not exist; check the file name.")
    if path.is_dir():
        raise UnreadableFile(f"{path} is a folder; choose a spreadsheet or CSV file.")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path)
    if suffix in TEXT_SUFFIXES:
        return read_csv_bytes(path.read_bytes())
    raise UnreadableFile(
        f"{path.name}: Expo Desk reads .xlsx, .xls, .ods and .csv files. "
        "Save the list in one of those formats (Excel: File > Save As)."
    )


def _read_spreadsheet(path: Path) -> Table:
    try:
        sheet = read_sheet(path, "first_with_data")
    except SpreadsheetRefused as exc:
        raise UnreadableFile(str(exc)) from exc
    rows = [
        Row(index + 1, tuple(cell_text(value) for value in row))
        for index, row in enumerate(sheet.rows)
    ]
    return Table(rows, f"sheet {sheet.name}")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """The encoding of CSV bytes, as a Python codec name (``utf-8-sig``, ``gb18030`` ...)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if _is_utf8(data):
        return "utf-8"  # valid UTF-8 this long is UTF-8: no other encoding is that strict
    match = from_bytes(data, cp_isolation=CSV_ENCODINGS).best()
    if match is None:
        raise UnreadableFile(
            "The file is not text in a known encoding (UTF-8, GB18030/GBK, Big5, UTF-16). "
            "Is it really a CSV? Open it in Excel or WPS and save it as .xlsx or UTF-8 CSV."
        )
    encoding = match.encoding
    return "gb18030" if encoding in ("gbk", "gb2312", "gb18030") else encoding


def read_csv_bytes(data: bytes) -> Table:
    """CSV bytes as numbered rows: encoding detected, delimiter sniffed, quoted fields kept."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"The file looks like {encoding} but byte {exc.start} is not valid in it; "
            "save it again as UTF-8 CSV or .xlsx."
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    try:
        for index, record in enumerate(reader):
            rows.append(Row(index + 1, tuple(_clean_csv_cell(cell) for cell in record)))
    except csv.Error as exc:
        raise UnreadableFile(
            f"Row {len(rows) + 1} of the CSV cannot be read ({exc}); "
            "check its quotes, or save the file again from Excel or WPS."
        ) from exc
    return Table(rows, f"CSV, {encoding}", encoding)


def _clean_csv_cell(cell: str) -> str | None:
    text = cell.strip()
    return text or None


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(_first_lines(text, 20))
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _first_lines(text: str, count: int) -> Iterator[str]:
    for index, line in enumerate(io.StringIO(text)):
        if index >= count:
            return
        yield line.rstrip("\r\n")
