"""``badges code|pdf|revoke|export-codes``: badge codes, badge PDFs and invitation codes."""

from __future__ import annotations

import argparse
from pathlib import Path

from expo.badges.bulk import DEFAULT_PER_FILE, BulkBadgeRequest, make_badge_pdfs
from expo.badges.export import CodeExportRequest, export_codes
from expo.badges.layout import BadgeLayout
from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group
from expo.errors import ExpoError
from expo.models import VisitorType
from expo.services.badges import (
    BadgeSelection,
    BadgeSort,
    code_for_visitor,
    reissue_badge,
    revoke_badge,
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "badges", "badge codes and badge PDFs")

    code = commands.add_parser("code", parents=[common], help="print a visitor's badge payload")
    code.add_argument("visitor_id", type=int, metavar="VISITOR_ID")
    code.set_defaults(handler=run_code)

    pdf = commands.add_parser("pdf", parents=[common], help="write badges into PDF files")
    pdf.add_argument("--out", required=True, type=Path, metavar="FILE", help="the PDF to write")
    pdf.add_argument(
        "--visitor", type=int, action="append", default=[], metavar="ID", help="repeatable"
    )
    pdf.add_argument("--all", action="store_true", help="every visitor (or every one of --type)")
    _add_filters(pdf)
    pdf.add_argument(
        "--layout",
        choices=[layout.value for layout in BadgeLayout],
        default=BadgeLayout.A6.value,
        help="a6 (one a page), label (100 x 50 mm, 203 dpi), a4x8 (2 x 4 on A4)",
    )
    pdf.add_argument("--sort", choices=[s.value for s in BadgeSort], default="pinyin")
    pdf.add_argument(
        "--per-file",
        type=_positive,
        default=DEFAULT_PER_FILE,
        metavar="N",
        help="badges per PDF; more make FILE-001.pdf, FILE-002.pdf ...",
    )
    pdf.set_defaults(handler=run_pdf)

    revoke = commands.add_parser(
        "revoke", parents=[common], help="revoke a lost badge and issue a new code"
    )
    revoke.add_argument("visitor_id", type=int, metavar="VISITOR_ID")
    revoke.add_argument("--no-reissue", action="store_true", help="only revoke; issue no new code")
    revoke.set_defaults(handler=run_revoke)

    export = commands.add_parser(
        "export-codes",
        parents=[common],
        help="codes.csv and one QR PNG per visitor, for the invitation messages",
    )
    export.add_argument("--out", required=True, type=Path, metavar="FOLDER")
    export.add_argument("--visitor", type=int, action="append", default=[], metavar="ID")
    _add_filters(export)
    export.add_argument("--no-png", action="store_true", help="the CSV only")
    export.set_defaults(handler=run_export)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--type",
        dest="visitor_type",
        choices=[t.value for t in VisitorType],
        help="only visitors of this type",
    )
    parser.add_argument("--batch", type=int, metavar="IMPORT_ID", help="only this import")


def _selection(args: argparse.Namespace, *, require_choice: bool) -> BadgeSelection:
    filtered = args.visitor_type is not None or args.batch is not None
    everyone = getattr(args, "all", False)
    if args.visitor and (everyone or filtered):
        raise ExpoError("Give either --visitor IDs or --all/--type/--batch, not both.")
    if require_choice and not (args.visitor or everyone or filtered):
        raise ExpoError("Say whose badges: --visitor ID (repeatable), --all, or --type TYPE.")
    return BadgeSelection(
        visitor_ids=tuple(args.visitor),
        visitor_type=VisitorType(args.visitor_type) if args.visitor_type else None,
        import_batch_id=args.batch,
        sort=BadgeSort(getattr(args, "sort", "pinyin")),
    )


def run_code(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        payload = code_for_visitor(session, args.visitor_id)
    return Output({"visitor_id": args.visitor_id, "payload": payload}, payload)


def run_pdf(args: argparse.Namespace, ctx: CliContext) -> Output:
    selection = _selection(args, require_choice=True)
    request = BulkBadgeRequest(
        out=args.out,
        layout=BadgeLayout(args.layout),
        selection=selection,
        per_file=args.per_file,
    )
    result = make_badge_pdfs(ctx.open_db(), request, ctx.progress("badges"), actor=ctx.actor())
    files = "\n".join(f"  {path}" for path in result.files)
    return Output(result.as_dict(), f"Wrote {result.badges} badges ({result.layout}):\n{files}")


def run_revoke(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        if args.no_reissue:
            revoked = revoke_badge(session, args.visitor_id)
            new = None
        else:
            new = reissue_badge(session, args.visitor_id)
    if new is None:
        data = {"visitor_id": args.visitor_id, "revoked": revoked.code, "payload": None}
        return Output(data, f"Revoked {revoked.code}; the visitor has no valid badge now.")
    data = {"visitor_id": args.visitor_id, "serial": new.serial, "payload": new.code}
    return Output(data, f"Old badges revoked. New code:\n{new.code}")


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    request = CodeExportRequest(
        folder=args.out, selection=_selection(args, require_choice=False), png=not args.no_png
    )
    result = export_codes(ctx.open_db(), request, ctx.progress("codes"), actor=ctx.actor())
    return Output(
        result.as_dict(),
        f"Wrote {result.visitors} codes to {result.csv_path}"
        + (f" and {result.png_files} QR images" if result.png_files else ""),
    )
