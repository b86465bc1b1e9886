"""Page tests' helpers: show a widget (or a page as the main window would), and read its
screenshot back (is there text drawn where the test expects it?)."""

from __future__ import annotations

from collections import Counter
from typing import TypeVar

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

Shown = TypeVar("Shown", bound=QWidget)


def ink_pixels(image: QImage, widget: QWidget, root: QWidget, rect: QRect | None = None) -> int:
    """Pixels of text drawn in ``rect`` of ``widget`` (glyphs, not an empty box): those far
    from the area's most common colour, whatever the background (a selected row is blue)."""
    area = rect if rect is not None else widget.rect()
    origin = widget.mapTo(root, area.topLeft())
    pixels = [
        QColor(image.pixel(x, y)).lightness()
        for y in range(origin.y() + 2, origin.y() + area.height() - 2)
        for x in range(origin.x() + 2, origin.x() + area.width() - 2)
    ]
    background = Counter(pixels).most_common(1)[0][0]
    return sum(1 for value in pixels if abs(value - background) > 80)


def show_page(qtbot: QtBot, page: QWidget) -> None:
    """Show ``page`` active at 1280x800 and tell it so, as the main window does on navigation."""
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.activated()  # type: ignore[attr-defined]


def shown(qtbot: QtBot, widget: Shown, width: int = 1280, height: int = 800) -> Shown:
    """``widget`` shown at ``width`` x ``height`` (the app's smallest window by default) and
    closed by qtbot after the test."""

    def discard(closing: QWidget = widget) -> None:
        if hasattr(closing, "ask_before_closing"):
            closing.ask_before_closing = False  # the test is over: what it typed may go

    qtbot.addWidget(widget, before_close_func=discard)
    widget.resize(width, height)
    widget.show()
    return widget


def answer_next_box(button_text: str) -> list[str]:
    """Click the button whose text contains ``button_text`` in the next modal message box.

    Returns a list that receives the box's text once it has been answered (so a test can check
    what the question said); stays empty if no box was shown.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for button in box.buttons():
            if button_text in button.text():
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, answer)
    return seen
