"""Importing pre-registered visitors from spreadsheets: 100,000 rows, cleanly, in one transaction.

``prepare_import`` reads the file and maps its columns (what the GUI's preview shows and the user
may correct); ``import_visitors`` does the work inside the caller's transaction; ``run_import``
is the long task the CLI and the GUI run (its own transaction, progress and cancel).

Each data row gets one outcome:

* **created**: a new visitor;
* **merged**: the row is someone already known (same phone, else same WeChat id, in the database
  or earlier in the file) and brought something new: it filled fields that were empty;
* **unchanged**: the row is someone already known and brought nothing new;
* **rejected**: with the row number as Excel shows it and the reason.

A merge never overwrites a non-empty field: where the row says something else, the difference
is reported. Importing the same file twice creates nothing the second time. Visitors are written
with Core bulk statements (one ORM object a row is about ten times slower at 100,000; see
``benchmarks/bench_visitor_import.py``).
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, bindparam, func, insert, select, update
from sqlalchemy import Table as SqlTable
from sqlalchemy.orm import Session

from expo.db import EventDatabase
from expo.errors import ExpoError
from expo.importing.columns import (
    Field,
    apply_override,
    column_letter,
    find_header_row,
    map_headers,
    parse_mapping_override,
)
from expo.importing.reader import Row, Table, read_table
from expo.importing.records import Rejection, VisitorDetails, VisitorRecord, parse_row
from expo.models import ImportBatch, Visitor, VisitorSearchKey, VisitorSource, VisitorType
from expo.models.base import table_of
from expo.models.types import utcnow
from expo.permissions import Permission, permit
from expo.progress import Progress
from expo.services.events import StationRef, ensure_station
from expo.services.visitor_index import index_companies
from expo.text.phones import phone_tail
from expo.text.pinyin import name_keys

_CHUNK = 500
_PROGRESS_EVERY = 2000
IMPORT_CACHE_KIB = 262_144


class ImportProblem(ExpoError):
    """The file cannot be imported as it is (no name column, nothing to import ...)."""


# -- preparing: read and map -----------------------------------------------------------------


@dataclass(frozen=True)
class PreparedImport:
    """A file read and its columns mapped: what the preview shows before anything is written."""

    file_name: str
    table: Table
    header_index: int  # index in table.rows of the header row
    mapping: dict[int, Field]  # column index -> field

    @property
    def header_row(self) -> Row:
        return self.table.rows[self.header_index]

    @property
    def headers(self) -> tuple[str | None, ...]:
        return self.header_row.cells

    @property
    def width(self) -> int:
        return max((len(row.cells) for row in self.table.rows), default=0)

    def data_rows(self) -> list[Row]:
        return self.table.rows[self.header_index + 1 :]

    def preview_rows(self, count: int = 8) -> list[Row]:
        """The first ``count`` non-blank data rows."""
        rows: list[Row] = []
        for row in self.data_rows():
            if not row.is_blank():
                rows.append(row)
                if len(rows) >= count:
                    break
        return rows

    def header_name(self, index: int) -> str:
        """``B 手机号`` : the column letter and its header."""
        header = self.headers[index] if index < len(self.headers) else None
        return f"{column_letter(index)} {header}" if header else column_letter(index)

    def with_mapping(self, mapping: Mapping[int, Field]) -> PreparedImport:
        """The same file with the user's mapping (each field at most once)."""
        seen: set[Field] = set()
        for chosen in mapping.values():
            if chosen in seen:
                raise ImportProblem(
                    f"Two columns are mapped to {chosen.value}; map each field to one column."
                )
            seen.add(chosen)
        return PreparedImport(self.file_name, self.table, self.header_index, dict(mapping))

    def mapping_by_header(self) -> dict[str, str]:
        """``{"B 手机号": "phone", ...}``: the mapping as reports show it."""
        return {self.header_name(index): chosen.value for index, chosen in self.mapping.items()}


def prepare_table(
    table: Table, file_name: str, override: Mapping[str, Field | None] | str | None = None
) -> PreparedImport:
    """Find the header row and map the columns (automatically, then ``override``)."""
    numbered = [(row.number, row.cells) for row in table.rows]
    if all(row.is_blank() for row in table.rows):
        raise ImportProblem(f"{file_name} is empty: there are no rows to import.")
    header_index = find_header_row(numbered)
    headers = table.rows[header_index].cells
    mapping = map_headers(headers)
    if override:
        parsed = parse_mapping_override(override) if isinstance(override, str) else override
        mapping = apply_override(headers, mapping, parsed)
    return PreparedImport(file_name, table, header_index, mapping)


