"""Header mapping: Chinese and English headers, decorated as people decorate them, to fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expo.importing.columns import (
    Field,
    MappingError,
    apply_override,
    column_letter,
    field_for_header,
    find_header_row,
    map_headers,
    parse_mapping_override,
)

HEADERS: dict[Field, list[str]] = {
    Field.NAME: ["姓名", "名字", "联系人", "观众姓名", "Name", "Full Name", "Contact Person"],
    Field.PHONE: ["手机", "手机号", "手机号码", "电话", "联系电话", "Mobile", "Phone", "Phone No."],
    Field.COMPANY: ["公司", "单位", "公司名称", "单位名称", "店铺名称", "Company", "Company Name"],
    Field.WECHAT: ["微信", "微信号", "WeChat", "WeChat ID"],
    Field.VISITOR_TYPE: ["类型", "观众类型", "客户类型", "Type", "Visitor Type"],
    Field.CITY: ["城市", "所在城市", "City"],
    Field.EMAIL: ["邮箱", "电子邮箱", "Email", "E-mail"],
    Field.REGISTRATION_NO: ["登记号", "预登记码", "Registration No.", "Registration Code"],
    Field.CONSENT: ["是否同意", "同意分享联系方式给展商", "Consent"],
}
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@st.composite
def decorated(draw: st.DrawFn, header: str) -> str:
    """A header as a spreadsheet has it: stars, notes in brackets, case, spaces, full width."""
    text = header
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.lower()
    if draw(st.booleans()):
        text = "".join(FULL_WIDTH.get(ch, ch) for ch in text)
    text += draw(st.sampled_from(["", "*", "＊", "(必填)", "（选填）", " [required]", "："]))
    pad = draw(st.sampled_from(["", " ", "  ", "\u3000"]))
    return pad + text + pad


@given(st.data())
def test_decorated_headers_map_to_their_field(data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(list(HEADERS)))
    header = data.draw(st.sampled_from(HEADERS[field]))
    assert field_for_header(data.draw(decorated(header)))[0] == field


@given(st.data())
def test_the_mapping_does_not_depend_on_column_order(data: st.DataObject) -> None:
    fields = data.draw(st.lists(st.sampled_from(list(HEADERS)), min_size=1, unique=True))
    headers = [data.draw(decorated(data.draw(st.sampled_from(HEADERS[f])))) for f in fields]
    headers += data.draw(st.lists(st.sampled_from(["序号", "备用", "", "No.", "Remark2"])))
    shuffled = data.draw(st.permutations(headers))
    by_header = {headers[i]: f for i, f in map_headers(headers).items()}
    by_header_shuffled = {shuffled[i]: f for i, f in map_headers(shuffled).items()}
    assert {h: f for h, f in by_header.items() if f in fields} == {
        h: f for h, f in by_header_shuffled.items() if f in fields
    }
    assert set(fields) <= set(by_header.values())


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=12))
def test_each_field_takes_at_most_one_column(headers: list[str | None]) -> None:
    mapping = map_headers(headers)
    assert len(set(mapping.values())) == len(mapping)
    assert all(0 <= index < len(headers) for index in mapping)


@given(st.text(alphabet="序号备用栏目日期时间金额数量xyzq0123456789 ", max_size=10))
def test_headers_naming_no_field_stay_unmapped(header: str) -> None:
    assert field_for_header(header)[0] is None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("联系人电话", Field.PHONE),  # a phone, though it names the contact person
        ("Company Name", Field.COMPANY),  # a company, though it says "name"
        ("公司类型", Field.VISITOR_TYPE),
        ("是否同意分享联系方式给展商", Field.CONSENT),  # not a phone, though it says 联系方式
        ("Hotel", None),  # "tel" inside a word is not a phone
        ("序号", None),
    ],
)
def test_headers_naming_two_things_go_to_the_specific_one(header: str, field: Field | None) -> None:
    assert field_for_header(header)[0] == field


def test_a_whole_header_wins_over_a_word_inside_another() -> None:
    # "客户联系方式" (a phone by a word in it) loses to "手机" (a phone by the whole header).
    assert map_headers(["客户联系方式", "姓名", "手机"]) == {1: Field.NAME, 2: Field.PHONE}


def test_the_header_row_is_found_below_a_title_row() -> None:
    rows = [
        (1, ("2026 工厂直采节 预登记名单", None, None)),
        (2, (None, None, None)),
        (3, ("姓名", "手机", "公司")),
        (4, ("张伟", "13800138000", "义乌")),
    ]
    assert find_header_row(rows) == 2


def test_an_override_moves_a_field_and_can_ignore_a_column() -> None:
    headers = ["姓名", "电话", "联系方式", "备注"]
    automatic = map_headers(headers)
    assert automatic[1] == Field.PHONE
    override = parse_mapping_override('{"联系方式": "phone", "D": null}')
    mapping = apply_override(headers, automatic, override)
    assert mapping == {0: Field.NAME, 2: Field.PHONE}


@pytest.mark.parametrize(
    "text",
    ['{"姓名": "nickname"}', "not json", "[1, 2]", '{"Nowhere": "name"}'],
)
def test_a_bad_override_says_what_to_write(text: str) -> None:
    with pytest.raises(MappingError) as info:
        apply_override(["姓名", "手机"], {}, parse_mapping_override(text))
    assert "mapping" in str(info.value)


def test_column_letters_are_excels() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
