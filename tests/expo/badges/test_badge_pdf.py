"""Badge PDFs: each layout's QR decodes back from a 203 dpi raster and checks in; text fits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from expo.badges.layout import (
    BadgeCard,
    BadgeLayout,
    draw_badge,
    page_spec,
    text_width,
)
from expo.badges.pdf import write_badges_pdf
from expo.badges.qr import QUIET_ZONE
from expo.badges.style import type_style
from expo.colors import MIN_TEXT_CONTRAST, contrast_ratio
from expo.models import VisitorType
from expo.services.badges import badge_cards
from expo.services.checkin import CheckInStatus, check_in
from expo.services.events import ensure_station
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.tools import require_tool

LONG_NAME = "欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜"
LONG_COMPANY = (
    "深圳市龙华区大浪街道某某某某某某某某电子科技股份有限公司华南区域销售分公司第三事业部"
)


def _need(tool: str) -> None:
    require_tool(tool, "poppler-utils")


def _raster(pdf: Path, dpi: int, out: Path) -> list[Path]:
    _need("pdftoppm")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out)], check=True)
    return sorted(out.parent.glob(f"{out.name}-*.png"))


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_every_layout_decodes_back_at_203_dpi_and_checks_in(
    empty_db, tmp_path: Path, layout: BadgeLayout, artifacts_dir: Path
) -> None:
    with empty_db.write(OFFICE) as session:
        ids = [
            add_visitor(session, "张伟", "义乌小商品贸易有限公司", VisitorType.LIVESTREAMER),
            add_visitor(session, LONG_NAME, LONG_COMPANY, VisitorType.CROSS_BORDER, "FD26000002"),
            add_visitor(session, "Alexander Montgomery-Smithson", "Global Sourcing Ltd."),
        ]
        cards = badge_cards(session, ids)
    pdf = tmp_path / f"{layout}.pdf"
    assert write_badges_pdf(pdf, cards, layout, event_name="1688 工厂直采节") == 3

    decoded: list[str] = []
    for page in _raster(pdf, 203, tmp_path / str(layout)):
        image = Image.open(page)
        decoded += [
            r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        ]
    assert sorted(decoded) == sorted(card.code for card in cards)

    with empty_db.write(OFFICE) as session:
        desk = ensure_station(session, "Desk 1")
        results = [check_in(session, text, desk) for text in decoded]
    assert {r.status for r in results} == {CheckInStatus.OK}
    assert sorted(r.visitor.id for r in results) == sorted(ids)

    _need("pdffonts")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all(" yes " in row for row in font_rows), fonts
    assert "WenQuanYi" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "张伟" in text and "义乌小商品贸易有限公司" in text  # real glyphs, mapped back

    first = _raster(pdf, 100, tmp_path / f"look-{layout}")[0]
    shutil.copyfile(first, artifacts_dir / f"badge-{layout}.png")


def test_the_label_qr_sits_on_whole_printer_dots_with_its_quiet_zone() -> None:
    card = BadgeCard(1, "张伟", "义乌", VisitorType.TAOBAO, "EXPO1.B.B.7FBPFIZ4JJACBCY2")
    drawing = draw_badge(card, BadgeLayout.LABEL)
    dot = 72 / 203
    qr = drawing.qr
    for value in (qr.module, qr.x, qr.y):
        assert abs(value / dot - round(value / dot)) < 1e-6
    quiet = QUIET_ZONE * qr.module
    side = qr.matrix.size * qr.module
    assert qr.x - quiet >= 0 and qr.x + side + quiet <= drawing.width
    assert qr.y - quiet >= 0 and qr.y + side + quiet <= drawing.boxes[0].y  # below the band
    for text in drawing.texts:
        if text.y < drawing.boxes[0].y:  # body text, left of the QR
            assert text.x + text_width(text.text, text.size) <= qr.x - quiet + 1e-6


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_long_names_and_companies_shrink_and_never_overflow(layout: BadgeLayout) -> None:
    short = draw_badge(
        BadgeCard(1, "张伟", "义乌", VisitorType.TAOBAO, "EXPO1.B.B.7FBPFIZ4JJACBCY2"), layout
    )
    long = draw_badge(
        BadgeCard(1, LONG_NAME, LONG_COMPANY, VisitorType.TAOBAO, "EXPO1.B.B.7FBPFIZ4JJACBCY2"),
        layout,
    )
    spec = page_spec(layout)
    name_size = {t.text: t.size for t in short.texts}["张伟"]
    long_name = [t for t in long.texts if t.text.startswith("欧阳")]
    assert long_name and long_name[0].size < name_size
    for text in long.texts:
        width = text_width(text.text, text.size)
        left = {"left": text.x, "center": text.x - width / 2, "right": text.x - width}[text.align]
        assert left >= 0 and left + width <= spec.badge_width + 1e-6, text
    shown = "".join(t.text for t in long.texts)
    assert "深圳市龙华区" in shown  # the company is there, shrunk or cut with an ellipsis


@pytest.mark.parametrize("visitor_type", list(VisitorType))
def test_every_visitor_type_band_text_reaches_4_5_to_1(visitor_type: VisitorType) -> None:
    style = type_style(visitor_type)
    assert contrast_ratio(style.color, style.text_color) >= MIN_TEXT_CONTRAST
    card = BadgeCard(1, "张伟", "义乌", visitor_type, "EXPO1.B.B.7FBPFIZ4JJACBCY2")
    for layout in BadgeLayout:
        drawing = draw_badge(card, layout, event_name="1688 工厂直采节")
        band = drawing.boxes[0]
        on_band = [t for t in drawing.texts if band.y <= t.y <= band.y + band.height]
        assert any(t.text == style.label_zh for t in on_band), layout
        for text in on_band:
            assert contrast_ratio(band.color, text.color) >= MIN_TEXT_CONTRAST, (layout, text)


def _band_ink(pdf: Path, tmp_path: Path, band_color: str) -> tuple[int, int]:
    """Mean grey of the band's pixels that differ clearly from the band colour (its text)."""
    page = Image.open(_raster(pdf, 203, tmp_path / pdf.stem)[0]).convert("RGB")
    band_px = round(8.5 / 25.4 * 203)  # the label's band: 8.5 mm at the top
    band = page.crop((0, 0, page.width // 2, band_px))
    want = tuple(int(band_color[i : i + 2], 16) for i in (1, 3, 5))
    ink = [
        sum(pixel) // 3
        for pixel in band.get_flattened_data()
        if sum(abs(a - b) for a, b in zip(pixel, want, strict=True)) > 120
    ]
    return len(ink), sum(ink) // max(1, len(ink))


def test_the_rendered_other_label_has_dark_text_on_its_light_band(
    tmp_path: Path, artifacts_dir: Path
) -> None:
    code = "EXPO1.B.B.7FBPFIZ4JJACBCY2"
    light = BadgeCard(1, "张伟", "义乌小商品", VisitorType.OTHER, code)
    dark = BadgeCard(2, "李娜", "宁波家居", VisitorType.WHOLESALER, code)
    write_badges_pdf(
        tmp_path / "other.pdf", [light], BadgeLayout.LABEL, event_name="1688 工厂直采节"
    )
    write_badges_pdf(
        tmp_path / "wholesaler.pdf", [dark], BadgeLayout.LABEL, event_name="1688 工厂直采节"
    )
    count, grey = _band_ink(tmp_path / "other.pdf", tmp_path, type_style(VisitorType.OTHER).color)
    assert count > 200 and grey < 60  # the label 其他 in dark ink
    count, grey = _band_ink(
        tmp_path / "wholesaler.pdf", tmp_path, type_style(VisitorType.WHOLESALER).color
    )
    assert count > 200 and grey > 200  # white text where the band is dark
    look = _raster(tmp_path / "other.pdf", 100, tmp_path / "look-other")[0]
    shutil.copyfile(look, artifacts_dir / "badge-label-other.png")
