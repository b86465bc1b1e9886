"""Opening an event database: SQLite files (WAL, foreign keys) or PostgreSQL URLs.

``open_event`` is the one way in. It refuses files that are not event databases and databases
written by a newer Expo Desk (leaving them untouched), backs up and upgrades older ones, and
returns an ``EventDatabase`` that hands out sessions.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from expo.actors import Actor
from expo.errors import ExpoError
from expo.storage_errors import DatabaseDamaged, explain, storage_errors
from expo.unit_of_work import ALLOW_WRITES, UnitOfWork, install_write_guard

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only where a schema is created, upgraded or read from a server: opening
# an up-to-date SQLite event (every `python -m expo stats` or `checkin`) must not pay ~0.3 s for it.

APP_NAME = "ExpoDesk"
# What ``EventDatabase.read`` yields: the name ui/ uses for it (ui/ imports no SQLAlchemy).
ReadSession = Session
SQLITE_HEADER = b"SQLite format 3\x00"


class NotAnEventDatabase(ExpoError):
    """The file or database exists but is not an Expo Desk event."""


class NewerDatabaseVersion(ExpoError):
    """The database was written by a newer Expo Desk."""


class EventDatabaseMissing(ExpoError):
    """No event database where one was expected."""


class UpgradeFailed(ExpoError):
    """Upgrading an older event's schema failed; the event was left as it was."""


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def data_dir() -> Path:
    """The user's Expo Desk data folder (events in ``events/``); ``EXPO_DATA_DIR`` overrides."""
    override = os.environ.get("EXPO_DATA_DIR")
    path = (
        Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    return path


def events_dir() -> Path:
    return data_dir() / "events"


def default_event_path() -> Path:
    """The current event: the one last opened or created, else ``demo.sqlite``."""
    pointer = data_dir() / "current-event"
    if pointer.exists():
        text = pointer.read_text(encoding="utf-8").strip()
        if text:
            return Path(text)
    return events_dir() / "demo.sqlite"


def remember_current_event(location: str | Path) -> None:
    """Make ``location`` the event that commands and the app open by default."""
    if is_url(str(location)):
        return
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "current-event").write_text(str(Path(location).resolve()), encoding="utf-8")


def is_url(location: str) -> bool:
    return "://" in location


def to_url(location: str | Path) -> URL:
    """A file path becomes an SQLite URL; anything with ``://`` is taken as an SQLAlchemy URL."""
    text = str(location)
    if is_url(text):
        return make_url(text)
    return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("expo") / "migrations"))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "expo/migrations has no revisions"
    return head


@dataclass(frozen=True)
class MigrationGraph:
    """The revisions Expo Desk knows and the newest one, read without importing Alembic."""

    known: frozenset[str]
    head: str


def migration_graph() -> MigrationGraph:
    """Read ``revision`` and ``down_revision`` from each migration file (as Alembic does, but
    without its ~0.3 s import); the head is the one revision no other revises."""
    revises: dict[str, tuple[str | None, ...]] = {}
    for path in (files("expo") / "migrations" / "versions").iterdir():
        if not path.name.endswith(".py") or path.name.startswith("_"):
            continue
        values: dict[str, Any] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            # ``revision = "0107"`` or, as newer templates write it, ``revision: str = "0107"``
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}:
                values[target.id] = ast.literal_eval(value)
        if "revision" not in values:
            continue
        down = values.get("down_revision")
        revises[values["revision"]] = tuple(down) if isinstance(down, list | tuple) else (down,)
    revised = {parent for parents in revises.values() for parent in parents if parent}
    heads = set(revises) - revised
    if len(heads) != 1:
        raise RuntimeError(f"expo/migrations must have exactly one head, found {sorted(heads)}")
    return MigrationGraph(known=frozenset(revises), head=heads.pop())


# Execution options of a write transaction (see ``EventDatabase.begin``).
WRITE_LOCK = "expo_write_lock"  # SQLite: BEGIN IMMEDIATE, the write lock before the first read
BUSY_WAIT_MS = "expo_busy_wait_ms"  # SQLite: how long to wait for another station's write lock
DEFAULT_BUSY_WAIT_MS = 5000
# A desk's scan waits this long for the write lock, then says "another station is writing":
# during a long import on another station the queue gets an answer within a second.
SCAN_BUSY_WAIT_MS = 600
_BUSY_SET = "expo_busy_wait_set"  # connection info: the busy_timeout now in force


def _set_sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # pysqlite's own transaction handling would BEGIN only before the first INSERT/UPDATE, so
    # the reads a write decides on ran outside the transaction. Off: ``_begin_sqlite`` emits
    # BEGIN (reads) or BEGIN IMMEDIATE (writes) itself (SQLAlchemy's pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable across application crashes in WAL mode and much faster than FULL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={DEFAULT_BUSY_WAIT_MS}")
    cursor.close()
    record.info[_BUSY_SET] = DEFAULT_BUSY_WAIT_MS