def prepare_import(
    path: str | Path, override: Mapping[str, Field | None] | str | None = None
) -> PreparedImport:
    """Read ``path`` (XLSX, XLS, ODS or CSV) and map its columns."""
    path = Path(path)
    return prepare_table(read_table(path), path.name, override)


def check_mapping(prepared: PreparedImport) -> None:
    """Refuse a mapping that cannot find anyone: it needs a name and a phone or WeChat column."""
    fields = set(prepared.mapping.values())
    shown = ", ".join(h for h in prepared.headers if h) or "none"
    if Field.NAME not in fields:
        raise ImportProblem(
            f"No column of {prepared.file_name} is recognised as the name (headers: {shown}). "
            'Map one, for example --mapping \'{"参会人": "name"}\'.'
        )
    if Field.PHONE not in fields and Field.WECHAT not in fields:
        raise ImportProblem(
            f"No column of {prepared.file_name} is recognised as phone or WeChat (headers: "
            f'{shown}). Map one, for example --mapping \'{{"联系方式": "phone"}}\'.'
        )


# -- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RejectedRow:
    row: int
    reason: str


@dataclass(frozen=True)
class Difference:
    """A row that disagrees with what is kept: the kept value stays, the row's is reported."""

    row: int
    visitor_id: int | None  # None: the visitor is new in this file (first row kept)
    field: str
    kept: str
    ignored: str


@dataclass(frozen=True)
class RowWarning:
    row: int
    message: str


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    source: str
    created: int
    merged: int
    unchanged: int
    rejected: list[RejectedRow]
    differences: list[Difference]
    warnings: list[RowWarning]
    ignored_rows: int  # blank rows and trailing notes
    batch_id: int | None
    mapping: dict[str, str]
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
            "differences": [
                {
                    "row": d.row,
                    "visitor_id": d.visitor_id,
                    "field": d.field,
                    "kept": d.kept,
                    "ignored": d.ignored,
                }
                for d in self.differences
            ],
            "warnings": [{"row": w.row, "message": w.message} for w in self.warnings],
            "ignored_rows": self.ignored_rows,
            "batch_id": self.batch_id,
            "mapping": self.mapping,
            "source": self.source,
            "dry_run": self.dry_run,
        }

    def summary(self) -> str:
        lines = [
            f"{self.file_name} ({self.source}): {self.created} created, {self.merged} merged, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
            + (" (dry run: nothing was saved)" if self.dry_run else "")
        ]
        lines += [f"  row {r.row}: {r.reason}" for r in self.rejected[:50]]
        if len(self.rejected) > 50:
            lines.append(f"  ... and {len(self.rejected) - 50} more rejected rows")
        if self.differences:
            lines.append(f"{len(self.differences)} differences kept the existing value:")
            lines += [
                f"  row {d.row}: {d.field} kept {d.kept!r}, file has {d.ignored!r}"
                for d in self.differences[:20]
            ]
        if self.warnings:
            lines.append(f"{len(self.warnings)} warnings:")
            lines += [f"  row {w.row}: {w.message}" for w in self.warnings[:20]]
        return "\n".join(lines)


# -- merging ---------------------------------------------------------------------------------

# Fields a merge may fill, in the order differences are reported.
_MERGED_FIELDS = ("phone", "wechat", "company", "visitor_type", "city", "email", "registration_no")


@dataclass(eq=False, kw_only=True)
class _Person(VisitorDetails):
    """A visitor as the import will leave them: from the database or new in this file."""

    visitor_id: int | None
    first_row: int
    consent: bool = False
    version_id: int = 1
    changed: bool = False


@dataclass
class _Index:
    by_phone: dict[str, _Person] = field(default_factory=dict)
    by_wechat: dict[str, _Person] = field(default_factory=dict)
    by_registration: dict[str, _Person] = field(default_factory=dict)

    def add(self, person: _Person) -> None:
        if person.phone:
            self.by_phone.setdefault(person.phone, person)
        if person.wechat:
            self.by_wechat.setdefault(person.wechat, person)
        if person.registration_no:
            self.by_registration.setdefault(person.registration_no, person)

    def find(self, record: VisitorRecord) -> _Person | None:
        if record.phone and record.phone in self.by_phone:
            return self.by_phone[record.phone]
        if record.wechat and record.wechat in self.by_wechat:
            return self.by_wechat[record.wechat]
        return None


def _empty(value: object) -> bool:
    return value is None or value == "" or value == VisitorType.OTHER


