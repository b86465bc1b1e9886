"""The pages changed for a fair day, looked at at 1280x800 and 1920x1080: no button's text is
cut (the desk's Settings button, the walk-in duplicate panel), the consent text is readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from expo.models import VisitorType
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.ui.helpers import shown
from ui.context import AppContext
from ui.desk.page import DeskPage
from ui.printing.badge_printer import BadgePrinter
from ui.settings import DESK_PRINTER, STATION_NAME

SIZES = [(1280, 800), (1920, 1080)]


def _cut_buttons(root: QWidget) -> list[str]:
    """Visible buttons whose text does not fit them."""
    cut = []
    for button in root.findChildren(QPushButton):
        if not button.isVisibleTo(root) or not button.text():
            continue
        needed = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
        if needed + 8 > button.width():
            cut.append(f"{button.text()!r}: {needed} px text in {button.width()} px")
    return cut


class QuietSound:
    def play(self, status: object) -> None:
        self.last = status


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_desk_with_the_walk_in_duplicate_panel_fits(
    qtbot, sync_ctx: AppContext, tmp_path: Path, artifacts_dir: Path, size: tuple[int, int]
) -> None:
    sync_ctx.settings.set(STATION_NAME, "Desk 1")
    with sync_ctx.db.write(OFFICE) as session:
        add_visitor(
            session, "张伟", "义乌小商品贸易有限公司", VisitorType.TAOBAO, phone="+8613800138000"
        )
    # A long printer name: the Settings button shortens it, not the words before it.
    long_pdf = tmp_path / "a-very-long-folder-name-for-badges" / "badges-of-the-fair.pdf"
    sync_ctx.settings.set(DESK_PRINTER, f"pdf:{long_pdf}")
    page = DeskPage(sync_ctx, sound=QuietSound(), printer=BadgePrinter(f"pdf:{long_pdf}"))
    shown(qtbot, page, *size)
    page.activated()
    page.show_walkin()
    page.walkin.name_edit.setText("张伟")
    page.walkin.phone_edit.setText("13800138000")
    page.walkin.check_duplicates()
    qtbot.wait(20)
    assert page.walkin.duplicate_panel.isVisible()
    page.grab().save(str(artifacts_dir / f"desk-walkin-duplicate-{size[0]}x{size[1]}.png"))
    assert _cut_buttons(page) == []
    assert "Settings" in page.settings_button.text()


def test_print_to_file_chosen_in_the_print_dialog_is_kept_and_used(
    qtbot, sync_ctx: AppContext, tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from expo.services.badges import badge_card

    target = tmp_path / "desk-badges.pdf"
    chooser = BadgePrinter("")
    # What QPrintDialog does when the desk picks "Print to File (PDF)".
    chooser.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    chooser.printer.setOutputFileName(str(target))
    assert chooser.setting_value() == f"pdf:{target}"
    sync_ctx.settings.set(DESK_PRINTER, chooser.setting_value())

    with sync_ctx.db.write(OFFICE) as session:
        visitor = add_visitor(session, "李娜", "宁波家居", VisitorType.TAOBAO)
        card = badge_card(session, visitor)
    desk_printer = BadgePrinter(sync_ctx.settings.get(DESK_PRINTER))  # as the desk starts
    assert desk_printer.describe() == str(target)
    assert desk_printer.print_cards([card], "label", "1688 工厂直采节") == 1
    assert target.read_bytes().startswith(b"%PDF")
