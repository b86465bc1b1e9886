"""``booths``: hall plans, the optimised assignment of factories, and the printable outputs.

booths list [--hall A] [--free]          the booths and who stands in them
booths assign [--time-limit S] [--dry-run] [--baseline]
                                         propose and save the assignment (locks are kept)
booths place FACTORY_ID BOOTH [BOOTH...] put a factory on booths by hand (checks size)
booths unassign BOOTH                    take the factory off a booth
booths lock BOOTH / booths unlock BOOTH  a locked booth keeps what it holds
booths exclude FACTORY_ID BOOTH          never this factory in this booth
booths check                             the rules on the plan as it stands
booths import FILE.csv|.json|.dxf [--hall A]
                                         replace the halls' booths by the file's
booths export FILE.csv|FILE.json         the plan as a spreadsheet or JSON
booths export-pdf FILE.pdf               the floor plan, one page per hall
booths export-xlsx FILE.xlsx             the exhibitor list by hall and booth
"""

from __future__ import annotations

import argparse
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group
from expo.services.booth_assignment import (
    AssignOptions,
    allow_factory,
    assign_booths,
    assign_by_hand,
    check_plan,
    exclude_factory,
    unassign_booth,
)
from expo.services.booth_exports import export_exhibitors_xlsx, export_plan_pdf
from expo.services.hall_plans import PlanError, find_booth, list_booths, update_booth
from expo.services.plan_dxf import DxfOptionMissing
from expo.services.plan_files import export_plan, import_plan


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(
        subparsers,
        common,
        "booths",
        "hall plans, booth assignment, floor plan PDF and exhibitor list",
        metavar="ACTION",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    listing = commands.add_parser("list", parents=[common], help="the booths and their factories")
    listing.add_argument("--hall", metavar="CODE", help="only this hall")
    listing.add_argument("--free", action="store_true", help="only booths without a factory")
    listing.set_defaults(handler=run_list)

    assign = commands.add_parser(
        "assign",
        parents=[common],
        help="propose and save the assignment of every factory to booths",
        description="Assign every factory to a booth of its size: TOP100 in the most prominent "
        "places, categories in zones, no direct competitors next door; locked booths keep "
        "their factory. Prints the objective with the solver's bound.",
    )
    assign.add_argument(
        "--time-limit", type=float, default=20.0, metavar="S", help="seconds (default 20)"
    )
    assign.add_argument("--dry-run", action="store_true", help="propose only; save nothing")
    assign.add_argument(
        "--baseline", action="store_true", help="also show the greedy baseline (not in --json)"
    )
    assign.set_defaults(handler=run_assign)

    place = commands.add_parser("place", parents=[common], help="put a factory on booths by hand")
    place.add_argument("factory", type=int, metavar="FACTORY_ID")
    place.add_argument("booths", nargs="+", metavar="BOOTH", help="booth codes, like A-12")
    place.set_defaults(handler=run_place)

    unassign = commands.add_parser("unassign", parents=[common], help="free a booth")
    unassign.add_argument("booth", metavar="BOOTH")
    unassign.set_defaults(handler=run_unassign)

    for name, locked in (("lock", True), ("unlock", False)):
        lock = commands.add_parser(
            name, parents=[common], help=f"{name} a booth (a locked booth keeps what it holds)"
        )
        lock.add_argument("booth", metavar="BOOTH")
        lock.set_defaults(handler=run_lock, locked=locked)

    exclude = commands.add_parser(
        "exclude", parents=[common], help="never put this factory in this booth"
    )
    exclude.add_argument("factory", type=int, metavar="FACTORY_ID")
    exclude.add_argument("booth", metavar="BOOTH")
    exclude.add_argument("--allow", action="store_true", help="remove the exclusion instead")
    exclude.set_defaults(handler=run_exclude)

    edit = commands.add_parser(
        "set", parents=[common], help="change a booth's flags or its prominence"
    )
    edit.add_argument("booth", metavar="BOOTH")
    edit.add_argument("--prominence", type=float, metavar="P", help="0-100, set by hand")
    edit.add_argument("--derived", action="store_true", help="derive the prominence again")
    for flag in ("main-aisle", "corner", "excluded"):
        edit.add_argument(f"--{flag}", choices=("yes", "no"), default=None)
    edit.add_argument(
        "--near-entrance",
        choices=("yes", "no", "derived"),
        default=None,
        help="set by hand, or derive it again from the distance to an entrance",
    )
    edit.add_argument("--notes", default=None)
    edit.set_defaults(handler=run_set)

    check = commands.add_parser("check", parents=[common], help="check the rules on the plan")
    check.set_defaults(handler=run_check)

    imp = commands.add_parser(
        "import",
        parents=[common],
        help="import a plan (.csv, .json or .dxf); replaces those halls' booths",
        description="Import a plan. CSV and JSON name their halls; a DXF drawing holds one "
        "hall (--hall): closed rectangles on the booth layer become booths, a rectangle on "
        "the HALL layer is the hall's outline, TEXT inside a booth its code.",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--hall", metavar="CODE", help="DXF only: the hall the drawing shows")
    imp.add_argument(
        "--layer", metavar="NAME", help="DXF only: the booth layer (default BOOTHS or 展位)"
    )
    imp.set_defaults(handler=run_import)

    exp = commands.add_parser("export", parents=[common], help="export the plan (.csv or .json)")
    exp.add_argument("file", type=Path, metavar="FILE")
    exp.set_defaults(handler=run_export)

    pdf = commands.add_parser(
        "export-pdf", parents=[common], help="the floor plan as PDF, one page per hall"
    )
    pdf.add_argument("file", type=Path, metavar="FILE.pdf")
    pdf.set_defaults(handler=run_export_pdf)

    xlsx = commands.add_parser(
        "export-xlsx", parents=[common], help="the exhibitor list by hall and booth (XLSX)"
    )
    xlsx.add_argument("file", type=Path, metavar="FILE.xlsx")
    xlsx.set_defaults(handler=run_export_xlsx)


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        booths = list_booths(session)
    if args.hall:
        booths = [b for b in booths if b.hall_code == args.hall.strip().upper()]
    if args.free:
        booths = [b for b in booths if b.factory_id is None]
    data = [
        {
            "hall": b.hall_code,
            "code": b.code,
            "x_m": b.x_m,
            "y_m": b.y_m,
            "width_m": b.width_m,
            "depth_m": b.depth_m,
            "kind": b.kind.value,
            "prominence": b.prominence,
            "locked": b.locked,
            "excluded": b.excluded,
            "factory": b.factory_id,
            "factory_name": b.factory_name,
            "top100": b.is_top100,
        }
        for b in booths
    ]
    lines = [
        f"{b.code:<8} {b.width_m:g}x{b.depth_m:g} m  {b.kind.value:<8} P{b.prominence:>5.1f}  "
        f"{'L' if b.locked else ' '}{'X' if b.excluded else ' '}  "
        f"{(('★' if b.is_top100 else '') + (b.factory_name or '')) or '-'}"
        for b in booths
    ]
    return Output(data, "\n".join(lines) or "No booths.")


def run_assign(args: argparse.Namespace, ctx: CliContext) -> Output:
    if args.time_limit <= 0:
        from expo.errors import ExpoError

        raise ExpoError("--time-limit must be a positive number of seconds.")
    options = AssignOptions(
        time_limit=args.time_limit, save=not args.dry_run, with_baseline=args.baseline
    )
    with ctx.writing() as session:
        result = assign_booths(session, options, ctx.progress("assign"))
    lines = [
        f"Assigned {result.assigned} factories ({'not saved' if args.dry_run else 'saved'}); "
        f"{len(result.unassigned)} without a booth.",
        f"Objective {result.objective:,.1f}, bound {result.bound:,.1f} (gap {result.gap:.2%}), "
        f"{result.seconds:.1f} s.",
        f"TOP100 in the 100 most prominent booths: {result.top100_in_best}; "
        f"direct competitors next door: {result.adjacent_competitors}.",
    ]
    if result.baseline_objective is not None:
        lines.append(
            f"Greedy baseline: objective {result.baseline_objective:,.1f}, TOP100 in best "
            f"{result.baseline_top100_in_best}, competitors next door "
            f"{result.baseline_adjacent_competitors}."
        )
    lines += [f"  factory {u.factory} {u.name}: {u.reason}" for u in result.unassigned]
    return Output(result.as_json(), "\n".join(lines))


def run_place(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        ids = [find_booth(session, code).id for code in args.booths]
        result = assign_by_hand(session, args.factory, ids)
    data = {"factory": result.factory_id, "booths": list(args.booths), "warnings": result.warnings}
    text = f"Factory {result.factory_id} now stands in {', '.join(args.booths)}."
    return Output(data, "\n".join([text, *[f"warning: {w}" for w in result.warnings]]))


def run_unassign(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        booth = find_booth(session, args.booth)
        unassign_booth(session, booth.id)
    return Output({"booth": booth.code, "factory": None}, f"Booth {booth.code} is free.")


def run_lock(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        booth = update_booth(session, find_booth(session, args.booth).id, locked=args.locked)
    state = "locked" if booth.locked else "unlocked"
    return Output({"booth": booth.code, "locked": booth.locked}, f"Booth {booth.code} {state}.")


def _yes(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def run_set(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        booth = update_booth(
            session,
            find_booth(session, args.booth).id,
            prominence=args.prominence,
            prominence_manual=False if args.derived else None,
            on_main_aisle=_yes(args.main_aisle),
            is_corner=_yes(args.corner),
            excluded=_yes(args.excluded),
            near_entrance=None if args.near_entrance == "derived" else _yes(args.near_entrance),
            near_entrance_manual=False if args.near_entrance == "derived" else None,
            notes=args.notes,
        )
    data = {
        "booth": booth.code,
        "prominence": booth.prominence,
        "prominence_manual": booth.prominence_manual,
        "on_main_aisle": booth.on_main_aisle,
        "is_corner": booth.is_corner,
        "excluded": booth.excluded,
        "near_entrance": booth.near_entrance,
        "near_entrance_manual": booth.near_entrance_manual,
    }
    manual = "set by hand" if booth.prominence_manual else "derived"
    return Output(data, f"Booth {booth.code}: prominence {booth.prominence:g} ({manual}).")


def run_exclude(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        booth = find_booth(session, args.booth)
        if args.allow:
            allow_factory(session, args.factory, booth.id)
        else:
            exclude_factory(session, args.factory, booth.id)
    verb = "may again stand" if args.allow else "will never stand"
    data = {"factory": args.factory, "booth": booth.code, "excluded": not args.allow}
    return Output(data, f"Factory {args.factory} {verb} in booth {booth.code}.")


def run_check(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        check = check_plan(session)
    text = (
        f"{check.assigned} factories on {check.booths_used} booths; "
        f"{len(check.too_small)} on too little area; "
        f"{check.adjacent_competitors} pairs of direct competitors next door; "
        f"{check.top100_in_best} TOP100 in the 100 most prominent booths."
    )
    return Output(check.as_dict(), text, exit_code=0)


def run_import(args: argparse.Namespace, ctx: CliContext) -> Output:
    try:
        with ctx.writing() as session:
            result = import_plan(session, args.file, hall=args.hall, layer=args.layer)
    except DxfOptionMissing as exc:
        flag = {"hall": "--hall CODE", "layer": "--layer NAME"}[exc.option]
        raise PlanError(f"{exc} Give it with {flag}.") from exc
    text = (
        f"Imported {args.file}: {result.halls_created} new halls, {result.booths_created} new "
        f"booths, {result.booths_updated} updated, {result.booths_removed} removed."
    )
    return Output(result.as_dict(), text)


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        count = export_plan(session, args.file)
    return Output(
        {"file": str(args.file), "booths": count}, f"Wrote {count} booths to {args.file}."
    )


def run_export_pdf(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        result = export_plan_pdf(session, args.file)
    data = {"file": str(result.path), "pages": result.pages, "booths": result.booths}
    return Output(data, f"Wrote the floor plan ({result.pages} pages) to {result.path}.")


def run_export_xlsx(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        result = export_exhibitors_xlsx(session, args.file)
    data = {"file": str(result.path), "exhibitors": result.pages}
    return Output(data, f"Wrote {result.pages} exhibitors to {result.path}.")
