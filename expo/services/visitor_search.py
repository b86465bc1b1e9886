"""Find any visitor as you type: one query of indexed prefix look-ups, merged best first.

What the desk types, and where it is looked up (every look-up is a B-tree range, none a scan):

* a name's pinyin ``zhangwei``, initials ``zw``, any reading of 单 曾 解 ... (VisitorSearchKey);
* the Chinese name or its start (``张``, ``张伟``);
* a registration number, badge code or WeChat id, or its start, in any letter case;
* a phone number: whole in any format (exact E.164), its start, or its last digits (``8000``);
* a fragment of two or more characters anywhere in the company name, through the company
  names' suffix keys (``expo.text.fragments``).

All look-ups go to the database as one ``UNION ALL`` statement, built once per shape and
dialect, so a search costs one round trip for ids and one for the rows. Hits rank exact matches
first (the whole phone, code, name or key), then prefixes, then phone tails, then companies.

On SQLite a prefix is a range ``key >= 'zw' AND key < 'zx'``: SQLite uses an index for LIKE
only with case-sensitive LIKE, and its BINARY collation orders UTF-8 by code point, so the range
is exactly the prefix. PostgreSQL's locale collations promise no such order, so there LIKE is
used (correct; index use there needs a ``text_pattern_ops`` index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import (
    Badge,
    Visitor,
    VisitorCompany,
    VisitorCompanyKey,
    VisitorSearchKey,
    VisitorSource,
    VisitorType,
)
from expo.text.clean import clean_text, fold_for_search
from expo.text.fragments import KEY_LENGTH, MIN_FRAGMENT, fold_fragment
from expo.text.phones import mask_phone, normalise_phone

# Tiers of a hit, best first.
_EXACT, _PREFIX, _TAIL, _COMPANY = range(4)

# Probe name -> (visitor id column, searched column, what a hit "matched").
_PROBES: dict[str, tuple[Any, Any, str]] = {
    "key": (VisitorSearchKey.visitor_id, VisitorSearchKey.key, "pinyin"),
    "name": (Visitor.id, Visitor.name, "name"),
    "wechat": (Visitor.id, Visitor.wechat, "wechat"),
    "registration": (Visitor.id, Visitor.registration_no, "code"),
    "badge": (Badge.visitor_id, Badge.code, "code"),
    "phone": (Visitor.id, Visitor.phone, "phone"),
    "tail": (Visitor.id, Visitor.phone_tail, "phone"),
}


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


# A probe in a statement: (probe or "company", "prefix" / "exact" / "long", parameter name).
_Probe = tuple[str, str, str]


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _like_prefix(text: str) -> str:
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return escaped + "%"


def _prefix_condition(column: Any, param: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return and_(column >= bindparam(f"{param}_lo"), column < bindparam(f"{param}_hi"))
    return column.like(bindparam(f"{param}_like"), escape="/")


def _probe_select(probe: _Probe, dialect: str, limit: int) -> Select[Any]:
    name, kind, param = probe
    if name == "company":
        stmt: Select[Any] = (
            select(
                Visitor.id.label("id"),
                Visitor.company.label("value"),
                literal_column("'company'").label("probe"),
            )
            .select_from(VisitorCompanyKey)
            .join(VisitorCompany, VisitorCompany.id == VisitorCompanyKey.company_id)
            .join(Visitor, Visitor.company == VisitorCompany.name)
            .where(_prefix_condition(VisitorCompanyKey.key, param, dialect))
        )
        if kind == "long":
            # Longer than a key: the key found candidates, the folded name decides.
            stmt = stmt.where(VisitorCompany.folded.like(bindparam(f"{param}_within"), escape="/"))
        # A name holding the fragment twice matches two keys: room for the repeats.
        return stmt.limit(limit * 2)
    id_column, column, _ = _PROBES[name]
    condition = (
        column == bindparam(param) if kind == "exact" else _prefix_condition(column, param, dialect)
    )
    return (
        select(
            id_column.label("id"),
            column.label("value"),
            literal_column(f"'{name}'").label("probe"),
        )
        .where(condition)
        .order_by(column)
        .limit(limit)
    )


@lru_cache(maxsize=128)
def _statement(dialect: str, probes: tuple[_Probe, ...], limit: int) -> CompoundSelect:
    # Each part keeps its own ORDER BY and LIMIT inside a subquery.
    parts = [select(*_probe_select(p, dialect, limit).subquery().c) for p in probes]
    return union_all(*parts)


class _Plan:
    """The probes for one query and their parameters."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.probes: list[_Probe] = []
        self.params: dict[str, Any] = {}
        self.phone: str | None = None  # the whole number typed, E.164

    def prefix(self, name: str, text: str) -> None:
        if not text:
            return
        param = f"p{len(self.probes)}"
        self.probes.append((name, "prefix", param))
        if self.dialect == "sqlite":
            self.params[f"{param}_lo"] = text
            self.params[f"{param}_hi"] = _upper_bound(text)
        else:
            self.params[f"{param}_like"] = _like_prefix(text)

    def exact(self, name: str, value: str) -> None:
        param = f"p{len(self.probes)}"
        self.probes.append((name, "exact", param))
        self.params[param] = value

    def company(self, fragment: str) -> None:
        param = f"p{len(self.probes)}"
        key = fragment[:KEY_LENGTH]
        long = len(fragment) > KEY_LENGTH
        self.probes.append(("company", "long" if long else "prefix", param))
        if self.dialect == "sqlite":
            self.params[f"{param}_lo"] = key
            self.params[f"{param}_hi"] = _upper_bound(key)
        else:
            self.params[f"{param}_like"] = _like_prefix(key)
        if long:
            self.params[f"{param}_within"] = "%" + _like_prefix(fragment)


