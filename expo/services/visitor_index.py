"""The derived search data of visitors: name keys (pinyin, initials) and the company index.

Both are rebuilt from the visitor's own fields, so they can never disagree with them for long:
every service that writes a visitor's name or company calls ``refresh_search_keys`` (or, for
bulk inserts, writes ``search_key_rows`` and calls ``index_companies`` itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from expo.models import Visitor, VisitorCompany, VisitorCompanyKey, VisitorSearchKey
from expo.models.base import table_of
from expo.text.fragments import fold_fragment, fragment_keys
from expo.text.pinyin import name_keys

_CHUNK = 500


def search_key_rows(visitor_id: int, name: str) -> list[dict[str, Any]]:
    """The VisitorSearchKey rows of a visitor, for bulk inserts."""
    return [{"visitor_id": visitor_id, "key": key} for key in name_keys(name).keys]


def refresh_search_keys(session: Session, visitor_ids: Iterable[int]) -> int:
    """Rebuild ``name_pinyin`` and the search keys of these visitors; index their companies.

    Call it after creating visitors or changing a name or company (after a flush, so the ids
    exist). Returns the number of name keys written.
    """
    ids = sorted(set(visitor_ids))
    written = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        visitors = session.execute(
            select(Visitor.id, Visitor.name, Visitor.company).where(Visitor.id.in_(chunk))
        ).all()
        index_companies(session, [company for _, _, company in visitors])
        rows: list[dict[str, Any]] = []
        pinyins: list[dict[str, Any]] = []
        for visitor_id, name, _ in visitors:
            keys = name_keys(name)
            pinyins.append({"visitor_id": visitor_id, "pinyin": keys.pinyin})
            rows += [{"visitor_id": visitor_id, "key": key} for key in keys.keys]
        session.execute(delete(VisitorSearchKey).where(VisitorSearchKey.visitor_id.in_(chunk)))
        if rows:
            session.execute(insert(table_of(VisitorSearchKey)), rows)
        if pinyins:
            # Core UPDATE: no version bump, the name (the data) did not change here.
            table = table_of(Visitor)
            session.execute(
                update(table)
                .where(table.c.id == bindparam("visitor_id"))
                .values(name_pinyin=bindparam("pinyin")),
                pinyins,
            )
        written += len(rows)
    # Visitors loaded in this session must not keep stale derived fields.
    wanted = set(ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Visitor) and obj.id in wanted:
            session.expire(obj, ["name_pinyin", "search_keys"])
    return written


def index_companies(session: Session, names: Iterable[str | None]) -> int:
    """Make these company names findable by fragment (those not yet indexed); returns how many.

    ``names`` are ``Visitor.company`` values as stored (cleaned). Bulk-safe: 100,000 names cost
    a few look-ups and inserts per 500.
    """
    wanted = sorted({name for name in names if name})
    if not wanted:
        return 0
    existing: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        existing.update(
            session.scalars(select(VisitorCompany.name).where(VisitorCompany.name.in_(chunk)))
        )
    missing = [name for name in wanted if name not in existing]
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        session.execute(
            insert(table_of(VisitorCompany)),
            [{"name": n, "folded": fold_fragment(n)} for n in chunk],
        )
        rows = session.execute(
            select(VisitorCompany.name, VisitorCompany.id).where(VisitorCompany.name.in_(chunk))
        )
        ids = {name: company_id for name, company_id in rows}
        keys = [{"key": key, "company_id": ids[n]} for n in chunk for key in fragment_keys(n)]
        if keys:
            session.execute(insert(table_of(VisitorCompanyKey)), keys)
    return len(missing)
