"""The shipped CJK font: one face for screens and PDFs, on machines without any CJK font."""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

CJK_FONT_FILE = "wqy-microhei.ttc"
CJK_FONT_FAMILY = "WenQuanYi Micro Hei"  # the family name inside the file (what Qt reports)
PDF_FONT_NAME = "ExpoCJK"  # the name reportlab documents use


@cache
def cjk_font_path() -> Path:
    resource = files("resources") / "fonts" / CJK_FONT_FILE
    with as_file(resource) as path:  # a real file for an ordinary (non-zip) install
        return Path(path)


@cache
def register_pdf_font() -> str:
    """Register the CJK font with reportlab (embedded as a subset) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(PDF_FONT_NAME, str(cjk_font_path()), subfontIndex=0))
    return PDF_FONT_NAME