def _case_variants(text: str, usual: str) -> list[str]:
    """As typed and in the case such values usually have: registration and badge codes are
    issued in capitals (``FD26...``), WeChat ids are mostly lowercase."""
    return list(dict.fromkeys([text, usual]))


def _is_phone_like(compact: str) -> bool:
    """``13800138000``, ``+86-138-0013-8000``, ``(0755)8888``: digits and phone punctuation."""
    return any(ch.isdigit() for ch in compact) and all(
        ch.isdigit() or ch in "+-()" for ch in compact
    )


def _plan(text: str, dialect: str) -> _Plan:
    plan = _Plan(dialect)
    compact = "".join(text.split())
    if _is_phone_like(compact):
        digits = "".join(ch for ch in compact if ch.isdigit())
        phone = normalise_phone(compact) if len(digits) >= 7 else None
        if phone is not None:
            plan.phone = phone
            plan.exact("phone", phone)
        if len(digits) <= 4:
            plan.prefix("tail", digits)
        else:
            # The start of a number: Chinese without +86, or with its country code typed.
            starts = [f"+86{digits}", f"+{digits}"]
            if digits.startswith("00"):
                starts.append(f"+{digits[2:]}")
            for start in dict.fromkeys(starts):
                plan.prefix("phone", start)
        plan.prefix("registration", compact)
        plan.prefix("badge", compact)
        return plan
    plan.prefix("key", fold_for_search(text))
    plan.prefix("name", text)
    if compact.isascii():
        # Codes and WeChat ids are ASCII; a Chinese query cannot be one.
        for variant in _case_variants(compact, compact.upper()):
            plan.prefix("registration", variant)
            plan.prefix("badge", variant)
        for variant in _case_variants(compact, compact.lower()):
            plan.prefix("wechat", variant)
    fragment = fold_fragment(text)
    if len(fragment) >= MIN_FRAGMENT:
        plan.company(fragment)
    return plan


def search_visitors(session: Session, query: str, limit: int = 20) -> list[VisitorHit]:
    """Visitors matching ``query``, best matches first (at most ``limit``).

    ``query`` may be a Chinese name or its start, full pinyin or initials (any reading), a phone
    number whole or its last digits, a registration or badge code, a WeChat id, or a fragment
    of a company name.
    """
    text = clean_text(query)
    if text is None or limit <= 0:
        return []
    dialect = session.get_bind().dialect.name
    plan = _plan(text, dialect)
    if not plan.probes:
        return []
    statement = _statement(dialect, tuple(plan.probes), limit)
    folded = fold_for_search(text)
    compact_lower = "".join(text.split()).lower()
    found: dict[int, tuple[int, int, str]] = {}  # id -> (tier, arrival, matched)
    # Core execution: the ORM layer adds nothing to a plain column query but time.
    for visitor_id, value, probe in session.connection().execute(statement, plan.params):
        if probe == "company":
            tier = _COMPANY
        elif probe == "tail":
            tier = _TAIL
        elif probe == "key":
            tier = _EXACT if value == folded else _PREFIX
        elif probe == "name":
            tier = _EXACT if value == text else _PREFIX
        elif probe == "phone":
            tier = _EXACT if value == plan.phone else _PREFIX
        else:
            tier = _EXACT if str(value).lower() == compact_lower else _PREFIX
        current = found.get(visitor_id)
        if current is None or tier < current[0]:
            matched = "company" if probe == "company" else _PROBES[probe][2]
            found[visitor_id] = (tier, len(found), matched)
    ranked = sorted(found.items(), key=lambda item: (item[1][0], item[1][1]))[:limit]
    return _hits(session, [(visitor_id, matched) for visitor_id, (_, _, matched) in ranked])


# Built once: constructing a statement costs more than running this one.
_HIT_ROWS = select(
    Visitor.id,
    Visitor.name,
    Visitor.company,
    Visitor.visitor_type,
    Visitor.phone,
    Visitor.registration_no,
    Visitor.city,
    Visitor.source,
).where(Visitor.id.in_(bindparam("ids", expanding=True)))


def _hits(session: Session, ranked: Sequence[tuple[int, str]]) -> list[VisitorHit]:
    if not ranked:
        return []
    ids = [visitor_id for visitor_id, _ in ranked]
    rows = {row.id: row for row in session.connection().execute(_HIT_ROWS, {"ids": ids})}
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
