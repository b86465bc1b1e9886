"""The Visitors page at 100,000 visitors: first paint and scrolling to the end.

Baseline: a table model that loads every row up front (what a naive QTableWidget fill does).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.common import repeat_ms, report, summary  # noqa: E402
from expo.db import open_event  # noqa: E402
from expo.demo import DemoOptions, build_demo  # noqa: E402
from expo.services.visitor_list import VisitorSort, visitor_ids, visitor_rows  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.fonts import install_cjk_font  # noqa: E402
from ui.ops import TaskRunner  # noqa: E402
from ui.settings import Settings  # noqa: E402
from ui.visitors.page import VisitorsPage  # noqa: E402


def main(visitors: int = 100_000) -> None:
    app = QApplication.instance() or QApplication([])
    install_cjk_font(app)
    with tempfile.TemporaryDirectory() as folder:
        db = open_event(Path(folder) / "demo.sqlite", create=True)
        build_demo(db, DemoOptions(visitors=visitors, factories=100))
        settings = Settings(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        ctx = AppContext(db=db, tasks=TaskRunner(synchronous=True), settings=settings)

        start = time.perf_counter()
        page = VisitorsPage(ctx)
        page.resize(1200, 800)
        page.show()
        page.repaint()
        app.processEvents()
        first_paint = (time.perf_counter() - start) * 1000

        def load_everything() -> None:
            with db.session() as session:
                ids = visitor_ids(session, VisitorSort.ID)
                visitor_rows(session, ids)

        baseline = repeat_ms(load_everything, 3)
        report(
            f"visitors table: first paint at {visitors:,}",
            first_paint,
            "ms",
            min(baseline),
            goal="< 300 ms",
        )

        bar = page.table.verticalScrollBar()

        def scroll_to_end() -> None:
            bar.setValue(bar.maximum())
            page.table.viewport().repaint()
            bar.setValue(0)
            page.table.viewport().repaint()

        samples = repeat_ms(scroll_to_end, 20)
        report("visitors table: jump to end and back, repaint", min(samples), "ms", goal="< 50 ms")
        print(f"    {summary(samples)}")

        rng = random.Random(3)

        def random_jump() -> None:
            bar.setValue(rng.randrange(bar.maximum()))
            page.table.viewport().repaint()

        samples = repeat_ms(random_jump, 200)
        report(
            "visitors table: scroll to a random place (p95)",
            sorted(samples)[189],
            "ms",
            goal="< 16 ms (one frame)",
        )

        sort_ms = repeat_ms(lambda: page.model.sort(1), 5)
        report("visitors table: sort 100,000 by name in SQL", min(sort_ms), "ms")
        page.close()
        db.dispose()


if __name__ == "__main__":
    main()
