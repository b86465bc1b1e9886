"""A ``ChartSpec`` drawn as vectors into a reportlab ``Drawing`` (a platypus flowable).

Bars are rectangles, text is text in the embedded CJK font: the chart stays sharp when printed
and ``pdftotext`` reads its labels.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import HexColor

from expo.fonts import register_pdf_font
from expo.services.reports.charts import ChartSpec

AXIS = HexColor("#5C6B7A")
GRID = HexColor("#DDE3EA")


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) so about ``ticks`` ticks span the axis."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def chart_drawing(spec: ChartSpec, width: float, height: float) -> Drawing:
    """The chart in a ``width`` x ``height`` point drawing."""
    font = register_pdf_font()
    drawing = Drawing(width, height)
    drawing.initialFontName = font  # the renderer's starting font: no unembedded Helvetica
    drawing.add(String(0, height - 12, spec.title, fontName=font, fontSize=10))
    legend_y = height - 26
    x = 0.0
    for series in spec.series:
        drawing.add(Rect(x, legend_y, 8, 8, fillColor=HexColor(series.color), strokeColor=None))
        drawing.add(String(x + 11, legend_y + 1, series.name, fontName=font, fontSize=7))
        x += 22 + 4.2 * len(series.name.encode("utf-8")) * 0.7
    left, bottom = 40.0, 30.0
    plot_w, plot_h = width - left - 6, height - bottom - 36
    count = len(spec.labels)
    if count == 0 or plot_w <= 0 or plot_h <= 0:
        drawing.add(String(left, bottom + plot_h / 2, "无数据 no data", fontName=font, fontSize=9))
        return drawing
    step = nice_step(spec.maximum)
    top = step * max(1, math.ceil(spec.maximum / step))
    tick = 0.0
    while tick <= top + 1e-9:
        y = bottom + plot_h * tick / top
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(
            String(left - 3, y - 3, _number(tick), fontName=font, fontSize=6.5, textAnchor="end")
        )
        tick += step
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=AXIS, strokeWidth=0.8))
    slot = plot_w / count
    groups = 1 if spec.kind == "stacked" else len(spec.series)
    bar_w = slot * 0.8 / groups
    # Long runs of labels (96 quarter hours) are thinned so they never overlap.
    every = max(1, math.ceil(count * 28 / plot_w)) if count * 28 > plot_w else 1
    for index, label in enumerate(spec.labels):
        x0 = left + slot * index + slot * 0.1
        base = 0.0
        for number, series in enumerate(spec.series):
            value = series.values[index]
            if value <= 0:
                continue
            bar_h = plot_h * value / top
            if spec.kind == "stacked":
                y0 = bottom + plot_h * base / top
                base += value
                bar_x = x0
            else:
                y0 = bottom
                bar_x = x0 + number * bar_w
            drawing.add(
                Rect(bar_x, y0, bar_w, bar_h, fillColor=HexColor(series.color), strokeColor=None)
            )
            if count <= 16 and spec.kind != "stacked":
                drawing.add(
                    String(
                        bar_x + bar_w / 2,
                        y0 + bar_h + 2,
                        _number(value),
                        fontName=font,
                        fontSize=6,
                        textAnchor="middle",
                    )
                )
        if index % every == 0:
            drawing.add(
                String(
                    left + slot * index + slot / 2,
                    bottom - 10,
                    label if len(label) <= 12 else label[:11] + "…",
                    fontName=font,
                    fontSize=6.5 if count <= 16 else 5.5,
                    textAnchor="middle",
                )
            )
    if spec.y_title:
        drawing.add(String(left, bottom + plot_h + 2, spec.y_title, fontName=font, fontSize=6))
    return drawing
