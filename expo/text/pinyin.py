"""Pinyin search keys for Chinese names: full pinyin and initials, one per reading.

A name is found by its characters, its full pinyin (``zhangwei``) or its initials (``zw``).
Surnames that read differently as surnames (单 Shan, 曾 Zeng, 解 Xie, 仇 Qiu ...) get their
surname reading first, and every other common reading as an extra key, so the desk finds the
visitor whichever reading is typed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pypinyin import Style, pinyin

# Readings of characters used as surnames: the surname reading first (it is what the sort
# uses), then readings people also type.
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
    "长孙": ("zhangsun",),
    "重": ("chong", "zhong"),
    "沈": ("shen",),
    "任": ("ren",),
    "柏": ("bai", "bo"),
    "万俟": ("moqi",),
    "尉迟": ("yuchi",),
}
MAX_KEYS = 8


@dataclass(frozen=True)
class NameKeys:
    pinyin: str  # main reading, no spaces: what lists sort by
    keys: tuple[str, ...]  # every full-pinyin and initials key, main reading first


def _readings(char_readings: list[list[str]]) -> list[list[str]]:
    return [[r for r in readings if r and r.isascii()] or [""] for readings in char_readings]


def name_keys(name: str) -> NameKeys:
    """Search keys of a person's name (Chinese, Latin or mixed)."""
    text = "".join(name.split()).lower()
    if not text:
        return NameKeys("", ())
    surname = next(
        (s for s in sorted(SURNAME_READINGS, key=len, reverse=True) if text.startswith(s)), None
    )
    rest = text[len(surname) :] if surname else text
    per_char = _readings(pinyin(rest, style=Style.NORMAL, heteronym=False, errors="default"))
    rest_options = [list(dict.fromkeys(r[:1])) for r in per_char]
    head = [list(SURNAME_READINGS[surname])] if surname else []
    combos = itertools.islice(itertools.product(*head, *rest_options), MAX_KEYS)
    full_keys: list[str] = []
    initial_keys: list[str] = []
    for combo in combos:
        parts = [p for p in combo if p]
        full_keys.append("".join(parts))
        initial_keys.append("".join(p[0] for p in parts))
    keys = tuple(dict.fromkeys([*full_keys, *initial_keys]))
    return NameKeys(full_keys[0] if full_keys else text, keys)
