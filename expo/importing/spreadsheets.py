"""Reading a spreadsheet's cells with python-calamine in a child process.

calamine is fast but a native library: a file that claims a huge sheet makes it allocate the
whole range and abort (SIGABRT), which would take the desk or the organiser's window down with
it. The file is first checked (``expo.importing.sheet_guard``), then read in a child process
with a memory ceiling and a time limit; whatever the child does (abort, run out of memory, hang)
comes back as a ``SpreadsheetRefused`` with a message, and the calling process goes on.

The child is this module run as ``python -m expo.importing.spreadsheets PATH MODE``: it writes
the chosen sheet's name and rows to stdout as a pickle (read only by the parent that started
it).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from expo.importing.sheet_guard import SpreadsheetRefused, check_spreadsheet
from expo.text.clean import clip

READ_TIMEOUT_S = 300.0  # 200,000 rows take calamine about 10 s
MEMORY_LIMIT_BYTES = 4 * 1024 * 1024 * 1024  # address space of the child
Pick = Literal["first", "first_with_data"]
_EXIT_UNREADABLE = 3


@dataclass(frozen=True)
class SheetValues:
    """One sheet's cells from A1: row ``i`` of ``rows`` is Excel row ``i + 1``."""

    name: str
    rows: list[list[Any]]


def read_sheet(path: Path, pick: Pick = "first") -> SheetValues:
    """The first sheet (``first``) or the first sheet holding anything (``first_with_data``).

    Raises ``SpreadsheetRefused`` for a file too large to read safely, a damaged one, or one
    the reader could not finish; the message says what to do.
    """
    check_spreadsheet(path)
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["RUST_BACKTRACE"] = "0"
    command = [sys.executable, "-m", "expo.importing.spreadsheets", str(path), pick]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=READ_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SpreadsheetRefused(
            f"Reading {path.name} took longer than {READ_TIMEOUT_S / 60:g} minutes and was "
            "stopped. Open it in Excel or WPS, delete empty rows and columns after the list, "
            "save it as .xlsx and import again."
        ) from exc
    except OSError as exc:
        raise SpreadsheetRefused(
            f"The spreadsheet reader could not start ({exc.strerror}); close other programs "
            "and try again."
        ) from exc
    if done.returncode == 0:
        name, rows = pickle.loads(done.stdout)
        return SheetValues(name, rows)
    if done.returncode == _EXIT_UNREADABLE:
        raise SpreadsheetRefused(done.stdout.decode("utf-8", "replace"))
    how = (
        f"signal {signal.Signals(-done.returncode).name}"
        if done.returncode < 0 and -done.returncode in signal.valid_signals()
        else f"exit code {done.returncode}"
    )
    raise SpreadsheetRefused(
        f"The spreadsheet reader stopped on {path.name} ({how}): the file is damaged or claims "
        "more cells than memory holds. Open it in Excel or WPS, delete empty rows and columns "
        "after the list (Ctrl+End shows the last cell), save it as .xlsx and import again."
    )


def _read_in_child(path: str, pick: str) -> tuple[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    name = Path(path).name
    try:
        workbook = CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises its own types, and OSError, for broken files
        raise SpreadsheetRefused(
            f"{name} cannot be read as a spreadsheet ({clip(str(exc), 200)}). "
            "Open it in Excel or WPS and save it again as .xlsx."
        ) from exc
    if not workbook.sheet_names:
        raise SpreadsheetRefused(f"{name} holds no sheet.")
    first: tuple[str, list[list[Any]]] | None = None
    for sheet_name in workbook.sheet_names:
        try:
            # Without the empty area the first row would not be row 1.
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise SpreadsheetRefused(
                f"Sheet {clip(sheet_name)!r} of {name} cannot be read "
                f"({clip(str(exc), 200)}). Save the file again as .xlsx and retry."
            ) from exc
        if pick == "first":
            return sheet_name, rows
        if any(cell is not None and cell != "" for row in rows for cell in row):
            return sheet_name, rows
        first = first or (sheet_name, rows)
    assert first is not None
    return first


def _child_main(argv: list[str]) -> int:
    # Without rlimits (Windows) the time limit still holds.
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    path, pick = argv
    try:
        result = _read_in_child(path, pick)
    except SpreadsheetRefused as exc:
        sys.stdout.buffer.write(str(exc).encode("utf-8"))
        return _EXIT_UNREADABLE
    except MemoryError:
        sys.stdout.buffer.write(
            f"{Path(path).name} needs more memory than a list of visitors ever does; delete "
            "empty rows and columns after the list (Ctrl+End shows the last cell), save it "
            "and import again.".encode()
        )
        return _EXIT_UNREADABLE
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1:]))
