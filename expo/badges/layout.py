"""Badge layouts as plain drawing instructions, shared by the PDF writer and the Qt printer.

A layout turns a ``BadgeCard`` into a ``BadgeDrawing``: coloured boxes, text runs and one QR
mark, in points with the origin at the badge's bottom-left corner (PDF's convention). Text is
measured with the shipped CJK font's metrics and shrinks to fit its box; what still does not
fit at the smallest legible size is cut with an ellipsis, so nothing ever overflows.

Layouts: ``a6`` (A6 portrait, one badge a page), ``label`` (100 x 50 mm for 203 dpi thermal
label printers: the QR's modules are whole printer dots) and ``a4x8`` (an A4 sheet of 2 x 4
badges for pre-printing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from expo.badges.card import BadgeCard
from expo.badges.qr import QUIET_ZONE, QrMatrix, qr_matrix
from expo.badges.style import type_style
from expo.fonts import register_pdf_font

__all__ = ["BadgeCard", "BadgeDrawing", "BadgeLayout", "draw_badge", "page_spec"]

THERMAL_DPI = 203
ELLIPSIS = "…"


class BadgeLayout(StrEnum):
    A6 = "a6"
    LABEL = "label"
    A4X8 = "a4x8"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class TextRun:
    text: str
    x: float  # the anchor: left edge, centre or right edge by ``align``
    y: float  # baseline
    size: float
    color: str
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class QrMark:
    x: float  # bottom-left corner of the symbol itself (the quiet zone lies around it)
    y: float
    module: float  # module size in points
    matrix: QrMatrix


@dataclass(frozen=True)
class BadgeDrawing:
    width: float
    height: float
    boxes: tuple[Box, ...]
    texts: tuple[TextRun, ...]
    qr: QrMark


@dataclass(frozen=True)
class PageSpec:
    """A layout's page: its size and where each badge sits on it (bottom-left corners)."""

    layout: BadgeLayout
    width: float
    height: float
    badge_width: float
    badge_height: float
    slots: tuple[tuple[float, float], ...]

    @property
    def per_page(self) -> int:
        return len(self.slots)


A6_W, A6_H = 105 * mm, 148 * mm
A4_W, A4_H = 210 * mm, 297 * mm
LABEL_W, LABEL_H = 100 * mm, 50 * mm
CELL_W, CELL_H = A4_W / 2, A4_H / 4

PAGES: dict[BadgeLayout, PageSpec] = {
    BadgeLayout.A6: PageSpec(BadgeLayout.A6, A6_W, A6_H, A6_W, A6_H, ((0.0, 0.0),)),
    BadgeLayout.LABEL: PageSpec(
        BadgeLayout.LABEL, LABEL_W, LABEL_H, LABEL_W, LABEL_H, ((0.0, 0.0),)
    ),
    BadgeLayout.A4X8: PageSpec(
        BadgeLayout.A4X8,
        A4_W,
        A4_H,
        CELL_W,
        CELL_H,
        # Reading order: left to right, top to bottom.
        tuple((col * CELL_W, A4_H - (row + 1) * CELL_H) for row in range(4) for col in range(2)),
    ),
}


def page_spec(layout: BadgeLayout | str) -> PageSpec:
    return PAGES[BadgeLayout(layout)]


# -- text fitting


def text_width(text: str, size: float) -> float:
    return stringWidth(text, register_pdf_font(), size)


def fit_size(text: str, width: float, max_size: float) -> float:
    """The largest size up to ``max_size`` at which ``text`` is at most ``width`` wide."""
    measured = text_width(text, max_size)
    if measured <= width:
        return max_size
    return max_size * width / measured * 0.999  # widths scale linearly with the size


