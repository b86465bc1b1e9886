"""A small hand-made fair for the catalogue and booth tests: two factories with catalogues, buyers
with badges (one who consented to share their contact, one who did not, one whose badge was
revoked)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from expo.db import EventDatabase
from expo.models import Factory, VisitorType
from expo.services.badges import code_for_visitor, reissue_badge
from expo.services.catalogue import ProductDraft, list_products, save_catalogue
from expo.services.leads import bind_booth_station
from tests.actors import OFFICE
from tests.people import add_visitor


@dataclass(frozen=True)
class SmallFair:
    factory_a: int
    factory_b: int
    skus_a: tuple[str, ...]
    skus_b: tuple[str, ...]
    consenting: int  # visitor ids
    private: int
    lost_badge: int
    code_consenting: str
    code_private: str
    revoked_code: str  # the lost badge's old code
    station_a: str  # booth station names
    station_b: str


CATALOGUE_A = (
    ProductDraft(
        "CY-001",
        "折叠露营椅",
        "camping",
        200,
        Decimal("35.00"),
        Decimal("58.50"),
        customisable=True,
        lead_time_days=15,
    ),
    ProductDraft("CY-002", "铝合金蛋卷桌", "camping", 100, Decimal("88.00"), Decimal("120.00")),
    ProductDraft(
        "CY-003", "LED 露营灯", "camping", 500, Decimal("12.30"), Decimal("19.90"), oem=True
    ),
    ProductDraft("CY-004", "天幕帐篷", "camping", 50, Decimal("260.00"), Decimal("399.00")),
)
CATALOGUE_B = (
    ProductDraft("PT-01", "宠物自动喂食器", "pets", 300, Decimal("45.00"), Decimal("69.00")),
    ProductDraft("PT-02", "猫抓板", "pets", 1000, Decimal("3.20"), Decimal("6.80")),
)


def build_small_fair(db: EventDatabase) -> SmallFair:
    """Fill an ``empty_db`` (event already created) with the small fair."""
    with db.write(OFFICE) as session:
        a = Factory(
            name_zh="宁波市星尚户外用品有限公司",
            name_en="Ningbo Xingshang Outdoor",
            city="宁波",
            main_category="camping",
            is_top100=True,
            top100_rank=3,
        )
        b = Factory(name_zh="台州市萌宠用品有限公司", city="台州", main_category="pets")
        session.add_all([a, b])
        session.flush()
        save_catalogue(session, a.id, [(None, draft) for draft in CATALOGUE_A])
        save_catalogue(session, b.id, [(None, draft) for draft in CATALOGUE_B])
        consenting = add_visitor(
            session,
            "张伟",
            "义乌优选百货",
            VisitorType.LIVESTREAMER,
            phone="+8613800138000",
            phone_tail="8000",
            wechat="zhangwei_yw",
            email="zw@example.com",
            consent_share=True,
        )
        private = add_visitor(
            session,
            "李娜",
            "小红花花店",
            VisitorType.SMALL_SHOP,
            phone="+8613900139000",
            phone_tail="9000",
            wechat="lina_flowers",
            consent_share=False,
        )
        lost = add_visitor(session, "王芳", "跨境优品", VisitorType.OTHER, consent_share=True)
        code_consenting = code_for_visitor(session, consenting)
        code_private = code_for_visitor(session, private)
        revoked_code = code_for_visitor(session, lost)
        reissue_badge(session, lost)
        station_a = bind_booth_station(session, "Booth A-01", a.id).name
        station_b = bind_booth_station(session, "Booth B-07", b.id).name
        ids = (a.id, b.id, consenting, private, lost)
    with db.session() as session:
        skus_a = tuple(p.sku for p in list_products(session, ids[0]))
        skus_b = tuple(p.sku for p in list_products(session, ids[1]))
    return SmallFair(
        factory_a=ids[0],
        factory_b=ids[1],
        skus_a=skus_a,
        skus_b=skus_b,
        consenting=ids[2],
        private=ids[3],
        lost_badge=ids[4],
        code_consenting=code_consenting,
        code_private=code_private,
        revoked_code=revoked_code,
        station_a=station_a,
        station_b=station_b,
    )
