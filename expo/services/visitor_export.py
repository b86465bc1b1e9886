"""Exporting visitors to XLSX: all of them, or the ones a filter shows.

An export is the one way visitor details leave the machine, and only when someone asks for it.
Full phone numbers go in by default (the organisers' file); ``mask_phones`` writes them masked,
for files that go to third parties. Rows are read in chunks of plain tuples and streamed to
the file by XlsxWriter in constant-memory mode (each row goes to disk as it is written): 100,000
visitors take seconds, where openpyxl's write-only mode over ORM objects took about a minute.

Every text is written with ``write_string``: a name such as ``=HYPERLINK("...")`` stays text in
the file and never becomes a formula (nor a number, nor a link).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.exports.safe_cells import looks_like_formula
from expo.models import Visitor, VisitorSource, VisitorType
from expo.permissions import Permission, permit
from expo.progress import Progress
from expo.services.visitor_search import search_visitors
from expo.text.labels import visitor_type_label
from expo.text.phones import mask_phone

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

_CHUNK = 2000
HEADERS = (
    "ID",
    "姓名 Name",
    "拼音 Pinyin",
    "手机 Phone",
    "公司 Company",
    "类型 Type",
    "城市 City",
    "微信 WeChat",
    "邮箱 Email",
    "登记号 Registration No.",
    "来源 Source",
    "同意分享 Consent",
    "登记时间 Registered (UTC)",
)
_WIDTHS = (8, 12, 16, 16, 32, 20, 10, 18, 24, 20, 10, 10, 20)
_SOURCE_NAMES = {VisitorSource.PREREGISTERED: "预登记", VisitorSource.WALK_IN: "现场登记"}


@dataclass(frozen=True)
class VisitorFilter:
    """Which visitors: a search query (as the search box), a type, an import batch."""

    query: str | None = None
    visitor_type: VisitorType | None = None
    import_batch_id: int | None = None
    search_limit: int = 100_000

    def is_empty(self) -> bool:
        return not self.query and self.visitor_type is None and self.import_batch_id is None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    exported: int


def filtered_visitor_ids(session: Session, where: VisitorFilter) -> list[int]:
    """Ids of the visitors the filter shows (search order for a query, else id order)."""
    stmt: Select[tuple[int]] = select(Visitor.id).order_by(Visitor.id)
    if where.visitor_type is not None:
        stmt = stmt.where(Visitor.visitor_type == where.visitor_type)
    if where.import_batch_id is not None:
        stmt = stmt.where(Visitor.import_batch_id == where.import_batch_id)
    if where.query:
        hits = search_visitors(session, where.query, where.search_limit)
        wanted = set(session.scalars(stmt)) if not _only_query(where) else None
        return [hit.id for hit in hits if wanted is None or hit.id in wanted]
    return list(session.scalars(stmt))


def _only_query(where: VisitorFilter) -> bool:
    return where.visitor_type is None and where.import_batch_id is None


_COLUMNS = (
    Visitor.id,
    Visitor.name,
    Visitor.name_pinyin,
    Visitor.phone,
    Visitor.company,
    Visitor.visitor_type,
    Visitor.city,
    Visitor.wechat,
    Visitor.email,
    Visitor.registration_no,
    Visitor.source,
    Visitor.consent_share,
    Visitor.created_at,
)


def _rows(session: Session, ids: Sequence[int] | None) -> Iterator[Row[Any]]:
    """The visitors' columns as plain rows: all in id order, or ``ids`` in their order."""
    if ids is None:
        last = 0
        while True:
            chunk = session.execute(
                select(*_COLUMNS).where(Visitor.id > last).order_by(Visitor.id).limit(_CHUNK)
            ).all()
            if not chunk:
                return
            yield from chunk
            last = chunk[-1].id
    else:
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            found = {
                row.id: row
                for row in session.execute(select(*_COLUMNS).where(Visitor.id.in_(part)))
            }
            yield from (found[i] for i in part if i in found)


def _cells(row: Row[Any], mask_phones: bool) -> tuple[object, ...]:
    """One visitor's values in the order of ``HEADERS``."""
    return (
        row.id,
        row.name,
        row.name_pinyin,
        mask_phone(row.phone) if mask_phones else row.phone,
        row.company,
        visitor_type_label(row.visitor_type),
        row.city,
        row.wechat,
        row.email,
        row.registration_no,
        _SOURCE_NAMES.get(row.source, str(row.source)),
        "是" if row.consent_share else "否",
        row.created_at.replace(tzinfo=None) if row.created_at else None,
    )


def _write_row(
    sheet: Worksheet, number: int, values: Sequence[object], date_format: Any, quoted: Any
) -> None:
    """Each value by its type: text always as a string cell, never a formula, number or link;
    text that looks like a formula gets Excel's quote prefix, so it stays text when edited."""
    for column, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, str):
            sheet.write_string(number, column, value, quoted if looks_like_formula(value) else None)
        elif isinstance(value, bool):
            sheet.write_boolean(number, column, value)
        elif isinstance(value, int | float):
            sheet.write_number(number, column, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(number, column, value, date_format)
        else:
            sheet.write_string(number, column, str(value))


def export_visitors(
    session: Session,
    path: str | Path,
    where: VisitorFilter | None = None,
    *,
    ids: Sequence[int] | None = None,
    mask_phones: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the visitors (``ids``, else those ``where`` shows, else all) to an XLSX file.

    The file appears only when it is complete: it is written beside as ``NAME.part`` and
    renamed at the end; a cancel (``progress.check()``) or an error leaves no file.
    """
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import XlsxWriterException

    permit(session, Permission.EXPORT_PERSONAL_DATA)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ExpoError(f"{path.name}: exports are Excel files; give a name ending in .xlsx.")
    if not path.parent.exists():
        raise ExpoError(f"The folder {path.parent} does not exist; choose another place.")
    progress = progress or Progress()
    if ids is None and where is not None and not where.is_empty():
        ids = filtered_visitor_ids(session, where)
    total = len(ids) if ids is not None else session.scalar(select(func.count(Visitor.id)))
    temporary = path.with_name(path.name + ".part")
    workbook = Workbook(
        str(temporary),
        {
            "constant_memory": True,  # rows stream to disk: memory stays flat at any size
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    count = 0
    try:
        sheet = workbook.add_worksheet("观众 Visitors")
        sheet.freeze_panes(1, 2)
        for index, width in enumerate(_WIDTHS):
            sheet.set_column(index, index, width)
        bold = workbook.add_format({"bold": True})
        for column, title in enumerate(HEADERS):
            sheet.write_string(0, column, title, bold)
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        quoted = workbook.add_format({"quote_prefix": True})
        for row in _rows(session, ids):
            if count % _CHUNK == 0:
                progress.check()
                progress.update(count, total)
            count += 1
            _write_row(sheet, count, _cells(row, mask_phones), date_format, quoted)
        progress.check()
        workbook.close()
        temporary.replace(path)
    except (OSError, XlsxWriterException) as exc:
        _discard(workbook, temporary)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ExpoError(f"Could not write {path} ({reason}); choose another place.") from exc
    except BaseException:
        _discard(workbook, temporary)
        raise
    progress.update(count, count)
    return ExportResult(path, count)


def _discard(workbook: Any, temporary: Path) -> None:
    """Close the half-written workbook (removing its temporary row files) and delete it."""
    with contextlib.suppress(Exception):  # the error that brought us here is the one to report
        if not workbook.fileclosed:
            workbook.close()
    temporary.unlink(missing_ok=True)
