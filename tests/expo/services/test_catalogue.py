"""Product fields, catalogue saves from the GUI's table, and product search at the booth."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from expo.models import Product
from expo.services.catalogue import (
    CatalogueError,
    ProductDraft,
    ProductFieldError,
    ProductMatcher,
    list_products,
    parse_category,
    parse_flag,
    parse_moq,
    parse_price,
    parse_price_range,
    parse_sku,
    product_pinyin,
    save_catalogue,
)
from expo.services.factories import FactoryNotFound
from tests.actors import OFFICE
from tests.fair import build_small_fair


def test_prices_are_exact_decimals_from_text_floats_and_full_width_digits() -> None:
    assert parse_price("12.5") == Decimal("12.50")
    assert parse_price(12.3) == Decimal("12.30")  # a spreadsheet float, not 12.2999...
    assert parse_price("¥1,280") == Decimal("1280.00")
    assert parse_price("１２.５元") == Decimal("12.50")
    assert parse_price("") is None
    assert parse_price_range("12.5-18") == (Decimal("12.50"), Decimal("18.00"))
    assert parse_price_range("￥12.5 ~ 18元") == (Decimal("12.50"), Decimal("18.00"))
    assert parse_price_range(9.9) == (Decimal("9.90"), Decimal("9.90"))


@pytest.mark.parametrize("text", ["abc", "-3", "12.345", "1e400", "NaN", "12-13-14"])
def test_bad_prices_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ProductFieldError):
        parse_price_range(text)


def test_whole_numbers_flags_skus_and_categories() -> None:
    assert parse_moq("1,000件") == 1000
    assert parse_moq(500.0) == 500
    with pytest.raises(ProductFieldError, match="whole number"):
        parse_moq(12.5)
    with pytest.raises(ProductFieldError, match="at least 1"):
        parse_moq("0")
    assert parse_sku(10023.0) == "10023"  # a numeric SKU cell keeps no ".0"
    with pytest.raises(ProductFieldError, match="empty"):
        parse_sku("  ")
    assert parse_flag("是", "oem") is True
    assert parse_flag("否", "oem") is False
    assert parse_flag("可定制", "customisable") is True
    with pytest.raises(ProductFieldError, match="yes or no"):
        parse_flag("maybe", "oem")
    names = {"camping": "camping", "露营": "camping", "camping gear": "camping"}
    assert parse_category("露营", names) == "camping"
    assert parse_category("", names) is None
    with pytest.raises(ProductFieldError, match="Unknown category"):
        parse_category("火箭", names)


def test_product_pinyin_holds_full_pinyin_and_initials() -> None:
    assert product_pinyin("折叠露营椅") == "zhedieluyingyi zdlyy"
    assert product_pinyin("LED 露营灯") == "ledluyingdeng llyd"


def test_search_finds_products_by_sku_name_pinyin_and_initials(empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.session() as session:

        def skus(query: str) -> list[str]:
            return [p.sku for p in list_products(session, fair.factory_a, query)]

        assert skus("CY-003") == ["CY-003"]
        assert skus("cy-00")[:1] == ["CY-001"]
        assert skus("露营") == ["CY-001", "CY-003"]
        assert skus("zhedie") == ["CY-001"]
        assert skus("zdly") == ["CY-001"]
        assert skus("led") == ["CY-003"]
        assert skus("tianmu") == ["CY-004"]
        assert skus("火箭") == []
        # Another factory's products are never found from this one.
        assert skus("PT-01") == []


def test_matcher_ranks_an_exact_sku_first() -> None:
    from tests.fair import CATALOGUE_A

    products = [
        type("P", (), {"sku": d.sku, "name": d.name, "name_pinyin": ""})() for d in CATALOGUE_A
    ]
    matcher = ProductMatcher.of(products)  # type: ignore[arg-type]
    assert matcher.search("CY-002")[0] == 1
    assert matcher.search("") == [0, 1, 2, 3]


def test_save_catalogue_creates_updates_and_deletes_in_one_go(empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.write(OFFICE) as session:
        products = {p.sku: p for p in list_products(session, fair.factory_a)}
        chair = products["CY-001"]
        result = save_catalogue(
            session,
            fair.factory_a,
            [
                (chair.id, replace(chair.draft(), price_max=Decimal("60.00"))),
                (products["CY-002"].id, products["CY-002"].draft()),
                (None, ProductDraft("CY-005", "户外折叠床", "camping", 20, Decimal("150"))),
            ],
            deleted=[products["CY-004"].id],
        )
    assert (result.created, result.updated, result.unchanged, result.deleted) == (1, 1, 1, 1)
    with empty_db.session() as session:
        after = {p.sku: p for p in list_products(session, fair.factory_a)}
    assert sorted(after) == ["CY-001", "CY-002", "CY-003", "CY-005"]
    assert after["CY-001"].price_max == Decimal("60.00")
    assert after["CY-005"].name_pinyin == "huwaizhediechuang hwzdc"


def test_two_products_may_swap_their_skus(empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.write(OFFICE) as session:
        products = {p.sku: p for p in list_products(session, fair.factory_a)}
        one, two = products["CY-001"], products["CY-002"]
        save_catalogue(
            session,
            fair.factory_a,
            [
                (one.id, replace(one.draft(), sku="CY-002")),
                (two.id, replace(two.draft(), sku="CY-001")),
            ],
        )
    with empty_db.session() as session:
        after = {p.sku: p.name for p in list_products(session, fair.factory_a)}
    assert after["CY-001"] == "铝合金蛋卷桌" and after["CY-002"] == "折叠露营椅"


def test_a_bad_save_writes_nothing_and_lists_every_problem(empty_db) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.session() as session:
        products = {p.sku: p for p in list_products(session, fair.factory_a)}
        other = list_products(session, fair.factory_b)[0]
    with pytest.raises(CatalogueError) as caught, empty_db.write(OFFICE) as session:
        save_catalogue(
            session,
            fair.factory_a,
            [
                (None, ProductDraft("CY-009", "新品")),
                (None, ProductDraft("CY-001", "重复的货号")),
                (
                    products["CY-002"].id,
                    replace(products["CY-002"].draft(), price_min=Decimal("200")),
                ),
                (other.id, other.draft()),  # factory B's product, through A's table
            ],
        )
    message = str(caught.value)
    assert "Nothing was saved" in message
    assert "CY-001 is used twice" in message
    assert "above the highest price" in message
    assert f"Product {other.id} is not in this factory's catalogue" in message
    with empty_db.session() as session:
        skus = session.scalars(select(Product.sku).where(Product.factory_id == fair.factory_a))
        assert sorted(skus) == list(fair.skus_a)


def test_unknown_factory_is_an_error_that_says_what_to_do(empty_db) -> None:
    with empty_db.session() as session, pytest.raises(FactoryNotFound, match="factories list"):
        list_products(session, 999)
