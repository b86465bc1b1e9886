"""Codes for the invitation messages: a CSV with every visitor's payload and one QR PNG each.

Organisers send pre-registered visitors their code before the fair; the messaging tool merges
the CSV (UTF-8 with BOM, so Excel shows the Chinese) and attaches ``qr/<visitor id>.png``.
Missing badges are issued first, in one transaction. Cancelling leaves no CSV behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image
from sqlalchemy import select

from expo.actors import Actor, system_actor
from expo.db import EventDatabase
from expo.errors import ExpoError
from expo.exports.safe_cells import SafeCsvWriter
from expo.models import Visitor
from expo.progress import Progress
from expo.services.badges import BadgeSelection, badge_cards, select_visitor_ids

CSV_NAME = "codes.csv"
QR_FOLDER = "qr"
CSV_COLUMNS = (
    "visitor_id",
    "registration_no",
    "name",
    "company",
    "phone",
    "email",
    "visitor_type",
    "payload",
    "qr_png",
)
_CHUNK = 500


@dataclass(frozen=True)
class CodeExportRequest:
    folder: Path
    selection: BadgeSelection = field(default_factory=BadgeSelection)
    png: bool = True
    png_scale: int = 8  # pixels per module: a 33-module symbol with quiet zone is 264 px


@dataclass(frozen=True)
class CodeExportResult:
    csv_path: Path
    visitors: int
    png_files: int

    def as_dict(self) -> dict[str, object]:
        return {"csv": str(self.csv_path), "visitors": self.visitors, "png_files": self.png_files}


def qr_png(payload: str, path: Path, scale: int = 8) -> None:
    """A QR of ``payload`` at level M with its quiet zone, as a 1-bit PNG."""
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = np.asarray(barcode.to_image(scale=scale, add_quiet_zones=True), dtype=np.uint8)
    Image.fromarray(pixels).convert("1").save(path, optimize=False)


def export_codes(
    db: EventDatabase,
    request: CodeExportRequest,
    progress: Progress | None = None,
    *,
    actor: Actor | None = None,
) -> CodeExportResult:
    """codes.csv (and QR PNGs) for the selection; missing badges are issued first, in one unit
    of work acting as ``actor`` (default: the organisers' office)."""
    progress = progress or Progress()
    with db.write(actor or system_actor()) as session:
        visitor_ids = select_visitor_ids(session, request.selection)
        if not visitor_ids:
            raise ExpoError("No visitor matches this selection; change the filter.")
        cards = badge_cards(session, visitor_ids)
        contacts: dict[int, tuple[str | None, str | None]] = {}
        for start in range(0, len(visitor_ids), _CHUNK):
            chunk = visitor_ids[start : start + _CHUNK]
            for visitor_id, phone, email in session.execute(
                select(Visitor.id, Visitor.phone, Visitor.email).where(Visitor.id.in_(chunk))
            ):
                contacts[visitor_id] = (phone, email)
    folder = request.folder
    folder.mkdir(parents=True, exist_ok=True)
    qr_folder = folder / QR_FOLDER
    if request.png:
        qr_folder.mkdir(exist_ok=True)
    csv_path = folder / CSV_NAME
    partial = csv_path.with_suffix(".csv.part")
    total = len(cards)
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = SafeCsvWriter(handle)
            writer.writerow(CSV_COLUMNS)
            for index, card in enumerate(cards):
                png_name = ""
                if request.png:
                    png_name = f"{QR_FOLDER}/{card.visitor_id}.png"
                    qr_png(card.code, folder / png_name, request.png_scale)
                phone, email = contacts.get(card.visitor_id, (None, None))
                writer.writerow(
                    (
                        card.visitor_id,
                        card.registration_no or "",
                        card.name,
                        card.company or "",
                        phone or "",
                        email or "",
                        str(card.visitor_type),
                        card.code,
                        png_name,
                    )
                )
                if index % 100 == 0:
                    progress.check()
                    progress.update(index, total)
        partial.replace(csv_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    progress.update(total, total, "done")
    return CodeExportResult(csv_path, total, total if request.png else 0)
