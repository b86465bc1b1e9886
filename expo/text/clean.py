"""Cleaning what people type or paste: NFKC, trimmed, one space between words; search folding.

NFKC turns full-width letters and digits (``ＡＢＣ１２３``), compatibility ideographs and
ligatures into their plain forms, so the same name typed on two keyboards is the same text.

Control characters never reach the database: NUL (PostgreSQL refuses it in text), the other C0
and C1 controls, and the bidirectional overrides and isolates (U+202E turns ``Li Ming`` printed
on a badge into something else). Every reader, form and command-line argument that becomes
stored text goes through ``clean_text`` (one line) or ``clean_multiline`` (notes).
"""

from __future__ import annotations

import unicodedata

# Characters that are "empty" in a spreadsheet cell besides whitespace: zero-width spaces and
# joiners, BOMs left inside cells by editors.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# C0 controls but tab and line breaks (which become spaces or stay in notes), DEL, C1 controls,
# and the bidi marks, embeddings, overrides and isolates.
_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
    + [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_REMOVED = _INVISIBLE | _CONTROLS
_ASCII_CONTROL = frozenset(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") | {"\x7f"}


def strip_controls(text: str) -> str:
    """``text`` without control characters and bidi overrides (tab and line breaks stay)."""
    if text.isascii() and not _ASCII_CONTROL.intersection(text):
        return text
    return text.translate(_CONTROLS)


def clean_text(value: object) -> str | None:
    """``value`` as NFKC text, trimmed, whitespace runs as one space; None when empty."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():  # NFKC leaves ASCII as it is: skip it for the common case
        text = unicodedata.normalize("NFKC", text).translate(_REMOVED)
    elif _ASCII_CONTROL.intersection(text):
        text = text.translate(_CONTROLS)
    text = " ".join(text.split())
    return text or None


def clean_multiline(value: object) -> str | None:
    """Notes: NFKC, no control characters, each line trimmed, no blank lines at either end;
    None when empty. Line breaks stay (as ``\\n``)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFKC", text).translate(_REMOVED)
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").splitlines()]
    return "\n".join(lines).strip("\n") or None


def clip(text: str, limit: int = 40) -> str:
    """``text`` on one line and at most ``limit`` characters, for a message that quotes what a
    file holds (a header cell may be 200 MB long)."""
    text = " ".join(strip_controls(text[: limit * 4]).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