def cut_to_width(text: str, width: float, size: float) -> str:
    """``text`` cut at the end with an ellipsis so that it is at most ``width`` wide."""
    if text_width(text, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(text[:middle] + ELLIPSIS, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def fit_line(text: str, width: float, max_size: float, min_size: float) -> tuple[str, float]:
    size = fit_size(text, width, max_size)
    if size >= min_size:
        return text, size
    return cut_to_width(text, width, min_size), min_size


def split_two_lines(text: str) -> tuple[str, str]:
    """Split near the middle, at a space if there is one (Chinese breaks anywhere)."""
    middle = len(text) / 2
    spaces = [i for i, char in enumerate(text) if char == " "]
    if spaces:
        cut = min(spaces, key=lambda i: abs(i - middle))
        return text[:cut].rstrip(), text[cut + 1 :].lstrip()
    cut = math.ceil(middle)
    return text[:cut], text[cut:]


def fit_block(
    text: str,
    width: float,
    max_size: float,
    min_size: float,
    *,
    break_anywhere: bool = True,
) -> tuple[tuple[str, ...], float]:
    """One line if it fits at a comfortable size, else two lines, else cut at ``min_size``.

    Without ``break_anywhere`` (names) only a space may break the line.
    """
    single = fit_size(text, width, max_size)
    if single >= max_size * 0.8 or len(text) < 4 or (not break_anywhere and " " not in text):
        line, size = fit_line(text, width, max_size, min_size)
        return (line,), size
    first, second = split_two_lines(text)
    size = min(max_size * 0.85, fit_size(first, width, max_size), fit_size(second, width, max_size))
    if size < single * 1.1:  # two lines would not be bigger: keep one
        line, size = fit_line(text, width, max_size, min_size)
        return (line,), size
    if size >= min_size:
        return (first, second), size
    return (first, cut_to_width(second, width, min_size)), min_size


# -- layouts


def _snap(value: float, grid: float | None) -> float:
    return round(value / grid) * grid if grid else value


@dataclass(frozen=True)
class _Landscape:
    """The label and the A4 sheet's cells: band on top, name and company left, QR right."""

    band: float
    margin: float
    qr_box: float  # largest side of the QR with its quiet zone
    name_max: float
    name_min: float
    company_max: float
    company_min: float
    small: float
    snap_dpi: int | None


_LANDSCAPES = {
    BadgeLayout.LABEL: _Landscape(8.5 * mm, 3 * mm, 39 * mm, 30, 12, 13, 6.5, 6.5, THERMAL_DPI),
    BadgeLayout.A4X8: _Landscape(12 * mm, 5 * mm, 52 * mm, 34, 12, 14, 7, 7, None),
}


def _module_size(box: float, modules: int, snap_dpi: int | None) -> float:
    if snap_dpi:
        dot = 72.0 / snap_dpi
        return max(1, math.floor(box / modules / dot)) * dot
    return math.floor(box / modules / (0.05 * mm)) * 0.05 * mm


def _landscape(card: BadgeCard, spec: PageSpec, style: _Landscape, event_name: str) -> BadgeDrawing:
    w, h = spec.badge_width, spec.badge_height
    grid = 72.0 / style.snap_dpi if style.snap_dpi else None
    kind = type_style(card.visitor_type)
    band_y = h - style.band
    boxes = (Box(0, band_y, w, style.band, kind.color),)
    label_size = style.band * 0.55
    band_base = band_y + (style.band - label_size * 0.72) / 2
    label, label_size = fit_line(kind.label_zh, w * 0.5, label_size, label_size * 0.6)
    texts = [TextRun(label, style.margin, band_base, label_size, kind.text_color)]
    if event_name:
        event_text, event_size = fit_line(event_name, w * 0.45, style.small + 1, style.small - 1)
        texts.append(
            TextRun(event_text, w - style.margin, band_base, event_size, kind.text_color, "right")
        )

    matrix = qr_matrix(card.code)
    total = matrix.size_with_quiet_zone
    room = min(style.qr_box, band_y)
    module = _module_size(room, total, style.snap_dpi)
    quiet = QUIET_ZONE * module
    qr_side = matrix.size * module
    qr_x = _snap(w - quiet - qr_side - 1 * mm, grid)
    qr_y = _snap((band_y - qr_side) / 2, grid)
    text_right = qr_x - quiet + 1 * mm  # the quiet zone is the gap; nothing enters it
    text_width_ = text_right - style.margin

    names, name_size = fit_block(
        card.name, text_width_, style.name_max, style.name_min, break_anywhere=False
    )
    y = band_y - style.margin - name_size * 0.9
    for line in names:
        texts.append(TextRun(line, style.margin, y, name_size, "#000000"))
        y -= name_size * 1.1
    y += name_size * 0.75
    if card.company:
        lines, company_size = fit_block(
            card.company, text_width_, style.company_max, style.company_min
        )
        for line in lines:
            y -= company_size * 1.2
            texts.append(TextRun(line, style.margin, y, company_size, "#222222"))
    footer = f"{kind.label_en}" + (f" · {card.registration_no}" if card.registration_no else "")
    footer_text, footer_size = fit_line(footer, text_width_, style.small, style.small * 0.8)
    texts.append(TextRun(footer_text, style.margin, style.margin, footer_size, "#444444"))
    return BadgeDrawing(w, h, boxes, tuple(texts), QrMark(qr_x, qr_y, module, matrix))


def _portrait(card: BadgeCard, spec: PageSpec, event_name: str) -> BadgeDrawing:
    w, h = spec.badge_width, spec.badge_height
    margin = 6 * mm
    kind = type_style(card.visitor_type)
    texts: list[TextRun] = []
    if event_name:
        event_text, event_size = fit_line(event_name, w - 2 * margin, 13, 8)
        texts.append(TextRun(event_text, w / 2, h - 11 * mm, event_size, "#333333", "center"))
    band_h = 16 * mm
    band_y = h - 17 * mm - band_h
    boxes = (Box(0, band_y, w, band_h, kind.color),)
    label, label_size = fit_line(kind.label_zh, w - 2 * margin, 26, 14)
    texts.append(TextRun(label, w / 2, band_y + 5.2 * mm, label_size, kind.text_color, "center"))

    names, name_size = fit_block(card.name, w - 2 * margin, 46, 16, break_anywhere=False)
    y = band_y - 8 * mm - name_size * 0.75
    for line in names:
        texts.append(TextRun(line, w / 2, y, name_size, "#000000", "center"))
        y -= name_size * 1.1
    y += name_size * 0.8
    if card.company:
        lines, company_size = fit_block(card.company, w - 2 * margin, 17, 8)
        for line in lines:
            y -= company_size * 1.25
            texts.append(TextRun(line, w / 2, y, company_size, "#222222", "center"))

    matrix = qr_matrix(card.code)
    footer_y = 7 * mm
    space = y - 2 * mm - (footer_y + 2 * mm)  # between the company and the footer
    module = _module_size(min(space, 62 * mm), matrix.size_with_quiet_zone, None)
    qr_side = matrix.size * module
    qr_x = (w - qr_side) / 2
    qr_y = footer_y + 2 * mm + (space - qr_side) / 2
    footer = kind.label_en + (f" · {card.registration_no}" if card.registration_no else "")
    footer_text, footer_size = fit_line(footer, w - 2 * margin, 9, 6)
    texts.append(TextRun(footer_text, w / 2, footer_y, footer_size, "#444444", "center"))
    return BadgeDrawing(w, h, boxes, tuple(texts), QrMark(qr_x, qr_y, module, matrix))


def draw_badge(card: BadgeCard, layout: BadgeLayout | str, event_name: str = "") -> BadgeDrawing:
    """The drawing of ``card`` in ``layout``."""
    spec = page_spec(layout)
    if spec.layout is BadgeLayout.A6:
        return _portrait(card, spec, event_name)
    return _landscape(card, spec, _LANDSCAPES[spec.layout], event_name)
