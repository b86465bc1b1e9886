"""The printed reports and the XLSX: what pdftotext reads back, the font embedded, a page
rendered, the lead reports' privacy, the batch's cancel, and the ``report`` commands."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QColor, QImage

from expo.cli import main
from expo.progress import Cancelled, Progress
from expo.services.reports.daily import daily_figures, write_daily_pdf, write_figures_xlsx
from expo.services.reports.lead_report import write_lead_report, write_lead_reports
from tests.report_fair import DAY, EXPECTED
from tests.tools import require_tool


def _text(pdf: Path) -> str:
    require_tool("pdftotext", "poppler-utils")
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _figure(text: str, label: str) -> int:
    """The number printed at the end of the table line that starts with ``label``."""
    match = re.search(rf"^\s*{re.escape(label)}\s+([\d,]+)\s*$", text, re.MULTILINE)
    assert match, f"no line {label!r} in the PDF text"
    return int(match.group(1).replace(",", ""))


def test_daily_report_prints_the_days_totals_in_chinese(report_db, tmp_path: Path) -> None:
    pdf = tmp_path / "daily.pdf"
    with report_db.session() as session:
        result = write_daily_pdf(session, daily_figures(session, DAY), pdf)
    assert result.files == [str(pdf)] and result.pages >= 2
    text = _text(pdf)
    for heading in ("每日概况 Daily summary", "入场 Arrivals", "签到台 Desks", "拒绝扫描 Refused"):
        assert heading in text
    assert "观众类型 Visitor types" in text and "询盘 Inquiries" in text
    assert _figure(text, "入场 Arrived (first entries)") == EXPECTED["first_entries"]
    assert _figure(text, "再入场 Re-entries") == EXPECTED["re_entries"]
    assert _figure(text, "累计到场 Arrived so far") == EXPECTED["arrived"]
    assert _figure(text, "未到场 No-shows so far") == EXPECTED["no_shows"]
    assert _figure(text, "拒绝扫描 Refused scans") == 3
    assert _figure(text, "询盘 Inquiries") == 3
    assert _figure(text, "无效 invalid") == 1
    assert _figure(text, "再入场 already") == 2


def test_report_fonts_are_embedded_and_a_page_renders(
    report_db, tmp_path: Path, artifacts_dir: Path
) -> None:
    require_tool("pdffonts", "poppler-utils")
    require_tool("pdftoppm", "poppler-utils")
    pdf = tmp_path / "daily.pdf"
    with report_db.session() as session:
        write_daily_pdf(session, daily_figures(session, DAY), pdf)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all("WenQuanYi" in row for row in rows), fonts
    assert all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    prefix = artifacts_dir / "daily-report"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True
    )
    page = QImage(str(next(artifacts_dir.glob("daily-report*1.png"))))
    assert not page.isNull()
    # The arrivals chart's bars are drawn in blue (first entries) and amber (re-entries).
    colours = {
        QColor(page.pixel(x, y)).name()
        for y in range(0, page.height(), 2)
        for x in range(0, page.width(), 2)
    }
    assert "#3a78c9" in colours and "#e8a33a" in colours


def test_every_figure_table_goes_to_xlsx(report_db, tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    with report_db.session() as session:
        write_figures_xlsx(daily_figures(session, DAY), path)
    book = load_workbook(path)
    assert len(book.sheetnames) == 11
    summary = {row[0]: row[1] for row in book["概况 Summary"].iter_rows(values_only=True)}
    assert summary["未到场 No-shows so far"] == EXPECTED["no_shows"]
    quarter_hours = book[next(n for n in book.sheetnames if n.startswith("各签到台每15分钟"))]
    assert list(quarter_hours.iter_rows(values_only=True)) == [
        ("时段 From", "Desk 1", "Desk 2"),
        ("00:00", 0, 1),
        ("09:00", 4, 0),
        ("09:15", 0, 1),
        ("14:00", 0, 1),
    ]
    refused = book["拒绝扫描 Refused scans"]
    assert [row for row in refused.iter_rows(min_row=2, values_only=True)] == [
        ("无效 invalid", 1),
        ("未知 unknown", 1),
        ("已作废 revoked", 1),
        ("再入场 already", 2),
    ]


def test_lead_report_shows_contacts_only_with_consent_hot_first(
    report_db, report_fair, tmp_path: Path
) -> None:
    pdf = tmp_path / "a.pdf"
    with report_db.session() as session:
        write_lead_report(session, report_fair.fair.factory_a, pdf)
    text = _text(pdf)
    assert "宁波市星尚户外用品有限公司 线索报告 Lead report" in text
    assert "+8613800138000" in text  # 张伟 consented
    assert "+8613900139000" not in text and "lina_flowers" not in text  # 李娜 did not
    assert "未授权 not shared" in text
    assert text.index("张伟") < text.index("李娜")  # the hot lead first
    assert _figure(text, "询盘 Inquiries") == 2
    assert _figure(text, "线索 Leads (buyers)") == 2
    assert "PT-01" not in text  # another factory's product never shows


def test_all_lead_reports_in_one_batch_and_cancel_keeps_whole_files(
    report_db, tmp_path: Path
) -> None:
    with report_db.session() as session:
        result = write_lead_reports(session, tmp_path / "all")
    assert [Path(f).name for f in result.files] == [
        "001-宁波市星尚户外用品有限公司.pdf",
        "002-台州市萌宠用品有限公司.pdf",
    ]
    assert result.pages == 2

    class CancelAfterFirst(Progress):
        def changed(self) -> None:
            if self.done == 1:
                self.cancel()

    with report_db.session() as session, pytest.raises(Cancelled):
        write_lead_reports(session, tmp_path / "cancelled", progress=CancelAfterFirst())
    written = sorted(p.name for p in (tmp_path / "cancelled").iterdir())
    assert written == ["001-宁波市星尚户外用品有限公司.pdf"]  # whole: no .part left over
    assert "Lead report" in _text(tmp_path / "cancelled" / written[0])


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_commands_print_pages_and_files(report_db, tmp_path: Path, capsys) -> None:
    db = report_db.location
    out_pdf = tmp_path / "day.pdf"
    code, out, err = run_cli(
        capsys,
        "--db",
        db,
        "report",
        "daily",
        "--day",
        "2026-12-18",
        "--out",
        str(out_pdf),
        "--xlsx",
        str(tmp_path / "day.xlsx"),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["files"] == [str(out_pdf), str(tmp_path / "day.xlsx")]
    assert data["pages"] >= 2
    assert _figure(_text(out_pdf), "入场 Arrived (first entries)") == 5

    code, out, err = run_cli(
        capsys, "--db", db, "report", "daily", "--out", str(tmp_path / "fair.pdf"), "--json"
    )
    assert code == 0, err
    assert _figure(_text(tmp_path / "fair.pdf"), "入场 Arrived (first entries)") == 6

    code, out, err = run_cli(
        capsys, "--db", db, "report", "leads", "--all", "--out", str(tmp_path / "leads"), "--json"
    )
    assert code == 0, err
    assert json.loads(out) == {
        "pages": 2,
        "files": [
            str(tmp_path / "leads" / "001-宁波市星尚户外用品有限公司.pdf"),
            str(tmp_path / "leads" / "002-台州市萌宠用品有限公司.pdf"),
        ],
    }
    code, out, err = run_cli(
        capsys,
        "--db",
        db,
        "report",
        "leads",
        "--factory",
        "2",
        "--out",
        str(tmp_path / "b.pdf"),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == {"pages": 1, "files": [str(tmp_path / "b.pdf")]}
    from sqlalchemy import select

    from expo.models import EventRecord

    with report_db.session() as session:
        logged = session.scalars(
            select(EventRecord.kind).where(EventRecord.kind == "export.lead_reports")
        ).all()
    assert len(logged) == 2  # --all and --factory: each export of buyers' contacts is logged


def test_report_commands_say_what_to_fix(report_db, tmp_path: Path, capsys) -> None:
    db = report_db.location
    code, out, err = run_cli(
        capsys, "--db", db, "report", "daily", "--out", str(tmp_path / "x.txt"), "--json"
    )
    assert (code, out) == (1, "")
    assert ".pdf suffix" in err
    code, _, err = run_cli(
        capsys, "--db", db, "report", "leads", "--factory", "99", "--out", str(tmp_path / "n.pdf")
    )
    assert code == 1 and "99" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "report", "daily", "--day", "18.12.2026", "--out", "x.pdf"])
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err
    code, _, err = run_cli(
        capsys, "--db", db, "report", "daily", "--out", str(tmp_path / "nowhere" / "d.pdf")
    )
    assert code == 1 and "does not exist" in err
    assert not (tmp_path / "nowhere").exists()


def test_reports_of_a_busy_demo_match_the_database(tmp_path: Path, capsys) -> None:
    from sqlalchemy import func, select

    from expo.db import open_event
    from expo.models import CheckIn, CheckInKind, Inquiry, RefusedScan

    db = str(tmp_path / "demo.sqlite")
    code, out, err = run_cli(
        capsys,
        "--db",
        db,
        "demo",
        "--visitors",
        "400",
        "--factories",
        "12",
        "--check-ins",
        "1500",
        "--inquiries",
        "300",
        "--json",
    )
    assert code == 0, err
    built = json.loads(out)
    assert (built["check_ins"], built["inquiries"]) == (1500, 300)
    event = open_event(db)
    with event.session() as session:
        entries = session.scalar(select(func.count()).where(CheckIn.kind == CheckInKind.ENTRY))
        re_entries = session.scalar(
            select(func.count()).where(CheckIn.kind == CheckInKind.RE_ENTRY)
        )
        refused = session.scalar(select(func.count()).select_from(RefusedScan))
        inquiries = session.scalar(select(func.count()).select_from(Inquiry))
    event.dispose()
    code, out, err = run_cli(
        capsys, "--db", db, "report", "daily", "--out", str(tmp_path / "fair.pdf"), "--json"
    )
    assert code == 0, err
    text = _text(tmp_path / "fair.pdf")
    assert _figure(text, "入场 Arrived (first entries)") == entries
    assert _figure(text, "再入场 Re-entries") == re_entries
    assert _figure(text, "拒绝扫描 Refused scans") == refused
    assert _figure(text, "询盘 Inquiries") == inquiries
    assert _figure(text, "未到场 No-shows so far") == 400 - entries
    code, out, err = run_cli(
        capsys, "--db", db, "report", "leads", "--all", "--out", str(tmp_path / "leads"), "--json"
    )
    assert code == 0, err
    files = json.loads(out)["files"]
    assert len(files) == 12
    total = sum(_figure(_text(Path(f)), "询盘 Inquiries") for f in files)
    assert total == inquiries
