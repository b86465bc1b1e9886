"""QR symbols for badges, as a few merged rectangles rather than hundreds of modules.

zxing-cpp's encoder makes the symbol (about 0.1 ms, a fixed mask choice is not needed). The dark
modules are merged into horizontal runs, and runs of equal span in consecutive rows into one
rectangle, so a badge's QR is one vector path of some 150 rectangles: crisp at any printer
resolution, fast to write and small in the PDF. Error correction is M, the quiet zone is
four modules (the layouts keep it free).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import zxingcpp

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
EC_LEVEL = "M"


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
    dark = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False), dtype=np.uint8) == 0
    size = dark.shape[0]
    # Run starts and ends in every row at once: +1 where a run begins, -1 just after it ends.
    edges = np.zeros((size, size + 2), dtype=np.int8)
    edges[:, 1:-1] = dark
    steps = np.diff(edges, axis=1)
    rows, starts = np.nonzero(steps == 1)
    ends = np.nonzero(steps == -1)[1]  # row-major like the starts, so they pair up
    rects: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x, width) -> first row
    current_row = -1
    row_runs: set[tuple[int, int]] = set()

    def close_rows(row: int) -> None:
        # Runs that did not continue into ``row`` end above it.
        for run in [run for run in open_runs if run not in row_runs]:
            top = open_runs.pop(run)
            rects.append((run[0], top, run[1], row - top))
        for run in row_runs:
            open_runs.setdefault(run, row)

    for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
        if row != current_row:
            if current_row >= 0:
                close_rows(current_row)
                if row > current_row + 1:  # blank rows between (never in a QR, but be exact)
                    row_runs = set()
                    close_rows(current_row + 1)
            current_row, row_runs = row, set()
        row_runs.add((start, end - start))
    if current_row >= 0:
        close_rows(current_row)
    for (x, width), top in open_runs.items():
        rects.append((x, top, width, size - top))
    return QrMatrix(size, tuple(rects))
