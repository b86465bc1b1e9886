"""Text cells that spreadsheets must not run as formulas (CSV injection).

A local stand-in for the project's shared formula-escaping helper, which another change is
writing; when both are on main, this module goes and its callers use the shared one.
"""

from __future__ import annotations

import re

# A cell that Excel, WPS or LibreOffice would run as a formula starts with one of these ...
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# ... unless it is only a number (a phone "+8613800138000", a price "-1.5"): those stay as is.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d .]*$")


def escape_formula(value: str) -> str:
    """``value`` safe to open in a spreadsheet: a leading ' keeps a formula as text."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value
