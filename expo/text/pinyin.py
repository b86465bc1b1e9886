"""Search keys for people's names: pinyin and initials for Chinese, words for Latin names.

A Chinese name is found by its characters, its full pinyin (``zhangwei``) or its initials
(``zw``). Surnames that read differently as surnames (单 Shan, 曾 Zeng, 解 Xie, 仇 Qiu ...) get
their surname reading first, and every other common reading as an extra key, so the desk finds
the visitor whichever reading is typed.

A Latin name (``José Müller``) is found from any of its words (``muller``), whole
(``josemuller``), by initials (``jm``) and surname first (``mullerjose``); accents are optional.
Keys are in ``fold_for_search`` form, like the queries they are compared with.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, pinyin

from expo.text.clean import clean_text, fold_for_search, strip_accents

# Readings of characters used as surnames: the surname reading first (it is what the sort
# uses), then readings people also type. Compound surnames give their syllables apart, for the
# initials (万俟 mo qi: "mq").
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan", "dan"),
    "曾": ("zeng", "ceng"),
    "解": ("xie", "jie"),
    "仇": ("qiu", "chou"),
    "区": ("ou", "qu"),
    "查": ("zha", "cha"),
    "朴": ("piao", "pu"),
    "盖": ("ge", "gai"),
    "覃": ("qin", "tan"),
    "尉": ("yu", "wei"),
    "乐": ("yue", "le"),
    "缪": ("miao", "mou"),
    "翟": ("zhai", "di"),
    "员": ("yun", "yuan"),
    "繁": ("po", "fan"),
    "召": ("shao", "zhao"),
    "种": ("chong", "zhong"),
    "秘": ("bi", "mi"),
    "长孙": ("zhang sun",),
    "重": ("chong", "zhong"),
    "沈": ("shen",),
    "任": ("ren",),
    "柏": ("bai", "bo"),
    "万俟": ("mo qi",),
    "尉迟": ("yu chi",),
}
MAX_KEYS = 8


@dataclass(frozen=True)
class NameKeys:
    pinyin: str  # main reading, no spaces: what lists sort by
    keys: tuple[str, ...]  # every full-pinyin and initials key, main reading first


def _readings(char_readings: list[list[str]]) -> list[list[str]]:
    return [
        [r for r in readings if r and r.isascii() and r.isalnum()] or [""]
        for readings in char_readings
    ]


@lru_cache(maxsize=65536)
def _given_readings(text: str) -> tuple[str, ...]:
    """The reading of each part of ``text`` (pypinyin reads words, so 长江 gives chang jiang)."""
    if not text:
        return ()
    return tuple(
        readings[0]
        for readings in _readings(
            pinyin(text, style=Style.NORMAL, heteronym=False, errors="default")
        )
    )


@lru_cache(maxsize=16384)
def _reading_of(char: str) -> str:
    readings = _given_readings(char)
    return readings[0] if readings else ""


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _latin_keys(text: str) -> NameKeys:
    # Words are what whitespace separates; O'Brien and Mary-Jane stay one word each.
    words = [_NOT_ALNUM.sub("", w) for w in strip_accents(text).lower().split()]
    words = [w for w in words if w]
    if not words:
        folded = fold_for_search(text)
        return NameKeys(folded, (folded,) if folded else ())
    whole = "".join(words)
    keys = [whole]
    # From each later word on: "smith" finds "John Smith", "smithjr" finds "John Smith Jr".
    keys += ["".join(words[i:]) for i in range(1, len(words))]
    if len(words) > 1:
        keys.append("".join([*words[1:], words[0]]))  # surname first, as in Chinese order
        keys.append("".join(w[0] for w in words))
    return NameKeys(whole, tuple(dict.fromkeys(keys))[:MAX_KEYS])


def name_keys(name: str) -> NameKeys:
    """Search keys of a person's name (Chinese, Latin or mixed)."""
    cleaned = clean_text(name)
    if cleaned is None:
        return NameKeys("", ())
    if not _HAN.search(cleaned):
        return _latin_keys(cleaned)
    text = fold_for_search(cleaned)
    # Compound surnames (万俟) before one-character ones.
    surname = text[:2] if text[:2] in SURNAME_READINGS else None
    if surname is None and text[:1] in SURNAME_READINGS:
        surname = text[:1]
    if surname is not None:
        head = [list(SURNAME_READINGS[surname])]
        rest = text[len(surname) :]
    elif _HAN.match(text):
        # The surname is read on its own (it forms no word with the given name), so the given
        # name's reading can be cached: given names repeat far more than whole names do.
        head = [[_reading_of(text[0])]]
        rest = text[1:]
    else:
        head, rest = [], text
    rest_options = [[reading] for reading in _given_readings(rest)]
    combos = itertools.islice(itertools.product(*head, *rest_options), MAX_KEYS)
    full_keys: list[str] = []
    initial_keys: list[str] = []
    for combo in combos:
        syllables = [s for part in combo for s in part.split()]
        full_keys.append("".join(syllables))
        initial_keys.append("".join(s[0] for s in syllables))
    keys = tuple(dict.fromkeys([*full_keys, *initial_keys]))
    return NameKeys(full_keys[0] if full_keys else text, keys)
