"""The visitor registry: find anyone as you type, register walk-ins, keep search keys right.

Search is a handful of indexed prefix look-ups (B-tree range scans), merged best first:

* exact matches (the whole phone number, a registration or badge code, the whole name or key);
* prefixes of the name's search keys (pinyin ``zhangwei``, initials ``zw``, every reading of a
  surname such as 单 shan/dan), of the Chinese name, of registration and badge codes, of WeChat
  ids and of the phone number;
* the last digits of the phone (``8000``);
* last, a fragment anywhere in the company name, the only scan, and only when the query could
  be one (two or more characters) and the indexed look-ups did not already fill the list.

On SQLite a prefix is a range ``key >= 'zw' AND key < 'zx'``: SQLite uses an index for LIKE
only with case-sensitive LIKE, and its BINARY collation orders UTF-8 by code point, so the range
is exactly the prefix. PostgreSQL's locale collations do not promise that, so there LIKE is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from expo.errors import ExpoError
from expo.models import Badge, Visitor, VisitorSearchKey, VisitorSource, VisitorType
from expo.services.events import StationRef
from expo.text.clean import clean_text, fold_for_search
from expo.text.phones import mask_phone, normalise_phone, phone_tail
from expo.text.pinyin import name_keys
from expo.text.visitor_types import visitor_type_from_label

# Tiers of a hit, best first.
_EXACT, _PREFIX, _TAIL, _COMPANY = range(4)
# A company fragment shorter than this matches too much to be useful (一 字 matches thousands).
MIN_COMPANY_FRAGMENT = 2


@dataclass(frozen=True)
class VisitorHit:
    """A visitor as lists show them: the phone masked."""

    id: int
    name: str
    company: str | None
    visitor_type: VisitorType
    phone_masked: str
    registration_no: str | None
    city: str | None = None
    source: VisitorSource = VisitorSource.PREREGISTERED
    matched: str = ""  # what the query matched: name, pinyin, phone, code, wechat, company

    def as_json(self) -> dict[str, Any]:
        """The fields the CLI prints for a visitor."""
        return {
            "id": self.id,
            "name": self.name,
            "company": self.company,
            "type": self.visitor_type.value,
            "phone_masked": self.phone_masked,
        }


@dataclass(frozen=True)
class NewVisitor:
    """A visitor typed in at a desk. ``phone`` as typed; ``visitor_type`` a type or a label."""

    name: str
    phone: str | None = None
    company: str | None = None
    visitor_type: VisitorType | str | None = None
    wechat: str | None = None
    email: str | None = None
    city: str | None = None
    registration_no: str | None = None
    consent_share: bool = False
    notes: str | None = None


class InvalidVisitor(ExpoError):
    """A visitor's details cannot be saved as given."""


class DuplicateVisitor(ExpoError):
    """The visitor looks already registered (same phone or WeChat)."""

    def __init__(self, message: str, existing: VisitorHit) -> None:
        super().__init__(message)
        self.existing = existing


# -- search keys ----------------------------------------------------------------------------


def search_key_rows(visitor_id: int, name: str) -> list[dict[str, Any]]:
    """The VisitorSearchKey rows of a visitor, for bulk inserts."""
    return [{"visitor_id": visitor_id, "key": key} for key in name_keys(name).keys]


def refresh_search_keys(session: Session, visitor_ids: Iterable[int]) -> int:
    """Rebuild ``name_pinyin`` and the search keys of these visitors from their names.

    Call it after creating visitors or changing a name (after a flush, so the ids exist).
    Returns the number of keys written.
    """
    ids = sorted(set(visitor_ids))
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names = session.execute(select(Visitor.id, Visitor.name).where(Visitor.id.in_(chunk)))
        rows: list[dict[str, Any]] = []
        pinyins: list[dict[str, Any]] = []
        for visitor_id, name in names:
            keys = name_keys(name)
            pinyins.append({"id": visitor_id, "name_pinyin": keys.pinyin})
            rows += [{"visitor_id": visitor_id, "key": key} for key in keys.keys]
        session.execute(delete(VisitorSearchKey).where(VisitorSearchKey.visitor_id.in_(chunk)))
        if rows:
            session.execute(insert(VisitorSearchKey), rows)
        for values in pinyins:
            # Core UPDATE: no version bump, the name (the data) did not change here.
            session.execute(
                Visitor.__table__.update()
                .where(Visitor.__table__.c.id == values["id"])
                .values(name_pinyin=values["name_pinyin"])
            )
        written += len(rows)
    # Visitors loaded in this session must not keep a stale name_pinyin.
    session.expire_all()
    return written


