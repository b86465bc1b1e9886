"""Storage failures in words: what an error of the database driver means for the person at the
keyboard, and what to do about it.

SQLite says ``database is locked`` or ``attempt to write a readonly database``; psycopg says
``Connection refused``. ``storage_errors(url)`` turns those into ``StorageError``s (ExpoErrors)
that name the file or server and the remedy. The transaction they happened in was rolled back,
so the message can say that nothing was changed. Errors it does not recognise pass unchanged.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from expo.errors import ExpoError


class StorageError(ExpoError):
    """The event database could not be read or written; the message says why and what to do."""


class DatabaseBusy(StorageError):
    """Another station (or program) holds the event's write lock longer than we can wait."""


class DatabaseReadOnly(StorageError):
    """The event file (or its folder or disk) cannot be written."""


class DiskFull(StorageError):
    """The disk that holds the event database has no space left."""


class DatabaseDamaged(StorageError):
    """The event file is damaged (a corrupt page, a truncated file)."""


class DatabaseUnreachable(StorageError):
    """The database server cannot be reached, or the file cannot be opened at all."""


NOTHING_CHANGED = "Nothing was changed."
FULL_BELOW_BYTES = 1 << 20  # an I/O error with less than this free is a full disk


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return orig if isinstance(orig, sqlite3.Error) else None


def to_url(location: str) -> URL:
    if "://" in location:
        return make_url(location)
    return URL.create("sqlite+pysqlite", database=location)


def describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def server_address(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def explain(exc: BaseException, url: URL) -> StorageError | None:
    """The ``StorageError`` that ``exc`` (a DBAPI or SQLAlchemy error) stands for, if any."""
    error = _sqlite_error(exc)
    if error is not None:
        return _explain_sqlite(error, describe(url))
    if url.get_backend_name() == "postgresql" and isinstance(exc, DBAPIError):
        return _explain_postgres(exc, url)
    return None


def _disk_nearly_full(where: str, name: str) -> bool:
    """An I/O error on a disk with no room left is a full disk (SQLite cannot even create its
    write-ahead log there, and says only "disk I/O error")."""
    if not name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return False
    try:
        return shutil.disk_usage(Path(where).parent).free < FULL_BELOW_BYTES
    except OSError:
        return False


def _explain_sqlite(error: sqlite3.Error, where: str) -> StorageError | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return DatabaseBusy(
            "Another station is writing to the event database; try again in a moment. "
            f"If this persists, close other programs that have {where} open. {NOTHING_CHANGED}"
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return DatabaseReadOnly(
            f"The event file {where} is read-only (file permissions, an immutable flag, a "
            "read-only disk or a file opened read-only), so nothing can be saved. "
            "Make the file and its folder writable, or copy the event to a writable folder "
            f"and open the copy. {NOTHING_CHANGED}"
        )
    if name == "SQLITE_FULL" or "disk is full" in text or _disk_nearly_full(where, name):
        return DiskFull(
            f"The disk that holds {where} is full. Free space on that disk (delete or move "
            f"old files, empty the trash) and try again. {NOTHING_CHANGED}"
        )
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB" or "malformed" in text:
        return DatabaseDamaged(
            f"The event file {where} is damaged ({error}). Stop using it: restore the latest "
            "backup (the .before-upgrade- copies next to it, or your own), or ask support to "
            f"recover it. {NOTHING_CHANGED}"
        )
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return StorageError(
            f"The disk holding {where} failed to read or write ({error}). Check that the disk "
            f"or USB stick is still connected and has space, then try again. {NOTHING_CHANGED}"
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        return DatabaseUnreachable(
            f"Cannot open the event file {where}: check that its folder exists and is "
            f"writable. {NOTHING_CHANGED}"
        )
    return None


_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "connection failed",
    "could not translate host name",
    "name or service not known",
    "timeout expired",
    "server closed the connection",
    "connection is bad",
    "no route to host",
    "network is unreachable",
    "consuming input failed",
)


def _explain_postgres(exc: DBAPIError, url: URL) -> StorageError | None:
    text = str(exc.orig).lower()
    if any(marker in text for marker in _UNREACHABLE) or exc.connection_invalidated:
        return DatabaseUnreachable(
            f"Cannot reach the database server at {server_address(url)}. Check that the "
            "PostgreSQL server is running there and that this computer can reach it (network "
            f"cable, Wi-Fi, firewall), and that --db names the right server. {NOTHING_CHANGED}"
        )
    if "lock timeout" in text or "could not obtain lock" in text:
        return DatabaseBusy(
            f"Another station is writing to the event database; try again in a moment. "
            f"{NOTHING_CHANGED}"
        )
    if "no space left on device" in text or "disk full" in text:
        return DiskFull(
            f"The database server at {server_address(url)} has run out of disk space; ask "
            f"whoever runs it to free space, then try again. {NOTHING_CHANGED}"
        )
    return None


@contextmanager
def storage_errors(url: URL) -> Iterator[None]:
    """Raise driver errors that stand for a storage failure as ``StorageError``s."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        problem = explain(exc, url)
        if problem is None:
            raise
        raise problem from exc


def describe_database_failure(exc: BaseException, location: str) -> str:
    """Words for any database error, for the last line of defence (the CLI, the GUI)."""
    url = to_url(location)
    problem = explain(exc, url)
    if problem is not None:
        return str(problem)
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]
    return (
        f"The event database {describe(url)} refused the operation ({first}). Nothing was "
        "changed. Try again; if it happens again, note this message for support."
    )
