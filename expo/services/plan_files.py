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

Any file can be picked by mistake or made to hurt: CSVs are decoded like visitor lists (UTF-8,
GBK/GB18030 as Excel saves them on Chinese Windows, Big5, UTF-16), bounded in size, columns and
booths; JSON is checked type by type and its nesting depth bounded; a workbook or a PDF is
recognised and named. Every refusal is a ``PlanError`` that names the line (or hall and booth)
and says what to do.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.booths.geometry import Rect, first_overlap
from expo.exports.safe_cells import SafeCsvWriter, unescape_formula
from expo.hall_layout import booth_kind
from expo.importing.reader import (
    UnreadableFile,
    bad_rows_message,
    csv_records,
    decode_csv,
    has_bad_bytes,
    sniff_delimiter,
)
from expo.models import Booth, BoothKind, Hall
from expo.permissions import Permission, permit
from expo.services.hall_plans import (
    BOOTH_COLUMNS,
    MIN_BOOTH_M,
    PlanError,
    booth_state,
    check_hall_size,
    derive_hall_flags,
    list_booths,
    list_halls,
)
from expo.text.clean import clean_multiline, clean_text, clip
from expo.unit_of_work import UnitOfWork

CSV_COLUMNS = ("hall", *BOOTH_COLUMNS, "hall_name", "hall_width_m", "hall_depth_m")
REQUIRED = ("hall", "code", "x_m", "y_m", "width_m", "depth_m")
_TRUE = {"1", "true", "yes", "y", "x", "是", "✓"}
MAX_PLAN_BYTES = 50 * 1024 * 1024  # 20,000 booths as JSON are about 8 MB
MAX_BOOTHS = 50_000
MAX_HALL_CODE = 8
MAX_BOOTH_CODE = 16
# What a file picked by mistake starts with, and what it is.
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or another zip archive"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


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
    writer = SafeCsvWriter(out, lineterminator="\n")
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
    session: UnitOfWork, path: Path, *, hall: str | None = None, layer: str | None = None
) -> ImportResult:
    """Read a plan file (.csv, .json or .dxf) into the event, all or nothing.

    A DXF drawing holds one hall's outlines: ``hall`` names it, ``layer`` the booth layer
    (see expo.services.plan_dxf). Records one ``booth.plan_imported`` event.
    """
    permit(session, Permission.MANAGE_BOOTHS)
    if path.suffix.lower() == ".dxf":
        from expo.services.plan_dxf import import_plan_dxf

        return import_plan_dxf(session, path, hall, booth_layer=layer)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise PlanError(
            f"Import a plan from .csv, .json or .dxf, not {suffix or 'a file without type'}. "
            "A plan in Excel: File > Save As > CSV UTF-8, then import the .csv."
        )
    raw = _read_plan_bytes(path)
    if suffix == ".json":
        halls, booths = _parse_json(raw, path.name)
    else:
        halls, booths = _parse_csv(raw, path.name)
    if not booths and not halls:
        raise PlanError(f"{path.name} holds no booths; nothing was imported.")
    return _apply(session, halls, booths, source=path.name)


def _read_plan_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanError(
                f"{path.name} is {size / 2**20:,.0f} MB; a plan file is at most "
                f"{MAX_PLAN_BYTES / 2**20:,.0f} MB. Is it the right file?"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError(f"Cannot read {path}: {exc.strerror}. Check the path.") from exc
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            raise PlanError(
                f"{path.name} is {what}, not a {path.suffix.lower()} plan. Pick the plan file, "
                "or save the sheet from Excel as CSV UTF-8 (File > Save As) and import that."
            )
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(
            f"{path.name} is not a text file (it holds binary data). Pick the plan's .csv or "
            ".json file."
        )
    return raw


def _shown(value: Any) -> str:
    return repr(clip(value, 40)) if isinstance(value, str) else clip(repr(value), 40)


def _number(value: Any, where: str, column: str) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PlanError(f"{where}: {column} must be a number of metres, not {_shown(value)}.")
    try:
        number = float(str(value).strip().replace(",", ".")[:64])
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number) or abs(number) > 1e6:
        raise PlanError(f"{where}: {column} must be a number of metres, not {_shown(value)}.")
    return number


