"""WCAG contrast arithmetic: known ratios and the text colour chosen for a background."""

from __future__ import annotations

import pytest

from expo.colors import BLACK, WHITE, contrast_ratio, relative_luminance, text_color_on


def test_known_luminances_and_ratios() -> None:
    assert relative_luminance(BLACK) == 0.0
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio("#9AA5B1", "#9AA5B1") == pytest.approx(1.0)
    # WebAIM's figures: #767676 is the lightest grey passing 4.5:1 on white, #777777 fails.
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", WHITE) < 4.5


def test_text_colour_follows_the_background() -> None:
    assert text_color_on("#1E6FD9") == WHITE  # a darkish blue
    assert text_color_on("#9AA5B1") == BLACK  # a light grey: white would be 2.5:1
    assert text_color_on("#FF7A00") == BLACK  # orange


def test_a_malformed_colour_is_refused() -> None:
    with pytest.raises(ValueError):
        relative_luminance("#FFF")
