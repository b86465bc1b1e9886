"""Cleaning what people type or paste: NFKC, trimmed, one space between words; search folding.

NFKC turns full-width letters and digits (``ＡＢＣ１２３``), compatibility ideographs and
ligatures into their plain forms, so the same name typed on two keyboards is the same text.
"""

from __future__ import annotations

import unicodedata

# Characters that are "empty" in a spreadsheet cell besides whitespace: zero-width spaces and
# joiners, BOMs left inside cells by editors.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(value: object) -> str | None:
    """``value`` as NFKC text, trimmed, whitespace runs as one space; None when empty."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():  # NFKC leaves ASCII as it is: skip it for the common case
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = " ".join(text.split())
    return text or None


def strip_accents(text: str) -> str:
    """``José Müller`` gives ``Jose Muller``: what people type when the keyboard has no accents.

    Only combining marks are removed; CJK characters pass through unchanged.
    """
    if text.isascii() or (
        unicodedata.is_normalized("NFKD", text) and not any(map(unicodedata.combining, text))
    ):
        return text  # nothing to strip (all Chinese names): the quick way out
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped)


def fold_for_search(text: str) -> str:
    """The form search keys and queries are compared in: NFKC, no accents, lowercase, no spaces."""
    cleaned = clean_text(text) or ""
    return "".join(strip_accents(cleaned).lower().split())
