"""``python -m expo [--db PATH_OR_URL] COMMAND ... [--json]``.

Each command group lives in its own module with a ``register(subparsers, common)`` function that
adds its parsers (with ``parents=[common]``) and sets ``handler``: a function
``handler(args, ctx: CliContext) -> Output``. With ``--json`` the command prints exactly one JSON
document on stdout; errors go to stderr with a non-zero exit and a message that says what to do.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

from expo.cli.context import CliContext, Output
from expo.errors import ExpoError
from expo.progress import Cancelled

# One module per command group; each adds its commands.
COMMAND_MODULES = (
    "expo.cli.event",
    "expo.cli.demo",
    "expo.cli.badges",
    "expo.cli.visitors",
    "expo.cli.booths",
    "expo.cli.factories",
    "expo.cli.catalogue",
    "expo.cli.inquiries",
    "expo.cli.audit",
    "expo.cli.users",
    "expo.cli.keys",
    "expo.cli.report",
)

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


def build_parser() -> argparse.ArgumentParser:
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
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