def _text(value: Any, where: str, column: str) -> str | None:
    """A one-line text field: strings and numbers only, cleaned (no control characters)."""
    if value is None or isinstance(value, str | int | float) and not isinstance(value, bool):
        return clean_text(value)
    raise PlanError(f"{where}: {column} must be text, not {_shown(value)}.")


def _code(value: Any, where: str, what: str, limit: int) -> str:
    code = (_text(value, where, f"the {what} code") or "").upper()
    if not code:
        raise PlanError(f"{where}: the {what} has no code.")
    if len(code) > limit:
        raise PlanError(
            f"{where}: the {what} code {_shown(code)} is longer than {limit} characters; "
            f"use a short code like {'A-12' if what == 'booth' else 'A'}."
        )
    return code


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if not isinstance(value, str | int | float):
        return False
    return str(value).strip().lower() in _TRUE


def _kind(value: Any, where: str) -> BoothKind | None:
    text = (_text(value, where, "kind") or "").lower()
    if not text:
        return None
    try:
        return BoothKind(text)
    except ValueError:
        choices = ", ".join(k.value for k in BoothKind)
        raise PlanError(
            f"{where}: kind {_shown(value)} is unknown; use one of {choices}."
        ) from None


def _booth_row(data: dict[str, Any], where: str, hall: str) -> _BoothRow:
    code = _code(data.get("code"), where, "booth", MAX_BOOTH_CODE)
    rect = Rect(
        _number(data.get("x_m"), where, "x_m"),
        _number(data.get("y_m"), where, "y_m"),
        _number(data.get("width_m"), where, "width_m"),
        _number(data.get("depth_m"), where, "depth_m"),
    )
    prominence = data.get("prominence")
    manual = _flag(data.get("prominence_manual"))
    notes = data.get("notes")
    if notes is not None and not isinstance(notes, str | int | float):
        raise PlanError(f"{where}: notes must be text, not {_shown(notes)}.")
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
        notes=clean_multiline(notes),
        near_entrance=(
            _flag(data.get("near_entrance")) if _flag(data.get("near_entrance_manual")) else None
        ),
    )


def _parse_csv(raw: bytes, name: str) -> tuple[dict[str, _HallRow], list[_BoothRow]]:
    try:
        text, _ = decode_csv(raw)
        if has_bad_bytes(text):
            bad = [
                number
                for number, record in csv_records(text, sniff_delimiter(text, ",;\t"))
                if any(has_bad_bytes(cell) for cell in record)
            ]
            raise PlanError(f"{name}: {bad_rows_message(bad, None)}")
        records = csv_records(text, sniff_delimiter(text, ",;\t"))
        header: list[str] = []
        for _, record in records:
            header = [clean_text(cell.lower()) or "" for cell in record]
            break
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise PlanError(
                f"{name} lacks the column(s) {', '.join(missing)}; the first line must name "
                f"them (export a plan to see the format)."
            )
        halls: dict[str, _HallRow] = {}
        booths: list[_BoothRow] = []
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue
            # A short row leaves its last columns empty; cells beyond the header are dropped.
            pairs = zip(header, record, strict=False)
            data = {key: unescape_formula(value) for key, value in pairs}
            where = f"{name} line {line}"
            _check_count(booths, where)
            hall = _code(data.get("hall"), where, "hall", MAX_HALL_CODE)
            entry = halls.setdefault(hall, _HallRow(hall))
            if data.get("hall_name"):
                entry.name = _text(data["hall_name"], where, "hall_name")
            if data.get("hall_width_m"):
                entry.width_m = _number(data["hall_width_m"], where, "hall_width_m")
            if data.get("hall_depth_m"):
                entry.depth_m = _number(data["hall_depth_m"], where, "hall_depth_m")
            booths.append(_booth_row(data, where, hall))
    except UnreadableFile as exc:
        raise PlanError(f"{name}: {exc}") from exc
    return halls, booths


