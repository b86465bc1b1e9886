"""``users add | list | disable``: who may sign in at the stations, and with which role.

python -m expo users add --name N --role organiser|desk|booth [--factory F] --pin-stdin --json
python -m expo users list --json
python -m expo users disable NAME --json

The first user must be an organiser; from then on commands that act need ``--user NAME`` with
the PIN on stdin (``--pin-stdin``) or in ``EXPO_PIN``, and only an organiser manages users.
"""

from __future__ import annotations

import argparse
import sys

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group, listing
from expo.errors import ExpoError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(subparsers, common, "users", "who may sign in, with which role")
    add = commands.add_parser("add", parents=[common], help="add a user (PIN read from stdin)")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=("organiser", "desk", "booth"))
    add.add_argument("--factory", type=int, metavar="F", help="booth staff: their factory's id")
    add.add_argument(
        "--pin-stdin",
        dest="new_pin_stdin",
        action="store_true",
        help="read the new user's PIN from standard input (the first line; with --user, the "
        "second line, after the acting user's PIN)",
    )
    add.set_defaults(handler=run_add)

    listed = commands.add_parser("list", parents=[common], help="the users and their roles")
    listed.set_defaults(handler=run_list)

    disable = commands.add_parser("disable", parents=[common], help="stop a user signing in")
    disable.add_argument("name", metavar="NAME")
    disable.set_defaults(handler=run_disable)


def run_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.users import add_user

    if not args.new_pin_stdin:
        raise ExpoError("Give the new user's PIN on standard input with --pin-stdin.")
    with ctx.writing() as uow:  # signs the acting user in first (their PIN is the first line)
        pin = sys.stdin.readline().rstrip("\r\n")
        user = add_user(uow, args.name, args.role, pin, factory_id=args.factory)
    return Output(user.as_json(), f"Added {user.name} ({user.role}).")


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.users import list_users

    with ctx.reading() as session:
        users = list_users(session)
    return listing(
        users,
        lambda u: f"{u.name:<20} {u.role:<10} {u.factory_id or ''}{' (disabled)' * u.disabled}",
        "users",
    )


def run_disable(args: argparse.Namespace, ctx: CliContext) -> Output:
    from expo.services.users import disable_user

    with ctx.writing() as uow:
        user = disable_user(uow, args.name)
    return Output(user.as_json(), f"{user.name} can no longer sign in.")
