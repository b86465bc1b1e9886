"""What the floor plan (PDF and screen) writes on a booth: the brand part of a factory's name."""

from __future__ import annotations

import pytest

from expo.services.booth_exports import short_name


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("佛山市恒泰户外家具有限公司", "恒泰户外家具"),
        ("义乌市星光玩具有限责任公司", "星光玩具"),
        ("深圳华强电子股份公司", "深圳华强电子"),  # no 市 near the start: the city stays
        ("台州市萌宠", "萌宠"),
        ("上海市", "上海市"),  # nothing would be left after the city
    ],
)
def test_short_name_keeps_the_brand(name: str, short: str) -> None:
    assert short_name(name) == short
