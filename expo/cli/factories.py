"""``factories list``: the exhibiting factories, optionally the TOP100 or one category."""

from __future__ import annotations

import argparse

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group, listing
from expo.services.factories import list_factories


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "factories", "the exhibiting factories")
    listing = commands.add_parser("list", parents=[common], help="list factories")
    listing.add_argument("--top100", action="store_true", help="only the TOP100 factories")
    listing.add_argument(
        "--category", metavar="C", help="only factories of this main category (code or name)"
    )
    listing.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        factories = list_factories(session, top100=args.top100, category=args.category)
    return listing(
        factories,
        lambda f: (
            f"{f.id:>5}  {'TOP' if f.top100 else '   '}  {f.booth or '-':<10} "
            f"{f.category or '-':<18} {f.name}"
        ),
        "factories",
    )
