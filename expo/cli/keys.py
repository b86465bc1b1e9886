"""``keys export | import``: hand the event's badge key to another station.

python -m expo keys export --out FILE --json     (organiser; keep the file like a password)
python -m expo keys import FILE --json           (on the other station, then delete the file)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import select

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "keys", "the event's badge-signing key")
    export = commands.add_parser("export", parents=[common], help="write the key to a file")
    export.add_argument("--out", required=True, metavar="FILE")
    export.set_defaults(handler=run_export)
    imported = commands.add_parser("import", parents=[common], help="take the key from a file")
    imported.add_argument("file", metavar="FILE")
    imported.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.keys import export_key
    from expo.models import Event
    from expo.permissions import Permission, require

    with ctx.reading() as session:
        require(session, ctx.actor(), Permission.MANAGE_EVENT)
        event = session.scalars(select(Event)).one()
        path = export_key(event.uuid, event.name, Path(args.out))
    return Output({"file": str(path)}, f"Badge key written to {path}; keep it like a password.")


def run_import(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.keys import import_key
    from expo.models import Event

    with ctx.reading() as session:
        event = session.scalars(select(Event)).one()
        path = import_key(event.uuid, event.name, Path(args.file))
    return Output({"file": str(path)}, f"This station now holds the badge key ({path}).")
