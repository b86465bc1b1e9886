"""``python -m expo [--db PATH_OR_URL] COMMAND ... [--json]``.

Each command group lives in its own module with a ``register(subparsers, common)`` function that
adds its parsers (with ``parents=[common]``) and sets ``handler``: a function
``handler(args, ctx: CliContext) -> Output``. With ``--json`` the command prints exactly one JSON
document on stdout; errors go to stderr with a non-zero exit and a message that says what to do.

Only the module of the command being run is imported: the others are listed by name and help
alone. Importing every group pulled in scipy, pypinyin, openpyxl and reportlab (about 4 s), and
``stats`` or a ``checkin`` from a desk script should answer in well under half a second.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from expo.cli.context import CliContext, Output
from expo.errors import ExpoError
from expo.progress import Cancelled
from expo.storage_errors import describe_database_failure


@dataclass(frozen=True)
class Command:
    """A top-level command: the module that registers it and its one line of ``--help``."""

    module: str
    help: str


# In the order ``--help`` lists them. A module may register several commands (``init`` and
# ``stats``); the help here must be the one the module gives (a test compares them).
COMMANDS: dict[str, Command] = {
    "init": Command("expo.cli.event", "create a new, empty event"),
    "stats": Command("expo.cli.event", "live figures of the event"),
    "demo": Command("expo.cli.demo", "build the seeded demo fair (takes ~15 s at 100,000)"),
    "badges": Command("expo.cli.badges", "badge codes and badge PDFs"),
    "checkin": Command("expo.cli.checkin", "check in a scanned badge code or registration number"),
    "visitors": Command("expo.cli.visitors", "import, find, add and export visitors"),
    "booths": Command(
        "expo.cli.booths", "hall plans, booth assignment, floor plan PDF and exhibitor list"
    ),
    "factories": Command("expo.cli.factories", "the exhibiting factories"),
    "catalogue": Command("expo.cli.catalogue", "a factory's product catalogue"),
    "inquiries": Command("expo.cli.inquiries", "buyers' inquiries at a factory's booth"),
    "audit": Command("expo.cli.audit", "read the event log (audit trail)"),
    "users": Command("expo.cli.users", "who may sign in, with which role"),
    "keys": Command("expo.cli.keys", "the event's badge-signing key"),
    "report": Command("expo.cli.report", "printed reports (PDF) and XLSX"),
}
COMMAND_MODULES = tuple(dict.fromkeys(command.module for command in COMMANDS.values()))

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"error: {message}. See `python -m expo {self._hint()}--help`.", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)

    def _hint(self) -> str:
        parts = self.prog.split()[3:] if self.prog.startswith("python -m expo") else []
        return " ".join(parts) + (" " if parts else "")


_GLOBAL_OPTIONS_WITH_VALUE = frozenset({"--db", "--user"})


def requested_command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not a global option), if known."""
    words = iter(argv)
    for word in words:
        if word in _GLOBAL_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: the requested command's module registers its commands fully,
    every other command is a placeholder with its help line. ``None``: every module (slow)."""
    if argv is None:
        wanted = set(COMMAND_MODULES)
    else:
        name = requested_command(argv)
        wanted = {COMMANDS[name].module} if name else set()
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a --json given before the command from being reset by the subparser default.
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document"
    )
    parser = _Parser(
        prog="python -m expo",
        description="Expo Desk: on-site operations of the Factory Direct Sourcing Festival.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="event database: an SQLite file or an SQLAlchemy URL (default: $EXPO_DB, "
        "else the current event in the user's data folder)",
    )
    parser.add_argument("--json", action="store_true", default=False, help=argparse.SUPPRESS)
    parser.add_argument(
        "--user", metavar="NAME", help="act as this signed-in user (once the event has users)"
    )
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read --user's PIN from standard input"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name, command in COMMANDS.items():
        if name in subparsers.choices:
            continue  # registered with an earlier command of its module
        if command.module in wanted:
            importlib.import_module(command.module).register(subparsers, common)
        else:
            subparsers.add_parser(name, help=command.help, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    if getattr(parser.parse_known_args(arguments)[0], "handler", None) is None:
        # A placeholder was chosen (argv too unusual to spot the command in, such as "--d"
        # for "--db"): every command registered, as before lazy loading.
        parser = build_parser(None)
    args = parser.parse_args(arguments)
    ctx = CliContext(
        db_location=args.db,
        json_output=bool(args.json),
        user=args.user or os.environ.get("EXPO_USER") or None,
        pin_stdin=bool(args.pin_stdin),
    )
    try:
        output: Output = args.handler(args, ctx)
    except ExpoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (SQLAlchemyError, sqlite3.Error) as exc:
        # A storage failure no service put in words: still a message, never a traceback.
        print(f"error: {describe_database_failure(exc, ctx.location)}", file=sys.stderr)
        return EXIT_ERROR
    except Cancelled:
        print("cancelled: nothing was changed.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("interrupted: nothing was changed.", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        ctx.close()
    try:
        if ctx.json_output:
            json.dump(output.data, sys.stdout, ensure_ascii=False, default=str)
            sys.stdout.write("\n")
        elif output.text:
            print(output.text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head`): the work is done; stop writing quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return output.exit_code
