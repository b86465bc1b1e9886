"""The main window's first size: the size asked for, but never larger than the screen.

A 1280x800 laptop has less than 800 pixels for a window once a panel and the title bar are
counted; a window that opens taller than that hides its status bar and bottom buttons.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# A window manager's title bar and borders, which availableGeometry() does not subtract.
FRAME_ALLOWANCE = (8, 32)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height``, shrunk so its frame fits the screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    available = screen.availableGeometry()
    extra_w, extra_h = FRAME_ALLOWANCE
    window.resize(
        min(width, available.width() - extra_w), min(height, available.height() - extra_h)
    )
