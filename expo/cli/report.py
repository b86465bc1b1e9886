"""``report daily|leads``: the organisers' daily summary and the factories' lead reports (PDF).

Both print ``{"pages": n, "files": [...]}``. The report modules (reportlab) are imported only
when a report is made.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group
from expo.errors import ExpoError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "report", "printed reports (PDF) and XLSX")

    daily = commands.add_parser(
        "daily", parents=[common], help="the organisers' summary of one day or the whole fair"
    )
    daily.add_argument(
        "--day",
        metavar="YYYY-MM-DD",
        type=_day,
        help="a day of the fair in the event's time zone (default: the whole fair)",
    )
    daily.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    daily.add_argument(
        "--xlsx", metavar="FILE.xlsx", type=Path, help="also every figure table as XLSX"
    )
    daily.set_defaults(handler=run_daily)

    leads = commands.add_parser(
        "leads", parents=[common], help="a factory's lead report, or every factory's"
    )
    which = leads.add_mutually_exclusive_group(required=True)
    which.add_argument("--factory", metavar="F", type=int, help="the factory's id")
    which.add_argument("--all", action="store_true", help="every factory, one PDF each")
    leads.add_argument(
        "--out",
        metavar="FILE_OR_FOLDER",
        type=Path,
        required=True,
        help="the PDF (--factory) or the folder for the PDFs (--all)",
    )
    leads.set_defaults(handler=run_leads)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; give YYYY-MM-DD") from None


def _summary(result, what: str) -> Output:  # noqa: ANN001 - a ReportFiles
    files = "\n".join(f"  {file}" for file in result.files[:10])
    more = f"\n  ... and {len(result.files) - 10} more" if len(result.files) > 10 else ""
    return Output(result.as_json(), f"Wrote {what}: {result.pages} pages\n{files}{more}")


def run_daily(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.reports.daily import daily_figures, write_daily_pdf, write_figures_xlsx

    if args.out.suffix.lower() != ".pdf":
        raise ExpoError(f"--out {args.out}: the daily report is a PDF; give it the .pdf suffix.")
    with ctx.reading() as session:
        figures = daily_figures(session, args.day)
        result = write_daily_pdf(session, figures, args.out)
    if args.xlsx is not None:
        write_figures_xlsx(figures, args.xlsx)
        result.files.append(str(args.xlsx))
    return _summary(result, f"the daily summary ({figures.window.label})")


def run_leads(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.audit import record_export
    from expo.services.reports.lead_report import write_lead_report, write_lead_reports

    if not args.all and args.out.is_dir():
        raise ExpoError(f"--out {args.out} is a folder; give the PDF file for --factory.")
    with ctx.reading() as session:
        if args.all:
            result = write_lead_reports(session, args.out, progress=ctx.progress("lead reports"))
        else:
            result = write_lead_report(session, args.factory, args.out)
    with ctx.writing() as uow:  # buyers' contacts left the event: who, how many, where to
        record_export(
            uow, "lead_reports", len(result.files), Path(args.out).resolve(), pages=result.pages
        )
    if args.all:
        return _summary(result, f"{len(result.files)} lead reports")
    return _summary(result, f"the lead report of factory {args.factory}")
