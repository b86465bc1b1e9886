"""``checkin PAYLOAD --station NAME``: a desk's check-in from the command line.

Its own module (not with ``badges``) so that a desk script's check-in imports no PDF or QR code:
the command starts in a fraction of a second.
"""

from __future__ import annotations

import argparse

from expo.cli.context import CliContext, Output
from expo.models import StationKind
from expo.services.checkin import check_in


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    checkin = subparsers.add_parser(
        "checkin", parents=[common], help="check in a scanned badge code or registration number"
    )
    checkin.add_argument("payload", metavar="PAYLOAD")
    checkin.add_argument("--station", required=True, metavar="NAME", help="this desk's name")
    checkin.add_argument(
        "--confirm",
        action="store_true",
        help="a registration number: staff compared the person with name, company and phone's "
        "last 4; check in and issue the badge",
    )
    checkin.set_defaults(handler=run_checkin)


def run_checkin(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing(station=args.station, kind=StationKind.DESK, scan=True) as uow:
        # The station row is made only when a check-in is written: a garbage scan leaves none.
        result = check_in(uow, args.payload, uow.station, confirm=args.confirm)
    # A refused scan is an answer, not a failure: the status says it, the exit code stays 0.
    lines = [f"{result.status.value.upper()}: {result.message}"]
    if result.visitor is not None:
        visitor = result.visitor
        lines.append(f"  {visitor.name} · {visitor.company or '—'} · {visitor.type_label}")
        if result.needs_confirmation:
            lines.append(f"  phone ending {visitor.phone_tail or '—'}")
            lines.append(
                "Not checked in yet: if this is the person in front of you, run the same "
                "command again with --confirm."
            )
    return Output(result.as_dict(), "\n".join(lines))
