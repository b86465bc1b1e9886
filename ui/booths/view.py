"""The floor-plan editor's view: zoom (wheel), pan (middle button or the pan tool), and the
gestures of the tools, turned into requests in metres snapped to the grid.

Select: click or rubber-band; drag a booth to move it; Shift+drag a booth to resize it from its
bottom-right corner. Add: drag a rectangle on free floor. Row: drag along a line; as many booths
of the chosen size as fit. Dropping a factory from the list on a booth assigns it. The view only
asks; the page's ``PlanEditor`` callbacks decide (and refuse overlaps and the walls).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsView, QWidget

from expo.booths.geometry import snap
from ui.booths.scene import SCALE, BoothItem, PlanScene

FACTORY_MIME = "application/x-expo-factory"


class Tool(Enum):
    SELECT = "select"
    ADD = "add"
    ROW = "row"
    PAN = "pan"


@dataclass
class PlanCallbacks:
    add: Callable[[float, float, float, float], None]
    row: Callable[[float, float, int, float, float, bool], None]
    move: Callable[[int, float, float], None]
    resize: Callable[[int, float, float], None]
    drop_factory: Callable[[int, int], None]


class PlanView(QGraphicsView):
    def __init__(self, scene: PlanScene, callbacks: PlanCallbacks, parent: QWidget | None = None):
        super().__init__(scene, parent)
        self.plan_scene = scene
        self.callbacks = callbacks
        self.tool = Tool.SELECT
        self.row_size = (3.0, 3.0)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self.setBackgroundBrush(QBrush(QColor("#E9EDF1")))
        self._press: QPointF | None = None
        self._preview: QGraphicsRectItem | None = None
        self._dragged: BoothItem | None = None
        self._drag_offset = QPointF()
        self._resizing = False
        self._panning = False
        self._pan_from = QPointF()
        # The hall fills the view, also after the window is resized, until the user zooms.
        self._fitted = True
        self.set_tool(Tool.SELECT)

    # -- tools and zoom
    def set_tool(self, tool: Tool) -> None:
        self.tool = tool
        if tool is Tool.PAN:
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        elif tool is Tool.SELECT:
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        else:
            self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def fit(self) -> None:
        self._fitted = True
        rect = self.plan_scene.sceneRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(0.05 / current, min(factor, 40.0 / current))
        self._fitted = False
        self.scale(factor, factor)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.15**steps)
        event.accept()

    def _metres(self, point: QPointF) -> tuple[float, float]:
        grid = self.plan_scene.grid_m
        return snap(point.x() / SCALE, grid), snap(point.y() / SCALE, grid)

    # -- gestures
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning = True
            self._pan_from = event.position()
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton or self.tool is Tool.PAN:
            super().mousePressEvent(event)
            return
        scene_pos = self.mapToScene(event.position().toPoint())
        if self.tool in (Tool.ADD, Tool.ROW):
            self._press = scene_pos
            self._preview = self.plan_scene.addRect(
                QRectF(scene_pos, scene_pos), QPen(QColor("#1565C0"), 1, Qt.PenStyle.DashLine)
            )
            self._preview.setZValue(10)
            event.accept()
            return
        item = self.plan_scene.booth_at(scene_pos.x(), scene_pos.y())
        if item is not None:
            self.plan_scene.clearSelection()
            item.setSelected(True)
            self._dragged = item
            self._resizing = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._drag_offset = scene_pos - item.pos()
            self._press = scene_pos
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._panning:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            return
        scene_pos = self.mapToScene(event.position().toPoint())
        if self._preview is not None and self._press is not None:
            self._preview.setRect(self._gesture_rect(self._press, scene_pos))
            return
        if self._dragged is not None:
            item = self._dragged
            if self._resizing:
                width = max(SCALE, scene_pos.x() - item.pos().x())
                depth = max(SCALE, scene_pos.y() - item.pos().y())
                item.setRect(0, 0, width, depth)
            else:
                item.setPos(scene_pos - self._drag_offset)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._panning and event.button() == Qt.MouseButton.MiddleButton:
            self._panning = False
            return
        scene_pos = self.mapToScene(event.position().toPoint())
        if self._preview is not None and self._press is not None:
            rect = self._gesture_rect(self._press, scene_pos)
            self.plan_scene.removeItem(self._preview)
            self._preview = None
            self._press = None
            self._finish_draw(rect)
            return
        if self._dragged is not None:
            item, self._dragged = self._dragged, None
            moved = self._press is not None and (scene_pos - self._press).manhattanLength() > 2
            self._press = None
            if moved and self._resizing:
                grid = self.plan_scene.grid_m
                width = snap(item.rect().width() / SCALE, grid)
                depth = snap(item.rect().height() / SCALE, grid)
                self.callbacks.resize(item.booth_id, width, depth)
            elif moved:
                x, y = self._metres(item.pos())
                self.callbacks.move(item.booth_id, x, y)
            return
        super().mouseReleaseEvent(event)

    def _gesture_rect(self, start: QPointF, end: QPointF) -> QRectF:
        if self.tool is Tool.ROW:
            width, depth = self.row_size
            vertical = abs(end.y() - start.y()) > abs(end.x() - start.x())
            length = abs(end.y() - start.y()) if vertical else abs(end.x() - start.x())
            unit = (depth if vertical else width) * SCALE
            count = max(1, int(length // unit))
            if vertical:
                return QRectF(start.x(), start.y(), width * SCALE, count * unit)
            return QRectF(start.x(), start.y(), count * unit, depth * SCALE)
        return QRectF(start, end).normalized()

    def _finish_draw(self, rect: QRectF) -> None:
        x, y = self._metres(rect.topLeft())
        right, bottom = self._metres(rect.bottomRight())
        if self.tool is Tool.ROW:
            width, depth = self.row_size
            vertical = rect.height() > rect.width() + 0.01 and rect.width() <= width * SCALE + 0.01
            length = rect.height() if vertical else rect.width()
            count = max(1, round(length / ((depth if vertical else width) * SCALE)))
            self.callbacks.row(x, y, count, width, depth, vertical)
            return
        if right - x >= 1 and bottom - y >= 1:
            self.callbacks.add(x, y, right - x, bottom - y)

    # -- factories dropped from the list
    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.mimeData().hasFormat(FACTORY_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.mimeData().hasFormat(FACTORY_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        data = event.mimeData()
        if not data.hasFormat(FACTORY_MIME):
            super().dropEvent(event)
            return
        factory_id = int(bytes(data.data(FACTORY_MIME).data()).decode())
        scene_pos = self.mapToScene(event.position().toPoint())
        item = self.plan_scene.booth_at(scene_pos.x(), scene_pos.y())
        if item is not None:
            self.callbacks.drop_factory(factory_id, item.booth_id)
            event.acceptProposedAction()
