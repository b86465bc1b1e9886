"""Argument and output shapes that several command groups share, so they read and behave alike.

``command_group`` adds ``python -m expo GROUP ACTION``; ``factory_option``/``factory_positional``
name the acting factory the same way everywhere; ``listing`` and ``file_written`` build the
``Output`` of a list command and of a command that wrote a file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from expo.cli.context import Output


def command_group(
    subparsers: argparse._SubParsersAction,
    common: argparse.ArgumentParser,
    name: str,
    help: str,
    *,
    metavar: str = "COMMAND",
    **parser_options: Any,
) -> argparse._SubParsersAction:
    """Add the group ``name`` and return the subparsers its commands are added to (one of them
    is required)."""
    group = subparsers.add_parser(name, parents=[common], help=help, **parser_options)
    commands = group.add_subparsers(dest=f"{name}_command", metavar=metavar)
    commands.required = True
    return commands


def factory_option(parser: argparse.ArgumentParser) -> None:
    """``--factory F``: the factory the command acts as (and sees the rows of)."""
    parser.add_argument(
        "--factory", metavar="F", type=int, required=True, help="the acting factory's id"
    )


def factory_positional(parser: argparse.ArgumentParser) -> None:
    """``FACTORY``: the factory's id as the first argument."""
    parser.add_argument("factory", metavar="FACTORY", type=int, help="the factory's id")


class _JsonShaped(Protocol):
    def as_json(self) -> dict[str, object]: ...


Item = TypeVar("Item", bound=_JsonShaped)


def listing(items: Sequence[Item], line: Callable[[Item], str], noun: str) -> Output:
    """A list command's output: each item's JSON, or one text line each and a count."""
    lines = [line(item) for item in items]
    lines.append(f"{len(items)} {noun}")
    return Output([item.as_json() for item in items], "\n".join(lines))


def file_written(rows: int, file: object, text: str) -> Output:
    """A command that wrote ``rows`` rows to ``file``: ``{"rows": n, "file": path}``."""
    return Output({"rows": rows, "file": str(file)}, text)
