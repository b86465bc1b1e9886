"""``demo``: build the seeded demo fair (Factory Direct Sourcing Festival) in an event database."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from expo.cli.context import CliContext, Output
from expo.db import drop_event
from expo.demo import DemoOptions, build_demo
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
    if _holds_event(ctx):
        if not args.replace:
            raise ExpoError(
                f"{db.location} already holds an event. Use `demo --replace` to overwrite it "
                "with the demo, or `--db` to build the demo in another file."
            )
        location = ctx.location
        ctx.close()
        drop_event(location)
        db = ctx.open_db(create=True)
    options = DemoOptions(
        visitors=args.visitors,
        factories=args.factories,
        seed=args.seed,
        assign_booths=args.assign_booths,
        booth_time_limit=args.booth_time_limit,
    )
    result = build_demo(db, options, ctx.progress("demo"))
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
