"""Phone numbers as people type them, to E.164, and masked for lists."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from expo.text.phones import mask_phone, normalise_phone, phone_tail

# Mainland mobile prefixes of all three operators and virtual ones.
MOBILE_PREFIXES = ["130", "135", "138", "139", "150", "158", "166", "177", "180", "188", "199"]
FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")


@st.composite
def mainland_mobiles(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    rest = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    number = prefix + rest
    assume(phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")))
    return number


@st.composite
def typed_forms(draw: st.DrawFn, digits: str) -> str:
    """``digits`` written as people write it: country code, separators, full-width."""
    country = draw(st.sampled_from(["", "+86", "+86 ", "0086", "0086 ", "86", "+86-", "(+86)"]))
    separator = draw(st.sampled_from(["", " ", "-", ".", "  "]))
    body = separator.join([digits[:3], digits[3:7], digits[7:]])
    text = country + body
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    padding = draw(st.sampled_from(["", " ", "\t", "\u3000"]))
    return padding + text + padding


@given(st.data())
def test_every_way_of_typing_a_mobile_gives_the_same_e164(data: st.DataObject) -> None:
    digits = data.draw(mainland_mobiles())
    typed = data.draw(typed_forms(digits))
    assert normalise_phone(typed) == "+86" + digits


@given(st.text(max_size=40))
def test_any_text_gives_none_or_a_valid_e164_that_normalises_to_itself(text: str) -> None:
    result = normalise_phone(text)
    if result is not None:
        assert result.startswith("+") and result[1:].isdigit()
        assert phonenumbers.is_valid_number(phonenumbers.parse(result, None))
        assert normalise_phone(result) == result


@given(mainland_mobiles())
def test_a_mobile_is_masked_to_its_first_three_and_last_four_digits(digits: str) -> None:
    e164 = "+86" + digits
    masked = mask_phone(e164)
    assert masked == f"{digits[:3]}****{digits[-4:]}"
    assert phone_tail(e164) == digits[-4:]


@given(st.text(alphabet="0123456789", min_size=8, max_size=12), st.sampled_from(["1", "44", "852"]))
def test_masking_never_shows_more_than_seven_digits(national: str, country: str) -> None:
    masked = mask_phone(f"+{country}{national}")
    shown = sum(ch.isdigit() for ch in masked.split(" ")[-1])
    assert shown <= 7
    assert masked.endswith(national[-4:])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13800138000.0", "+8613800138000"),  # an Excel number cell
        ("1.3800138E+10", "+8613800138000"),  # Excel's scientific notation
        ("手机：138 0013 8000", "+8613800138000"),
        ("13800138000 / 13900139000", "+8613800138000"),  # two numbers: the first
        ("0755-8888 1234", "+8675588881234"),  # a Shenzhen landline
        ("+1 415 555 2671", "+14155552671"),
        ("+852 5123 4567", "+85251234567"),
        ("12345", None),
        ("138001380", None),  # too short
        ("", None),
        ("无", None),
        (None, None),
    ],
)
def test_real_world_cells(typed: str | None, expected: str | None) -> None:
    assert normalise_phone(typed) == expected


def test_mask_of_nothing_is_empty() -> None:
    assert mask_phone(None) == ""
    assert mask_phone("") == ""


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_the_mainland_fast_path_agrees_with_phonenumbers(rest: str) -> None:
    digits = "1" + rest
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:  # e.g. 110... reads as a service number
        expected = None
    else:
        expected = "+86" + digits if phonenumbers.is_valid_number(parsed) else None
    assert normalise_phone(digits) == expected
    assert normalise_phone(f"+86 {digits[:3]}-{digits[3:]}") == expected
