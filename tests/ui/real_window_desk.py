"""A real Expo Desk window (X11, under Xvfb) on the Check-in page, for the scanner test.

Run as ``python -m tests.ui.real_window_desk EVENT.sqlite SETTINGS.ini``: it opens the main
window on the desk, puts text in the search box and the focus there (as a desk that looked
someone up by hand), prints READY, and after ``--seconds`` prints what happened as JSON.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

from expo.db import open_event
from ui.context import AppContext
from ui.fonts import install_cjk_font
from ui.main_window import MainWindow
from ui.ops import TaskRunner
from ui.settings import LAST_PAGE, STATION_NAME, Settings


def main() -> int:
    event, settings_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    app = QApplication([sys.argv[0]])
    install_cjk_font(app)
    settings = Settings(QSettings(settings_file, QSettings.Format.IniFormat))
    settings.set(STATION_NAME, "Desk X")
    settings.set(LAST_PAGE, "desk")
    db = open_event(event)
    window = MainWindow(AppContext(db=db, tasks=TaskRunner(), settings=settings))
    window.ask_before_closing = False
    window.show()
    desk = window.pages["desk"]
    shown: list[str] = []
    desk.result_shown.connect(lambda result: shown.append(result.status.value))  # type: ignore[attr-defined]
    search = desk.search.findChild(QLineEdit)  # type: ignore[attr-defined]

    def ready() -> None:
        window.activateWindow()
        desk.show_search()  # type: ignore[attr-defined]
        search.setText("zhangwei")
        search.setFocus()
        print("READY", flush=True)

    def report() -> None:
        frame = window.frameGeometry()
        screen = window.screen().availableGeometry()
        print(
            json.dumps(
                {
                    "shown": shown,
                    "visitor": desk.last_result.visitor.id  # type: ignore[attr-defined]
                    if desk.last_result and desk.last_result.visitor  # type: ignore[attr-defined]
                    else None,
                    "search": search.text(),
                    "title": window.windowTitle(),
                    "frame": [frame.width(), frame.height()],
                    "screen": [screen.width(), screen.height()],
                }
            ),
            flush=True,
        )
        window.close()
        app.quit()

    QTimer.singleShot(1500, ready)
    QTimer.singleShot(int(1500 + seconds * 1000), report)
    code = app.exec()
    window.ctx.tasks.wait_for_done()
    db.dispose()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
