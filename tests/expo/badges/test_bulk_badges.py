"""Bulk badges and code export: selection, files of N, progress, cancel, CSV and QR PNGs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from expo.badges.bulk import BulkBadgeRequest, file_names, make_badge_pdfs
from expo.badges.export import CodeExportRequest, export_codes
from expo.badges.layout import BadgeLayout
from expo.models import Badge, VisitorType
from expo.progress import Cancelled, Progress
from expo.services.badges import BadgeSelection, BadgeStatus, resolve_badge
from tests.actors import OFFICE
from tests.people import add_visitor


def _visitors(db, count: int = 25) -> list[int]:  # noqa: ANN001
    with db.write(OFFICE) as session:
        return [
            add_visitor(
                session,
                f"访客{i:02d}",
                f"公司{i % 4}",
                VisitorType.LIVESTREAMER if i % 2 else VisitorType.WHOLESALER,
                f"FD26{i:05d}",
            )
            for i in range(count)
        ]


def test_file_names_number_the_parts() -> None:
    assert file_names(Path("b.pdf"), 10, 10) == [Path("b.pdf")]
    assert file_names(Path("out/b.pdf"), 11, 10) == [Path("out/b-001.pdf"), Path("out/b-002.pdf")]


def test_a_filtered_run_splits_into_files_of_n_and_reports_progress(
    empty_db, tmp_path: Path
) -> None:
    _visitors(empty_db)
    seen: list[tuple[int, int | None]] = []

    class Recorder(Progress):
        def changed(self) -> None:
            seen.append((self.done, self.total))

    request = BulkBadgeRequest(
        out=tmp_path / "badges.pdf",
        layout=BadgeLayout.LABEL,
        selection=BadgeSelection(visitor_type=VisitorType.LIVESTREAMER),
        per_file=5,
    )
    result = make_badge_pdfs(empty_db, request, Recorder())
    assert result.badges == 12
    assert [p.name for p in result.files] == [f"badges-00{i}.pdf" for i in (1, 2, 3)]
    assert all(p.exists() and p.read_bytes().startswith(b"%PDF") for p in result.files)
    assert seen[-1] == (12, 12)
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Badge)) == 12


def test_cancelling_leaves_no_pdf_behind(empty_db, tmp_path: Path) -> None:
    _visitors(empty_db, 120)

    class CancelSoon(Progress):
        def changed(self) -> None:
            if self.done >= 50:
                self.cancel()

    request = BulkBadgeRequest(out=tmp_path / "all.pdf", per_file=40)
    with pytest.raises(Cancelled):
        make_badge_pdfs(empty_db, request, CancelSoon())
    assert list(tmp_path.glob("*.pdf")) == []


def test_export_codes_writes_a_csv_and_a_decodable_png_per_visitor(
    empty_db, tmp_path: Path
) -> None:
    ids = _visitors(empty_db, 6)
    result = export_codes(empty_db, CodeExportRequest(folder=tmp_path / "codes"))
    assert result.visitors == 6 and result.png_files == 6
    raw = result.csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese as UTF-8
    with result.csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(int(r["visitor_id"]) for r in rows) == sorted(ids)
    with empty_db.session() as session:
        for row in rows:
            lookup = resolve_badge(session, row["payload"])
            assert lookup.status is BadgeStatus.OK
            assert lookup.visitor_id == int(row["visitor_id"])
            image = Image.open(tmp_path / "codes" / row["qr_png"])
            decoded = zxingcpp.read_barcode(image)
            assert decoded is not None and decoded.text == row["payload"]
    assert rows[0]["registration_no"].startswith("FD26")
