"""Readable text on coloured backgrounds: WCAG 2 relative luminance and contrast ratio.

The badge band and the desk's tags print the visitor type in a colour of its own; the text on it
must stay readable for everyone (WCAG asks for a contrast of at least 4.5:1 for normal text),
so its colour is chosen by contrast rather than fixed to white.
"""

from __future__ import annotations

WHITE = "#FFFFFF"
BLACK = "#000000"
MIN_TEXT_CONTRAST = 4.5  # WCAG 2 level AA for normal-size text


def _channel(value: int) -> float:
    c = value / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``: 0.0 for black, 1.0 for white."""
    text = color.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    r, g, b = (_channel(int(text[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, from 1.0 (same) to 21.0 (black on white)."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_color_on(background: str) -> str:
    """White or black, whichever reads better on ``background``."""
    if contrast_ratio(WHITE, background) >= contrast_ratio(BLACK, background):
        return WHITE
    return BLACK
