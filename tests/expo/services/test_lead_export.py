"""The factory's XLSX export: its own rows only, contact details only with consent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from expo.models import LeadRating
from expo.services.lead_export import INQUIRY_HEADERS, LEAD_HEADERS, NO_CONSENT, export_inquiries
from expo.services.leads import (
    InquiryDraft,
    LeadUpdate,
    booth_station,
    list_leads,
    record_inquiry,
    update_lead,
)
from tests.actors import OFFICE
from tests.fair import build_small_fair


def _log_inquiries(db, fair) -> None:
    with db.write(OFFICE) as session:
        a = booth_station(session, fair.station_a, fair.factory_a)
        b = booth_station(session, fair.station_b, fair.factory_b)
        record_inquiry(
            session,
            fair.factory_a,
            fair.code_consenting,
            InquiryDraft(
                skus=["CY-001", "CY-003"],
                quantity=2000,
                target_price=Decimal("30.50"),
                customisation="印 logo",
                rating=LeadRating.HOT,
            ),
            a,
        )
        record_inquiry(
            session,
            fair.factory_a,
            fair.code_private,
            InquiryDraft(skus=["CY-002"], quantity=50, notes="花店摆件"),
            a,
        )
        record_inquiry(session, fair.factory_a, fair.code_private, InquiryDraft(skus=["CY-004"]), a)
        record_inquiry(
            session,
            fair.factory_b,
            fair.code_private,
            InquiryDraft(skus=["PT-02"], quantity=999, notes="B 的秘密"),
            b,
        )


def _rows(sheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_export_holds_the_factory_s_inquiries_with_contacts_only_by_consent(
    empty_db, tmp_path: Path
) -> None:
    fair = build_small_fair(empty_db)
    _log_inquiries(empty_db, fair)
    out = tmp_path / "leads-a.xlsx"
    with empty_db.session() as session:
        result = export_inquiries(session, fair.factory_a, out)
    assert result.as_json() == {"rows": 3, "file": str(out)}

    workbook = load_workbook(out)
    assert workbook.sheetnames == ["询盘 Inquiries", "线索 Leads"]
    inquiries = _rows(workbook["询盘 Inquiries"])
    assert tuple(inquiries[0]) == INQUIRY_HEADERS
    assert len(inquiries) == 3
    first = inquiries[0]
    assert (first["姓名 Name"], first["公司 Company"]) == ("张伟", "义乌优选百货")
    assert first["观众类型 Type"] == "抖音/快手主播 Douyin/Kuaishou livestreamer"
    assert first["手机 Phone"] == "+8613800138000"  # consented
    assert first["微信 WeChat"] == "zhangwei_yw"
    assert first["货号 SKUs"] == "CY-001, CY-003"
    assert first["产品 Products"] == "折叠露营椅、LED 露营灯"
    assert first["数量 Quantity"] == 2000
    assert first["目标价 Target price (¥)"] == 30.5
    assert first["评级 Rating"] == "热 Hot"
    for row in inquiries[1:]:
        assert row["姓名 Name"] == "李娜" and row["公司 Company"] == "小红花花店"
        assert row["观众类型 Type"] == "小店/零售 Small shop / retail"
        # No consent: name, company and type only.
        assert row["手机 Phone"] == NO_CONSENT
        assert row["微信 WeChat"] == NO_CONSENT
        assert row["邮箱 E-mail"] == NO_CONSENT

    leads = _rows(workbook["线索 Leads"])
    assert tuple(leads[0]) == LEAD_HEADERS
    by_name = {lead["姓名 Name"]: lead for lead in leads}
    assert sorted(by_name) == ["张伟", "李娜"]
    assert by_name["李娜"]["询盘数 Inquiries"] == 2
    assert by_name["李娜"]["货号 SKUs"] == "CY-002, CY-004"
    assert by_name["李娜"]["手机 Phone"] == NO_CONSENT

    # Nothing private anywhere in the file: not even in another column or sheet.
    text = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "13900139000" not in text and "lina_flowers" not in text


def test_factory_a_s_export_holds_none_of_factory_b_s_rows(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    _log_inquiries(empty_db, fair)
    with empty_db.session() as session:
        export_inquiries(session, fair.factory_a, tmp_path / "a.xlsx")
        b = export_inquiries(session, fair.factory_b, tmp_path / "b.xlsx")
    workbook = load_workbook(tmp_path / "a.xlsx")
    cells = [
        cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    text = " ".join(str(cell) for cell in cells)
    assert "PT-02" not in text and "B 的秘密" not in text
    # B's quantity as a cell of its own: a substring test would also hit random UUIDs.
    assert 999 not in cells and "999" not in cells
    assert b.rows == 1
    b_rows = _rows(load_workbook(tmp_path / "b.xlsx")["询盘 Inquiries"])
    assert [row["货号 SKUs"] for row in b_rows] == ["PT-02"]


def test_an_export_without_inquiries_is_a_file_with_headers(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    with empty_db.session() as session:
        result = export_inquiries(session, fair.factory_b, tmp_path / "empty.xlsx")
    assert result.rows == 0
    sheet = load_workbook(tmp_path / "empty.xlsx")["询盘 Inquiries"]
    assert sheet.max_row == 1


def test_the_leads_sheet_carries_the_booth_s_own_lead_notes(empty_db, tmp_path: Path) -> None:
    fair = build_small_fair(empty_db)
    _log_inquiries(empty_db, fair)
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        lead = next(x for x in list_leads(session, fair.factory_a) if x.name == "李娜")
        update_lead(
            session,
            lead.id,
            fair.factory_a,
            LeadUpdate(notes="寄样品 send samples", follow_up_on=dt.date(2025, 5, 6)),
            station,
        )
    with empty_db.session() as session:
        export_inquiries(session, fair.factory_a, tmp_path / "a.xlsx")
    leads = {
        row["姓名 Name"]: row for row in _rows(load_workbook(tmp_path / "a.xlsx")["线索 Leads"])
    }
    assert leads["李娜"]["线索备注 Lead notes"] == "寄样品 send samples"
    assert leads["李娜"]["跟进日期 Follow-up"] == dt.datetime(2025, 5, 6)
    assert leads["张伟"]["线索备注 Lead notes"] is None
