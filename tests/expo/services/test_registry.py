"""Finding visitors as the desk types, walk-ins, duplicates, and derived search data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from expo.db import EventDatabase
from expo.models import Badge, Visitor, VisitorSearchKey, VisitorSource, VisitorType
from expo.services.events import ensure_station
from expo.services.registry import (
    DuplicateVisitor,
    InvalidVisitor,
    NewVisitor,
    add_visitor,
    find_likely_duplicates,
    refresh_search_keys,
    search_visitors,
)
from tests.actors import OFFICE

PEOPLE = [
    NewVisitor("张伟", "138 0013 8000", "义乌小商品贸易有限公司", "抖音主播", "zhangwei88"),
    NewVisitor("张卫东", "13900139001", "张家港五金批发商行", "批发"),
    NewVisitor("单田芳", "13700137002", "深圳花花花店", "花店/小店", "shantf"),
    NewVisitor("曾小贤", "13600136003", "Global Trading Ltd.", "跨境电商"),
    NewVisitor("José Müller", "+49 30 12345678", "Müller Import GmbH", "wholesale"),
    NewVisitor("李娜", "15800158000", None, "小红书", registration_no="FD26-0000123"),
]


@pytest.fixture
def registry_db(empty_db: EventDatabase) -> EventDatabase:
    with empty_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 1")
        for person in PEOPLE:
            add_visitor(session, person, station)
        li = session.scalar(select(Visitor).where(Visitor.name == "李娜"))
        assert li is not None
        session.add(Badge(visitor_id=li.id, code="EXPO1.AbCdEf123"))
    return empty_db


def names(db: EventDatabase, query: str, limit: int = 20) -> list[str]:
    with db.session() as session:
        return [hit.name for hit in search_visitors(session, query, limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zw", ["张伟", "张卫东"]),  # initials: the exact key first
        ("zhangw", ["张伟", "张卫东"]),
        ("zhangwei", ["张伟", "张卫东"]),
        ("zwd", ["张卫东"]),
        ("张", ["张伟", "张卫东"]),
        ("张卫", ["张卫东"]),
        ("shantian", ["单田芳"]),  # a surname's reading as a surname
        ("dantian", ["单田芳"]),  # and the reading people also type
        ("ceng", ["曾小贤"]),
        ("zxx", ["曾小贤"]),
        ("muller", ["José Müller"]),  # no accent typed
        ("Müller", ["José Müller"]),
        ("8000", ["张伟", "李娜"]),  # last four digits of the phone
        ("13800138000", ["张伟"]),
        ("+86 138-0013-8000", ["张伟"]),
        ("0086 13800138000", ["张伟"]),
        ("1390013", ["张卫东"]),  # the start of a number
        ("小商品", ["张伟"]),  # a fragment inside a company
        ("花花", ["单田芳"]),
        ("五金批发商行", ["张卫东"]),  # longer than a company key
        ("global trad", ["曾小贤"]),
        ("trading", ["曾小贤"]),
        ("fd26-0000123", ["李娜"]),  # registration number, any case
        ("FD26", ["李娜"]),
        ("EXPO1.AbCd", ["李娜"]),  # the start of a badge code
        ("shantf", ["单田芳"]),  # WeChat id
        ("qqqq", []),
        ("", []),
    ],
)
def test_search_finds_visitors_as_the_desk_types(
    registry_db: EventDatabase, query: str, expected: list[str]
) -> None:
    assert names(registry_db, query) == expected


def test_hits_show_masked_phones_and_what_matched(registry_db: EventDatabase) -> None:
    with registry_db.session() as session:
        hit = search_visitors(session, "zw")[0]
        assert hit.phone_masked == "138****8000"
        assert hit.matched == "pinyin"
        assert hit.visitor_type == VisitorType.LIVESTREAMER
        assert hit.as_json() == {
            "id": hit.id,
            "name": "张伟",
            "company": "义乌小商品贸易有限公司",
            "type": "livestreamer",
            "phone_masked": "138****8000",
        }
        assert search_visitors(session, "8000")[0].matched == "phone"
        assert search_visitors(session, "小商品")[0].matched == "company"


def test_exact_matches_come_before_prefixes_and_the_limit_holds(
    registry_db: EventDatabase,
) -> None:
    with registry_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 1")
        for i in range(30):
            add_visitor(session, NewVisitor(f"张伟{i}", f"1330013{i:04d}"), station)
    found = names(registry_db, "zhangwei", limit=10)
    assert found[0] == "张伟"
    assert len(found) == 10


def test_a_walk_in_is_saved_with_its_keys_and_station(registry_db: EventDatabase) -> None:
    with registry_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 7")
        hit = add_visitor(session, NewVisitor("欧阳娜娜", "+86 188 0018 8000"), station)
        visitor = session.get(Visitor, hit.id)
        assert visitor is not None
        assert visitor.source == VisitorSource.WALK_IN
        assert visitor.created_by_station_id == station.id
        assert visitor.phone == "+8618800188000" and visitor.phone_tail == "8000"
        keys = set(
            session.scalars(
                select(VisitorSearchKey.key).where(VisitorSearchKey.visitor_id == hit.id)
            )
        )
        assert {"ouyangnana", "oynn"} <= keys
    assert names(registry_db, "oynn") == ["欧阳娜娜"]


def test_a_duplicate_phone_or_wechat_is_refused_with_the_existing_visitor(
    registry_db: EventDatabase,
) -> None:
    with registry_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 1")
        with pytest.raises(DuplicateVisitor) as info:
            add_visitor(session, NewVisitor("张伟伟", "+86 13800138000"), station)
        assert info.value.existing.name == "张伟"
        assert f"visitor {info.value.existing.id}" in str(info.value)
        with pytest.raises(DuplicateVisitor):
            add_visitor(session, NewVisitor("单先生", None, wechat="shantf"), station)
        forced = add_visitor(session, NewVisitor("张伟伟", "13800138000"), station, force=True)
        assert forced.name == "张伟伟"
        duplicates = find_likely_duplicates(session, "138-0013-8000", None)
        assert [d.name for d in duplicates] == ["张伟", "张伟伟"]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (NewVisitor("", "13800138999"), "needs a name"),
        (NewVisitor("王五", "12345"), "not a phone number"),
        (NewVisitor("王五", None), "phone number or a WeChat"),
        (NewVisitor("王五", "13800138999", visitor_type="牙医"), "Unknown visitor type"),
        (NewVisitor("王五", "13800138999", registration_no="FD26-0000123"), "belongs to another"),
    ],
)
def test_a_bad_walk_in_says_what_to_fix(
    registry_db: EventDatabase, new: NewVisitor, message: str
) -> None:
    with registry_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 1")
        with pytest.raises(InvalidVisitor, match=message):
            add_visitor(session, new, station)


def test_refresh_search_keys_follows_a_changed_name_and_company(
    registry_db: EventDatabase,
) -> None:
    with registry_db.write(OFFICE) as session:
        visitor = session.scalar(select(Visitor).where(Visitor.name == "张伟"))
        assert visitor is not None
        visitor.name = "区志明"
        visitor.company = "东莞模具厂"
        session.flush()
        refresh_search_keys(session, [visitor.id])
        assert visitor.name_pinyin == "ouzhiming"
    assert names(registry_db, "zw") == ["张卫东"]
    assert names(registry_db, "ozm") == ["区志明"]
    assert names(registry_db, "quzhiming") == ["区志明"]
    assert names(registry_db, "模具") == ["区志明"]


@pytest.mark.postgres
def test_search_runs_the_same_on_postgresql(pg_db: EventDatabase) -> None:
    with pg_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 1")
        for person in PEOPLE:
            add_visitor(session, person, station)
    assert names(pg_db, "zw") == ["张伟", "张卫东"]
    assert names(pg_db, "张") == ["张伟", "张卫东"]
    assert names(pg_db, "dantian") == ["单田芳"]
    assert names(pg_db, "8000") == ["张伟", "李娜"]
    assert names(pg_db, "花花") == ["单田芳"]
    assert names(pg_db, "global trad") == ["曾小贤"]
    assert names(pg_db, "fd26-0000123") == ["李娜"]
    assert names(pg_db, "100%_") == []  # LIKE wildcards are escaped
