"""The Booths page's plan files: import a CSV/JSON plan with a confirmation, refuse a bad file
with the service's message and no change, export a plan that imports again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from expo.services.hall_plans import create_hall, list_booths, list_halls
from tests.actors import OFFICE
from ui.booths.page import BoothsPage
from ui.booths.plan_io import DxfOptionsDialog, PlanImport, export_path
from ui.context import AppContext
from ui.ops import TaskRunner

GOOD_CSV = """hall,code,x_m,y_m,width_m,depth_m,hall_width_m,hall_depth_m
A,A-101,0,0,3,3,,
A,A-102,3,0,3,3,,
A,A-103,10,10,6,6,,
B,B-01,0,0,3,3,40,20
"""


@pytest.fixture
def hall_ctx(empty_db, settings) -> AppContext:
    with empty_db.write(OFFICE) as session:
        create_hall(session, "A", "A馆", 60, 30, entrances=[[30, 30]])
    return AppContext(db=empty_db, tasks=TaskRunner(synchronous=True), settings=settings)


def _plan(ctx: AppContext) -> list[tuple[str, float, float, float, float]]:
    with ctx.db.session() as session:
        return sorted((b.code, b.x_m, b.y_m, b.width_m, b.depth_m) for b in list_booths(session))


def _shown(page: BoothsPage) -> set[str]:
    return {item.booth.code for item in page.scene.items_by_booth.values()}


def _answer(page: BoothsPage, button: QMessageBox.StandardButton) -> None:
    box = page.message_box
    assert box is not None and box.isVisible()
    box.button(button).click()


def _page(qtbot, ctx: AppContext) -> BoothsPage:
    page = BoothsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_files_menu_offers_plan_import_and_export(qtbot, hall_ctx) -> None:
    page = _page(qtbot, hall_ctx)
    texts = [action.text() for action in page.files_button.menu().actions()]
    assert "Import plan… 导入平面图" in texts and "Export plan… 导出平面图" in texts


def test_a_good_csv_replaces_the_halls_booths_after_a_confirmation(
    qtbot, hall_ctx, tmp_path: Path, artifacts_dir: Path
) -> None:
    page = _page(qtbot, hall_ctx)
    assert page.add_row(0, 20, 2, 3, 3)  # the file does not list them
    assert page.undo_stack.count() == 1
    path = tmp_path / "organiser plan.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")

    page.import_plan(PlanImport(path))
    box = page.message_box
    assert box is not None and box.icon() == QMessageBox.Icon.Question
    assert "A, B" in box.text() and "4 new" in box.text() and "2 removed" in box.text()
    assert _plan(hall_ctx) == [("A-01", 0, 20, 3, 3), ("A-02", 3, 20, 3, 3)]  # not yet
    box.grab().save(str(artifacts_dir / "booths-import-confirm.png"))

    _answer(page, QMessageBox.StandardButton.Yes)
    assert [b[0] for b in _plan(hall_ctx)] == ["A-101", "A-102", "A-103", "B-01"]
    with hall_ctx.db.session() as session:
        assert [(h.code, h.width_m, h.depth_m) for h in list_halls(session)] == [
            ("A", 60, 30),
            ("B", 40, 20),
        ]
    assert _shown(page) == {"A-101", "A-102", "A-103"}  # hall A still on screen
    assert page.hall_box.count() == 2
    assert page.undo_stack.count() == 0
    assert "4 new booths" in page.status.text()
    page.view.fit()
    qtbot.wait(50)
    page.grab().save(str(artifacts_dir / "booths-imported-plan.png"))


def test_declining_the_confirmation_changes_nothing(qtbot, hall_ctx, tmp_path: Path) -> None:
    page = _page(qtbot, hall_ctx)
    assert page.add_row(0, 20, 2, 3, 3)
    plan = _plan(hall_ctx)
    path = tmp_path / "plan.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    page.import_plan(PlanImport(path))
    _answer(page, QMessageBox.StandardButton.Cancel)
    assert _plan(hall_ctx) == plan
    assert page.undo_stack.count() == 1
    assert "nothing was changed" in page.status.text()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "overlap.csv",
            "hall,code,x_m,y_m,width_m,depth_m\nA,A-1,0,0,3,3\nA,A-2,2,0,3,3\n",
            "overlaps A-1",
        ),
        ("columns.csv", "hall,code,x_m\nA,A-1,0\n", "lacks the column(s) y_m"),
        ("plan.json", '{"halls": [', "is not valid JSON"),
        ("plan.txt", "hall,code\n", "Import a plan from .csv, .json or .dxf"),
    ],
)
def test_a_bad_file_shows_the_services_message_and_changes_nothing(
    qtbot, hall_ctx, tmp_path: Path, artifacts_dir: Path, name: str, text: str, message: str
) -> None:
    page = _page(qtbot, hall_ctx)
    assert page.add_row(0, 20, 2, 3, 3)
    plan = _plan(hall_ctx)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    page.import_plan(PlanImport(path))
    box = page.message_box
    assert box is not None and box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    assert message in box.text() and "The plan was not changed." in box.text()
    assert message in page.status.text()
    assert _plan(hall_ctx) == plan
    assert _shown(page) == {"A-01", "A-02"}
    assert page.undo_stack.count() == 1  # the organiser's edits can still be undone
    if name == "overlap.csv":
        box.grab().save(str(artifacts_dir / "booths-import-refused.png"))
    _answer(page, QMessageBox.StandardButton.Ok)


def test_a_dxf_without_a_hall_code_is_explained(qtbot, hall_ctx, tmp_path: Path) -> None:
    page = _page(qtbot, hall_ctx)
    path = tmp_path / "hall.dxf"
    path.write_text("not a drawing", encoding="utf-8")
    page.import_plan(PlanImport(path, hall="A"))
    box = page.message_box
    assert box is not None and "not a readable DXF drawing" in box.text()
    assert _plan(hall_ctx) == []


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_an_exported_plan_imports_again(qtbot, hall_ctx, tmp_path: Path, suffix: str) -> None:
    page = _page(qtbot, hall_ctx)
    assert page.add_row(0, 0, 3, 3, 3)
    assert page.add_booth(20, 10, 6, 6)
    plan = _plan(hall_ctx)
    path = tmp_path / f"plan{suffix}"

    page.export_plan(path)
    assert path.is_file() and "Wrote 4 booths" in page.status.text()

    page.select_booths([i.booth_id for i in page.scene.items_by_booth.values()][:2])
    assert page.delete_selected()
    assert page.add_booth(40, 0, 3, 3)
    assert _plan(hall_ctx) != plan
    page.import_plan(PlanImport(path))
    _answer(page, QMessageBox.StandardButton.Yes)
    assert _plan(hall_ctx) == plan
    assert len(_shown(page)) == 4


def test_an_export_to_an_unwritable_place_says_so(qtbot, hall_ctx, tmp_path: Path) -> None:
    page = _page(qtbot, hall_ctx)
    page.export_plan(tmp_path / "missing" / "plan.csv")
    box = page.message_box
    assert box is not None and box.icon() == QMessageBox.Icon.Warning
    assert "No plan file was written." in box.text()


def test_the_export_dialogs_choice_gives_the_extension() -> None:
    assert export_path("/tmp/plan", "JSON (*.json)") == Path("/tmp/plan.json")
    assert export_path("/tmp/plan", "CSV (*.csv)") == Path("/tmp/plan.csv")
    assert export_path("/tmp/plan.json", "CSV (*.csv)") == Path("/tmp/plan.json")


def test_a_dxf_drawing_is_imported_into_the_hall_the_dialog_names(
    qtbot, hall_ctx, tmp_path: Path
) -> None:
    import ezdxf

    page = _page(qtbot, hall_ctx)
    doc = ezdxf.new("R2010", units=6)  # metres
    doc.layers.add("展位")
    for x in (0, 3, 6):
        points = [(x, 0), (x + 3, 0), (x + 3, 3), (x, 3)]
        doc.modelspace().add_lwpolyline(points, close=True, dxfattribs={"layer": "展位"})
    path = tmp_path / "hall-c.dxf"
    doc.saveas(path)

    dialog = DxfOptionsDialog(path.name, ["A"], "A", page)
    assert dialog.hall.currentText() == "A" and dialog.layer.text() == ""
    dialog.hall.setCurrentText("c")
    request = dialog.request(path)
    assert (request.hall, request.layer) == ("C", None)  # the layer is found by its name

    page.import_plan(request)
    assert page.message_box is not None and "C" in page.message_box.text()
    _answer(page, QMessageBox.StandardButton.Yes)
    assert [b[0] for b in _plan(hall_ctx)] == ["C-01", "C-02", "C-03"]
    assert page.hall_codes[page.hall_id] == "C"  # the page shows the imported hall
    assert _shown(page) == {"C-01", "C-02", "C-03"}
