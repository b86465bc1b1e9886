"""``inquiries add|list|leads|export``: what buyers asked at a factory's booth.

Every command acts as one factory (``--factory``) and sees that factory's rows only.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.models import LeadRating
from expo.services.catalogue import ProductFieldError, parse_price
from expo.services.lead_export import export_inquiries
from expo.services.leads import (
    InquiryDraft,
    booth_station,
    list_inquiries,
    list_leads,
    record_inquiry,
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    inquiries = subparsers.add_parser(
        "inquiries", parents=[common], help="buyers' inquiries at a factory's booth"
    )
    commands = inquiries.add_subparsers(dest="inquiries_command", metavar="COMMAND")
    commands.required = True

    add = commands.add_parser("add", parents=[common], help="log an inquiry from a badge scan")
    _factory_argument(add)
    add.add_argument("--badge", metavar="PAYLOAD", required=True, help="the scanned badge code")
    add.add_argument(
        "--product",
        metavar="SKU",
        action="append",
        required=True,
        help="a product of the factory's catalogue (repeat for several)",
    )
    add.add_argument("--quantity", metavar="N", type=int, help="pieces the buyer asked for")
    add.add_argument("--target-price", metavar="P", help="the buyer's target price in yuan")
    add.add_argument("--customisation", metavar="T", default="", help="customisation wishes")
    add.add_argument("--note", metavar="T", default="", help="a note")
    add.add_argument("--rating", choices=[r.value for r in LeadRating], help="hot, warm or cold")
    add.add_argument(
        "--follow-up", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, help="follow-up date"
    )
    add.add_argument(
        "--station", metavar="NAME", help="the booth station (default: 'Booth <factory id>')"
    )
    add.set_defaults(handler=run_add)

    listing = commands.add_parser("list", parents=[common], help="the factory's inquiries")
    _factory_argument(listing)
    listing.set_defaults(handler=run_list)

    leads = commands.add_parser("leads", parents=[common], help="the factory's leads (buyers)")
    _factory_argument(leads)
    leads.set_defaults(handler=run_leads)

    export = commands.add_parser("export", parents=[common], help="export to XLSX")
    _factory_argument(export)
    export.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True)
    export.set_defaults(handler=run_export)


def _factory_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--factory", metavar="F", type=int, required=True, help="the acting factory's id"
    )


def run_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    try:
        target_price = parse_price(args.target_price, "target_price")
    except ProductFieldError as exc:
        raise ProductFieldError("target_price", f"--target-price: {exc}") from None
    draft = InquiryDraft(
        skus=args.product,
        quantity=args.quantity,
        target_price=target_price,
        customisation=args.customisation,
        notes=args.note,
        rating=LeadRating(args.rating) if args.rating else None,
        follow_up_on=args.follow_up,
    )
    db = ctx.open_db()
    with db.begin() as session:
        station = booth_station(session, args.station or f"Booth {args.factory}", args.factory)
        record = record_inquiry(session, args.factory, args.badge, draft, station)
    products = ", ".join(p.sku for p in record.products)
    text = f"Inquiry {record.uuid}: {record.visitor_name} ({record.company or '-'}) — {products}"
    return Output(record.as_json(), text)


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    db = ctx.open_db()
    with db.session() as session:
        records = list_inquiries(session, args.factory)
    lines = [
        f"{r.at:%Y-%m-%d %H:%M}  {r.visitor_name:<8} {', '.join(p.sku for p in r.products)}"
        f"  qty {r.quantity or '-'}  ¥{r.target_price or '-'}  {r.rating or ''}"
        for r in records
    ]
    lines.append(f"{len(records)} inquiries")
    return Output([r.as_json() for r in records], "\n".join(lines))


def run_leads(args: argparse.Namespace, ctx: CliContext) -> Output:
    db = ctx.open_db()
    with db.session() as session:
        leads = list_leads(session, args.factory)
    lines = [
        f"{lead.name:<8} {lead.company or '-':<24} {lead.inquiries} inquiries  "
        f"{lead.rating or ''}  {', '.join(lead.skus)}"
        for lead in leads
    ]
    lines.append(f"{len(leads)} leads")
    return Output([lead.as_json() for lead in leads], "\n".join(lines))


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    db = ctx.open_db()
    with db.session() as session:
        result = export_inquiries(session, args.factory, args.out)
    return Output(
        result.as_json(), f"Wrote {result.rows} inquiries ({result.leads} leads) to {result.file}"
    )
