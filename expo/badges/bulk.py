"""Bulk badges: a selection of visitors into PDFs of N badges each, with progress and cancel.

A long task in the project's way: ``make_badge_pdfs(db, request, progress)`` opens its own
session (it runs on a worker thread in the GUI), issues the badges that are missing in one
transaction, then writes the PDFs. Cancelling removes the PDFs this run wrote; the issued
badges stay (issuing is idempotent, and their codes may already be in invitation messages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from expo.actors import Actor, system_actor
from expo.badges.layout import BadgeLayout
from expo.badges.pdf import BadgePdf
from expo.db import EventDatabase
from expo.errors import ExpoError
from expo.progress import Progress
from expo.services.badges import BadgeSelection, badge_cards, select_visitor_ids
from expo.services.events import current_event

DEFAULT_PER_FILE = 1000
_REPORT_EVERY = 50


@dataclass(frozen=True)
class BulkBadgeRequest:
    out: Path  # the PDF; with several files, ``name-001.pdf``, ``name-002.pdf`` ...
    layout: BadgeLayout = BadgeLayout.LABEL
    selection: BadgeSelection = field(default_factory=BadgeSelection)
    per_file: int = DEFAULT_PER_FILE


@dataclass(frozen=True)
class BulkBadgeResult:
    files: tuple[Path, ...]
    badges: int
    layout: BadgeLayout

    def as_dict(self) -> dict[str, object]:
        return {
            "files": [str(path) for path in self.files],
            "badges": self.badges,
            "layout": str(self.layout),
        }


def file_names(out: Path, count: int, per_file: int) -> list[Path]:
    """One file for up to ``per_file`` badges, else numbered files beside ``out``."""
    files = max(1, -(-count // per_file))
    if files == 1:
        return [out]
    width = max(3, len(str(files)))
    suffix = out.suffix or ".pdf"
    return [
        out.with_name(f"{out.stem}-{number:0{width}d}{suffix}") for number in range(1, files + 1)
    ]


def make_badge_pdfs(
    db: EventDatabase,
    request: BulkBadgeRequest,
    progress: Progress | None = None,
    *,
    actor: Actor | None = None,
) -> BulkBadgeResult:
    """Badge PDFs for the selection; missing badges are issued first, in one unit of work
    acting as ``actor`` (default: the organisers' office), which records one ``badge.issued``."""
    progress = progress or Progress()
    if request.per_file < 1:
        raise ExpoError("Badges per PDF must be at least 1.")
    progress.update(0, None, "choosing visitors")
    with db.write(actor or system_actor()) as session:
        visitor_ids = select_visitor_ids(session, request.selection)
        if not visitor_ids:
            raise ExpoError("No visitor matches this selection; change the type or import filter.")
        progress.update(0, len(visitor_ids), "issuing badge codes")
        cards = badge_cards(session, visitor_ids)
        event_name = current_event(session).name
    total = len(cards)
    paths = file_names(request.out, total, request.per_file)
    written: list[Path] = []
    pdf: BadgePdf | None = None
    try:
        for index, card in enumerate(cards):
            if index % request.per_file == 0:
                if pdf is not None:
                    pdf.close()
                path = paths[index // request.per_file]
                written.append(path)
                pdf = BadgePdf(path, request.layout, event_name=event_name)
            assert pdf is not None
            pdf.add(card)
            if index % _REPORT_EVERY == 0:
                progress.check()
                progress.update(index, total, f"{path.name}")
        assert pdf is not None
        pdf.close()
    except BaseException:
        if pdf is not None:
            pdf.canvas.save()  # release the file before removing it
        for path in written:
            path.unlink(missing_ok=True)
        raise
    progress.update(total, total, "done")
    return BulkBadgeResult(tuple(written), total, request.layout)
