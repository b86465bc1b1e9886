"""``visitors import | search | add | export``: registration from the command line.

python -m expo visitors import FILE [--mapping JSON] [--dry-run] --json
python -m expo visitors search QUERY --json
python -m expo visitors add --name N --phone P [--company C] [--type T] [--wechat W] [--force]
python -m expo visitors export FILE.xlsx [--query Q] [--type T] [--batch ID] [--mask-phones]
python -m expo visitors edit ID [--name N] [--company C] [--phone P] [--type T] [--consent yes|no]
    [--wechat W] [--city C] [--notes T] [--version V] --station S
"""

from __future__ import annotations

import argparse

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group
from expo.errors import ExpoError
from expo.models import StationKind, VisitorType
from expo.services.registry import (
    NewVisitor,
    add_visitor,
    parse_visitor_type,
    search_visitors,
)
from expo.services.visitor_export import VisitorFilter, export_visitors
from expo.services.visitor_import import check_mapping, prepare_import, run_import

DEFAULT_STATION = "Command line"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(
        subparsers, common, "visitors", "import, find, add and export visitors"
    )

    importing = commands.add_parser(
        "import",
        parents=[common],
        help="import pre-registered visitors from an XLSX or CSV file",
        description="Import visitors from XLSX/XLS/ODS or CSV (UTF-8, GBK/GB18030, Big5). "
        "Duplicates (same phone, then same WeChat) merge into one visitor; a second import of "
        "the same file creates nothing. One transaction: all good rows or nothing.",
    )
    importing.add_argument("file", metavar="FILE")
    importing.add_argument(
        "--mapping",
        metavar="JSON",
        help='fix the column mapping: {"header or column letter": "field" or null}; fields: '
        "name, phone, company, wechat, type, city, email, registration_no, consent, notes",
    )
    importing.add_argument(
        "--dry-run", action="store_true", help="check and count everything, save nothing"
    )
    importing.add_argument("--station", default=DEFAULT_STATION, help="the importing station")
    importing.set_defaults(handler=run_import_command)

    search = commands.add_parser(
        "search",
        parents=[common],
        help="find visitors by name, pinyin, initials, phone (or its last 4), company or code",
    )
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=20, metavar="N")
    search.set_defaults(handler=run_search)

    add = commands.add_parser("add", parents=[common], help="register a walk-in visitor")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True)
    add.add_argument("--company")
    add.add_argument(
        "--type",
        dest="visitor_type",
        help="a type (" + ", ".join(t.value for t in VisitorType) + ") or a label such as 抖音主播",
    )
    add.add_argument("--wechat")
    add.add_argument(
        "--force", action="store_true", help="save even if the phone or WeChat is already known"
    )
    add.add_argument("--station", default=DEFAULT_STATION, help="the registering station")
    add.set_defaults(handler=run_add)

    export = commands.add_parser(
        "export", parents=[common], help="export visitors (all, or a filter) to XLSX"
    )
    export.add_argument("output", metavar="FILE.xlsx")
    export.add_argument("--query", help="only the visitors this search finds")
    export.add_argument("--type", dest="visitor_type", help="only visitors of this type")
    export.add_argument("--batch", type=int, metavar="ID", help="only this import's visitors")
    export.add_argument(
        "--mask-phones", action="store_true", help="write phones masked (138****8000)"
    )
    export.set_defaults(handler=run_export)

    edit = commands.add_parser(
        "edit",
        parents=[common],
        help="change a visitor's details (only the fields given)",
        description="Change a visitor's name, company, phone (refused if another visitor has "
        "it), WeChat, type, city, consent or notes. The change is recorded with its old and new "
        "values (python -m expo audit list --visitor ID).",
    )
    edit.add_argument("visitor_id", metavar="ID", type=int)
    edit.add_argument("--name")
    edit.add_argument("--company")
    edit.add_argument("--phone")
    edit.add_argument("--wechat")
    edit.add_argument("--email")
    edit.add_argument("--city")
    edit.add_argument("--notes")
    edit.add_argument("--type", dest="visitor_type", help="a type or a label such as 抖音主播")
    edit.add_argument(
        "--consent", choices=("yes", "no"), help="may exhibitors see the visitor's contact?"
    )
    edit.add_argument(
        "--version",
        type=int,
        metavar="V",
        help="refuse the edit if the visitor changed since version V (from a previous edit)",
    )
    edit.add_argument("--station", default=DEFAULT_STATION, help="the editing station")
    edit.set_defaults(handler=run_edit)


def run_import_command(args: argparse.Namespace, ctx: CliContext) -> Output:
    prepared = prepare_import(args.file, args.mapping)
    check_mapping(prepared)
    report = run_import(
        ctx.open_db(),
        prepared,
        args.station,
        dry_run=args.dry_run,
        progress=ctx.progress(f"import {prepared.file_name}"),
    )
    return Output(report.as_json(), report.summary())


def run_search(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        hits = search_visitors(session, args.query, max(1, args.limit))
    lines = [
        f"{hit.id:>7}  {hit.name}  {hit.phone_masked}  {hit.company or ''}  "
        f"[{hit.visitor_type.value}]"
        for hit in hits
    ]
    text = "\n".join(lines) if lines else f"No visitor matches {args.query!r}."
    return Output([hit.as_json() for hit in hits], text)


def run_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    new = NewVisitor(
        name=args.name,
        phone=args.phone,
        company=args.company,
        visitor_type=parse_visitor_type(args.visitor_type),
        wechat=args.wechat,
    )
    # A duplicate raises DuplicateVisitor, whose message names the existing visitor's id.
    with ctx.writing_as(args.station) as (session, station):
        hit = add_visitor(session, new, station, force=args.force)
    data = hit.as_json()
    return Output(data, f"Saved visitor {hit.id}: {hit.name} {hit.phone_masked}")


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    where = VisitorFilter(
        query=args.query,
        visitor_type=parse_visitor_type(args.visitor_type),
        import_batch_id=args.batch,
    )
    with ctx.reading() as session:
        result = export_visitors(
            session,
            args.output,
            where,
            mask_phones=args.mask_phones,
            progress=ctx.progress("export"),
        )
    from expo.services.audit import record_export

    with ctx.writing() as uow:  # who took personal data out, how much, where to
        record_export(
            uow, "visitors", result.exported, result.path.resolve(), masked=args.mask_phones
        )
    data = {"exported": result.exported, "file": str(result.path.resolve())}
    return Output(data, f"Exported {result.exported} visitors to {result.path}")


def run_edit(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.visitor_edit import update_visitor

    fields = {
        name: getattr(args, name)
        for name in ("name", "company", "phone", "wechat", "email", "city", "notes", "visitor_type")
        if getattr(args, name) is not None
    }
    if args.consent is not None:
        fields["consent_share"] = args.consent == "yes"
    if not fields:
        raise ExpoError("Nothing to change: give at least one of --name, --company, --phone ...")
    with ctx.writing(station=args.station, kind=StationKind.DESK) as uow:
        edited = update_visitor(uow, args.visitor_id, expected_version=args.version, **fields)
    lines = [f"{c.field}: {c.old!r} -> {c.new!r}" for c in edited.changes]
    text = "\n".join(lines) if lines else "Nothing changed: the visitor already had these details."
    return Output(edited.as_dict(), text)
