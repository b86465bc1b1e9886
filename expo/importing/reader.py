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

A UTF-8 file with a few damaged bytes (one bad row in 50,000) is still UTF-8: the rows that
hold them are named, and with ``skip_bad_rows`` left out and listed in ``Table.bad_rows`` (the
import reports them as rejected) instead of refusing the file. Reading is bounded: at most
``MAX_COLUMNS`` columns a row and ``MAX_CELLS`` cells, fields up to the csv module's limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from expo.errors import ExpoError
from expo.exports.safe_cells import unescape_formula
from expo.importing.sheet_guard import MAX_CELLS, MAX_COLUMNS
from expo.importing.spreadsheets import SpreadsheetRefused, read_sheet
from expo.text.clean import clip

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
CSV_ENCODINGS = ["utf_8", "utf_16", "gb18030", "big5"]
_DELIMITERS = ",\t;|"
_SNIFF_CHARS = 64 * 1024  # the delimiter shows in the first lines; a 4 MB line would take minutes
MAX_BAD_BYTES = 100  # more damaged spots than this and the file is not UTF-8 after all
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
BAD_ROW_REASON = (
    "The row holds bytes that are not valid UTF-8 (the rest of the file is); correct the row "
    "in the file, save it as UTF-8 CSV and import it again."
)


class UnreadableFile(ExpoError):
    """The file cannot be read as a table of visitors."""


class DamagedRows(UnreadableFile):
    """A UTF-8 CSV whose ``rows`` hold bytes that are not UTF-8: read again with
    ``skip_bad_rows`` to leave them out."""

    def __init__(self, rows: list[int]) -> None:
        super().__init__(
            bad_rows_message(
                rows, "--skip-bad-rows (command line) or Skip damaged rows (import window)"
            )
        )
        self.rows = rows


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
    # Rows left out because they hold bytes that are not UTF-8 (``skip_bad_rows``).
    bad_rows: tuple[int, ...] = ()


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


def read_table(path: str | Path, *, skip_bad_rows: bool = False) -> Table:
    """The first sheet of a spreadsheet, or a CSV file, as numbered rows of text cells.

    ``skip_bad_rows``: rows of a UTF-8 CSV with damaged bytes are left out (``Table.bad_rows``)
    instead of refusing the file.
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"{path} does not exist; check the file name.")
    if path.is_dir():
        raise UnreadableFile(f"{path} is a folder; choose a spreadsheet or CSV file.")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path)
    if suffix in TEXT_SUFFIXES:
        return read_csv_bytes(path.read_bytes(), skip_bad_rows=skip_bad_rows)
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


def _utf8_damage(data: bytes) -> tuple[int, int]:
    """How many damaged spots and how many good non-ASCII characters ``data`` has as UTF-8."""
    text = data.decode("utf-8", "surrogateescape")
    bad = len(_BAD_BYTE.findall(text))
    if bad > MAX_BAD_BYTES:
        return bad, 0
    return bad, len(_NON_ASCII.findall(text))


def detect_encoding(data: bytes) -> str:
    """The encoding of CSV bytes, as a Python codec name (``utf-8-sig``, ``gb18030`` ...).

    UTF-8 with a few damaged bytes (a cut-off character, one pasted Latin-1 letter) is still
    ``utf-8``: ``read_csv_bytes`` names those rows.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if _is_utf8(data):
        return "utf-8"  # valid UTF-8 this long is UTF-8: no other encoding is that strict
    bad, good = _utf8_damage(data)
    if bad <= MAX_BAD_BYTES and good >= 10 * bad:
        return "utf-8"
    match = from_bytes(data, cp_isolation=CSV_ENCODINGS).best()
    if match is None:
        if bad <= MAX_BAD_BYTES:
            return "utf-8"  # nothing else fits either: UTF-8 with damaged rows
        raise UnreadableFile(
            "The file is not text in a known encoding (UTF-8, GB18030/GBK, Big5, UTF-16). "
            "Is it really a CSV? Open it in Excel or WPS and save it as .xlsx or UTF-8 CSV."
        )
    encoding = match.encoding
    return "gb18030" if encoding in ("gbk", "gb2312", "gb18030") else encoding


