"""Importing registration files: counts, row numbers, merges, re-imports, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from expo.db import EventDatabase
from expo.models import (
    EventRecord,
    ImportBatch,
    Visitor,
    VisitorCompany,
    VisitorSearchKey,
    VisitorType,
)
from expo.progress import Cancelled, Progress
from expo.services import visitor_import
from expo.services.registry import search_visitors
from expo.services.visitor_import import ImportProblem, ImportReport, prepare_import, run_import
from tests.registration_files import GBK_CSV_ROWS, write_csv, write_messy_xlsx


def _import(db: EventDatabase, path: Path, override: Any = None, **kwargs: Any) -> ImportReport:
    return run_import(db, prepare_import(path, override), "Desk 1", **kwargs)


def _visitors(db: EventDatabase) -> dict[str, Visitor]:
    with db.session() as session:
        visitors = session.scalars(select(Visitor).order_by(Visitor.id)).all()
        session.expunge_all()
    return {v.name: v for v in visitors}


def _count(db: EventDatabase, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _snapshot(db: EventDatabase) -> list[tuple[Any, ...]]:
    with db.session() as session:
        visitors = [
            (v.id, v.name, v.phone, v.wechat, v.company, v.city, v.version_id)
            for v in session.scalars(select(Visitor).order_by(Visitor.id))
        ]
        keys = session.scalar(select(func.count()).select_from(VisitorSearchKey))
        batches = session.scalar(select(func.count()).select_from(ImportBatch))
        companies = session.scalar(select(func.count()).select_from(VisitorCompany))
        events = session.scalars(select(EventRecord.kind).order_by(EventRecord.id)).all()
    return [
        *visitors,
        ("keys", keys),
        ("batches", batches),
        ("companies", companies),
        ("events", tuple(events)),
    ]


def test_a_messy_spreadsheet_imports_with_the_right_counts_and_row_numbers(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    report = _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))

    assert (report.created, report.merged, report.unchanged) == (5, 1, 1)
    assert [(r.row, r.reason) for r in report.rejected] == [
        (7, "no name"),
        (8, "phone '12345' is not a valid number and there is no WeChat id"),
        (12, "no phone number or WeChat id"),  # calamine reads the #REF! cell as empty
    ]
    assert report.ignored_rows == 3  # two blank rows and the trailing note
    assert [(w.row, w.message) for w in report.warnings] == [
        (11, "unknown visitor type '牙医', filed as other")
    ]
    # Row 9 is 张伟 again with another company: the first is kept, the second reported.
    assert [(d.row, d.field, d.kept, d.ignored) for d in report.differences] == [
        (9, "company", "义乌小商品贸易有限公司", "义乌小商品贸易有限公司二部")
    ]

    people = _visitors(empty_db)
    assert sorted(people) == ["孙丽", "张伟", "李娜", "王芳", "陈晨"]
    zhang = people["张伟"]
    assert (zhang.phone, zhang.phone_tail, zhang.wechat) == ("+8613800138000", "8000", "zhangwei88")
    assert zhang.visitor_type == VisitorType.LIVESTREAMER
    assert zhang.registration_no == "FD001"
    assert people["李娜"].phone == "+8613900139000"
    assert people["李娜"].visitor_type == VisitorType.SMALL_SHOP
    # Full-width digits with spaces; then row 13 filled her empty company and city.
    wang = people["王芳"]
    assert (wang.phone, wang.company, wang.city) == ("+8613700137000", "芳芳工作室", "杭州")
    assert people["陈晨"].phone is None and people["陈晨"].wechat == "chenchen_x"
    assert people["孙丽"].visitor_type == VisitorType.OTHER
    assert all(v.import_batch_id == report.batch_id for v in people.values())
    with empty_db.session() as session:
        batch = session.get(ImportBatch, report.batch_id)
        assert batch is not None
        assert (batch.file_name, batch.created, batch.merged, batch.unchanged, batch.rejected) == (
            "messy.xlsx",
            5,
            1,
            1,
            3,
        )


def test_a_second_import_of_the_same_file_creates_nothing(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    path = write_messy_xlsx(tmp_path / "messy.xlsx")
    _import(empty_db, path)
    before = _snapshot(empty_db)[:-3]

    again = _import(empty_db, path)

    assert (again.created, again.merged, again.unchanged) == (0, 0, 7)
    assert [r.row for r in again.rejected] == [7, 8, 12]
    assert _snapshot(empty_db)[:-3] == before  # no visitor new or changed


def test_duplicates_across_an_xlsx_and_a_gbk_csv_merge_into_one_visitor_each(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    report = _import(empty_db, write_csv(tmp_path / "wps.csv", GBK_CSV_ROWS, "gbk"))

    assert report.source == "CSV, gb18030"
    # 张伟 again (spaces in the phone), 刘洋 new, 陈晨 known by WeChat brings a phone, 何静 bad.
    assert (report.created, report.merged, report.unchanged) == (1, 1, 1)
    assert [(r.row, r.reason) for r in report.rejected] == [
        (6, "phone 'abc' is not a valid number and there is no WeChat id")
    ]
    people = _visitors(empty_db)
    assert len(people) == 6
    assert people["陈晨"].phone == "+8618800188000"  # filled from the CSV
    assert people["陈晨"].company == "跨境优选"  # kept from the XLSX
    assert people["刘洋"].visitor_type == VisitorType.COMMUNITY

    # The same people once more, now as a UTF-8 file with BOM: nothing new.
    again = _import(empty_db, write_csv(tmp_path / "excel.csv", GBK_CSV_ROWS, "utf-8-sig"))
    assert again.source == "CSV, utf-8-sig"
    assert (again.created, again.merged, again.unchanged) == (0, 0, 3)


def test_imported_visitors_are_found_by_initials_pinyin_tail_and_company(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    with empty_db.session() as session:
        assert [h.name for h in search_visitors(session, "zw")] == ["张伟"]
        assert [h.name for h in search_visitors(session, "wangfang")] == ["王芳"]
        assert [h.name for h in search_visitors(session, "9000")] == ["李娜"]
        assert [h.name for h in search_visitors(session, "杂货")] == ["孙丽"]
        assert [h.name for h in search_visitors(session, "fd002")] == ["李娜"]


def test_a_merge_never_overwrites_and_reports_each_difference(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    rows = [
        ["姓名", "手机", "公司", "城市", "类型", "微信"],
        ["张伟", "13800138000", "别的公司", "", "批发", "zhangwei88"],
        ["李娜", "13900139000", "深圳花店", "", "", "lina_sz"],
    ]
    report = _import(empty_db, write_csv(tmp_path / "update.csv", rows, "utf-8"))

    assert (report.created, report.merged, report.unchanged) == (0, 1, 1)
    assert {(d.row, d.field, d.kept, d.ignored) for d in report.differences} == {
        (2, "company", "义乌小商品贸易有限公司", "别的公司"),
        (2, "visitor_type", "livestreamer", "wholesaler"),
    }
    people = _visitors(empty_db)
    assert people["张伟"].company == "义乌小商品贸易有限公司"
    assert people["张伟"].visitor_type == VisitorType.LIVESTREAMER
    assert people["李娜"].wechat == "lina_sz"  # was empty: filled
    assert people["李娜"].version_id == 2  # a merge is a change other stations can see


def test_unreadable_cells_reject_their_row_with_the_cell_named(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    rows = [
        ["姓名", "手机", "公司"],
        ["周杰", "#N/A", "周氏"],  # a formula error saved as text by WPS
        ["吴\ufffd敏", "13600136000", "吴记"],  # characters lost to a wrong encoding
        ["郑和", "13700137000", "郑氏"],
    ]
    report = _import(empty_db, write_csv(tmp_path / "errors.csv", rows, "utf-8"))
    assert [(r.row, r.reason) for r in report.rejected] == [
        (2, "cell B2 holds the Excel error #N/A; fix the formula or value"),
        (
            3,
            "cell A3 has unreadable characters (the file was saved in another encoding); "
            "save it again as UTF-8 CSV or .xlsx",
        ),
    ]
    assert report.created == 1


def test_a_registration_number_of_someone_else_rejects_the_row(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    rows = [["姓名", "手机", "登记号"], ["冒名", "13300133000", "FD001"]]
    report = _import(empty_db, write_csv(tmp_path / "clash.csv", rows, "utf-8"))
    assert report.created == 0
    assert report.rejected[0].row == 2
    assert "FD001 already belongs to visitor" in report.rejected[0].reason


def test_an_import_whose_every_row_is_rejected_records_no_import(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    rows = [
        ["姓名", "手机", "公司"],
        ["周杰", "#N/A", "周氏"],
        ["吴\ufffd敏", "13600136000", "吴记"],
    ]
    before = _snapshot(empty_db)
    report = _import(empty_db, write_csv(tmp_path / "all-bad.csv", rows, "utf-8"))
    assert report.created == report.merged == report.unchanged == 0
    assert [r.row for r in report.rejected] == [2, 3]
    assert report.batch_id is None
    assert _count(empty_db, ImportBatch) == 0
    assert _snapshot(empty_db) == before


def test_a_cancelled_import_leaves_the_database_as_it_was(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    before = _snapshot(empty_db)
    rows = [["姓名", "手机"]] + [[f"访客{i}", f"1390000{i:04d}"] for i in range(5000)]

    class CancelWhileSaving(Progress):
        def changed(self) -> None:
            if self.message == "saving visitors":
                self.cancel()

    with pytest.raises(Cancelled):
        _import(
            empty_db,
            write_csv(tmp_path / "big.csv", rows, "utf-8"),
            progress=CancelWhileSaving(),
        )
    assert _snapshot(empty_db) == before


def test_a_crash_half_way_leaves_nothing_half_written(
    empty_db: EventDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(empty_db)

    def disk_full(*_args: object) -> int:
        raise OSError(28, "No space left on device")

    # Visitors and their keys are written by then; the company index fails.
    monkeypatch.setattr(visitor_import, "index_companies", disk_full)
    with pytest.raises(OSError):
        _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    assert _snapshot(empty_db) == before
    assert _count(empty_db, Visitor) == 0


def test_a_dry_run_counts_everything_and_saves_nothing(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    report = _import(empty_db, write_messy_xlsx(tmp_path / "messy.xlsx"), dry_run=True)
    assert report.dry_run and report.batch_id is None
    assert (report.created, report.merged, report.unchanged) == (5, 1, 1)
    assert _count(empty_db, Visitor) == 0
    assert _count(empty_db, ImportBatch) == 0
    assert _imports(empty_db) == []  # rolled back: no event either


def _imports(db: EventDatabase) -> list[EventRecord]:
    with db.session() as session:
        return list(
            session.scalars(select(EventRecord).where(EventRecord.kind == "import.completed"))
        )


def test_a_bulk_import_is_one_event_with_its_counts_and_batch(
    empty_db: EventDatabase, tmp_path: Path
) -> None:
    rows = [["姓名", "手机", "公司"]]
    rows += [[f"访客{i}", f"1390000{i:04d}", f"公司{i % 50}"] for i in range(3000)]
    rows += [["无号码", "", ""], ["访客7", "13900000007", "公司7"]]  # rejected, unchanged
    report = _import(empty_db, write_csv(tmp_path / "big.csv", rows, "utf-8"))
    assert (report.created, report.unchanged, len(report.rejected)) == (3000, 1, 1)

    with empty_db.session() as session:
        events = session.scalars(
            select(EventRecord).where(EventRecord.kind != "event.created")
        ).all()
        batch = session.get(ImportBatch, report.batch_id)
        assert batch is not None
        batch_uuid = batch.uuid
    [event] = events
    assert (event.kind, event.station) == ("import.completed", "Desk 1")
    assert event.subjects == [str(batch_uuid)]
    assert {k: event.data[k] for k in ("created", "merged", "unchanged", "rejected")} == {
        "created": 3000,
        "merged": 0,
        "unchanged": 1,
        "rejected": 1,
    }
    assert (event.data["batch"], event.data["batch_uuid"], event.data["file_name"]) == (
        report.batch_id,
        str(batch_uuid),
        "big.csv",
    )


def test_a_mapping_override_fixes_a_column(empty_db: EventDatabase, tmp_path: Path) -> None:
    rows = [["参会人", "联系", "微信"], ["张伟", "13800138000", "zw88"]]
    path = write_csv(tmp_path / "odd.csv", rows, "utf-8")
    with pytest.raises(ImportProblem, match="name"):
        _import(empty_db, path)
    report = _import(empty_db, path, override='{"参会人": "name", "B": "phone"}')
    assert report.created == 1
    assert report.mapping == {"A 参会人": "name", "B 联系": "phone", "C 微信": "wechat"}
    assert _visitors(empty_db)["张伟"].phone == "+8613800138000"


def test_an_empty_file_says_so(empty_db: EventDatabase, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    with pytest.raises(ImportProblem, match="empty"):
        _import(empty_db, path)


@pytest.mark.postgres
def test_the_import_runs_the_same_on_postgresql(pg_db: EventDatabase, tmp_path: Path) -> None:
    report = _import(pg_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    assert (report.created, report.merged, report.unchanged) == (5, 1, 1)
    again = _import(pg_db, write_messy_xlsx(tmp_path / "messy.xlsx"))
    assert again.created == 0
    with pg_db.session() as session:
        assert [h.name for h in search_visitors(session, "zw")] == ["张伟"]
        assert [h.name for h in search_visitors(session, "小商品")] == ["张伟"]
        assert [h.name for h in search_visitors(session, "8000")] == ["张伟"]


def test_the_summary_counts_in_words_that_agree_with_the_number() -> None:
    from expo.services.visitor_import import Difference, ImportReport

    def report(differences: int) -> ImportReport:
        return ImportReport(
            "a.csv",
            "csv",
            1,
            1,
            0,
            [],
            [Difference(3, 1, "company", "甲", "乙")] * differences,
            [],
            0,
            None,
            {},
        )

    assert "1 difference kept the existing value:" in report(1).summary()
    assert "2 differences kept the existing value:" in report(2).summary()
