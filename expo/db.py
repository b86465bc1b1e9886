"""Opening an event database: SQLite files (WAL, foreign keys) or PostgreSQL URLs.

``open_event`` is the one way in. It refuses files that are not event databases and databases
written by a newer Expo Desk (leaving them untouched), backs up and upgrades older ones, and
returns an ``EventDatabase`` that hands out sessions.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from expo.actors import Actor
from expo.errors import ExpoError
from expo.unit_of_work import ALLOW_WRITES, UnitOfWork, install_write_guard

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
    config = Config()
    config.set_main_option("script_location", str(files("expo") / "migrations"))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "expo/migrations has no revisions"
    return head


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable across application crashes in WAL mode and much faster than FULL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _set_sqlite_pragmas)
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
    """An open event: its location, engine and session factory."""

    url: URL
    engine: Engine
    session_factory: sessionmaker[Session]

    @property
    def location(self) -> str:
        if self.url.get_backend_name() == "sqlite":
            return str(self.url.database)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self, actor: Actor) -> Iterator[UnitOfWork]:
        """The one write path: a transaction acting as ``actor``, committed when the block ends
        (with the events its services recorded), rolled back on any error.

        After the block, ``uow.changes`` says what was written, for the GUI to refresh.
        """
        with UnitOfWork(bind=self.engine, actor=actor) as uow, uow.begin():
            yield uow

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """Legacy: a transaction with no actor. Being replaced by ``write(actor)``."""
        with self.session_factory() as session, _writes_allowed(session.connection()):
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def session(self) -> Session:
        """A session for reads that need no actor (the event's name, a schema check)."""
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
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

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
        raise NotAnEventDatabase(
            f"{path} cannot be read as an event database ({exc}). Choose another file."
        ) from exc
    finally:
        connection.close()


def _current_revision(engine: Engine) -> tuple[str | None, set[str]]:
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
        if path is not None and path.exists() and path.stat().st_size > 0:
            revision, tables = _sqlite_revision(path)
        else:
            revision, tables = _current_revision(engine)
        script = ScriptDirectory.from_config(alembic_config())
        known = {rev.revision for rev in script.walk_revisions()}
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
        elif revision not in known:
            raise NewerDatabaseVersion(
                f"{_describe(url)} was written by a newer Expo Desk (schema {revision}). "
                "Update Expo Desk to open it; the file was left untouched."
            )
        elif revision != script.get_current_head():
            if path is not None:
                _backup_sqlite(path, revision)
            upgrade(engine)
        _move_badge_key_out(engine)
    except Exception:
        engine.dispose()
        raise
    return EventDatabase(url=url, engine=engine, session_factory=sessionmaker(engine))


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
    engine = make_engine(url)
    try:
        config = alembic_config()
        with engine.begin() as connection, _writes_allowed(connection):
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
