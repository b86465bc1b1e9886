"""``init`` (a new empty event) and ``stats`` (live figures)."""

from __future__ import annotations

import argparse
import datetime as dt

from expo.cli.context import CliContext, Output
from expo.services.events import create_event
from expo.services.stats import event_stats


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    init = subparsers.add_parser("init", parents=[common], help="create a new, empty event")
    init.add_argument("--name", default="1688 工厂直采节", help="the event's name")
    init.add_argument("--name-en", default="Factory Direct Sourcing Festival")
    init.add_argument("--city", default="深圳")
    init.add_argument("--venue", default=None)
    init.add_argument("--starts-on", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD")
    init.add_argument("--ends-on", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD")
    init.set_defaults(handler=run_init)

    stats = subparsers.add_parser("stats", parents=[common], help="live figures of the event")
    stats.set_defaults(handler=run_stats)


def run_init(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing(create=True) as session:
        event = create_event(
            session,
            args.name,
            name_en=args.name_en,
            city=args.city,
            venue=args.venue,
            starts_on=args.starts_on,
            ends_on=args.ends_on,
        )
    data = {"event": event.name, "db": ctx.open_db().location}
    return Output(data, f"Created event {event.name} in {data['db']}")


def run_stats(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        stats = event_stats(session)
    data = stats.as_dict()
    lines = [f"{stats.event}"] + [
        f"  {key:<11} {value}" for key, value in data.items() if isinstance(value, int)
    ]
    return Output(data, "\n".join(lines))
