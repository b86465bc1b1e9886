"""The Booths page: editing a hall with undo, the plan view after the assignment, drag to place."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy import select

from expo.models import Booth, BoothKind, Factory
from expo.services.booth_exports import TOP100_GOLD, lighten
from expo.services.hall_plans import create_hall, list_booths
from tests.actors import OFFICE
from tests.ui.helpers import answer_next_box
from ui.booths.page import BoothsPage
from ui.booths.view import Tool
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.ops import TaskRunner


@pytest.fixture
def hall_ctx(empty_db, settings) -> AppContext:
    with empty_db.write(OFFICE) as session:
        create_hall(session, "A", "A馆", 60, 30, entrances=[[30, 30]])
    return AppContext(db=empty_db, tasks=TaskRunner(synchronous=True), settings=settings)


def _booths(ctx: AppContext) -> list[tuple[str, float, float, float, float]]:
    with ctx.db.session() as session:
        return [(b.code, b.x_m, b.y_m, b.width_m, b.depth_m) for b in list_booths(session)]


def test_overlapping_booth_is_refused_and_undo_restores_the_plan(qtbot, hall_ctx) -> None:
    page = BoothsPage(hall_ctx)
    qtbot.addWidget(page)
    assert page.add_row(0, 0, 4, 3, 3)
    assert len(page.scene.items_by_booth) == 4
    plan = _booths(hall_ctx)

    assert not page.add_booth(4, 1, 3, 3)  # on top of A-02
    assert "overlap" in page.status.text()
    assert not page.add_booth(58, 0, 3, 3)  # through the wall
    assert "outside" in page.status.text()
    assert _booths(hall_ctx) == plan

    first = next(i for i in page.scene.items_by_booth.values() if i.booth.code == "A-01")
    assert page.move_booth(first.booth_id, 0, 10)
    page.select_booths([first.booth_id])
    assert page.split_selected()
    ids = [i.booth_id for i in page.scene.items_by_booth.values() if i.booth.y_m == 0][:2]
    page.select_booths(ids)
    assert page.merge_selected()
    assert _booths(hall_ctx) != plan

    while page.undo_stack.canUndo():
        page.undo_stack.undo()
    assert _booths(hall_ctx) == []
    for _ in range(page.undo_stack.count()):
        page.undo_stack.redo()
    page.undo_stack.setIndex(1)  # back to just the row
    assert _booths(hall_ctx) == plan
    assert len(page.scene.items_by_booth) == 4


def test_drawing_a_booth_with_the_mouse_snaps_to_the_grid(qtbot, hall_ctx) -> None:
    page = BoothsPage(hall_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.view.resetTransform()
    page.view.centerOn(0, 0)
    page.view.set_tool(Tool.ADD)
    viewport = page.view.viewport()
    start = page.view.mapFromScene(21, 19)  # 2.1 m, 1.9 m
    end = page.view.mapFromScene(81, 52)  # 8.1 m, 5.2 m
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, pos=end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert _booths(hall_ctx) == [("A-01", 2.0, 2.0, 6.0, 3.0)]
    page.undo_stack.undo()
    assert _booths(hall_ctx) == []


def test_plan_view_after_the_assignment(qtbot, demo_ctx, artifacts_dir: Path) -> None:
    page = BoothsPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1500, 900)
    page.time_limit.setValue(5)
    page.show()
    qtbot.waitExposed(page)
    page.assign_button.click()
    result = page.last_result
    assert result is not None and result.adjacent_competitors == 0
    assert "Objective" in page.result_label.text() and "bound" in page.result_label.text()

    items = list(page.scene.items_by_booth.values())
    placed = [i for i in items if i.booth.factory_id is not None]
    assert placed
    top = next(i for i in placed if i.booth.is_top100)
    assert top.booth.category_color
    assert top.brush().color().name().upper() == lighten(top.booth.category_color).upper()
    page.view.fit()
    qtbot.wait(50)
    image = page.view.viewport().grab().toImage()
    centre = page.view.mapFromScene(top.sceneBoundingRect().center())
    assert QColor(image.pixel(centre)).name().upper() != "#FFFFFF"
    colours = {
        QColor(image.pixel(x, y)).name().upper()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    assert any(_close(c, TOP100_GOLD) for c in colours)
    page.grab().save(str(artifacts_dir / "booths-plan-view.png"))
    # Zoomed in on the TOP100 booth, its Chinese name is readable.
    page.view.resetTransform()
    page.view.zoom(4.0)
    page.view.centerOn(top)
    qtbot.wait(50)
    page.view.viewport().grab().save(str(artifacts_dir / "booths-plan-zoom.png"))


def _close(colour: str, target: str, tolerance: int = 40) -> bool:
    a, b = QColor(colour), QColor(target)
    return (
        abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance
    )


def test_a_factory_dropped_on_a_booth_is_placed_with_the_checks(qtbot, demo_ctx) -> None:
    page = BoothsPage(demo_ctx)
    qtbot.addWidget(page)
    with demo_ctx.db.session() as session:
        small = session.scalars(
            select(Factory).where(Factory.requested_area_m2 == 9).order_by(Factory.id)
        ).first()
        big = session.scalars(
            select(Factory).where(Factory.requested_area_m2 >= 36).order_by(Factory.id)
        ).first()
        booth = session.scalars(
            select(Booth).where(Booth.width_m * Booth.depth_m == 9).order_by(Booth.id)
        ).first()
    assert small and big and booth
    assert not page.assign_factory(big.id, booth.id)
    assert "asked for" in page.status.text()
    assert page.assign_factory(small.id, booth.id)
    with demo_ctx.db.session() as session:
        assert session.get(Booth, booth.id).factory_id == small.id
    item = page.scene.items_by_booth[booth.id]
    assert item.booth.factory_name == small.name_zh
    row = next(
        page.factories.item(r)
        for r in range(page.factories.count())
        if page.factories.item(r).data(Qt.ItemDataRole.UserRole) == small.id
    )
    assert booth.code in row.text()


def test_the_page_fits_the_main_window_at_1280x800(qtbot, demo_ctx, artifacts_dir: Path) -> None:
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("booths")
    assert isinstance(page, BoothsPage)
    qtbot.wait(50)
    # The page fits beside the navigation, so the window keeps the size it was given.
    room = 1280 - window.navigation.width()
    assert page.minimumSizeHint().width() <= room
    assert window.width() == 1280 and window.height() == 800
    assert page.width() <= room
    key_buttons = [
        *page.tool_buttons.values(),
        *page.edit_buttons.values(),
        page.assign_button,
        page.time_limit,
        page.files_button,
        page.hall_box,
    ]
    for widget in key_buttons:
        assert widget.isVisible(), widget
        corner = widget.mapTo(page, widget.rect().bottomRight())
        assert corner.x() <= page.width() and corner.y() <= page.height(), widget
    # The plan itself gets the larger part of the page.
    assert page.view.width() >= page.width() // 2
    window.grab().save(str(artifacts_dir / "booths-page-1280x800.png"))


def _booth_row(ctx: AppContext, booth_id: int) -> Booth:
    with ctx.db.session() as session:
        booth = session.get(Booth, booth_id)
        assert booth is not None
        session.expunge(booth)
        return booth


def _shown_page(qtbot, ctx) -> BoothsPage:
    """The page at the size the editor tests use, on screen."""
    page = BoothsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1090, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_booth_properties_are_edited_in_the_panel_with_undo(
    qtbot, hall_ctx, artifacts_dir: Path
) -> None:
    page = _shown_page(qtbot, hall_ctx)
    assert page.add_row(0, 0, 3, 3, 3)
    panel = page.properties
    assert not panel.fields.isEnabled()  # nothing selected yet
    middle = next(i.booth for i in page.scene.items_by_booth.values() if i.booth.code == "A-02")
    page.select_booths([middle.id])
    assert panel.fields.isEnabled() and panel.code.text() == "A-02"
    assert panel.prominence_state.text().startswith("derived")
    assert not panel.derive_button.isEnabled()

    panel.code.setText("a-20")
    panel.kind.setCurrentIndex(panel.kind.findData(BoothKind.ISLAND))
    panel.flags["on_main_aisle"].setChecked(True)
    panel.flags["locked"].setChecked(True)
    panel.prominence.setValue(77)
    panel.notes.setPlainText("柱子 pillar")
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    saved = _booth_row(hall_ctx, middle.id)
    assert (saved.code, saved.kind, saved.on_main_aisle, saved.locked) == (
        "A-20",
        BoothKind.ISLAND,
        True,
        True,
    )
    assert (saved.prominence, saved.prominence_manual, saved.notes) == (77, True, "柱子 pillar")
    # The booth stays selected and the panel shows what was saved.
    assert panel.booth is not None and panel.booth.code == "A-20"
    assert panel.prominence_state.text().startswith("set by hand")
    assert "A-20" in page.scene.items_by_booth[middle.id].toolTip()
    page.grab().save(str(artifacts_dir / "booths-properties-panel.png"))

    # A taken code is refused with a message; what was typed stays in the panel.
    panel.code.setText("A-01")
    panel.flags["excluded"].setChecked(True)
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert "taken; choose another" in panel.message.text()
    assert "taken" in page.status.text()
    assert panel.code.text() == "A-01" and panel.flags["excluded"].isChecked()
    assert _booth_row(hall_ctx, middle.id).code == "A-20"
    page.grab().save(str(artifacts_dir / "booths-properties-refused.png"))

    # Derive again gives the place's score back; undo puts the hand-set score back.
    qtbot.mouseClick(panel.revert_button, Qt.MouseButton.LeftButton)
    assert panel.code.text() == "A-20"
    qtbot.mouseClick(panel.derive_button, Qt.MouseButton.LeftButton)
    derived = _booth_row(hall_ctx, middle.id)
    assert not derived.prominence_manual and derived.prominence != 77
    undo = page.edit_buttons["undo"]
    assert undo.isEnabled() and "Derived the prominence" in undo.toolTip()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert _booth_row(hall_ctx, middle.id).prominence == 77
    page.undo_stack.undo()
    restored = _booth_row(hall_ctx, middle.id)
    assert (restored.code, restored.kind, restored.locked, restored.notes) == (
        "A-02",
        middle.kind,
        False,
        None,
    )
    assert restored.prominence == middle.prominence and not restored.prominence_manual
    assert panel.code.text() == "A-02"  # still selected, the panel follows the undo


def test_near_entrance_set_in_the_panel_survives_a_move_until_derived_again(
    qtbot, hall_ctx, artifacts_dir: Path
) -> None:
    page = _shown_page(qtbot, hall_ctx)
    assert page.add_booth(0, 0, 3, 3)  # far from the entrance at (30, 30)
    booth_id = next(iter(page.scene.items_by_booth))
    page.select_booths([booth_id])
    panel = page.properties
    near = panel.flags["near_entrance"]
    assert not near.isChecked() and panel.near_entrance_state.text().startswith("derived")
    assert not panel.derive_near_button.isEnabled()

    near.setChecked(True)
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    saved = _booth_row(hall_ctx, booth_id)
    assert saved.near_entrance and saved.near_entrance_manual
    assert panel.near_entrance_state.text().startswith("set by hand")
    assert panel.derive_near_button.isEnabled()
    page.grab().save(str(artifacts_dir / "booths-near-entrance-by-hand.png"))

    assert page.move_booth(booth_id, 3, 3)
    moved = _booth_row(hall_ctx, booth_id)
    assert (moved.x_m, moved.near_entrance, moved.near_entrance_manual) == (3, True, True)

    page.select_booths([booth_id])
    qtbot.mouseClick(panel.derive_near_button, Qt.MouseButton.LeftButton)
    derived = _booth_row(hall_ctx, booth_id)
    assert not derived.near_entrance and not derived.near_entrance_manual
    assert "near-entrance" in page.edit_buttons["undo"].toolTip()
    assert not panel.flags["near_entrance"].isChecked()
    page.undo_stack.undo()
    assert _booth_row(hall_ctx, booth_id).near_entrance_manual


def _free_booths(ctx: AppContext, area: float, count: int) -> list[Booth]:
    with ctx.db.session() as session:
        return list(
            session.scalars(
                select(Booth)
                .where(
                    Booth.width_m * Booth.depth_m == area,
                    Booth.factory_id.is_(None),
                    Booth.locked.is_(False),
                    Booth.excluded.is_(False),
                )
                .order_by(Booth.id)
                .limit(count)
            )
        )


def _placements(ctx: AppContext) -> dict[int, int]:
    with ctx.db.session() as session:
        rows = session.execute(
            select(Booth.id, Booth.factory_id).where(Booth.factory_id.is_not(None))
        )
        return {booth_id: factory_id for booth_id, factory_id in rows}


def _small_factory(ctx: AppContext) -> Factory:
    with ctx.db.session() as session:
        factory = session.scalars(
            select(Factory).where(Factory.requested_area_m2 == 9).order_by(Factory.id)
        ).first()
    assert factory is not None
    return factory


def test_a_drop_is_locked_undoable_and_a_move_is_confirmed(qtbot, demo_ctx) -> None:
    page = BoothsPage(demo_ctx)
    qtbot.addWidget(page)
    page.reload_halls()
    factory = _small_factory(demo_ctx)
    first, second = _free_booths(demo_ctx, 9, 2)
    before_drops = page.undo_stack.count()
    assert page.assign_factory(factory.id, first.id)
    assert _booth_row(demo_ctx, first.id).factory_id == factory.id
    assert _booth_row(demo_ctx, first.id).locked  # the assignment will keep it
    assert page.undo_stack.count() == before_drops + 1

    # Dropped again elsewhere: the organiser is asked, naming both booths; "Cancel" moves nothing.
    asked = answer_next_box("Cancel")
    assert not page.assign_factory(factory.id, second.id)
    assert first.code in asked[0] and second.code in asked[0]
    assert _booth_row(demo_ctx, first.id).factory_id == factory.id
    assert _booth_row(demo_ctx, second.id).factory_id is None

    answer_next_box("Move")
    assert page.assign_factory(factory.id, second.id)
    assert _booth_row(demo_ctx, second.id).factory_id == factory.id
    assert _booth_row(demo_ctx, first.id).factory_id is None
    assert not _booth_row(demo_ctx, first.id).locked

    page.undo_stack.undo()  # the move
    assert _booth_row(demo_ctx, first.id).factory_id == factory.id
    assert _booth_row(demo_ctx, first.id).locked
    assert _booth_row(demo_ctx, second.id).factory_id is None
    page.undo_stack.undo()  # the first drop
    assert _booth_row(demo_ctx, first.id).factory_id is None
    assert not _booth_row(demo_ctx, first.id).locked
    page.undo_stack.redo()
    page.undo_stack.redo()
    assert _booth_row(demo_ctx, second.id).factory_id == factory.id


def test_assigning_again_keeps_hand_placements_unless_the_organiser_says_so(
    qtbot, demo_ctx
) -> None:
    page = BoothsPage(demo_ctx)
    qtbot.addWidget(page)
    page.reload_halls()
    page.time_limit.setValue(page.time_limit.minimum())
    factory = _small_factory(demo_ctx)
    (booth,) = _free_booths(demo_ctx, 9, 1)
    assert page.assign_factory(factory.id, booth.id)
    placed_before = _placements(demo_ctx)

    asked = answer_next_box("Cancel")
    page.start_assignment()
    assert "1 factories" in asked[0] and "up to 1 may move" in asked[0]
    assert page.last_result is None  # not run

    answer_next_box("Keep the 1 placements")
    page.start_assignment()
    assert page.last_result is not None
    assert _booth_row(demo_ctx, booth.id).factory_id == factory.id  # kept where it was put
    assert _booth_row(demo_ctx, booth.id).locked
    with demo_ctx.db.session() as session:
        assert session.scalars(select(Booth).where(Booth.factory_id == factory.id)).all() == [
            session.get(Booth, booth.id)
        ]

    # The assignment itself is undoable: the plan goes back to just the hand placement.
    assert _placements(demo_ctx) != placed_before
    page.undo_stack.undo()
    assert _placements(demo_ctx) == placed_before

    asked = answer_next_box("Let 1 move")
    page.start_assignment()
    assert len(asked) == 1
    assert not _booth_row(demo_ctx, booth.id).locked  # the organiser let it move