def _merge(
    person: _Person, record: VisitorRecord, index: _Index, differences: list[Difference]
) -> bool:
    """Fill ``person``'s empty fields from ``record``; report disagreements. True if filled."""
    filled = False

    def differ(name: str, kept: object, ignored: object) -> None:
        differences.append(Difference(record.row, person.visitor_id, name, str(kept), str(ignored)))

    if record.name != person.name:
        differ("name", person.name, record.name)
    owners = {
        "phone": index.by_phone,
        "wechat": index.by_wechat,
        "registration_no": index.by_registration,
    }
    for name in _MERGED_FIELDS:
        new = getattr(record, name)
        if _empty(new):
            continue
        old = getattr(person, name)
        if not _empty(old):
            if old != new:
                differ(name, old, new)
            continue
        owner = owners.get(name, {}).get(new) if name in owners else None
        if owner is not None and owner is not person:
            # Filling it would give one phone / WeChat / code to two people.
            where = f"visitor {owner.visitor_id}" if owner.visitor_id else f"row {owner.first_row}"
            differ(name, f"(empty; {new} belongs to {where})", new)
            continue
        setattr(person, name, new)
        if name in owners:
            owners[name][new] = person
        filled = True
    if record.consent is True and not person.consent:
        person.consent = True
        filled = True
    elif record.consent is False and person.consent:
        differ("consent", "yes", "no")
    if record.notes and not person.notes:
        person.notes = record.notes
        filled = True
    elif record.notes and person.notes != record.notes:
        differ("notes", person.notes, record.notes)
    if filled:
        person.changed = True
    return filled


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _load_known(session: Session, records: Sequence[VisitorRecord]) -> _Index:
    """The visitors already in the database that rows of this file may be."""
    phones = sorted({r.phone for r in records if r.phone})
    wechats = sorted({r.wechat for r in records if r.wechat})
    codes = sorted({r.registration_no for r in records if r.registration_no})
    ids: set[int] = set()
    for column, values in (
        (Visitor.phone, phones),
        (Visitor.wechat, wechats),
        (Visitor.registration_no, codes),
    ):
        for chunk in _chunks(values):
            ids.update(session.scalars(select(Visitor.id).where(column.in_(chunk))))
    index = _Index()
    for chunk in _chunks(sorted(ids)):
        rows = session.execute(
            select(
                Visitor.id,
                Visitor.name,
                Visitor.phone,
                Visitor.wechat,
                Visitor.company,
                Visitor.visitor_type,
                Visitor.city,
                Visitor.email,
                Visitor.registration_no,
                Visitor.consent_share,
                Visitor.notes,
                Visitor.version_id,
            ).where(Visitor.id.in_(chunk))
        )
        for row in rows:
            index.add(
                _Person(
                    visitor_id=row.id,
                    first_row=0,
                    name=row.name,
                    phone=row.phone,
                    wechat=row.wechat,
                    company=row.company,
                    visitor_type=row.visitor_type,
                    city=row.city,
                    email=row.email,
                    registration_no=row.registration_no,
                    consent=row.consent_share,
                    notes=row.notes,
                    version_id=row.version_id,
                )
            )
    return index


@lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, tuple[str, ...]]:
    # Names repeat (张伟 thousands of times at 100,000): pinyin once a name.
    keys = name_keys(name)
    return keys.pinyin, keys.keys


def _trailing_note_start(rows: Sequence[Row]) -> int:
    """Index from which rows are trailing notes (one filled cell after the last real row)."""
    last_real = -1
    for index, row in enumerate(rows):
        if row.filled() >= 2:
            last_real = index
    return last_real + 1


# -- the import ------------------------------------------------------------------------------


