"""``catalogue import|list|export``: a factory's products to and from XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group, factory_positional, file_written
from expo.services.catalogue import list_products
from expo.services.catalogue_files import export_catalogue, import_catalogue
from expo.services.factories import get_factory


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "catalogue", "a factory's product catalogue")

    importing = commands.add_parser(
        "import", parents=[common], help="import products from an XLSX file (matched by SKU)"
    )
    factory_positional(importing)
    importing.add_argument("file", metavar="FILE", type=Path, help="an .xlsx file")
    importing.add_argument(
        "--dry-run", action="store_true", help="check the file and report, write nothing"
    )
    importing.set_defaults(handler=run_import)

    listing = commands.add_parser("list", parents=[common], help="list a factory's products")
    factory_positional(listing)
    listing.add_argument("--search", default="", help="only products matching (name, pinyin, SKU)")
    listing.set_defaults(handler=run_list)

    exporting = commands.add_parser(
        "export", parents=[common], help="export a factory's products to XLSX"
    )
    factory_positional(exporting)
    exporting.add_argument("--out", metavar="FILE", type=Path, required=True, help="an .xlsx file")
    exporting.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        result = import_catalogue(
            session,
            args.factory,
            args.file,
            dry_run=args.dry_run,
            progress=ctx.progress("catalogue import"),
        )
    lines = [
        f"{'Would import' if args.dry_run else 'Imported'} {args.file}: "
        f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
        f"{len(result.rejected)} rejected"
    ]
    lines += [f"  row {r.row}: {r.reason}" for r in result.rejected]
    return Output(result.as_json(), "\n".join(lines))


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        factory = get_factory(session, args.factory)
        products = list_products(session, args.factory, args.search)
    lines = [f"{factory.name} ({len(products)} products)"]
    for p in products:
        price = "" if p.price_min is None else f"¥{p.price_min}-{p.price_max}"
        lines.append(f"  {p.sku:<16} {p.name}  MOQ {p.moq or '-'}  {price}")
    return Output([p.as_json() for p in products], "\n".join(lines))


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        count = export_catalogue(session, args.factory, args.out)
    return file_written(count, args.out, f"Wrote {count} products to {args.out}")
