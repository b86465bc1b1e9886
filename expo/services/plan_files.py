"""Hall plans in and out as CSV or JSON: the organiser's own spreadsheet of booths (DXF
drawings come in through expo.services.plan_dxf).

CSV: one row per booth with the columns of ``CSV_COLUMNS``; only hall, code, x_m, y_m, width_m
and depth_m are required. Prominence and near_entrance are read only where the file says they
were set by hand (prominence_manual, near_entrance_manual); otherwise they are derived, so
files from before those columns still import. A hall missing from the event is created
(hall_width_m/hall_depth_m, else the booths' extent plus an aisle).

JSON: ``{"halls": [{code, name, width_m, depth_m, entrances, booths: [...]}]}``.

An import checks everything first (sizes, overlaps, walls, duplicate codes) and writes in the
caller's one transaction: a bad file changes nothing. Booths of an imported hall that the file
does not list are removed.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.booths.geometry import Rect
from expo.hall_layout import booth_kind
from expo.models import Booth, BoothKind, Hall
from expo.permissions import Permission, permit
from expo.services.hall_plans import (
    BOOTH_COLUMNS,
    MIN_BOOTH_M,
    PlanError,
    list_booths,
    list_halls,
    refresh_prominence,
)

CSV_COLUMNS = ("hall", *BOOTH_COLUMNS, "hall_name", "hall_width_m", "hall_depth_m")
REQUIRED = ("hall", "code", "x_m", "y_m", "width_m", "depth_m")
_TRUE = {"1", "true", "yes", "y", "x", "是", "✓"}


@dataclass(frozen=True)
class ImportResult:
    halls_created: int
    booths_created: int
    booths_updated: int
    booths_removed: int
    # The halls whose booths the file replaced (their codes), for a confirmation or a message.
    halls: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, int]:
        return {
            "halls_created": self.halls_created,
            "booths_created": self.booths_created,
            "booths_updated": self.booths_updated,
            "booths_removed": self.booths_removed,
        }


@dataclass
class _HallRow:
    code: str
    name: str | None = None
    width_m: float | None = None
    depth_m: float | None = None
    entrances: list[list[float]] | None = None


@dataclass
class _BoothRow:
    where: str  # "line 7" or "hall A booth 3", for messages
    hall: str
    code: str
    rect: Rect
    kind: BoothKind | None
    is_corner: bool
    on_main_aisle: bool
    prominence: float | None
    prominence_manual: bool
    locked: bool
    excluded: bool
    notes: str | None
    # None: derived from the distance to an entrance; True/False: set by hand.
    near_entrance: bool | None = None


# -- export --------------------------------------------------------------------------------------


def export_plan(session: Session, path: Path) -> int:
    """Write the plan as CSV or JSON (by the file's extension); returns the number of booths."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = json.dumps(plan_as_json(session), ensure_ascii=False, indent=1)
    elif suffix == ".csv":
        text = plan_as_csv(session)
    else:
        raise PlanError(f"Export a plan as .csv or .json, not {suffix or 'a file without type'}.")
    path.write_text(text, encoding="utf-8")
    return len(list_booths(session))


def plan_as_json(session: Session) -> dict[str, Any]:
    halls = []
    booths = list_booths(session)
    for hall in list_halls(session):
        halls.append(
            {
                "code": hall.code,
                "name": hall.name,
                "width_m": hall.width_m,
                "depth_m": hall.depth_m,
                "entrances": hall.entrances,
                "booths": [
                    {
                        "code": b.code,
                        "x_m": b.x_m,
                        "y_m": b.y_m,
                        "width_m": b.width_m,
                        "depth_m": b.depth_m,
                        "kind": b.kind.value,
                        "is_corner": b.is_corner,
                        "on_main_aisle": b.on_main_aisle,
                        "near_entrance": b.near_entrance,
                        "near_entrance_manual": b.near_entrance_manual,
                        "prominence": b.prominence,
                        "prominence_manual": b.prominence_manual,
                        "locked": b.locked,
                        "excluded": b.excluded,
                        "notes": b.notes,
                    }
                    for b in booths
                    if b.hall_id == hall.id
                ],
            }
        )
    return {"halls": halls}


def plan_as_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    halls = {h.id: h for h in list_halls(session)}
    for b in list_booths(session):
        hall = halls[b.hall_id]
        writer.writerow(
            [
                hall.code,
                b.code,
                f"{b.x_m:g}",
                f"{b.y_m:g}",
                f"{b.width_m:g}",
                f"{b.depth_m:g}",
                b.kind.value,
                int(b.is_corner),
                int(b.on_main_aisle),
                int(b.near_entrance),
                int(b.near_entrance_manual),
                f"{b.prominence:g}",
                int(b.prominence_manual),
                int(b.locked),
                int(b.excluded),
                b.notes or "",
                hall.name,
                f"{hall.width_m:g}",
                f"{hall.depth_m:g}",
            ]
        )
    return out.getvalue()


# -- import --------------------------------------------------------------------------------------


def import_plan(
    session: Session, path: Path, *, hall: str | None = None, layer: str | None = None
) -> ImportResult:
    """Read a plan file (.csv, .json or .dxf) into the event, all or nothing.

    A DXF drawing holds one hall's outlines: ``hall`` names it, ``layer`` the booth layer
    (see expo.services.plan_dxf).
    """
    permit(session, Permission.MANAGE_BOOTHS)
    if path.suffix.lower() == ".dxf":
        from expo.services.plan_dxf import import_plan_dxf

        return import_plan_dxf(session, path, hall, booth_layer=layer)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError(f"Cannot read {path}: {exc.strerror}. Check the path.") from exc
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    suffix = path.suffix.lower()
    if suffix == ".json":
        halls, booths = _parse_json(text, path.name)
    elif suffix == ".csv":
        halls, booths = _parse_csv(text, path.name)
    else:
        raise PlanError(
            f"Import a plan from .csv, .json or .dxf, not {suffix or 'a file without type'}."
        )
    if not booths and not halls:
        raise PlanError(f"{path.name} holds no booths; nothing was imported.")
    return _apply(session, halls, booths)


def _number(value: Any, where: str, column: str) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        raise PlanError(f"{where}: {column} must be a number of metres, not {value!r}.") from None
    if not math.isfinite(number):
        raise PlanError(f"{where}: {column} must be a number of metres, not {value!r}.")
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE


def _kind(value: Any, where: str) -> BoothKind | None:
    text = str(value or "").strip().lower()
    if not text:
        return None
    try:
        return BoothKind(text)
    except ValueError:
        choices = ", ".join(k.value for k in BoothKind)
        raise PlanError(f"{where}: kind {value!r} is unknown; use one of {choices}.") from None


def _booth_row(data: dict[str, Any], where: str, hall: str) -> _BoothRow:
    code = str(data.get("code") or "").strip().upper()
    if not code:
        raise PlanError(f"{where}: the booth has no code.")
    rect = Rect(
        _number(data.get("x_m"), where, "x_m"),
        _number(data.get("y_m"), where, "y_m"),
        _number(data.get("width_m"), where, "width_m"),
        _number(data.get("depth_m"), where, "depth_m"),
    )
    prominence = data.get("prominence")
    manual = _flag(data.get("prominence_manual"))
    value = (
        _number(prominence, where, "prominence")
        if manual and prominence not in ("", None)
        else None
    )
    return _BoothRow(
        where=where,
        hall=hall,
        code=code,
        rect=rect,
        kind=_kind(data.get("kind"), where),
        is_corner=_flag(data.get("is_corner")),
        on_main_aisle=_flag(data.get("on_main_aisle")),
        prominence=value,
        prominence_manual=value is not None,
        locked=_flag(data.get("locked")),
        excluded=_flag(data.get("excluded")),
        notes=(str(data.get("notes") or "").strip() or None),
        near_entrance=(
            _flag(data.get("near_entrance")) if _flag(data.get("near_entrance_manual")) else None
        ),
    )


def _parse_csv(text: str, name: str) -> tuple[dict[str, _HallRow], list[_BoothRow]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PlanError(
            f"{name} lacks the column(s) {', '.join(missing)}; the first line must name "
            f"them (export a plan to see the format)."
        )
    halls: dict[str, _HallRow] = {}
    booths: list[_BoothRow] = []
    for line, row in enumerate(reader, start=2):
        data = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        if not any(str(v or "").strip() for v in data.values()):
            continue
        where = f"{name} line {line}"
        hall = str(data.get("hall") or "").strip().upper()
        if not hall:
            raise PlanError(f"{where}: the hall is empty.")
        entry = halls.setdefault(hall, _HallRow(hall))
        if data.get("hall_name"):
            entry.name = str(data["hall_name"]).strip()
        if data.get("hall_width_m"):
            entry.width_m = _number(data["hall_width_m"], where, "hall_width_m")
        if data.get("hall_depth_m"):
            entry.depth_m = _number(data["hall_depth_m"], where, "hall_depth_m")
        booths.append(_booth_row(data, where, hall))
    return halls, booths


def _parse_json(text: str, name: str) -> tuple[dict[str, _HallRow], list[_BoothRow]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{name} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("halls"), list):
        raise PlanError(f'{name} must hold {{"halls": [...]}} (export a plan to see the format).')
    halls: dict[str, _HallRow] = {}
    booths: list[_BoothRow] = []
    for h_index, hall in enumerate(document["halls"], start=1):
        if not isinstance(hall, dict) or not str(hall.get("code") or "").strip():
            raise PlanError(f"{name}: hall {h_index} has no code.")
        code = str(hall["code"]).strip().upper()
        where = f"{name} hall {code}"
        entrances = hall.get("entrances")
        halls[code] = _HallRow(
            code,
            hall.get("name"),
            _number(hall["width_m"], where, "width_m") if "width_m" in hall else None,
            _number(hall["depth_m"], where, "depth_m") if "depth_m" in hall else None,
            [
                [_number(p[0], where, "entrance"), _number(p[1], where, "entrance")]
                for p in entrances
            ]
            if isinstance(entrances, list)
            else None,
        )
        for b_index, booth in enumerate(hall.get("booths") or [], start=1):
            if not isinstance(booth, dict):
                raise PlanError(f"{where}: booth {b_index} is not an object.")
            booths.append(_booth_row(booth, f"{where} booth {b_index}", code))
    return halls, booths


def _apply(session: Session, halls: dict[str, _HallRow], booths: list[_BoothRow]) -> ImportResult:
    seen: dict[str, str] = {}
    for row in booths:
        if row.code in seen:
            raise PlanError(f"{row.where}: booth code {row.code} is also used at {seen[row.code]}.")
        seen[row.code] = row.where
        if row.rect.w < MIN_BOOTH_M or row.rect.d < MIN_BOOTH_M:
            raise PlanError(f"{row.where}: booth {row.code} is smaller than 1 x 1 m.")
    by_hall: dict[str, list[_BoothRow]] = {}
    for row in booths:
        by_hall.setdefault(row.hall, []).append(row)
    existing = {h.code: h for h in session.scalars(select(Hall))}
    created_halls = 0
    for code, entry in halls.items():
        rows = by_hall.get(code, [])
        hall = existing.get(code)
        width = entry.width_m or (hall.width_m if hall else None)
        depth = entry.depth_m or (hall.depth_m if hall else None)
        if width is None or depth is None:
            # The booths' extent and a 3 m aisle round about.
            width = width or math.ceil(max((r.rect.right for r in rows), default=10) + 3)
            depth = depth or math.ceil(max((r.rect.bottom for r in rows), default=10) + 3)
        for row in rows:
            if not row.rect.inside(width, depth):
                raise PlanError(
                    f"{row.where}: booth {row.code} lies outside hall {code} "
                    f"({width:g} x {depth:g} m)."
                )
        for a in range(len(rows)):
            for b in range(a + 1, len(rows)):
                if rows[a].rect.overlaps(rows[b].rect):
                    raise PlanError(
                        f"{rows[b].where}: booth {rows[b].code} overlaps {rows[a].code} "
                        f"({rows[a].where})."
                    )
        if hall is None:
            order = len(existing) + created_halls
            hall = Hall(
                code=code,
                name=entry.name or f"{code}馆",
                width_m=width,
                depth_m=depth,
                entrances=entry.entrances or [[width / 2, depth]],
                sort_order=order,
            )
            session.add(hall)
            created_halls += 1
        else:
            hall.width_m, hall.depth_m = width, depth
            if entry.name:
                hall.name = entry.name
            if entry.entrances is not None:
                hall.entrances = entry.entrances
        session.flush()
    # Codes are unique across halls: a code moving to another hall is an update, not a clash.
    current = {b.code: b for b in session.scalars(select(Booth))}
    hall_ids = {h.code: h.id for h in session.scalars(select(Hall))}
    imported_halls = {hall_ids[c] for c in halls}
    keep = {row.code for row in booths}
    removed = 0
    for code, booth in list(current.items()):
        if booth.hall_id in imported_halls and code not in keep:
            session.delete(booth)
            del current[code]
            removed += 1
    session.flush()
    created = updated = 0
    for row in booths:
        existing_booth = current.get(row.code)
        kind = row.kind or booth_kind(row.rect.w, row.rect.d)
        values = {
            "hall_id": hall_ids[row.hall],
            "x_m": row.rect.x,
            "y_m": row.rect.y,
            "width_m": row.rect.w,
            "depth_m": row.rect.d,
            "kind": kind,
            "is_corner": row.is_corner,
            "on_main_aisle": row.on_main_aisle,
            "prominence_manual": row.prominence_manual,
            "near_entrance_manual": row.near_entrance is not None,
            "locked": row.locked,
            "excluded": row.excluded,
            "notes": row.notes,
        }
        if row.prominence is not None:
            values["prominence"] = round(row.prominence, 1)
        if row.near_entrance is not None:
            values["near_entrance"] = row.near_entrance
        if existing_booth is None:
            session.add(Booth(code=row.code, **values))
            created += 1
        else:
            for key, value in values.items():
                setattr(existing_booth, key, value)
            if existing_booth.excluded:
                existing_booth.factory_id = None
            updated += 1
    session.flush()
    for hall_id in imported_halls:
        refresh_prominence(session, hall_id)
    return ImportResult(created_halls, created, updated, removed, halls=tuple(halls))
