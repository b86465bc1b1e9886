"""Load the shipped CJK font into Qt, so Chinese renders on machines without CJK fonts."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from expo.fonts import CJK_FONT_FAMILY, cjk_font_path


def install_cjk_font(app: QApplication, point_size: int = 10) -> str:
    """Register the font and make it the application font; returns its family name."""
    font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else CJK_FONT_FAMILY
    font = QFont(family, point_size)
    app.setFont(font)
    return family
