"""The factory list: TOP100 and category filters, booth codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from expo.models import Booth, Hall
from expo.services.factories import UnknownCategory, get_factory, list_factories
from tests.actors import OFFICE
from tests.fair import build_small_fair


def test_factories_filter_by_top100_and_category_and_show_their_booths(empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.write(OFFICE) as session:
        hall = Hall(code="A", name="A 馆", width_m=60, depth_m=40)
        session.add(hall)
        session.flush()
        for code, x in (("A-01", 0), ("A-02", 3), ("A-09", 30)):
            session.add(Booth(hall_id=hall.id, code=code, x_m=x, y_m=0, width_m=3, depth_m=3))
        session.flush()
        for booth in session.scalars(select(Booth).where(Booth.code.in_(["A-01", "A-02"]))):
            booth.factory_id = fair.factory_a
    with empty_db.session() as session:
        everyone = list_factories(session)
        top = list_factories(session, top100=True)
        pets = list_factories(session, category="宠物用品")
        camping = list_factories(session, category="camping", top100=True)
        with pytest.raises(UnknownCategory, match="Use one of"):
            list_factories(session, category="rockets")
        summary = get_factory(session, fair.factory_b)
    assert [f.as_json() for f in everyone] == [
        {
            "id": fair.factory_a,
            "name": "宁波市星尚户外用品有限公司",
            "top100": True,
            "category": "camping",
            "booth": "A-01, A-02",
        },
        {
            "id": fair.factory_b,
            "name": "台州市萌宠用品有限公司",
            "top100": False,
            "category": "pets",
            "booth": None,
        },
    ]
    assert [f.id for f in top] == [fair.factory_a] == [f.id for f in camping]
    assert [f.id for f in pets] == [fair.factory_b]
    assert summary.products == 2


def test_the_demo_fair_lists_its_top100(demo_db) -> None:
    with demo_db.session() as session:
        factories = list_factories(session)
        top = list_factories(session, top100=True)
    assert len(factories) == 120
    assert 0 < len(top) < len(factories) and all(f.top100 for f in top)
    assert all(5 <= f.products <= 30 for f in factories)
