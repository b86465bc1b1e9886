"""Keys that find a text by a fragment from anywhere inside it, with an ordinary B-tree index.

A company name is indexed by its suffixes: a fragment of the name is a prefix of one of them,
so ``贸易`` is found in ``义乌小商品贸易有限公司`` by the key ``贸易有限公`` with a range scan
instead of a ``LIKE '%贸易%'`` scan of every row. Suffixes start at each Chinese character and at
each Latin word (people type ``trading``, not ``rading``) and are cut to ``KEY_LENGTH``
characters; a longer query uses its first ``KEY_LENGTH`` characters and is then checked against
the whole folded name. SQLite's FTS5 trigram index would not do: it cannot find two-character
queries, and most Chinese fragments people type (义乌, 花店) have two characters.
"""

from __future__ import annotations

from expo.text.clean import clean_text, strip_accents

KEY_LENGTH = 5
MIN_FRAGMENT = 2


def fold_fragment(text: str | None) -> str:
    """Letters, digits and CJK characters, lowercase: ``（深圳）Acme Co.`` gives ``深圳acmeco``."""
    cleaned = clean_text(text)
    if cleaned is None:
        return ""
    return "".join(ch for ch in strip_accents(cleaned).lower() if ch.isalnum())


def fragment_keys(text: str | None) -> tuple[str, ...]:
    """The suffix keys of ``text`` (each at most ``KEY_LENGTH`` characters, at least two)."""
    cleaned = clean_text(text)
    if cleaned is None:
        return ()
    lowered = strip_accents(cleaned).lower()
    kept = [(offset, ch) for offset, ch in enumerate(lowered) if ch.isalnum()]
    keys: list[str] = []
    for index, (offset, ch) in enumerate(kept):
        before = lowered[offset - 1] if offset else " "
        if ch.isascii() and before.isascii() and before.isalnum():
            continue  # inside a Latin word or number
        key = "".join(c for _, c in kept[index : index + KEY_LENGTH])
        if len(key) >= MIN_FRAGMENT:
            keys.append(key)
    return tuple(dict.fromkeys(keys))
