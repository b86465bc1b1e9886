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
from expo.models import VisitorType
from expo.services.badges import badge_cards
from expo.services.checkin import CheckInStatus, check_in
from expo.services.events import ensure_station
from tests.people import add_visitor

LONG_NAME = "欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜"
LONG_COMPANY = (
    "深圳市龙华区大浪街道某某某某某某某某电子科技股份有限公司华南区域销售分公司第三事业部"
)


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")


def _raster(pdf: Path, dpi: int, out: Path) -> list[Path]:
    _need("pdftoppm")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out)], check=True)
    return sorted(out.parent.glob(f"{out.name}-*.png"))


@pytest.mark.parametrize("layout", list(BadgeLayout))
def test_every_layout_decodes_back_at_203_dpi_and_checks_in(
    empty_db, tmp_path: Path, layout: BadgeLayout, artifacts_dir: Path
) -> None:
    with empty_db.begin() as session:
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

    with empty_db.begin() as session:
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