def import_visitors(
    session: Session,
    prepared: PreparedImport,
    station: StationRef | None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the rows of ``prepared`` in the caller's transaction.

    Raises ``Cancelled`` (from ``progress.check()``) when cancelled: the caller's transaction
    then rolls back and the database is as it was.
    """
    permit(session, Permission.IMPORT_VISITORS)
    progress = progress or Progress()
    check_mapping(prepared)
    rows = prepared.data_rows()
    total = len(rows)
    progress.update(0, total * 2, "checking rows")
    columns = {chosen: index for index, chosen in prepared.mapping.items()}
    notes_from = _trailing_note_start(rows)

    records: list[VisitorRecord] = []
    rejected: list[RejectedRow] = []
    warnings: list[RowWarning] = []
    ignored = 0
    for position, row in enumerate(rows):
        if position % _PROGRESS_EVERY == 0:
            progress.check()
            progress.update(position, total * 2)
        if row.is_blank() or (position >= notes_from and row.filled() <= 1):
            ignored += 1
            continue
        parsed = parse_row(row, columns)
        if isinstance(parsed, Rejection):
            rejected.append(RejectedRow(parsed.row, parsed.reason))
            continue
        records.append(parsed)
        warnings += [RowWarning(parsed.row, message) for message in parsed.warnings]

    index = _load_known(session, records)
    progress.check()
    differences: list[Difference] = []
    new_people: list[_Person] = []
    merged = unchanged = 0
    for record in records:
        person = index.find(record)
        if person is None:
            owner = (
                index.by_registration.get(record.registration_no)
                if record.registration_no
                else None
            )
            if owner is not None:
                where = (
                    f"visitor {owner.visitor_id} ({owner.name})"
                    if owner.visitor_id
                    else f"row {owner.first_row} ({owner.name})"
                )
                rejected.append(
                    RejectedRow(
                        record.row,
                        f"registration number {record.registration_no} already belongs to "
                        f"{where}, who has another phone and WeChat; correct one of them",
                    )
                )
                continue
            person = _Person(
                visitor_id=None,
                first_row=record.row,
                name=record.name,
                phone=record.phone,
                wechat=record.wechat,
                company=record.company,
                visitor_type=record.visitor_type,
                city=record.city,
                email=record.email,
                registration_no=record.registration_no,
                consent=bool(record.consent),
                notes=record.notes,
            )
            index.add(person)
            new_people.append(person)
        elif _merge(person, record, index, differences):
            merged += 1
        else:
            unchanged += 1
    rejected.sort(key=lambda r: r.row)

    now = utcnow()
    batch = ImportBatch(
        file_name=prepared.file_name,
        imported_at=now,
        station_id=station.id if station else None,
    )
    session.add(batch)
    session.flush()
    progress.update(total, total * 2, "saving visitors")
    created_ids = _insert_people(session, new_people, batch.id, station, now, progress, total)
    _update_people(session, [p for p in _all_people(index) if p.visitor_id and p.changed], now)
    companies = [p.company for p in new_people] + [
        p.company for p in _all_people(index) if p.visitor_id and p.changed
    ]
    index_companies(session, companies)
    batch.created = len(created_ids)
    batch.merged = merged
    batch.unchanged = unchanged
    batch.rejected = len(rejected)
    session.flush()
    progress.update(total * 2, total * 2, "done")
    return ImportReport(
        file_name=prepared.file_name,
        source=prepared.table.source,
        created=len(created_ids),
        merged=merged,
        unchanged=unchanged,
        rejected=rejected,
        differences=differences,
        warnings=warnings,
        ignored_rows=ignored,
        batch_id=batch.id,
        mapping=prepared.mapping_by_header(),
    )


def _all_people(index: _Index) -> list[_Person]:
    """Every person the index holds, once."""
    seen: dict[int, _Person] = {}
    for people in (index.by_phone, index.by_wechat, index.by_registration):
        for person in people.values():
            seen.setdefault(id(person), person)
    return list(seen.values())


def _insert_people(
    session: Session,
    people: Sequence[_Person],
    batch_id: int,
    station: StationRef | None,
    now: Any,
    progress: Progress,
    offset: int,
) -> list[int]:
    ids: list[int] = []
    total = offset * 2
    chunk_size = 2000
    table = table_of(Visitor)
    sqlite = session.get_bind().dialect.name == "sqlite"
    # On SQLite this transaction holds the write lock since the ImportBatch went in: no one
    # else can insert, so the new rows' ids are the next ones, given explicitly. Elsewhere the
    # database hands them out (RETURNING, in the order of the rows).
    next_id = (session.scalar(select(func.max(table.c.id))) or 0) + 1 if sqlite else 0
    for start in range(0, len(people), chunk_size):
        progress.check()
        chunk = people[start : start + chunk_size]
        rows = []
        for person in chunk:
            pinyin, _ = _keys(person.name)
            rows.append(
                {
                    "uuid": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "name": person.name,
                    "name_pinyin": pinyin,
                    "company": person.company,
                    "phone": person.phone,
                    "phone_tail": phone_tail(person.phone),
                    "wechat": person.wechat,
                    "email": person.email,
                    "visitor_type": person.visitor_type,
                    "city": person.city,
                    "source": VisitorSource.PREREGISTERED,
                    "registration_no": person.registration_no,
                    "consent_share": person.consent,
                    "import_batch_id": batch_id,
                    "created_by_station_id": station.id if station else None,
                    "notes": person.notes,
                    "version_id": 1,
                }
            )
        if sqlite:
            chunk_ids = list(range(next_id, next_id + len(rows)))
            next_id += len(rows)
            for row, visitor_id in zip(rows, chunk_ids, strict=True):
                row["id"] = visitor_id
            _sqlite_executemany(session, table, rows)
        else:
            returned = session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            )
            chunk_ids = [row[0] for row in returned]
        keys = [
            (visitor_id, key)
            for visitor_id, person in zip(chunk_ids, chunk, strict=True)
            for key in _keys(person.name)[1]
        ]
        _insert_search_keys(session, keys, sqlite)
        for visitor_id, person in zip(chunk_ids, chunk, strict=True):
            person.visitor_id = visitor_id
        ids += chunk_ids
        done = min(len(people), start + chunk_size)
        progress.update(offset + offset * done // len(people), total)
    return ids


def _sqlite_executemany(session: Session, table: SqlTable, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` the rows with the driver's executemany, values converted by the columns' own
    SQLAlchemy bind processors: the same values as ``session.execute(insert(table), rows)``
    without its per-row parameter machinery (1.5 s of 4 s at 100,000 visitors)."""
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    pairs = list(zip(names, processors, strict=True))
    connection.exec_driver_sql(
        sql,
        [
            tuple(process(row[name]) if process else row[name] for name, process in pairs)
            for row in rows
        ],
    )


def _insert_search_keys(session: Session, keys: list[tuple[int, str]], sqlite: bool) -> None:
    if not keys:
        return
    if sqlite:
        # Two plain columns, no conversions: straight to the driver's executemany.
        session.connection().exec_driver_sql(
            "INSERT INTO visitor_search_key (visitor_id, key) VALUES (?, ?)", keys
        )
        return
    session.execute(
        insert(table_of(VisitorSearchKey)),
        [{"visitor_id": visitor_id, "key": key} for visitor_id, key in keys],
    )


def _update_people(session: Session, people: Sequence[_Person], now: Any) -> None:
    if not people:
        return
    table = table_of(Visitor)
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .where(table.c.version_id == bindparam("b_version"))
        .values(
            phone=bindparam("b_phone"),
            phone_tail=bindparam("b_tail"),
            wechat=bindparam("b_wechat"),
            company=bindparam("b_company"),
            visitor_type=bindparam("b_type"),
            city=bindparam("b_city"),
            email=bindparam("b_email"),
            registration_no=bindparam("b_code"),
            consent_share=bindparam("b_consent"),
            notes=bindparam("b_notes"),
            version_id=table.c.version_id + 1,
            updated_at=now,
        )
    )
    updated = 0
    for chunk in _chunks(people):
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            statement,
            [
                {
                    "b_id": p.visitor_id,
                    "b_version": p.version_id,
                    "b_phone": p.phone,
                    "b_tail": phone_tail(p.phone),
                    "b_wechat": p.wechat,
                    "b_company": p.company,
                    "b_type": p.visitor_type,
                    "b_city": p.city,
                    "b_email": p.email,
                    "b_code": p.registration_no,
                    "b_consent": p.consent,
                    "b_notes": p.notes,
                }
                for p in chunk
            ],
        )
        updated += result.rowcount
    if updated != len(people):
        raise ImportProblem(
            "Some visitors were changed at another station while importing; nothing was "
            "imported. Run the import again."
        )


