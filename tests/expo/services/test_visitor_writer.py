"""The one visitor writer: walk-in, import and demo derive pinyin, phone tail, search keys and
the company index the same way (services/visitor_writer.py)."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import select

from expo.db import EventDatabase
from expo.demo import visitor_rows
from expo.models import Visitor, VisitorCompany, VisitorSearchKey
from expo.services.registry import NewVisitor, add_visitor, search_visitors
from expo.services.visitor_import import prepare_import, run_import
from expo.services.visitor_writer import insert_visitors
from tests.actors import DESK, OFFICE
from tests.registration_files import write_csv


def _derived(db: EventDatabase, visitor_id: int) -> tuple[object, ...]:
    with db.session() as session:
        visitor = session.get(Visitor, visitor_id)
        assert visitor is not None
        keys = sorted(
            session.scalars(
                select(VisitorSearchKey.key).where(VisitorSearchKey.visitor_id == visitor_id)
            )
        )
        indexed = session.scalar(
            select(VisitorCompany.id).where(VisitorCompany.name == visitor.company)
        )
        return (visitor.name_pinyin, visitor.phone_tail, tuple(keys), indexed is not None)


def test_a_walk_in_and_an_import_derive_the_same_fields(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    with empty_db.write(DESK) as uow:
        walk_in = add_visitor(
            uow, NewVisitor("吕秀英", phone="+44 20 7946 0958", company="伦敦优品贸易")
        ).id
    rows = [["姓名", "手机", "公司"], ["吕秀英", "+1 202 555 0123", "伦敦优品贸易"]]
    report = run_import(
        empty_db, prepare_import(write_csv(tmp_path / "a.csv", rows, "utf-8")), OFFICE
    )
    with empty_db.session() as session:
        imported = session.scalar(select(Visitor.id).where(Visitor.phone == "+12025550123"))
    assert report.created == 1 and imported is not None

    pinyin, tail, keys, indexed = _derived(empty_db, walk_in)
    assert (pinyin, tail, indexed) == ("lvxiuying", "0958", True)
    assert "lxy" in keys
    assert _derived(empty_db, imported) == (pinyin, "0123", keys, True)
    with empty_db.session() as session:
        assert {hit.id for hit in search_visitors(session, "0123")} == {imported}
        assert {hit.id for hit in search_visitors(session, "优品")} == {walk_in, imported}


def test_the_demo_rows_get_the_same_derived_fields(empty_db: EventDatabase) -> None:
    rows = visitor_rows(random.Random(3), 50)
    assert "phone_tail" not in rows[0] and "name_pinyin" not in rows[0]  # derived by the writer
    rows[0]["phone"] = "+85291234567"  # not a Chinese mobile: the tail is still its last four
    with empty_db.write(OFFICE) as uow:
        ids = insert_visitors(uow, rows)
    assert ids == list(range(1, 51))
    pinyin, tail, keys, indexed = _derived(empty_db, ids[0])
    assert tail == "4567"
    assert pinyin and keys and indexed == (rows[0]["company"] is not None)
