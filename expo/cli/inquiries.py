"""``inquiries add|list|leads|lead-update|export``: what buyers asked at a factory's booth.

Every command acts as one factory (``--factory``) and sees that factory's rows only.
"""

from __future__ import annotations

import argparse
import datetime as dt
from contextlib import AbstractContextManager
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group, factory_option, listing
from expo.errors import ExpoError
from expo.models import LeadRating
from expo.services.catalogue import ProductFieldError, parse_price
from expo.services.events import StationRef
from expo.services.lead_export import export_inquiries
from expo.services.leads import (
    KEEP,
    InquiryDraft,
    LeadSummary,
    LeadUpdate,
    list_inquiries,
    list_leads,
    record_inquiry,
    update_lead,
)
from expo.unit_of_work import UnitOfWork

NONE = "none"  # the value that clears a lead's rating or follow-up date


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(
        subparsers, common, "inquiries", "buyers' inquiries at a factory's booth"
    )

    add = commands.add_parser("add", parents=[common], help="log an inquiry from a badge scan")
    factory_option(add)
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
    _station_option(add)
    add.set_defaults(handler=run_add)

    listing = commands.add_parser("list", parents=[common], help="the factory's inquiries")
    factory_option(listing)
    listing.set_defaults(handler=run_list)

    leads = commands.add_parser("leads", parents=[common], help="the factory's leads (buyers)")
    factory_option(leads)
    leads.set_defaults(handler=run_leads)

    update = commands.add_parser(
        "lead-update",
        parents=[common],
        help="change a lead's rating, follow-up date or notes (its inquiries stay as they are)",
    )
    factory_option(update)
    update.add_argument("--lead", metavar="L", type=int, required=True, help="the lead's id")
    update.add_argument(
        "--rating", choices=[*(r.value for r in LeadRating), NONE], help="hot, warm, cold or none"
    )
    update.add_argument(
        "--follow-up",
        metavar="YYYY-MM-DD",
        type=_date_or_none,
        default=KEEP,
        help="the follow-up date, or 'none' to clear it",
    )
    update.add_argument("--notes", metavar="T", help="the lead's notes ('' clears them)")
    _station_option(update)
    update.set_defaults(handler=run_lead_update)

    export = commands.add_parser("export", parents=[common], help="export to XLSX")
    factory_option(export)
    export.add_argument("--out", metavar="FILE.xlsx", type=Path, required=True)
    export.set_defaults(handler=run_export)


def _station_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--station", metavar="NAME", help="the booth station (default: 'Booth <factory id>')"
    )


def _date_or_none(text: str) -> dt.date | None:
    if text.strip().lower() == NONE:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; give YYYY-MM-DD, or 'none' to clear it"
        ) from None


def _acting_booth(
    ctx: CliContext, args: argparse.Namespace
) -> AbstractContextManager[tuple[UnitOfWork, StationRef]]:
    """A transaction acting as the factory's booth station (``--station``, else 'Booth F')."""
    return ctx.writing_as(args.station or f"Booth {args.factory}", factory=args.factory)


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
    with _acting_booth(ctx, args) as (session, station):
        record = record_inquiry(session, args.factory, args.badge, draft, station)
    products = ", ".join(p.sku for p in record.products)
    text = f"Inquiry {record.uuid}: {record.visitor_name} ({record.company or '-'}) — {products}"
    return Output(record.as_json(), text)


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        records = list_inquiries(session, args.factory)
    return listing(
        records,
        lambda r: (
            f"{r.at:%Y-%m-%d %H:%M}  {r.visitor_name:<8} {', '.join(p.sku for p in r.products)}"
            f"  qty {r.quantity or '-'}  ¥{r.target_price or '-'}  {r.rating or ''}"
        ),
        "inquiries",
    )


def run_leads(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        leads = list_leads(session, args.factory)
    return listing(leads, _lead_line, "leads")


def _lead_line(lead: LeadSummary) -> str:
    return (
        f"{lead.id:>5}  {lead.name:<8} {lead.company or '-':<24} {lead.inquiries} inquiries  "
        f"{lead.rating or ''}  {', '.join(lead.skus)}"
    )


def run_lead_update(args: argparse.Namespace, ctx: CliContext) -> Output:
    if args.rating is None and args.follow_up is KEEP and args.notes is None:
        raise ExpoError("Nothing to change: give --rating, --follow-up and/or --notes.")
    update = LeadUpdate(
        rating=KEEP if args.rating is None else _rating_or_none(args.rating),
        follow_up_on=args.follow_up,
        notes=KEEP if args.notes is None else args.notes,
    )
    with _acting_booth(ctx, args) as (session, station):
        lead = update_lead(session, args.lead, args.factory, update, station)
    follow_up = lead.follow_up_on.isoformat() if lead.follow_up_on else "-"
    text = f"Lead {lead.id} ({lead.name}): rating {lead.rating or '-'}, follow up {follow_up}"
    return Output(lead.as_json(), text + (f"\n  {lead.notes}" if lead.notes else ""))


def _rating_or_none(value: str) -> LeadRating | None:
    return None if value == NONE else LeadRating(value)


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        result = export_inquiries(session, args.factory, args.out)
    return Output(
        result.as_json(), f"Wrote {result.rows} inquiries ({result.leads} leads) to {result.file}"
    )