# -- search ---------------------------------------------------------------------------------


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _starts_with(column: Any, prefix: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return (column >= prefix) & (column < _upper_bound(prefix))
    return column.startswith(prefix, autoescape=True)


def _variants(text: str) -> list[str]:
    """Codes are stored as issued; people type them in any case."""
    return list(dict.fromkeys([text, text.upper(), text.lower()]))


class _Collector:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found: dict[int, tuple[int, int, str]] = {}  # id -> (tier, order, matched)

    def add(self, visitor_id: int, tier: int, matched: str) -> None:
        current = self.found.get(visitor_id)
        if current is None or tier < current[0]:
            self.found[visitor_id] = (tier, len(self.found), matched)

    def count(self, max_tier: int) -> int:
        return sum(1 for tier, _, _ in self.found.values() if tier <= max_tier)

    def ranked(self) -> list[tuple[int, str]]:
        order = sorted(self.found.items(), key=lambda item: (item[1][0], item[1][1]))
        return [(visitor_id, matched) for visitor_id, (_, _, matched) in order[: self.limit]]


def _prefix_hits(
    session: Session,
    collector: _Collector,
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[int],
    prefixes: Sequence[str],
    matched: str,
    dialect: str,
    *,
    fold: bool = False,
) -> None:
    for prefix in prefixes:
        if not prefix:
            continue
        stmt = (
            select(id_column, column)
            .where(_starts_with(column, prefix, dialect))
            .order_by(column)
            .limit(collector.limit * 2)
        )
        for visitor_id, value in session.execute(stmt):
            same = (fold_for_search(value) if fold else value) == prefix
            collector.add(visitor_id, _EXACT if same else _PREFIX, matched)


def search_visitors(session: Session, query: str, limit: int = 20) -> list[VisitorHit]:
    """Visitors matching ``query``, best matches first (at most ``limit``).

    ``query`` may be a Chinese name or its start, full pinyin or initials (any reading), a phone
    number whole or its last digits, a registration or badge code, a WeChat id, or a fragment
    of a company name.
    """
    text = clean_text(query)
    if text is None or limit <= 0:
        return []
    folded = fold_for_search(text)
    compact = "".join(text.split())
    dialect = session.get_bind().dialect.name
    found = _Collector(limit)
    # "138 0013 8000", "+86-138...": a phone number however it is typed.
    digits_only = any(ch.isdigit() for ch in compact) and all(
        ch.isdigit() or ch in "+-()" for ch in compact
    )

    if digits_only:
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 7:
            phone = normalise_phone(text)
            if phone is not None:
                for visitor_id in session.scalars(
                    select(Visitor.id).where(Visitor.phone == phone).limit(limit)
                ):
                    found.add(visitor_id, _EXACT, "phone")
        if len(digits) <= 4:
            _prefix_hits(session, found, Visitor.phone_tail, Visitor.id, [digits], "phone", dialect)
            # A tail match is weaker than a code that starts with these digits.
            for visitor_id, (tier, order, matched) in list(found.found.items()):
                if matched == "phone" and tier == _PREFIX:
                    found.found[visitor_id] = (_TAIL, order, matched)
        else:
            starts = [f"+86{digits}", f"+{digits}"]
            if digits.startswith("00"):
                starts.append(f"+{digits[2:]}")
            _prefix_hits(session, found, Visitor.phone, Visitor.id, starts, "phone", dialect)
    else:
        _prefix_hits(
            session,
            found,
            VisitorSearchKey.key,
            VisitorSearchKey.visitor_id,
            [folded],
            "pinyin",
            dialect,
        )
        _prefix_hits(session, found, Visitor.name, Visitor.id, [text], "name", dialect)
        _prefix_hits(
            session, found, Visitor.wechat, Visitor.id, _variants(compact), "wechat", dialect
        )

    _prefix_hits(
        session,
        found,
        Visitor.registration_no,
        Visitor.id,
        _variants(compact),
        "code",
        dialect,
    )
    _prefix_hits(session, found, Badge.code, Badge.visitor_id, _variants(compact), "code", dialect)

    if (
        not digits_only
        and len(text) >= MIN_COMPANY_FRAGMENT
        and found.count(_TAIL) < limit
        and _worth_a_company_scan(text)
    ):
        condition = (
            Visitor.company.contains(text, autoescape=True)
            if dialect == "sqlite"  # SQLite's LIKE ignores ASCII case already
            else Visitor.company.icontains(text, autoescape=True)
        )
        for visitor_id in session.scalars(select(Visitor.id).where(condition).limit(limit)):
            found.add(visitor_id, _COMPANY, "company")

    ranked = found.ranked()
    return _hits(session, ranked)


def _worth_a_company_scan(text: str) -> bool:
    """Pure pinyin initials (``zw``) are names, not company fragments; anything else may be."""
    if any(not ch.isascii() for ch in text):
        return True
    return len(text) >= 3


def _hits(session: Session, ranked: list[tuple[int, str]]) -> list[VisitorHit]:
    if not ranked:
        return []
    ids = [visitor_id for visitor_id, _ in ranked]
    rows = {
        row.id: row
        for row in session.execute(
            select(
                Visitor.id,
                Visitor.name,
                Visitor.company,
                Visitor.visitor_type,
                Visitor.phone,
                Visitor.registration_no,
                Visitor.city,
                Visitor.source,
            ).where(Visitor.id.in_(ids))
        )
    }
    return [_hit(rows[visitor_id], matched) for visitor_id, matched in ranked if visitor_id in rows]


def _hit(row: Any, matched: str = "") -> VisitorHit:
    return VisitorHit(
        id=row.id,
        name=row.name,
        company=row.company,
        visitor_type=row.visitor_type,
        phone_masked=mask_phone(row.phone),
        registration_no=row.registration_no,
        city=row.city,
        source=row.source,
        matched=matched,
    )


def visitor_hits(session: Session, visitor_ids: Sequence[int]) -> list[VisitorHit]:
    """These visitors as hits, in the order given (missing ids are left out)."""
    return _hits(session, [(visitor_id, "") for visitor_id in visitor_ids])


def get_visitor_hit(session: Session, visitor_id: int) -> VisitorHit:
    hits = visitor_hits(session, [visitor_id])
    if not hits:
        raise ExpoError(f"No visitor with id {visitor_id}; search for them by name or phone.")
    return hits[0]


# -- duplicates and walk-ins ----------------------------------------------------------------


def find_likely_duplicates(
    session: Session, phone: str | None, wechat: str | None
) -> list[VisitorHit]:
    """Visitors with the same phone (any format) or the same WeChat id: phone matches first."""
    ids: list[int] = []
    e164 = normalise_phone(phone) if phone else None
    if e164 is not None:
        ids += session.scalars(select(Visitor.id).where(Visitor.phone == e164).order_by(Visitor.id))
    wechat_id = clean_text(wechat)
    if wechat_id is not None:
        ids += session.scalars(
            select(Visitor.id).where(Visitor.wechat == wechat_id).order_by(Visitor.id)
        )
    return visitor_hits(session, list(dict.fromkeys(ids)))


def _visitor_type(value: VisitorType | str | None) -> VisitorType:
    if value is None or value == "":
        return VisitorType.OTHER
    if isinstance(value, VisitorType):
        return value
    found = visitor_type_from_label(value)
    if found is None:
        choices = ", ".join(t.value for t in VisitorType)
        raise InvalidVisitor(f"Unknown visitor type {value!r}; use one of: {choices}.")
    return found


def add_visitor(
    session: Session, new: NewVisitor, station: StationRef, *, force: bool = False
) -> VisitorHit:
    """Register a walk-in at ``station``.

    Refuses a visitor who looks already registered (same phone or WeChat) by raising
    ``DuplicateVisitor`` with the existing visitor, unless ``force``.
    """
    name = clean_text(new.name)
    if name is None:
        raise InvalidVisitor("The visitor needs a name: type it as on their ID or business card.")
    if len(name) > 64:
        raise InvalidVisitor("That name is longer than 64 characters; shorten it.")
    phone = None
    if clean_text(new.phone) is not None:
        phone = normalise_phone(new.phone)
        if phone is None:
            raise InvalidVisitor(
                f"{new.phone!r} is not a phone number we can reach; check the digits "
                "(a Chinese mobile has 11, starting with 1) or add a country code (+852 ...)."
            )
    wechat = clean_text(new.wechat)
    if phone is None and wechat is None:
        raise InvalidVisitor("Give a phone number or a WeChat id, so the visitor can be found.")
    visitor_type = _visitor_type(new.visitor_type)
    registration_no = clean_text(new.registration_no)

    if not force:
        duplicates = find_likely_duplicates(session, phone, wechat)
        if duplicates:
            existing = duplicates[0]
            raise DuplicateVisitor(
                f"{existing.name} ({existing.phone_masked or 'same WeChat'}) is already "
                f"registered as visitor {existing.id}; use that visitor, or save anyway "
                "(--force) if this is a different person.",
                existing,
            )
    if registration_no is not None and session.scalar(
        select(Visitor.id).where(Visitor.registration_no == registration_no)
    ):
        raise InvalidVisitor(
            f"Registration number {registration_no} belongs to another visitor; search for it."
        )

    keys = name_keys(name)
    visitor = Visitor(
        name=name,
        name_pinyin=keys.pinyin,
        company=clean_text(new.company),
        phone=phone,
        phone_tail=phone_tail(phone),
        wechat=wechat,
        email=clean_text(new.email),
        visitor_type=visitor_type,
        city=clean_text(new.city),
        source=VisitorSource.WALK_IN,
        registration_no=registration_no,
        consent_share=new.consent_share,
        created_by_station_id=station.id,
        notes=clean_text(new.notes),
    )
    visitor.search_keys = [VisitorSearchKey(key=key) for key in keys.keys]
    session.add(visitor)
    session.flush()
    return get_visitor_hit(session, visitor.id)
