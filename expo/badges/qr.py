"""QR symbols for badges, as a few merged rectangles rather than hundreds of modules.

zxing-cpp's encoder makes the symbol (about 0.1 ms, a fixed mask choice is not needed). The dark
modules are merged into horizontal runs, and runs of equal span in consecutive rows into one
rectangle, so a badge's QR is one vector path of some 150 rectangles: crisp at any printer
resolution, fast to write and small in the PDF. Error correction is M, the quiet zone is
four modules (the layouts keep it free).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import zxingcpp

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
EC_LEVEL = "M"
_DARK_RUN = re.compile(rb"\x00+")


@dataclass(frozen=True)
class QrMatrix:
    """A QR symbol: ``size`` modules a side, dark areas as ``(x, y, width, height)`` in modules.

    ``y`` counts from the top row, as the symbol is read.
    """

    size: int
    rects: tuple[tuple[int, int, int, int], ...]

    @property
    def size_with_quiet_zone(self) -> int:
        return self.size + 2 * QUIET_ZONE


def qr_matrix(payload: str) -> QrMatrix:
    """Encode ``payload`` at level M and merge its dark modules into rectangles."""
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=EC_LEVEL)
    pixels = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False), dtype=np.uint8)
    size = pixels.shape[0]
    data = pixels.tobytes()
    rects: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x, width) -> first row
    for y in range(size):
        row = data[y * size : (y + 1) * size]
        runs = {(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(row)}
        for run in [run for run in open_runs if run not in runs]:
            top = open_runs.pop(run)
            rects.append((run[0], top, run[1], y - top))
        for run in runs:
            if run not in open_runs:
                open_runs[run] = y
    for (x, width), top in open_runs.items():
        rects.append((x, top, width, size - top))
    return QrMatrix(size, tuple(rects))