# -- the long task ---------------------------------------------------------------------------


def run_import(
    db: EventDatabase,
    prepared: PreparedImport,
    station_name: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import in a transaction of its own: committed when done, rolled back on dry run, error
    or cancel (nothing half-written). For worker threads: opens its own session."""
    with _no_cyclic_gc(), db.session() as session, _large_page_cache(session):
        try:
            station = ensure_station(session, station_name) if station_name else None
            report = import_visitors(session, prepared, station, progress)
            if dry_run:
                session.rollback()
                report = _as_dry_run(report)
            else:
                if progress is not None:
                    progress.check()  # a Cancel pressed during the last writes still counts
                session.commit()
        except BaseException:
            session.rollback()
            raise
    return report


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cycle collector paused while the import runs.

    An import holds a million small objects (cells, records, rows); Python's cycle collector
    would walk them all again and again as more are made (a quarter of the import's time) and
    find nothing, since none of them are in cycles. Reference counting still frees memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _large_page_cache(session: Session) -> Iterator[None]:
    """SQLite's page cache at 256 MB for the import's connection, then back to what it was.

    100,000 rows go into ten indexes at random places; with the default 2 MB cache SQLite
    spends most of the import evicting and re-reading index pages (about twice as slow).
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        session.connection().exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _as_dry_run(report: ImportReport) -> ImportReport:
    return replace(report, batch_id=None, dry_run=True)
