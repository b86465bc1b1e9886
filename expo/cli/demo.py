"""``demo``: build the seeded demo fair (Factory Direct Sourcing Festival) in an event database."""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.db import drop_event, is_url, open_event
from expo.demo import DemoOptions, DemoResult, build_demo
from expo.errors import ExpoError
from expo.services.events import NoEvent, current_event


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    demo = subparsers.add_parser(
        "demo", parents=[common], help="build the seeded demo fair (takes ~15 s at 100,000)"
    )
    demo.add_argument("--visitors", type=_count, default=100_000, metavar="N")
    demo.add_argument("--factories", type=_count, default=500, metavar="N")
    demo.add_argument("--seed", type=int, default=2026, metavar="S")
    demo.add_argument(
        "--assign-booths",
        action="store_true",
        help="then assign the factories to booths with the booth solver (a few seconds more)",
    )
    demo.add_argument(
        "--booth-time-limit",
        type=float,
        default=DemoOptions.booth_time_limit,
        metavar="S",
        help="seconds the booth solver may take with --assign-booths",
    )
    demo.add_argument(
        "--check-ins",
        type=_count_or_zero,
        default=0,
        metavar="N",
        help="then N check-ins over the fair's three days, with refused scans (for the dashboard)",
    )
    demo.add_argument(
        "--inquiries",
        type=_count_or_zero,
        default=0,
        metavar="N",
        help="then N inquiries at the factories' booths (by visitors who came)",
    )
    demo.add_argument(
        "--replace", action="store_true", help="replace an event that is already in the database"
    )
    demo.set_defaults(handler=run_demo)


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _count_or_zero(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _holds_event(ctx: CliContext) -> bool:
    with ctx.reading() as session:
        try:
            current_event(session)
        except NoEvent:
            return False
    return True


def run_demo(args: argparse.Namespace, ctx: CliContext) -> Output:
    db = ctx.open_db(create=True)
    options = DemoOptions(
        visitors=args.visitors,
        factories=args.factories,
        seed=args.seed,
        assign_booths=args.assign_booths,
        booth_time_limit=args.booth_time_limit,
    )
    if _holds_event(ctx):
        if not args.replace:
            raise ExpoError(
                f"{db.location} already holds an event. Use `demo --replace` to overwrite it "
                "with the demo, or `--db` to build the demo in another file."
            )
        location = ctx.location
        ctx.close()
        if is_url(location):
            drop_event(location)  # a server database cannot be renamed into place
            db = ctx.open_db(create=True)
            result = build_demo(db, options, ctx.progress("demo"), actor=ctx.actor())
        else:
            result = _build_beside_and_replace(Path(location).expanduser().resolve(), options, ctx)
            db = ctx.open_db(create=True)
    else:
        result = build_demo(db, options, ctx.progress("demo"), actor=ctx.actor())
    data = {"db": db.location, **asdict(result)}
    if args.check_ins or args.inquiries:
        from expo.demo_activity import ActivityOptions, add_activity

        activity = add_activity(
            db,
            ActivityOptions(check_ins=args.check_ins, inquiries=args.inquiries, seed=args.seed),
            ctx.progress("activity"),
        )
        data |= {
            "check_ins": activity.check_ins,
            "refused_scans": activity.refused,
            "inquiries": activity.inquiries,
            "leads": activity.leads,
        }
    text = (
        f"Built the demo fair in {db.location}: {result.visitors} visitors, "
        f"{result.factories} factories ({result.top100} TOP100), {result.products} products, "
        f"{result.halls} halls with {result.booths} booths"
        + (f", {result.assigned} factories placed." if args.assign_booths else ".")
    )
    return Output(data, text)


def _build_beside_and_replace(path: Path, options: DemoOptions, ctx: CliContext) -> DemoResult:
    """Build the new event in a file next to the old one, then rename it into place: a kill
    or an error before the rename leaves the old event as it was."""
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove_with_wal(building)
    try:
        db = open_event(building, create=True)
        try:
            result = build_demo(db, options, ctx.progress("demo"), actor=ctx.actor())
        finally:
            db.dispose()  # the last connection folds the write-ahead log into the file
        for suffix in ("-wal", "-shm"):  # the old event's, closed above: stale for the new one
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(building, path)
    except BaseException:
        _remove_with_wal(building)
        raise
    return result


def _remove_with_wal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
