"""The issue's "done when", end to end through the CLI on the demo fair: a booth of one factory
scans two buyers' badges, logs inquiries for two catalogue products with quantity and target
price, and the factory's XLSX export shows them, with contacts only where consent was given."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from expo.cli import main
from expo.models import Visitor
from expo.services.lead_export import NO_CONSENT


def _json(capsys, db, *args: str) -> object:
    code = main(["--db", db.location, *args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_a_booth_on_the_demo_fair_logs_and_exports_inquiries(
    capsys, demo_db, tmp_path: Path
) -> None:
    factories = _json(capsys, demo_db, "factories", "list", "--top100")
    assert len(factories) == 24 and all(f["top100"] for f in factories)
    factory = factories[0]["id"]
    other = next(f["id"] for f in _json(capsys, demo_db, "factories", "list") if not f["top100"])
    products = _json(capsys, demo_db, "catalogue", "list", str(factory))
    two = [p["sku"] for p in products[:2]]
    with demo_db.session() as session:
        consenting = session.scalar(
            select(Visitor).where(Visitor.consent_share.is_(True), Visitor.phone.is_not(None))
        )
        private = session.scalar(
            select(Visitor).where(Visitor.consent_share.is_(False), Visitor.phone.is_not(None))
        )
        buyers = [(v.id, v.name, v.phone, v.consent_share) for v in (consenting, private)]

    for visitor_id, name, _, _ in buyers:
        payload = _json(capsys, demo_db, "badges", "code", str(visitor_id))["payload"]
        saved = _json(
            capsys,
            demo_db,
            "inquiries",
            "add",
            "--factory",
            str(factory),
            "--badge",
            payload,
            "--product",
            two[0],
            "--product",
            two[1],
            "--quantity",
            "1200",
            "--target-price",
            "18.8",
            "--rating",
            "hot",
        )
        assert saved["visitor"]["name"] == name and saved["factory"] == factory
        assert sorted(p["sku"] for p in saved["products"]) == sorted(two)
        assert (saved["quantity"], saved["target_price"]) == (1200, "18.80")
    # Another factory's inquiry from the same buyer must not appear in the first one's file.
    other_sku = _json(capsys, demo_db, "catalogue", "list", str(other))[0]["sku"]
    payload = _json(capsys, demo_db, "badges", "code", str(buyers[0][0]))["payload"]
    _json(
        capsys, demo_db, "inquiries", "add", "--factory", str(other), "--badge", payload,
        "--product", other_sku,
    )  # fmt: skip

    out = tmp_path / "leads.xlsx"
    assert _json(
        capsys, demo_db, "inquiries", "export", "--factory", str(factory), "--out", str(out)
    ) == {"rows": 2, "file": str(out)}
    sheet = load_workbook(out)["询盘 Inquiries"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    assert len(rows) == 2
    for row, (_, name, phone, consent) in zip(rows, buyers, strict=True):
        assert row["姓名 Name"] == name
        assert row["货号 SKUs"] == ", ".join(sorted(two))
        assert row["数量 Quantity"] == 1200 and row["目标价 Target price (¥)"] == 18.8
        assert row["手机 Phone"] == (phone if consent else NO_CONSENT)
    assert other_sku not in {row["货号 SKUs"] for row in rows}


def test_a_booth_refuses_guessed_registration_numbers(capsys, demo_db) -> None:
    factory = _json(capsys, demo_db, "factories", "list", "--top100")[0]["id"]
    sku = _json(capsys, demo_db, "catalogue", "list", str(factory))[0]["sku"]
    with demo_db.session() as session:
        numbers = session.scalars(
            select(Visitor.registration_no).where(Visitor.registration_no.is_not(None)).limit(5)
        ).all()
    assert len(numbers) == 5
    for number in numbers:
        code = main(
            ["--db", demo_db.location, "inquiries", "add", "--factory", str(factory),
             "--badge", number, "--product", sku, "--json"]
        )  # fmt: skip
        captured = capsys.readouterr()
        assert code != 0 and captured.out == ""
        assert "registration number" in captured.err and "Scan the QR code" in captured.err
    assert _json(capsys, demo_db, "inquiries", "leads", "--factory", str(factory)) == []