def decode_csv(data: bytes) -> tuple[str, str]:
    """CSV bytes as text and the encoding it was in. Damaged bytes of a UTF-8 file come back
    as lone surrogates (``\\udc80``-``\\udcff``): ``has_bad_bytes`` finds them."""
    encoding = detect_encoding(data)
    errors = "surrogateescape" if encoding.startswith("utf-8") else "strict"
    try:
        text = data.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"The file looks like {encoding} but byte {exc.start} is not valid in it; "
            "save it again as UTF-8 CSV or .xlsx."
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def has_bad_bytes(text: str) -> bool:
    return _BAD_BYTE.search(text) is not None


def bad_rows_message(rows: list[int], skip_option: str | None) -> str:
    """Rows with damaged bytes, named as Excel numbers them, and what to do (``skip_option``:
    how to leave them out, where the import can)."""
    shown = ", ".join(f"{n:,}" for n in rows[:10]) + (" ..." if len(rows) > 10 else "")
    which, verb = ("Row", "holds") if len(rows) == 1 else ("Rows", "hold")
    message = (
        f"{which} {shown} of the CSV {verb} bytes that are not valid UTF-8 (the rest of the file "
        "is UTF-8): correct them and save the file again as UTF-8 CSV"
    )
    if skip_option is None:
        return message + "."
    return message + f", or import with {skip_option} to leave them out (reported as rejected)."


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records numbered as Excel shows them (a quoted line break stays in its row),
    at most ``MAX_COLUMNS`` fields each and ``MAX_CELLS`` in all."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = cells = 0
    try:
        for number, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS:
                raise UnreadableFile(
                    f"Row {number:,} of the CSV has {len(record):,} columns; Expo Desk reads up "
                    f"to {MAX_COLUMNS:,}. Check the separator, or delete the empty columns."
                )
            cells += len(record)
            if cells > MAX_CELLS:
                raise UnreadableFile(
                    f"The CSV holds more than {MAX_CELLS:,} cells (row {number:,}); split the "
                    "list into smaller files."
                )
            yield number, record
    except csv.Error as exc:
        raise UnreadableFile(
            f"Row {number + 1:,} of the CSV cannot be read ({clip(str(exc), 80)}); check its "
            "quotes (a cell over 131,072 characters is refused too), or save the file again "
            "from Excel or WPS."
        ) from exc


def read_csv_bytes(data: bytes, *, skip_bad_rows: bool = False) -> Table:
    """CSV bytes as numbered rows: encoding detected, delimiter sniffed, quoted fields kept."""
    text, encoding = decode_csv(data)
    delimiter = sniff_delimiter(text)
    damaged = has_bad_bytes(text)
    rows: list[Row] = []
    bad: list[int] = []
    for number, record in csv_records(text, delimiter):
        if damaged and any(has_bad_bytes(cell) for cell in record):
            bad.append(number)
            continue
        rows.append(Row(number, tuple(_clean_csv_cell(cell) for cell in record)))
    if bad and not skip_bad_rows:
        raise DamagedRows(bad)
    return Table(rows, f"CSV, {encoding}", encoding, tuple(bad))


def _clean_csv_cell(cell: str) -> str | None:
    text = unescape_formula(cell.strip())
    return text or None


def sniff_delimiter(text: str, delimiters: str = _DELIMITERS) -> str:
    """The separator of a CSV: sniffed from its first lines, else the most frequent one."""
    sample = "\n".join(_first_lines(text[:_SNIFF_CHARS], 20))
    try:
        return csv.Sniffer().sniff(sample, delimiters=delimiters).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in delimiters}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _first_lines(text: str, count: int) -> Iterator[str]:
    for index, line in enumerate(io.StringIO(text)):
        if index >= count:
            return
        yield line.rstrip("\r\n")
