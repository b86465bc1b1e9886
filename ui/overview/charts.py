"""A ``ChartSpec`` (expo/services/reports/charts.py) drawn on screen with pyqtgraph.

The same description the PDF draws with reportlab: bars side by side or stacked, the labels
along the x axis (thinned when there are many), a legend. A click on a bar emits ``barClicked``
with the label's index, so the page can list the rows behind it.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from expo.services.reports.charts import ChartSpec

pg.setConfigOptions(antialias=True, background="w", foreground="#1f2a36")


class ChartView(pg.PlotWidget):
    """One chart; ``show_spec`` replaces what it draws."""

    barClicked = Signal(int)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec: ChartSpec | None = None
        self.setMinimumHeight(150)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.plotItem.showGrid(y=True, alpha=0.25)
        font = QFont(self.font())
        font.setPointSize(8)
        for side in ("bottom", "left"):
            self.getAxis(side).setStyle(tickFont=font)
        self.legend = self.plotItem.addLegend(offset=(-4, 4), labelTextSize="8pt")
        self.scene().sigMouseClicked.connect(self._clicked)

    def show_spec(self, spec: ChartSpec) -> None:
        self.spec = spec
        self.plotItem.clear()
        self.legend.clear()
        self.setTitle(spec.title, size="10pt")
        count = len(spec.labels)
        groups = 1 if spec.kind == "stacked" else max(1, len(spec.series))
        width = 0.8 / groups
        base = [0.0] * count
        for number, series in enumerate(spec.series):
            values = list(series.values)
            if spec.kind == "stacked":
                xs = list(range(count))
                bottoms = list(base)
                base = [b + v for b, v in zip(base, values, strict=True)]
            else:
                offset = -0.4 + width * (number + 0.5)
                xs = [i + offset for i in range(count)]
                bottoms = [0.0] * count
            bars = pg.BarGraphItem(
                x=xs,
                y0=bottoms,
                height=values,
                width=width,
                brush=QColor(series.color),
                pen=pg.mkPen(None),
                name=series.name,
            )
            self.addItem(bars)  # named: the legend lists it
        every = max(1, math.ceil(count / 16))
        ticks = [(i, label) for i, label in enumerate(spec.labels) if i % every == 0]
        self.getAxis("bottom").setTicks([ticks, []])
        top = spec.maximum or 1.0
        self.setXRange(-0.6, max(count, 1) - 0.4, padding=0)
        self.setYRange(0, top * 1.15, padding=0)

    def bar_at(self, scene_position: QPointF) -> int | None:
        """The index of the label whose bars are under ``scene_position``, if any."""
        if self.spec is None or not self.spec.labels:
            return None
        view = self.plotItem.vb
        if not view.sceneBoundingRect().contains(scene_position):
            return None
        x = view.mapSceneToView(scene_position).x()
        index = round(x)
        if 0 <= index < len(self.spec.labels) and abs(x - index) <= 0.45:
            return index
        return None

    def scene_position_of(self, index: int, height_share: float = 0.02) -> QPointF:
        """Where label ``index``'s bar stands in the scene (for tests and tooltips)."""
        top = self.spec.maximum if self.spec else 1.0
        return self.plotItem.vb.mapViewToScene(QPointF(index, top * height_share))

    def _clicked(self, event) -> None:  # noqa: ANN001 - pyqtgraph's MouseClickEvent
        index = self.bar_at(event.scenePos())
        if index is not None:
            self.barClicked.emit(index)
