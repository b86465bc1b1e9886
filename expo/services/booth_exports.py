"""Printable outputs of the booth plan: the floor plan as PDF and the exhibitor list as XLSX.

The PDF has one landscape A3 page per hall, drawn as vectors (booths are rectangles, text is
text) in the shipped CJK font, embedded as a subset: booths filled in their factory's category
colour, the TOP100 outlined in gold with their rank, the Chinese factory name on the booth, the
entrances, and a legend of the categories.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.fonts import register_pdf_font
from expo.models import Category, Event, Factory
from expo.services.hall_plans import BoothInfo, list_booths, list_halls

TOP100_GOLD = "#C9971C"
FREE_FILL = "#F4F4F2"
EXCLUDED_FILL = "#D6D6D6"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    pages: int  # PDF pages, or XLSX rows
    booths: int


def lighten(color: str, amount: float = 0.55) -> str:
    """The category colour mixed with white, so black text on it stays readable."""
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


def _categories(session: Session) -> list[tuple[str, str, str, str]]:
    rows = session.execute(
        select(Category.code, Category.name_zh, Category.name_en, Category.color).order_by(
            Category.sort_order
        )
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def export_plan_pdf(session: Session, path: Path) -> ExportResult:
    """The floor plan, one page per hall."""
    from reportlab.lib.colors import HexColor, black, white
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfgen.canvas import Canvas

    halls = list_halls(session)
    if not halls:
        raise ExpoError("The event has no halls yet; draw or import a plan first.")
    font = register_pdf_font()
    booths = list_booths(session)
    by_hall: dict[int, list[BoothInfo]] = defaultdict(list)
    for booth in booths:
        by_hall[booth.hall_id].append(booth)
    categories = _categories(session)
    event = session.scalar(select(Event.name).limit(1)) or ""
    page_w, page_h = landscape(A3)
    margin = 36.0
    legend_h = 64.0
    # Entrance labels sit just outside the hall's walls: a band above and below the hall keeps
    # them clear of the title and of the legend.
    label_band = 16.0
    canvas = Canvas(
        str(path),
        pagesize=(page_w, page_h),
        pageCompression=1,
        initialFontName=font,
        initialFontSize=9,
    )
    canvas.setTitle(f"{event} 展位图 Floor plan")
    canvas.setAuthor("Expo Desk")
    for hall in halls:
        hall_booths = by_hall.get(hall.id, [])
        canvas.setFont(font, 18)
        canvas.setFillColor(black)
        canvas.drawString(margin, page_h - margin - 6, f"{event}  {hall.name} ({hall.code})")
        canvas.setFont(font, 9)
        assigned = sum(1 for b in hall_booths if b.factory_id is not None)
        canvas.drawRightString(
            page_w - margin,
            page_h - margin - 6,
            f"{hall.width_m:g} x {hall.depth_m:g} m · {len(hall_booths)} booths · "
            f"{assigned} assigned",
        )
        area_w = page_w - 2 * margin
        area_h = page_h - 2 * margin - 30 - legend_h - 2 * label_band
        scale = min(area_w / hall.width_m, area_h / hall.depth_m)
        origin_x = margin + (area_w - hall.width_m * scale) / 2
        top = page_h - margin - 30 - label_band

        def to_page(x: float, y: float) -> tuple[float, float]:
            return origin_x + x * scale, top - y * scale  # noqa: B023 - per page

        x0, y0 = to_page(0, hall.depth_m)
        canvas.setStrokeColor(black)
        canvas.setLineWidth(1.5)
        canvas.setFillColor(white)
        canvas.rect(x0, y0, hall.width_m * scale, hall.depth_m * scale, stroke=1, fill=1)
        for ex, ey in hall.entrances:
            px, py = to_page(ex, ey)
            canvas.setFillColor(HexColor("#2E7D32"))
            canvas.rect(px - 3 * scale, py - 1.5, 6 * scale, 3, stroke=0, fill=1)
            canvas.setFont(font, 9)
            canvas.drawCentredString(
                px, py - 12 if ey >= hall.depth_m / 2 else py + 6, "入口 Entrance"
            )
        for booth in hall_booths:
            bx, by = to_page(booth.x_m, booth.y_m + booth.depth_m)
            bw, bd = booth.width_m * scale, booth.depth_m * scale
            if booth.excluded:
                fill = EXCLUDED_FILL
            elif booth.category_color:
                fill = lighten(booth.category_color)
            else:
                fill = FREE_FILL
            canvas.setFillColor(HexColor(fill))
            canvas.setStrokeColor(HexColor("#555555"))
            canvas.setLineWidth(0.4)
            canvas.rect(bx, by, bw, bd, stroke=1, fill=1)
            if booth.is_top100:
                canvas.setStrokeColor(HexColor(TOP100_GOLD))
                canvas.setLineWidth(1.6)
                canvas.rect(bx + 1, by + 1, bw - 2, bd - 2, stroke=1, fill=0)
            canvas.setFillColor(black)
            code_size = max(3.5, min(6.0, bw / 6))
            canvas.setFont(font, code_size)
            label = booth.code + (" 锁" if booth.locked else "")
            canvas.drawString(bx + 1.5, by + bd - code_size - 1, label)
            if booth.is_top100 and booth.top100_rank:
                canvas.setFillColor(HexColor(TOP100_GOLD))
                canvas.drawRightString(
                    bx + bw - 1.5, by + bd - code_size - 1, f"★{booth.top100_rank}"
                )
                canvas.setFillColor(black)
            if booth.factory_name:
                _draw_name(
                    canvas, font, short_name(booth.factory_name), bx, by, bw, bd - code_size - 2
                )
        _draw_legend(canvas, font, categories, margin, margin, page_w - 2 * margin, legend_h)
        canvas.showPage()
    canvas.save()
    return ExportResult(path, len(halls), len(booths))


def short_name(name: str) -> str:
    """The brand part of 佛山市恒泰户外家具有限公司: what fits on a 3 m booth."""
    for suffix in ("有限责任公司", "有限公司", "股份公司", "公司"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    city_end = name.find("市")
    if 0 <= city_end <= 3 and len(name) > city_end + 2:
        name = name[city_end + 1 :]
    return name


def _draw_name(canvas, font: str, name: str, x: float, y: float, w: float, h: float) -> None:  # type: ignore[no-untyped-def]
    """The name wrapped in as many lines as the booth takes, largest size that fits."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for size in (8.0, 7.0, 6.0, 5.0, 4.0, 3.5):
        per_line = max(1, int((w - 3) // size))
        lines = [name[i : i + per_line] for i in range(0, len(name), per_line)]
        if len(lines) * (size + 1) <= h - 1:
            break
    lines = lines[: max(1, int((h - 1) // (size + 1)))]
    canvas.setFont(font, size)
    total = len(lines) * (size + 1)
    start = y + (h + total) / 2 - size
    for index, line in enumerate(lines):
        while stringWidth(line, font, size) > w - 2 and len(line) > 1:
            line = line[:-1]
        canvas.drawCentredString(x + w / 2, start - index * (size + 1), line)


def _draw_legend(canvas, font: str, categories, x: float, y: float, w: float, h: float) -> None:  # type: ignore[no-untyped-def]
    from reportlab.lib.colors import HexColor, black

    canvas.setFont(font, 8)
    per_row = 7
    cell_w = w / per_row
    entries = [(zh, en, color) for _, zh, en, color in categories]
    entries.append(("TOP100 宝藏工厂", "gold outline, ★ rank", None))
    entries.append(("空位 Free", "", FREE_FILL))
    for index, (zh, en, color) in enumerate(entries):
        row, col = divmod(index, per_row)
        cx = x + col * cell_w
        cy = y + h - 16 - row * 18
        if color is None:
            canvas.setStrokeColor(HexColor(TOP100_GOLD))
            canvas.setLineWidth(1.6)
            canvas.setFillColor(HexColor(FREE_FILL))
            canvas.rect(cx, cy, 14, 10, stroke=1, fill=1)
        else:
            canvas.setFillColor(HexColor(lighten(color) if color != FREE_FILL else color))
            canvas.setStrokeColor(HexColor("#555555"))
            canvas.setLineWidth(0.4)
            canvas.rect(cx, cy, 14, 10, stroke=1, fill=1)
        canvas.setFillColor(black)
        canvas.drawString(cx + 18, cy + 2, f"{zh} {en}".strip())


def export_exhibitors_xlsx(session: Session, path: Path) -> ExportResult:
    """The exhibitor list by hall and booth: one row per factory, in walking order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from expo.exports.safe_cells import append_row

    booths = list_booths(session)
    halls = {h.id: h for h in list_halls(session)}
    categories = {code: (zh, en, color) for code, zh, en, color in _categories(session)}
    by_factory: dict[int, list[BoothInfo]] = defaultdict(list)
    for booth in booths:
        if booth.factory_id is not None:
            by_factory[booth.factory_id].append(booth)
    factories = {
        f.id: f for f in session.scalars(select(Factory).where(Factory.id.in_(list(by_factory))))
    }
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "展商名录 Exhibitors"
    header = [
        "展馆 Hall",
        "展位 Booth",
        "面积 m²",
        "工厂 Factory",
        "Factory (EN)",
        "类目 Category",
        "TOP100",
        "城市 City",
        "产业带 Belt",
        "锁定 Locked",
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    order = sorted(
        by_factory.items(),
        key=lambda item: (
            halls[item[1][0].hall_id].sort_order,
            item[1][0].hall_code,
            item[1][0].code,
        ),
    )
    for factory_id, held in order:
        factory = factories[factory_id]
        held = sorted(held, key=lambda b: b.code)
        hall = halls[held[0].hall_id]
        category = categories.get(factory.main_category or "")
        append_row(
            sheet,
            [
                hall.name,
                " + ".join(b.code for b in held),
                round(sum(b.area_m2 for b in held), 1),
                factory.name_zh,
                factory.name_en or "",
                f"{category[0]} {category[1]}" if category else "",
                factory.top100_rank if factory.is_top100 else None,
                factory.city or "",
                factory.belt or "",
                "是" if any(b.locked for b in held) else "",
            ],
        )
        if category:
            fill = PatternFill("solid", fgColor=lighten(category[2], 0.7).lstrip("#"))
            sheet.cell(row=sheet.max_row, column=6).fill = fill
    widths = [10, 14, 9, 34, 40, 22, 8, 10, 18, 8]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
    return ExportResult(path, len(order), len(booths))