def _begin_sqlite(connection: Connection) -> None:
    options = connection.get_execution_options()
    wait_ms = int(options.get(BUSY_WAIT_MS, DEFAULT_BUSY_WAIT_MS))
    if connection.info.get(_BUSY_SET) != wait_ms:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        connection.info[_BUSY_SET] = wait_ms
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_LOCK) else "BEGIN")


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    install_write_guard(engine)
    return engine


@contextmanager
def _writes_allowed(connection: Any) -> Iterator[Any]:
    """Maintenance that is not a domain action (schema migrations, dropping an event)."""
    info = connection.info  # the pooled connection's dict: still there after a commit closes it
    info[ALLOW_WRITES] = True
    try:
        yield connection
    finally:
        info.pop(ALLOW_WRITES, None)


@dataclass
class EventDatabase:
    """An open event: its location, engine and session factories (reads and writes)."""

    url: URL
    engine: Engine
    session_factory: sessionmaker[Session]
    write_engine: Engine = field(init=False, repr=False)
    scan_engine: Engine = field(init=False, repr=False)
    write_factory: sessionmaker[Session] = field(init=False, repr=False)
    scan_factory: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Writes take the lock before their first read, so what they decide on stays true
        # until they commit; a desk's scan waits for it only briefly (see SCAN_BUSY_WAIT_MS).
        # Both share the engine's pool and events.
        self.write_engine = self.engine.execution_options(**{WRITE_LOCK: True})
        self.scan_engine = self.engine.execution_options(
            **{WRITE_LOCK: True, BUSY_WAIT_MS: SCAN_BUSY_WAIT_MS}
        )
        self.write_factory = sessionmaker(self.write_engine)
        self.scan_factory = sessionmaker(self.scan_engine)

    @property
    def location(self) -> str:
        if self.url.get_backend_name() == "sqlite":
            return str(self.url.database)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self, actor: Actor, *, scan: bool = False) -> Iterator[UnitOfWork]:
        """The one write path: a transaction acting as ``actor``, committed when the block ends
        (with the events its services recorded), rolled back on any error.

        SQLite takes the write lock first (BEGIN IMMEDIATE), so what the transaction reads and
        decides on stays true until it commits. Another station holding the lock makes this
        wait up to 5 s (``scan``, a desk's scan: 0.6 s) and then raise ``DatabaseBusy``;
        storage failures (read-only file, full disk, damaged file, server gone) raise a
        ``StorageError`` that says what happened and what to do.

        After the block, ``uow.changes`` says what was written, for the GUI to refresh.
        """
        bind = self.scan_engine if scan else self.write_engine
        with storage_errors(self.url), UnitOfWork(bind=bind, actor=actor) as uow, uow.begin():
            yield uow

    @contextmanager
    def dry_run(self, actor: Actor) -> Iterator[UnitOfWork]:
        """A unit of work that is always rolled back: for a preview or a dry run that runs the
        real write services and reports what they would change, leaving no row and no event."""
        with UnitOfWork(bind=self.engine, actor=actor) as uow:
            uow.begin()
            try:
                yield uow
            finally:
                uow.rollback()

    def write_session(self) -> Session:
        """A session whose transaction writes (SQLite: BEGIN IMMEDIATE); the caller commits."""
        return self.write_factory()

    def session(self) -> Session:
        """A session for reads that need no actor (the event's name, a schema check); a
        deferred transaction: it does not hold the write lock."""
        return self.session_factory()

    @contextmanager
    def read(self, actor: Actor) -> Iterator[Session]:
        """A session for reads by ``actor``: services that read personal data check its role."""
        from expo.permissions import bind_reader

        with self.session_factory() as session:
            yield bind_reader(session, actor)

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log back into the file after a bulk write.

        A WAL grown by an import of 100,000 rows makes every later read (each scan at the
        desk) walk it; checkpointing once afterwards keeps scans fast. PostgreSQL: nothing to do.
        """
        if self.url.get_backend_name() != "sqlite":
            return
        # Outside any transaction: a checkpoint cannot run inside one.
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise NotAnEventDatabase(f"{path} is a folder, not an event database file.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotAnEventDatabase(
            f"{path} is not an Expo Desk event database (it is not an SQLite file). "
            "Choose an event file (.sqlite) or create a new event with `python -m expo init`."
        )


def _sqlite_revision(path: Path) -> tuple[str | None, set[str]]:
    """Read the schema revision without writing a byte (no WAL switch, no journal)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, tables
    except sqlite3.DatabaseError as exc:
        problem = explain(exc, to_url(path))
        if problem is not None:
            raise problem from exc
        raise NotAnEventDatabase(
            f"{path} cannot be read as an event database ({exc}). Choose another file."
        ) from exc
    finally:
        connection.close()


