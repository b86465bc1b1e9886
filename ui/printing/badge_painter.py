"""Paint ``expo.badges.layout`` drawings with QPainter: on a printer, a PDF or a preview image.

The same drawing instructions as the reportlab PDFs, so a printed badge looks like its PDF.
Coordinates come in points with the origin bottom-left; Qt's go down from the top-left, in
device pixels. The QR is one filled QPainterPath, painted without antialiasing so its module
edges stay on printer dots.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath

from expo.badges.layout import BadgeDrawing
from expo.fonts import CJK_FONT_FAMILY

INCH_PER_METRE = 39.3700787


def paint_badge(
    painter: QPainter,
    drawing: BadgeDrawing,
    *,
    origin: QPointF | None = None,
    px_per_pt: float,
    family: str = CJK_FONT_FAMILY,
) -> None:
    """Paint one badge with its top-left corner at ``origin`` (device pixels)."""
    left = origin.x() if origin is not None else 0.0
    top = origin.y() if origin is not None else 0.0
    height = drawing.height
    device_dpi = painter.device().logicalDpiY() or 72

    def x_of(x_pt: float) -> float:
        return left + x_pt * px_per_pt

    def y_of(y_pt: float) -> float:
        return top + (height - y_pt) * px_per_pt

    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    for box in drawing.boxes:
        painter.fillRect(
            QRectF(x_of(box.x), y_of(box.y + box.height), box.width * px_per_pt,
                   box.height * px_per_pt),
            QColor(box.color),
        )  # fmt: skip

    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    for text in drawing.texts:
        font = QFont(family)
        # Qt turns points into pixels with the device's dpi; we want size * px_per_pt pixels.
        font.setPointSizeF(text.size * px_per_pt * 72.0 / device_dpi)
        painter.setFont(font)
        painter.setPen(QColor(text.color))
        x = x_of(text.x)
        if text.align != "left":
            advance = QFontMetricsF(font, painter.device()).horizontalAdvance(text.text)
            x -= advance / 2 if text.align == "center" else advance
        painter.drawText(QPointF(x, y_of(text.y)), text.text)

    qr = drawing.qr
    module = qr.module * px_per_pt
    qr_left = x_of(qr.x)
    qr_top = y_of(qr.y + qr.matrix.size * qr.module)
    path = QPainterPath()
    for x, y, width, h in qr.matrix.rects:
        path.addRect(QRectF(qr_left + x * module, qr_top + y * module, width * module, h * module))
    path.setFillRule(Qt.FillRule.WindingFill)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillPath(path, QColor("#000000"))
    painter.restore()


def badge_image(drawing: BadgeDrawing, dpi: float, family: str = CJK_FONT_FAMILY) -> QImage:
    """The badge as an image at ``dpi`` (for the desk's preview and for tests)."""
    px_per_pt = dpi / 72.0
    size = QSize(round(drawing.width * px_per_pt), round(drawing.height * px_per_pt))
    image = QImage(size, QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi * INCH_PER_METRE)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    try:
        paint_badge(painter, drawing, px_per_pt=px_per_pt, family=family)
    finally:
        painter.end()
    return image
