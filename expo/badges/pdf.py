"""Badge PDFs with reportlab: the drawings of ``expo.badges.layout`` written page by page.

The CJK font is embedded as subsets (``pdffonts`` shows ``emb yes``). Each QR goes in as one
filled path written straight into the page's content stream: at thousands of badges the
per-rectangle Python calls of reportlab's path object would cost more than making the QR.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from expo.badges.layout import BadgeCard, BadgeDrawing, BadgeLayout, draw_badge, page_spec
from expo.fonts import register_pdf_font


def _rgb(color: str) -> tuple[float, float, float]:
    value = color.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


_RGB: dict[str, tuple[float, float, float]] = {}


def rgb(color: str) -> tuple[float, float, float]:
    found = _RGB.get(color)
    if found is None:
        found = _RGB[color] = _rgb(color)
    return found


def qr_path_operators(drawing: BadgeDrawing, dx: float = 0.0, dy: float = 0.0) -> str:
    """PDF operators that fill the QR's dark rectangles black as one path."""
    qr = drawing.qr
    module = qr.module
    top = qr.y + qr.matrix.size * module + dy
    left = qr.x + dx
    parts = ["0 g"]
    for x, y, width, height in qr.matrix.rects:
        parts.append(
            f"{left + x * module:.3f} {top - (y + height) * module:.3f} "
            f"{width * module:.3f} {height * module:.3f} re"
        )
    parts.append("f")
    return "\n".join(parts)


def draw_on_canvas(canvas: Canvas, drawing: BadgeDrawing, dx: float = 0.0, dy: float = 0.0) -> None:
    """Draw one badge with its bottom-left corner at ``(dx, dy)``."""
    font = register_pdf_font()
    for box in drawing.boxes:
        canvas.setFillColorRGB(*rgb(box.color))
        canvas.rect(dx + box.x, dy + box.y, box.width, box.height, stroke=0, fill=1)
    for text in drawing.texts:
        canvas.setFillColorRGB(*rgb(text.color))
        canvas.setFont(font, text.size)
        if text.align == "center":
            canvas.drawCentredString(dx + text.x, dy + text.y, text.text)
        elif text.align == "right":
            canvas.drawRightString(dx + text.x, dy + text.y, text.text)
        else:
            canvas.drawString(dx + text.x, dy + text.y, text.text)
    canvas.saveState()
    canvas.addLiteral(qr_path_operators(drawing, dx, dy))
    canvas.restoreState()


class BadgePdf:
    """A PDF of badges in one layout; add cards, then ``close()``."""

    def __init__(
        self,
        path: Path | str,
        layout: BadgeLayout | str,
        *,
        event_name: str = "",
        compress: bool = True,
    ) -> None:
        self.path = Path(path)
        self.spec = page_spec(layout)
        self.event_name = event_name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.canvas = Canvas(
            str(self.path),
            pagesize=(self.spec.width, self.spec.height),
            pageCompression=1 if compress else 0,
            # Without this every page would start in (unembedded) Helvetica.
            initialFontName=register_pdf_font(),
        )
        self.canvas.setTitle(f"Badges — {event_name}" if event_name else "Badges")
        self.canvas.setCreator("Expo Desk")
        self.count = 0
        self._slot = 0

    def add(self, card: BadgeCard) -> None:
        drawing = draw_badge(card, self.spec.layout, self.event_name)
        dx, dy = self.spec.slots[self._slot]
        if self.spec.per_page > 1:
            self._cut_marks(dx, dy)
        draw_on_canvas(self.canvas, drawing, dx, dy)
        self.count += 1
        self._slot += 1
        if self._slot == self.spec.per_page:
            self.canvas.showPage()
            self._slot = 0

    def _cut_marks(self, dx: float, dy: float) -> None:
        # A hairline frame to cut along, in light grey so a slightly off cut does not show.
        self.canvas.setStrokeColorRGB(0.8, 0.8, 0.8)
        self.canvas.setLineWidth(0.3)
        self.canvas.rect(dx, dy, self.spec.badge_width, self.spec.badge_height, stroke=1, fill=0)

    def close(self) -> None:
        if self._slot:
            self.canvas.showPage()
            self._slot = 0
        self.canvas.save()


def write_badges_pdf(
    path: Path | str,
    cards: Iterable[BadgeCard],
    layout: BadgeLayout | str,
    *,
    event_name: str = "",
    on_badge: Callable[[int], None] | None = None,
) -> int:
    """Write ``cards`` into one PDF; returns how many badges it holds."""
    pdf = BadgePdf(path, layout, event_name=event_name)
    try:
        for card in cards:
            pdf.add(card)
            if on_badge is not None:
                on_badge(pdf.count)
    except BaseException:
        pdf.canvas.save()
        Path(path).unlink(missing_ok=True)  # no half-written PDF left behind
        raise
    pdf.close()
    return pdf.count
