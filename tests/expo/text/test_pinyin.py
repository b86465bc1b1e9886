"""Search keys of names: every reading of a surname, initials, Latin names with their words."""

from __future__ import annotations

import pytest

from expo.text.pinyin import name_keys


@pytest.mark.parametrize(
    ("name", "pinyin", "keys"),
    [
        ("张伟", "zhangwei", {"zhangwei", "zw"}),
        ("单田芳", "shantianfang", {"shantianfang", "dantianfang", "stf", "dtf"}),
        ("曾国藩", "zengguofan", {"zengguofan", "cengguofan", "zgf", "cgf"}),
        ("解缙", "xiejin", {"xiejin", "jiejin", "xj", "jj"}),
        ("仇英", "qiuying", {"qiuying", "chouying", "qy", "cy"}),
        ("万俟雪", "moqixue", {"moqixue", "mqx"}),  # a compound surname's initials
        ("买买提·艾力", "maimaitiaili", {"maimaitiaili", "mmtal"}),
        ("José Müller", "josemuller", {"josemuller", "muller", "mullerjose", "jm"}),
        ("John Smith", "johnsmith", {"johnsmith", "smith", "smithjohn", "js"}),
        ("Ｊｏｈｎ", "john", {"john"}),  # full-width letters
        ("  ", "", set()),
    ],
)
def test_name_keys(name: str, pinyin: str, keys: set[str]) -> None:
    result = name_keys(name)
    assert result.pinyin == pinyin
    assert set(result.keys) == keys
    if keys:
        assert result.keys[0] == pinyin  # the main reading first


def test_latin_words_keep_apostrophes_and_hyphens_inside() -> None:
    assert set(name_keys("Mary-Jane O'Brien").keys) == {
        "maryjaneobrien",
        "obrien",
        "obrienmaryjane",
        "mo",
    }
