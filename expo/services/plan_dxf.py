"""A hall's booths from the organiser's CAD drawing (DXF), read with ezdxf.

Booths are closed rectangles on the booth layer: LWPOLYLINE or POLYLINE outlines, or four LINEs
each. A rectangle on the hall layer, when present, is the hall's outline and its corner the
origin; otherwise the drawing's origin is the hall's bottom-left corner. A TEXT or MTEXT whose
insertion point lies inside a booth gives its code; booths without one are numbered in reading
order. Units follow $INSUNITS (metres, centimetres, millimetres; a unitless drawing counts as
millimetres when its booths are larger than 100 units a side).

CAD's y axis points up and the plan's down (towards the entrance on the front wall), so the
drawing is flipped. The import is all or nothing: a shape that is not a rectangle, booths that
overlap or stand outside the hall, or duplicate codes refuse the whole file (plan_files._apply
checks the last three exactly as for CSV and JSON).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from expo.booths.geometry import Rect
from expo.models import Booth, Hall
from expo.services.hall_plans import PlanError
from expo.services.plan_files import MAX_BOOTHS, ImportResult, _apply, _BoothRow, _HallRow
from expo.text.clean import clip
from expo.unit_of_work import UnitOfWork

BOOTH_LAYERS = ("BOOTHS", "BOOTH", "展位")
HALL_LAYERS = ("HALL", "HALLS", "展馆")
# $INSUNITS codes ezdxf reads from the header: metres per drawing unit.
UNITS = {6: ("m", 1.0), 5: ("cm", 0.01), 4: ("mm", 0.001)}
MAX_DXF_BYTES = 100 * 1024 * 1024
AISLE_M = 3.0  # room left round the booths when neither the drawing nor the event has the hall


class DxfOptionMissing(PlanError):
    """The drawing needs an import option that was not given: ``option`` says which ("hall" or
    "layer"), so each front end can point at its own field or command-line flag."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True, kw_only=True)
class DxfImportResult(ImportResult):
    hall: str
    units: str
    codes_from_text: int

    def as_dict(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            **super().as_dict(),
            "hall": self.hall,
            "units": self.units,
            "codes_from_text": self.codes_from_text,
        }


