"""The drawing of one hall: booths coloured by their factory's category, TOP100 in gold.

Scene units are decimetres (``SCALE`` per metre), so a 3 x 3 m booth is 30 x 30 units; the
view zooms. Every booth item carries its ``BoothInfo``; nothing here writes to the database.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from expo.services.booth_exports import (
    EXCLUDED_FILL,
    FREE_FILL,
    TOP100_GOLD,
    lighten,
    short_name,
)
from expo.services.hall_plans import BoothInfo, HallPlanInfo

SCALE = 10.0  # scene units per metre
ENTRANCE_GREEN = "#2E7D32"


def booth_fill(booth: BoothInfo) -> QColor:
    if booth.excluded:
        return QColor(EXCLUDED_FILL)
    if booth.category_color:
        return QColor(lighten(booth.category_color))
    return QColor(FREE_FILL)


class BoothItem(QGraphicsRectItem):
    """One booth; positioned by its top-left corner so that moving it moves ``pos()``."""

    def __init__(self, booth: BoothInfo) -> None:
        super().__init__(0, 0, booth.width_m * SCALE, booth.depth_m * SCALE)
        self.booth = booth
        self.setPos(booth.x_m * SCALE, booth.y_m * SCALE)
        self.setBrush(QBrush(booth_fill(booth)))
        self.setPen(QPen(QColor("#555555"), 0.6))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(1)
        tip = f"{booth.code} · {booth.width_m:g} x {booth.depth_m:g} m · P {booth.prominence:g}"
        if booth.factory_name:
            tip += f"\n{booth.factory_name}"
            if booth.is_top100:
                tip += f"\nTOP100 #{booth.top100_rank}"
        if booth.locked:
            tip += "\n锁定 locked"
        self.setToolTip(tip)

    @property
    def booth_id(self) -> int:
        return self.booth.id

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rect = self.rect()
        painter.setBrush(self.brush())
        selected = self.isSelected()
        painter.setPen(
            QPen(QColor("#1565C0") if selected else QColor("#555555"), 2 if selected else 0.6)
        )
        painter.drawRect(rect)
        if self.booth.is_top100:
            painter.setPen(QPen(QColor(TOP100_GOLD), 3.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(2, 2, -2, -2))
        painter.setPen(QColor("#222222"))
        code_font = QFont(painter.font())
        code_font.setPixelSize(5)
        painter.setFont(code_font)
        head = rect.adjusted(2, 1, -2, 0)
        code = self.booth.code + (" 锁" if self.booth.locked else "")
        painter.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, code)
        if self.booth.is_top100 and self.booth.top100_rank:
            painter.setPen(QColor(TOP100_GOLD).darker(130))
            painter.drawText(
                head,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                f"★{self.booth.top100_rank}",
            )
        if self.booth.factory_name:
            name_font = QFont(painter.font())
            name_font.setPixelSize(7 if rect.width() >= 40 else 6)
            painter.setFont(name_font)
            painter.setPen(QColor("#111111"))
            body = rect.adjusted(1.5, 7, -1.5, -1)
            painter.drawText(
                body,
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWrapAnywhere,
                short_name(self.booth.factory_name),
            )


class PlanScene(QGraphicsScene):
    """A hall's outline, grid, entrances and booths."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.items_by_booth: dict[int, BoothItem] = {}
        self.plan: HallPlanInfo | None = None
        self.grid_m = 1.0

    def show_plan(self, plan: HallPlanInfo | None) -> None:
        self.clear()
        self.items_by_booth = {}
        self.plan = plan
        if plan is None:
            return
        hall = plan.hall
        width, depth = hall.width_m * SCALE, hall.depth_m * SCALE
        self.setSceneRect(QRectF(-40, -40, width + 80, depth + 80))
        floor = self.addRect(
            QRectF(0, 0, width, depth), QPen(QColor("#222222"), 2), QBrush(Qt.GlobalColor.white)
        )
        floor.setZValue(-2)
        grid_pen = QPen(QColor("#EEF1F4"), 0)
        step = 3.0  # a line every 3 m: the standard booth
        x = step
        while x < hall.width_m:
            self.addLine(x * SCALE, 0, x * SCALE, depth, grid_pen).setZValue(-1)
            x += step
        y = step
        while y < hall.depth_m:
            self.addLine(0, y * SCALE, width, y * SCALE, grid_pen).setZValue(-1)
            y += step
        for ex, ey in hall.entrances:
            bar = self.addRect(
                QRectF(ex * SCALE - 30, ey * SCALE - 3, 60, 6),
                QPen(Qt.PenStyle.NoPen),
                QBrush(QColor(ENTRANCE_GREEN)),
            )
            bar.setZValue(2)
            label = QGraphicsSimpleTextItem("入口 Entrance")
            label.setBrush(QBrush(QColor(ENTRANCE_GREEN)))
            font = label.font()
            font.setPixelSize(12)
            label.setFont(font)
            below = ey >= hall.depth_m / 2
            label.setPos(ex * SCALE - 38, ey * SCALE + (6 if below else -20))
            self.addItem(label)
        title = QGraphicsSimpleTextItem(
            f"{hall.name} ({hall.code}) · {hall.width_m:g} x {hall.depth_m:g} m"
        )
        font = title.font()
        font.setPixelSize(14)
        title.setFont(font)
        title.setPos(0, -28)
        self.addItem(title)
        for booth in plan.booths:
            item = BoothItem(booth)
            self.addItem(item)
            self.items_by_booth[booth.id] = item

    def booth_at(self, scene_x: float, scene_y: float) -> BoothItem | None:
        for item in self.items(QRectF(scene_x - 0.1, scene_y - 0.1, 0.2, 0.2)):
            if isinstance(item, BoothItem):
                return item
        return None

    def selected_booths(self) -> list[BoothItem]:
        return [i for i in self.selectedItems() if isinstance(i, BoothItem)]