def _quick_check(path: Path) -> None:
    """SQLite's own check of every page's structure (not of indexes against tables): a
    damaged event is refused at open instead of reading on past a corrupt page. It reads the
    whole file once: 0.26 s of CPU for an event of 100,000 visitors (62 MB), measured.
    ``quick_check(5)`` only stops the list of problems at five."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    finally:
        connection.close()
    if problems != ["ok"]:
        raise DatabaseDamaged(
            f"The event file {path} is damaged ({problems[0][:200]}). Stop using it: restore "
            "the latest backup (the .before-upgrade- copies next to it, or your own), or ask "
            "support to recover it. Nothing was changed."
        )


def _current_revision(engine: Engine) -> tuple[str | None, set[str]]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        revision = MigrationContext.configure(connection).get_current_revision()
    return revision, tables


def _backup_sqlite(path: Path, revision: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.before-upgrade-{revision}-{stamp}{path.suffix}")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(backup)
        with target:
            source.backup(target)
        target.close()
    finally:
        source.close()
    return backup


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection, _writes_allowed(connection):
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def open_event(location: str | Path, *, create: bool = False) -> EventDatabase:
    """Open the event at ``location`` (a file path or a database URL), upgrading it if older.

    With ``create`` a missing SQLite file (or an empty database) gets the schema; without it, a
    missing file is an error. Raises ``NotAnEventDatabase`` or ``NewerDatabaseVersion`` without
    touching the database.
    """
    url = to_url(location)
    sqlite = url.get_backend_name() == "sqlite"
    path = Path(url.database) if sqlite and url.database else None
    if path is not None:
        if path.exists() and (path.is_dir() or path.stat().st_size > 0):
            _check_sqlite_file(path)
        elif not create:
            raise EventDatabaseMissing(
                f"No event database at {path}. Create one with `python -m expo --db {path} init` "
                "or a demo with `python -m expo --db {path} demo`."
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)

    engine = make_engine(url)
    try:
        with storage_errors(url):
            _open_checked(engine, url, path, create)
            _move_badge_key_out(engine)
    except Exception:
        engine.dispose()
        raise
    return EventDatabase(url=url, engine=engine, session_factory=sessionmaker(engine))


def _open_checked(engine: Engine, url: URL, path: Path | None, create: bool) -> None:
    """Check what ``open_event`` opens: an event, not damaged, at a schema this code knows;
    create or upgrade it."""
    if path is not None and path.exists() and path.stat().st_size > 0:
        revision, tables = _sqlite_revision(path)
        _quick_check(path)
    else:
        revision, tables = _current_revision(engine)
    graph = migration_graph()
    if revision is None:
        if tables - {"alembic_version"}:
            raise NotAnEventDatabase(
                f"{_describe(url)} holds tables but is not an Expo Desk event database; "
                "it was left untouched. Choose another file or an empty database."
            )
        if not create:
            raise EventDatabaseMissing(
                f"{_describe(url)} is empty. Create an event in it with `python -m expo init`."
            )
        upgrade(engine)
    elif revision not in graph.known:
        raise NewerDatabaseVersion(
            f"{_describe(url)} was written by a newer Expo Desk (schema {revision}). "
            "Update Expo Desk to open it; the file was left untouched."
        )
    elif revision != graph.head:
        from alembic.util import CommandError as AlembicError

        backup = _backup_sqlite(path, revision) if path is not None else None
        try:
            upgrade(engine)
        except (SQLAlchemyError, AlembicError) as exc:
            storage_problem = explain(exc, url)
            if storage_problem is not None:  # a read-only file, a full disk: say that instead
                raise storage_problem from exc
            kept = f" A copy from before the attempt is at {backup}." if backup else ""
            raise UpgradeFailed(
                f"{_describe(url)} says it is at schema {revision}, but upgrading it from "
                f"there failed ({_first_line(exc)}): its schema record (the alembic_version "
                f"table) does not match its tables. The event was left as it was.{kept} "
                "Open it with the Expo Desk version that wrote it, or ask support to repair "
                "the schema record."
            ) from exc


def _move_badge_key_out(engine: Engine) -> None:
    """An event written before the key store keeps its badge key in the file: move it out."""
    from sqlalchemy import text

    from expo.keys import store_key

    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT uuid, name, badge_secret FROM event WHERE badge_secret != '' LIMIT 1")
        ).first()
    if row is None:
        return
    event_uuid = row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(str(row[0]))
    store_key(event_uuid, row[2], row[1])
    with engine.begin() as connection, _writes_allowed(connection):
        connection.execute(text("UPDATE event SET badge_secret = ''"))


def _describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def drop_event(location: str | Path) -> None:
    """Remove an event database entirely: the SQLite file (with its WAL), or every table."""
    url = to_url(location)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        if path.exists():
            _check_sqlite_file(path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from alembic import command

    engine = make_engine(url)
    try:
        config = alembic_config()
        with engine.begin() as connection, _writes_allowed(connection):
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