@dataclass(frozen=True)
class _Outline:
    """A rectangle in drawing units, y up; ``where`` says how to find it in the drawing."""

    x0: float
    y0: float
    x1: float
    y1: float
    where: str

    def coordinates(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)

    def holds(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


def import_plan_dxf(
    session: UnitOfWork,
    path: Path,
    hall_code: str | None,
    *,
    booth_layer: str | None = None,
    hall_layer: str | None = None,
) -> DxfImportResult:
    """Replace hall ``hall_code``'s booths by the drawing's rectangles, all or nothing."""
    import ezdxf

    if not hall_code or not hall_code.strip():
        raise DxfOptionMissing(
            f"{path.name} draws one hall; name the hall it shows (a code like A).", "hall"
        )
    code = hall_code.strip().upper()
    try:
        size = path.stat().st_size
        path.open("rb").close()  # a clear message for a missing file, before ezdxf's own
    except OSError as exc:
        raise PlanError(f"Cannot read {path}: {exc.strerror}. Check the path.") from exc
    if size > MAX_DXF_BYTES:
        raise PlanError(
            f"{path.name} is {size / 2**20:,.0f} MB; a hall's drawing is at most "
            f"{MAX_DXF_BYTES / 2**20:,.0f} MB. Keep only the hall and booth layers (LAYISO) and "
            "save it again as DXF."
        )
    name = path.name
    try:
        doc = ezdxf.readfile(str(path))
        layers = {str(layer.dxf.name).upper(): str(layer.dxf.name) for layer in doc.layers}
        booth_name = _layer(layers, booth_layer, BOOTH_LAYERS, name, "booth")
        hall_name = _layer(layers, hall_layer, HALL_LAYERS, name, "hall", required=False)
        msp = doc.modelspace()
        booths = _rectangles(msp, booth_name, name)
        halls = _rectangles(msp, hall_name, name) if hall_name else []
        labels = _labels(msp)
    except PlanError:
        raise
    except Exception as exc:
        # ezdxf says "not a DXF file" with an OSError; a damaged drawing can fail anywhere in
        # it (bad numbers, missing tables): whatever it is, the drawing cannot be used.
        raise PlanError(
            f"{name} is not a readable DXF drawing ({clip(str(exc).rstrip('.'), 120)}); save "
            "it again as DXF from the CAD program."
        ) from exc

    if not booths:
        raise PlanError(
            f"{name} has no closed rectangles on layer {booth_name}; draw each booth as a "
            "closed polyline (RECTANG) on that layer."
        )
    for outline in [*booths, *halls]:
        if not all(math.isfinite(v) and abs(v) < 1e9 for v in outline.coordinates()):
            raise PlanError(
                f"{name}: the {outline.where} has coordinates no drawing of a hall has; redraw "
                "it or move it off the booth and hall layers."
            )
    if len(booths) > MAX_BOOTHS:
        raise PlanError(
            f"{name} has {len(booths):,} rectangles on layer {booth_name}; a hall has at most "
            f"{MAX_BOOTHS:,} booths. Is it the booth layer?"
        )
    if len(halls) > 1:
        raise PlanError(
            f"{name} has {len(halls)} rectangles on the hall layer {hall_name}; keep only the "
            "hall's outline there (import one hall per file)."
        )

    unit, scale = _units(doc.header.get("$INSUNITS", 0), booths, name)
    existing = session.scalar(select(Hall).where(Hall.code == code))
    if halls:
        outline = halls[0]
        origin_x, origin_y = outline.x0, outline.y0
        width = (outline.x1 - outline.x0) * scale
        depth = (outline.y1 - outline.y0) * scale
    else:
        origin_x = origin_y = 0.0
        if existing is not None:
            width, depth = existing.width_m, existing.depth_m
        else:
            width = math.ceil(max(b.x1 for b in booths) * scale + AISLE_M)
            depth = math.ceil(max(b.y1 for b in booths) * scale + AISLE_M)

    def metres(value: float) -> float:
        return round(value * scale, 3)  # to the millimetre: CAD coordinates carry float noise

    rects = [
        (
            outline,
            Rect(
                metres(outline.x0 - origin_x),
                metres(depth / scale - (outline.y1 - origin_y)),
                metres(outline.x1 - outline.x0),
                metres(outline.y1 - outline.y0),
            ),
        )
        for outline in booths
    ]
    named = [(outline, rect, _code_inside(outline, labels)) for outline, rect in rects]
    taken = {c for _, _, c in named if c}
    taken |= set(
        session.scalars(
            select(Booth.code).join(Hall, Booth.hall_id == Hall.id).where(Hall.code != code)
        )
    )
    rows: list[_BoothRow] = []
    number = 0
    # Reading order, as the plan shows it: front rows last, left to right.
    for outline, rect, label in sorted(named, key=lambda n: (n[1].y, n[1].x)):
        booth_code = label
        if booth_code is None:
            number += 1
            while f"{code}-{number:02d}" in taken:
                number += 1
            booth_code = f"{code}-{number:02d}"
        rows.append(
            _BoothRow(
                where=f"{name} {outline.where}",
                hall=code,
                code=booth_code,
                rect=rect,
                kind=None,
                is_corner=False,
                on_main_aisle=False,
                prominence=None,
                prominence_manual=False,
                locked=False,
                excluded=False,
                notes=None,
            )
        )
    hall_row = _HallRow(code, None, round(width, 3), round(depth, 3), None)
    result = _apply(session, {code: hall_row}, rows, source=name)
    return DxfImportResult(
        result.halls_created,
        result.booths_created,
        result.booths_updated,
        result.booths_removed,
        halls=result.halls,
        hall=code,
        units=unit,
        codes_from_text=sum(1 for _, _, label in named if label),
    )


def _layer(
    layers: dict[str, str],
    wanted: str | None,
    defaults: tuple[str, ...],
    name: str,
    what: str,
    *,
    required: bool = True,
) -> str | None:
    if wanted:
        found = layers.get(wanted.strip().upper())
        if found is None:
            raise PlanError(
                f"{name} has no layer {wanted!r}; its layers are {', '.join(layers.values())}."
            )
        return found
    for candidate in defaults:
        if candidate.upper() in layers:
            return layers[candidate.upper()]
    if required:
        raise DxfOptionMissing(
            f"{name} has no {what} layer ({', '.join(defaults)}); its layers are "
            f"{', '.join(layers.values())}. Name the {what} layer.",
            "layer",
        )
    return None


def _units(code: int, booths: list[_Outline], name: str) -> tuple[str, float]:
    if code in UNITS:
        return UNITS[code]
    if code == 0:
        largest = max(max(b.x1 - b.x0, b.y1 - b.y0) for b in booths)
        return UNITS[4] if largest > 100 else UNITS[6]
    raise PlanError(
        f"{name} is drawn in unit {code} ($INSUNITS); save it in metres or millimetres."
    )


def _rectangles(msp: Any, layer: str | None, name: str) -> list[_Outline]:
    """Every outline on ``layer``; any other shape there refuses the file."""
    if layer is None:
        return []
    result: list[_Outline] = []
    lines: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for entity in msp.query(f'*[layer=="{layer}"]'):
        kind = entity.dxftype()
        if kind == "LWPOLYLINE":
            points = [(x, y) for x, y, *_ in entity.get_points("xyb")]
            bulged = any(b for *_, b in entity.get_points("xyb"))
            result.append(_outline(points, bool(entity.closed) and not bulged, name, layer))
        elif kind == "POLYLINE":
            points = [(v.x, v.y) for v in entity.points()]
            result.append(_outline(points, bool(entity.is_closed), name, layer))
        elif kind == "LINE":
            start, end = entity.dxf.start, entity.dxf.end
            lines.append(((start.x, start.y), (end.x, end.y)))
        elif kind in ("TEXT", "MTEXT", "DIMENSION", "HATCH", "POINT"):
            continue  # labels and annotations may share the layer
        else:
            raise PlanError(
                f"{name}: a {kind} on layer {layer} is not a booth outline; draw booths as "
                "closed rectangles (polylines or four lines) and move other shapes to "
                "another layer."
            )
    return result + _line_rectangles(lines, name, layer)


def _outline(points: list[tuple[float, float]], closed: bool, name: str, layer: str) -> _Outline:
    if len(points) == 5 and math.dist(points[0], points[-1]) < 1e-6:
        points, closed = points[:4], True
    xs = sorted({round(x, 6) for x, _ in points})
    ys = sorted({round(y, 6) for _, y in points})
    where = f"({points[0][0]:g}, {points[0][1]:g})" if points else "(no points)"
    if not closed:
        raise PlanError(
            f"{name}: the outline at {where} on layer {layer} is not closed; close it (or draw "
            "it with RECTANG)."
        )
    corners = {(round(x, 6), round(y, 6)) for x, y in points}
    if len(points) != 4 or len(xs) != 2 or len(ys) != 2 or len(corners) != 4:
        raise PlanError(
            f"{name}: the outline at {where} on layer {layer} is not an upright rectangle; "
            "booths must be rectangles along the drawing's axes."
        )
    return _Outline(xs[0], ys[0], xs[1], ys[1], f"rectangle at {where} on layer {layer}")


def _line_rectangles(
    lines: list[tuple[tuple[float, float], tuple[float, float]]], name: str, layer: str
) -> list[_Outline]:
    """Rectangles drawn as four separate lines; each line must belong to exactly one."""
    if not lines:
        return []
    horizontal: dict[tuple[float, float], list[float]] = {}
    vertical: set[tuple[float, float, float]] = set()
    for (x0, y0), (x1, y1) in lines:
        if abs(y0 - y1) < 1e-6:
            span = (round(min(x0, x1), 6), round(max(x0, x1), 6))
            horizontal.setdefault(span, []).append(round(y0, 6))
        elif abs(x0 - x1) < 1e-6:
            vertical.add((round(x0, 6), round(min(y0, y1), 6), round(max(y0, y1), 6)))
        else:
            raise PlanError(
                f"{name}: the slanted line at ({x0:g}, {y0:g}) on layer {layer} is not part of "
                "a booth rectangle; booths must be rectangles along the drawing's axes."
            )
    result: list[_Outline] = []
    used = 0
    for (x0, x1), heights in horizontal.items():
        heights.sort()
        if len(heights) % 2:
            break
        for bottom, top in zip(heights[::2], heights[1::2], strict=True):
            sides = {(x0, bottom, top), (x1, bottom, top)}
            if not sides <= vertical:
                break
            vertical -= sides
            used += 4
            where = f"rectangle of lines at ({x0:g}, {bottom:g}) on layer {layer}"
            result.append(_Outline(x0, bottom, x1, top, where))
    if used != len(lines):
        raise PlanError(
            f"{name}: some lines on layer {layer} do not close a rectangle of their own; draw "
            "each booth as a closed polyline (RECTANG), or as four lines that meet at the "
            "corners."
        )
    return result


def _labels(msp: Any) -> list[tuple[float, float, str]]:
    """The drawing's texts as (x, y, text), sorted by x for ``_code_inside``."""
    labels = []
    for entity in msp.query("TEXT MTEXT"):
        if entity.dxftype() == "TEXT":
            _, point, _ = entity.get_placement()
            text = entity.dxf.text
        else:
            point = entity.dxf.insert
            text = entity.plain_text()
        text = " ".join(str(text).split()).upper()
        if text and len(text) <= 16 and " " not in text:
            labels.append((float(point.x), float(point.y), text))
    labels.sort(key=lambda label: label[0])
    return labels


def _code_inside(outline: _Outline, labels: list[tuple[float, float, str]]) -> str | None:
    """The first short, space-free text inside the rectangle: a booth code like A-12.

    ``labels`` are sorted by x: only those between the rectangle's sides are looked at (20,000
    booths with a label each would otherwise make 400 million comparisons)."""
    start = bisect.bisect_left(labels, outline.x0, key=lambda label: label[0])
    for x, y, text in labels[start:]:
        if x > outline.x1:
            break
        if outline.holds(x, y):
            return text
    return None
