"""Cleaning at the input boundary: no NUL, control character or bidi override is stored."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from expo.text.clean import clean_multiline, clean_text, clip, strip_controls

FORBIDDEN = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} | set(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def test_a_reversed_name_prints_as_typed() -> None:
    assert clean_text("Li\u202eMing\u202c") == "LiMing"
    assert clean_text("张\x00伟\x07") == "张伟"
    assert clean_text("a\x00b") == "ab"  # ASCII takes the quick path: cleaned all the same
    assert clean_text("\u2066\u2069") is None


def test_notes_keep_their_lines_and_lose_the_controls() -> None:
    assert clean_multiline("第一行\x00\r\n  第二行\u202e \n\n") == "第一行\n第二行"
    assert strip_controls("a\tb\nc\x1b[31m") == "a\tb\nc[31m"


def test_clip_shortens_what_a_message_quotes() -> None:
    assert clip("备注" * 100_000, 10) == "备注备注备注备注备…"
    assert clip("a\nb\x00") == "a b"


@given(st.text())
def test_nothing_forbidden_survives(text: str) -> None:
    for cleaned in (clean_text(text), clean_multiline(text)):
        assert cleaned is None or not FORBIDDEN.intersection(cleaned) - {"\n"}
    assert clean_multiline(text) is None or "\r" not in clean_multiline(text)
