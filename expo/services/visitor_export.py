"""Exporting visitors to XLSX: all of them, or the ones a filter shows.

An export is the one way visitor details leave the machine, and only when someone asks for it.
Full phone numbers go in by default (the organisers' file); ``mask_phones`` writes them masked,
for files that go to third parties. Rows are streamed (openpyxl write-only mode) in id order
from chunked reads, so 100,000 visitors never sit in memory as objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Visitor, VisitorSource, VisitorType
from expo.permissions import Permission, permit
from expo.progress import Progress
from expo.services.visitor_search import search_visitors
from expo.text.labels import visitor_type_label
from expo.text.phones import mask_phone

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


def _rows(session: Session, ids: Sequence[int] | None) -> Iterator[Visitor]:
    if ids is None:
        last = 0
        while True:
            chunk = list(
                session.scalars(
                    select(Visitor).where(Visitor.id > last).order_by(Visitor.id).limit(_CHUNK)
                )
            )
            if not chunk:
                return
            yield from chunk
            last = chunk[-1].id
            session.expunge_all()
    else:
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            found = {v.id: v for v in session.scalars(select(Visitor).where(Visitor.id.in_(part)))}
            yield from (found[i] for i in part if i in found)
            session.expunge_all()


def export_visitors(
    session: Session,
    path: str | Path,
    where: VisitorFilter | None = None,
    *,
    ids: Sequence[int] | None = None,
    mask_phones: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the visitors (``ids``, else those ``where`` shows, else all) to an XLSX file."""
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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("观众 Visitors")
    # Set before the first row: write-only sheets write their layout first.
    sheet.freeze_panes = "C2"
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    header_cells = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for visitor in _rows(session, ids):
        if count % _CHUNK == 0:
            progress.check()
            progress.update(count, total)
        sheet.append(
            [
                visitor.id,
                visitor.name,
                visitor.name_pinyin,
                mask_phone(visitor.phone) if mask_phones else visitor.phone,
                visitor.company,
                visitor_type_label(visitor.visitor_type),
                visitor.city,
                visitor.wechat,
                visitor.email,
                visitor.registration_no,
                _SOURCE_NAMES.get(visitor.source, str(visitor.source)),
                "是" if visitor.consent_share else "否",
                visitor.created_at.replace(tzinfo=None) if visitor.created_at else None,
            ]
        )
        count += 1
    temporary = path.with_name(path.name + ".part")
    try:
        workbook.save(temporary)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExpoError(f"Could not write {path} ({exc.strerror}); choose another place.") from exc
    progress.update(count, count)
    return ExportResult(path, count)
