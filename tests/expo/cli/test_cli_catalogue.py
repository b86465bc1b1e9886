"""``factories list``, ``catalogue import|list|export`` and ``inquiries add|list|export`` as a
script would call them: exactly one JSON document on stdout, errors on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from expo.cli import main
from expo.services.leads import list_leads
from tests.fair import build_small_fair


def _run(capsys, db, *args: str) -> tuple[int, object, str]:
    code = main(["--db", db.location, *args])
    captured = capsys.readouterr()
    data = json.loads(captured.out) if "--json" in args and code == 0 else captured.out
    return code, data, captured.err


@pytest.fixture
def fair(empty_db):
    return build_small_fair(empty_db)


@pytest.fixture
def add_inquiry(capsys, empty_db, fair):
    """``inquiries add --factory A --badge PAYLOAD --product CY-001 [more] --json``."""

    def add(payload: str, *more: str) -> tuple[int, object, str]:
        return _run(
            capsys,
            empty_db,
            "inquiries",
            "add",
            "--factory",
            str(fair.factory_a),
            "--badge",
            payload,
            "--product",
            "CY-001",
            *more,
            "--json",
        )

    return add


def test_factories_list_json(capsys, empty_db, fair) -> None:
    code, data, _ = _run(capsys, empty_db, "factories", "list", "--top100", "--json")
    assert code == 0
    assert data == [
        {
            "id": fair.factory_a,
            "name": "宁波市星尚户外用品有限公司",
            "top100": True,
            "category": "camping",
            "booth": None,
        }
    ]
    code, data, _ = _run(capsys, empty_db, "factories", "list", "--category", "pets", "--json")
    assert [f["id"] for f in data] == [fair.factory_b]
    code, _, err = _run(capsys, empty_db, "factories", "list", "--category", "rockets", "--json")
    assert code != 0 and "Use one of" in err


def test_catalogue_list_prints_prices_as_decimal_text(capsys, empty_db, fair) -> None:
    code, data, _ = _run(capsys, empty_db, "catalogue", "list", str(fair.factory_a), "--json")
    assert code == 0
    assert data[0] == {
        "sku": "CY-001",
        "name": "折叠露营椅",
        "category": "camping",
        "moq": 200,
        "price_min": "35.00",
        "price_max": "58.50",
    }
    assert [p["sku"] for p in data] == list(fair.skus_a)


def test_catalogue_import_and_export(capsys, empty_db, fair, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["SKU", "Name", "Price", "MOQ"])
    sheet.append(["CY-200", "充气沙发", "45-66", 100])
    sheet.append(["CY-201", "", "45-66", 100])
    workbook.save(tmp_path / "new.xlsx")
    code, data, _ = _run(
        capsys,
        empty_db,
        "catalogue",
        "import",
        str(fair.factory_a),
        str(tmp_path / "new.xlsx"),
        "--json",
    )
    assert code == 0
    assert (data["created"], data["updated"], data["unchanged"]) == (1, 0, 0)
    assert data["rejected"] == [{"row": 3, "reason": "The product name (名称) is empty."}]

    out = tmp_path / "out.xlsx"
    code, data, _ = _run(
        capsys, empty_db, "catalogue", "export", str(fair.factory_a), "--out", str(out), "--json"
    )
    assert code == 0 and data == {"rows": 5, "file": str(out)}
    assert load_workbook(out).active.max_row == 6

    code, _, err = _run(capsys, empty_db, "catalogue", "list", "999", "--json")
    assert code != 0 and "factories list" in err


def test_inquiries_add_list_and_export(capsys, empty_db, fair, add_inquiry, tmp_path: Path) -> None:
    code, data, err = add_inquiry(
        fair.code_private,
        *("--product", "CY-002", "--quantity", "500", "--target-price", "29.9"),
        *("--note", "要现货", "--rating", "warm"),
    )
    assert code == 0, err
    assert data["factory"] == fair.factory_a
    assert data["visitor"] == {
        "id": fair.private,
        "name": "李娜",
        "company": "小红花花店",
        "type": "small_shop",
    }
    assert [p["sku"] for p in data["products"]] == ["CY-001", "CY-002"]
    assert (data["quantity"], data["target_price"], data["notes"], data["rating"]) == (
        500,
        "29.90",
        "要现货",
        "warm",
    )
    assert len(data["uuid"]) == 36

    code, _, err = add_inquiry(fair.revoked_code)
    assert code != 0 and "replaced" in err

    code, data, _ = _run(
        capsys, empty_db, "inquiries", "list", "--factory", str(fair.factory_a), "--json"
    )
    assert [r["visitor"]["name"] for r in data] == ["李娜"]
    code, data, _ = _run(
        capsys, empty_db, "inquiries", "list", "--factory", str(fair.factory_b), "--json"
    )
    assert data == []

    out = tmp_path / "a.xlsx"
    code, data, _ = _run(
        capsys,
        empty_db,
        "inquiries",
        "export",
        "--factory",
        str(fair.factory_a),
        "--out",
        str(out),
        "--json",
    )
    assert code == 0 and data == {"rows": 1, "file": str(out)}
    sheet = load_workbook(out)["询盘 Inquiries"]
    assert sheet.max_row == 2 and sheet["B2"].value == "李娜"


def test_inquiries_add_refuses_a_bad_target_price(fair, add_inquiry) -> None:
    code, _, err = add_inquiry(fair.code_private, "--target-price", "cheap")
    assert code != 0 and "--target-price" in err


def test_inquiries_lead_update(capsys, empty_db, fair, add_inquiry, tmp_path: Path) -> None:
    code, added, err = add_inquiry(fair.code_private, "--rating", "warm")
    assert code == 0, err
    lead = str(added["lead"])
    factory_a = ("--factory", str(fair.factory_a), "--lead", lead)
    code, data, err = _run(
        capsys,
        empty_db,
        *("inquiries", "lead-update", *factory_a),
        *("--rating", "hot", "--follow-up", "2025-05-09", "--notes", "报价已发 quote sent"),
        "--json",
    )
    assert code == 0, err
    assert (data["id"], data["rating"], data["follow_up_on"], data["notes"]) == (
        added["lead"],
        "hot",
        "2025-05-09",
        "报价已发 quote sent",
    )
    # Only what is given changes; 'none' clears.
    code, data, err = _run(
        capsys, empty_db, "inquiries", "lead-update", *factory_a, "--follow-up", "none", "--json"
    )
    assert code == 0, err
    assert (data["rating"], data["follow_up_on"], data["notes"]) == (
        "hot",
        None,
        "报价已发 quote sent",
    )
    code, data, _ = _run(
        capsys, empty_db, "inquiries", "leads", "--factory", str(fair.factory_a), "--json"
    )
    assert [(x["id"], x["notes"]) for x in data] == [(added["lead"], "报价已发 quote sent")]

    # Factory B cannot touch factory A's lead, and cannot tell that it exists.
    code, out, err = _run(
        capsys,
        empty_db,
        *("inquiries", "lead-update", "--factory", str(fair.factory_b), "--lead", lead),
        *("--notes", "stolen", "--json"),
    )
    assert code != 0 and out == "" and f"Factory {fair.factory_b} has no lead {lead}" in err
    code, _, err = _run(capsys, empty_db, "inquiries", "lead-update", *factory_a, "--json")
    assert code != 0 and "Nothing to change" in err
    with pytest.raises(SystemExit) as usage:
        main(
            ["--db", empty_db.location, "inquiries", "lead-update", *factory_a, "--follow-up", "x"]
        )
    assert usage.value.code == 2 and "YYYY-MM-DD, or 'none'" in capsys.readouterr().err
    with empty_db.session() as session:
        assert list_leads(session, fair.factory_a)[0].notes == "报价已发 quote sent"
