"""The main window on a demo event: navigation, live figures, the visitors table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from expo.services.visitor_list import visitor_ids
from ui.main_window import MainWindow
from ui.overview.page import OverviewPage
from ui.visitors.page import VisitorsPage


def _has_dark_text(image: QImage, x0: int, y0: int, x1: int, y1: int) -> int:
    dark = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            if QColor(image.pixel(x, y)).lightness() < 100:
                dark += 1
    return dark


def test_overview_shows_the_live_figures(main_window: MainWindow, artifacts_dir: Path) -> None:
    page = main_window.show_page("overview")
    assert isinstance(page, OverviewPage)
    # The demo fair before its doors open: 3,000 pre-registered, nobody arrived yet.
    assert page.values["first_entries"].text() == "0"
    assert page.values["no_shows"].text() == "3,000"
    assert page.values["inquiries"].text() == "0"
    assert page.title.text().startswith("1688 工厂直采节 · ")
    assert page.snapshot is not None
    mix = {m.visitor_type.value: m.registered for m in page.snapshot.figures.types}
    assert sum(mix.values()) == 3000
    types = page.tables["types"].source.table
    assert types is not None
    livestreamers = next(row for row in types.rows if row[0] == "抖音/快手主播")
    assert livestreamers[1] == mix["livestreamer"]
    main_window.grab().save(str(artifacts_dir / "main-window-overview.png"))


def test_visitors_table_holds_every_visitor_with_chinese_names(
    main_window: MainWindow, demo_ctx, artifacts_dir: Path
) -> None:
    page = main_window.show_page("visitors")
    assert isinstance(page, VisitorsPage)
    model = page.model
    assert model.rowCount() == 3000
    name = model.index(0, 1).data()
    with demo_ctx.db.session() as session:
        from expo.models import Visitor

        first = session.get(Visitor, visitor_ids(session)[0])
        assert name == first.name
    assert all("\u4e00" <= ch <= "\u9fff" for ch in name)
    assert page.count_label.text().startswith("3,000")
    image = main_window.grab().toImage()
    image.save(str(artifacts_dir / "main-window-visitors.png"))
    # The name cell is drawn with glyphs, not left empty: dark pixels inside the first row.
    rect = page.table.visualRect(model.index(0, 1))
    origin = page.table.viewport().mapTo(main_window, rect.topLeft())
    assert (
        _has_dark_text(
            image,
            origin.x() + 2,
            origin.y() + 2,
            origin.x() + rect.width() - 2,
            origin.y() + rect.height() - 2,
        )
        > 20
    )


def test_navigation_switches_pages_by_keyboard(qtbot, demo_ctx) -> None:
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("overview")
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert isinstance(window.stack.currentWidget(), VisitorsPage)
    from ui.settings import LAST_PAGE

    assert demo_ctx.settings.get(LAST_PAGE) == "visitors"


def test_every_navigation_entry_fits_without_scrolling(qtbot, demo_ctx) -> None:
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show()
    navigation = window.navigation
    # The widest entry, with the stylesheet's padding, fits the list: nothing is cut or scrolled.
    assert navigation.sizeHintForColumn(0) <= navigation.viewport().width()
    assert not navigation.horizontalScrollBar().isVisible()


def test_every_page_fits_a_1280_by_800_window(main_window: MainWindow) -> None:
    too_wide = {}
    for key in main_window.page_keys:
        page = main_window.show_page(key)
        hint = page.minimumSizeHint()
        if hint.width() > 1280 - main_window.navigation.width() or hint.height() > 760:
            too_wide[key] = (hint.width(), hint.height())
    assert too_wide == {}
    assert main_window.minimumSizeHint().width() <= 1280
    assert main_window.width() == 1280
