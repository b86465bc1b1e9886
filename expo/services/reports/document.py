"""What every printed report shares: A4 pages in the embedded CJK font, headings, figure tables
and charts as platypus flowables, and writing the file so that a failure leaves none behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from expo.errors import ExpoError
from expo.fonts import register_pdf_font
from expo.services.reports.charts import ChartSpec
from expo.services.reports.pdf_charts import chart_drawing
from expo.services.reports.tables import FigureTable

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


class Styles:
    """Paragraph styles in the CJK font (wordWrap CJK: Chinese breaks between characters)."""

    def __init__(self) -> None:
        font = register_pdf_font()
        self.title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24)
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=font, fontSize=10, leading=14, textColor=colors.HexColor("#5C6B7A")
        )
        self.heading = ParagraphStyle(
            "heading", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4
        )
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
        self.cell = ParagraphStyle(
            "cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK", alignment=TA_LEFT
        )
        # Headers wrap between words only: "签到台 Desk" never splits inside "Desk".
        self.head = ParagraphStyle("head", fontName=font, fontSize=8, leading=10)
        self.font = font


def _cell(value: object, style: ParagraphStyle) -> object:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    # Long text wraps inside its column; short text stays a plain string (faster to lay out).
    return Paragraph(escape(text), style) if len(text) > 14 else text


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table_flowable(
    table: FigureTable,
    styles: Styles,
    col_widths: list[float] | None = None,
    header_color: str = "#EEF1F4",
) -> Table:
    data: list[list[Any]] = [[Paragraph(escape(h), styles.head) for h in table.headers]]
    data += [[_cell(value, styles.cell) for value in row] for row in table.rows]
    if len(data) == 1:
        data.append(["无数据 no data"] + [""] * (len(table.headers) - 1))
    flowable = Table(data, colWidths=col_widths, repeatRows=1)
    # Numbers line up on the right; text stays left.
    numeric = [
        ("ALIGN", (column, 1), (column, -1), "RIGHT")
        for column in range(len(table.headers))
        if table.rows and all(isinstance(row[column], int | float | None) for row in table.rows)
    ]
    flowable.setStyle(
        TableStyle(
            [
                *numeric,
                ("FONT", (0, 0), (-1, -1), styles.font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header_color)),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#C5CED8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return flowable


def chart_flowable(spec: ChartSpec, height: float = 170) -> Flowable:
    return chart_drawing(spec, TEXT_WIDTH, height)


def section(title: str, styles: Styles) -> list[Flowable]:
    return [Paragraph(escape(title), styles.heading)]


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def spacer(height: float = 6) -> Spacer:
    return Spacer(1, height)


def write_pdf(
    path: Path,
    title: str,
    story: list[Flowable],
    *,
    on_page: Callable[[Any, Any], None] | None = None,
) -> int:
    """Lay ``story`` out into ``path`` (written next to it, then renamed); the page count."""
    path = Path(path).expanduser()
    if path.suffix.lower() != ".pdf":
        raise ExpoError(f"{path.name}: a report is a PDF file; give it the .pdf suffix.")
    if not path.parent.exists():
        raise ExpoError(f"The folder {path.parent} does not exist; choose another place.")
    handle, temporary = tempfile.mkstemp(suffix=".pdf.part", dir=path.parent)
    os.close(handle)
    try:
        document = SimpleDocTemplate(
            temporary,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author="Expo Desk",
            # Every page starts in the embedded font: no unembedded Helvetica in the file.
            initialFontName=register_pdf_font(),
        )
        footer = on_page or _page_number
        document.build(story, onFirstPage=footer, onLaterPages=footer)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ExpoError(
            f"Could not write {path}: {exc.strerror or exc}. Free some space or choose another "
            "folder; nothing was written."
        ) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return int(document.page)


def _page_number(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(register_pdf_font(), 7)
    canvas.setFillColor(colors.HexColor("#8A96A3"))
    canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN / 2, f"{document.page}")
    canvas.restoreState()