def _check_count(booths: list[_BoothRow], where: str) -> None:
    if len(booths) >= MAX_BOOTHS:
        raise PlanError(
            f"{where}: the plan has more than {MAX_BOOTHS:,} booths; no fair has that many. "
            "Is it the right file?"
        )


def _parse_json(raw: bytes, name: str) -> tuple[dict[str, _HallRow], list[_BoothRow]]:
    try:
        text, _ = decode_csv(raw)
    except UnreadableFile as exc:
        raise PlanError(f"{name}: {exc}") from exc
    try:
        # The C decoder stops nesting at Python's recursion limit with a RecursionError.
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{name} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    except RecursionError:
        raise PlanError(
            f"{name} nests brackets deeper than a plan ever does; it is not a plan exported by "
            'Expo Desk ({"halls": [...]}). Export a plan to see the format.'
        ) from None
    except ValueError as exc:  # a number of 5,000 digits
        raise PlanError(f"{name} is not a plan ({clip(str(exc), 80)}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("halls"), list):
        raise PlanError(f'{name} must hold {{"halls": [...]}} (export a plan to see the format).')
    halls: dict[str, _HallRow] = {}
    booths: list[_BoothRow] = []
    for h_index, hall in enumerate(document["halls"], start=1):
        if not isinstance(hall, dict):
            raise PlanError(f"{name}: hall {h_index} is not an object with a code.")
        code = _code(hall.get("code"), f"{name} hall {h_index}", "hall", MAX_HALL_CODE)
        where = f"{name} hall {code}"
        halls[code] = _HallRow(
            code,
            _text(hall.get("name"), where, "name"),
            _number(hall["width_m"], where, "width_m") if "width_m" in hall else None,
            _number(hall["depth_m"], where, "depth_m") if "depth_m" in hall else None,
            _json_entrances(hall.get("entrances"), where),
        )
        hall_booths = hall.get("booths") or []
        if not isinstance(hall_booths, list):
            raise PlanError(f"{where}: booths must be a list of booth objects.")
        for b_index, booth in enumerate(hall_booths, start=1):
            if not isinstance(booth, dict):
                raise PlanError(f"{where}: booth {b_index} is not an object.")
            _check_count(booths, f"{where} booth {b_index}")
            booths.append(_booth_row(booth, f"{where} booth {b_index}", code))
    return halls, booths


def _json_entrances(entrances: Any, where: str) -> list[list[float]] | None:
    if entrances is None:
        return None
    if not isinstance(entrances, list) or len(entrances) > 100:
        raise PlanError(f"{where}: entrances must be a list of [x, y] points in metres.")
    points = []
    for point in entrances:
        if not isinstance(point, list) or len(point) != 2:
            raise PlanError(f"{where}: entrance {_shown(point)} must be a point [x, y] in metres.")
        points.append([_number(point[0], where, "entrance"), _number(point[1], where, "entrance")])
    return points


def _apply(
    session: UnitOfWork,
    halls: dict[str, _HallRow],
    booths: list[_BoothRow],
    *,
    source: str = "",
) -> ImportResult:
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
        try:
            check_hall_size(width, depth)
        except PlanError as exc:
            raise PlanError(f"Hall {code} of the plan: {exc}") from None
        for row in rows:
            if not row.rect.inside(width, depth):
                raise PlanError(
                    f"{row.where}: booth {row.code} lies outside hall {code} "
                    f"({width:g} x {depth:g} m)."
                )
        overlap = first_overlap([row.rect for row in rows])
        if overlap is not None:
            first, second = rows[overlap[0]], rows[overlap[1]]
            raise PlanError(
                f"{second.where}: booth {second.code} overlaps {first.code} ({first.where})."
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
        derive_hall_flags(session, hall_id)
    session.record(
        "booth.plan_imported",
        file_name=source,
        halls=sorted(halls),
        halls_created=created_halls,
        booths_created=created,
        booths_updated=updated,
        booths_removed=removed,
        booths=[
            booth_state(b)
            for b in session.scalars(
                select(Booth).where(Booth.hall_id.in_(imported_halls)).order_by(Booth.id)
            )
        ],
    )
    return ImportResult(created_halls, created, updated, removed, halls=tuple(halls))
