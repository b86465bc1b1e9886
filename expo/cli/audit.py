"""``audit list``: who changed what, when, at which station (the event log).

python -m expo audit list [--visitor ID] [--station S] [--kind K] [--since ISO] [--until ISO]
    [--limit N] [--export FILE.xlsx] --json
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group
from expo.errors import ExpoError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "audit", "read the event log (audit trail)")
    listing = commands.add_parser(
        "list",
        parents=[common],
        help="events, newest first: kind, at, station, actor, changes",
    )
    listing.add_argument("--visitor", type=int, metavar="ID", help="only events about visitor ID")
    listing.add_argument("--station", metavar="S", help="only events of station S")
    listing.add_argument(
        "--kind", metavar="K", help="an event kind (visitor.edited) or a domain (visitor)"
    )
    listing.add_argument("--since", metavar="ISO", help="from this time (2026-12-02T09:00+08:00)")
    listing.add_argument("--until", metavar="ISO", help="before this time")
    listing.add_argument("--limit", type=int, default=1000, metavar="N")
    listing.add_argument("--export", metavar="FILE.xlsx", help="write the events to XLSX too")
    listing.set_defaults(handler=run_list)


def _moment(text: str | None, option: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ExpoError(
            f"{option} {text!r} is not a date or time; write it as 2026-12-02 or "
            "2026-12-02T09:00+08:00."
        ) from exc
    if moment.tzinfo is None:  # a time without zone is the fair's (the event's) time
        from zoneinfo import ZoneInfo

        moment = moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return moment


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.audit import AuditFilter, export_events, list_events

    where = AuditFilter(
        visitor_id=args.visitor,
        station=args.station,
        kind=args.kind,
        since=_moment(args.since, "--since"),
        until=_moment(args.until, "--until"),
    )
    with ctx.reading() as session:
        entries = list_events(session, where, limit=max(1, args.limit))
        if args.export:
            export_events(session, Path(args.export), where)
    lines = []
    for entry in entries:
        changes = "; ".join(f"{c['field']}: {c['old']!r} -> {c['new']!r}" for c in entry.changes)
        lines.append(f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.kind:<20} {entry.actor}  {changes}")
    lines.append(f"{len(entries)} events")
    return Output([entry.as_dict() for entry in entries], "\n".join(lines))
