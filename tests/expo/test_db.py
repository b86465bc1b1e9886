"""Opening event databases: creation, refusal of foreign or newer files, upgrades, PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from expo.db import (
    EventDatabaseMissing,
    NewerDatabaseVersion,
    NotAnEventDatabase,
    head_revision,
    open_event,
)
from expo.models import Base, Event
from expo.services.events import create_event
from tests.actors import OFFICE


def test_new_file_gets_the_schema_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = open_event(tmp_path / "fair.sqlite", create=True)
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        revision = MigrationContext.configure(connection).get_current_revision()
    assert revision == head_revision()
    db.dispose()


def test_migrations_at_head_match_the_models(empty_db) -> None:
    with empty_db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_missing_file_is_not_created_without_asking(tmp_path: Path) -> None:
    with pytest.raises(EventDatabaseMissing, match="init"):
        open_event(tmp_path / "nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"visitor list, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(NotAnEventDatabase, match="not an Expo Desk event database"):
        open_event(path, create=True)
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(NotAnEventDatabase, match="left untouched"):
        open_event(path, create=True)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_event(path, create=True).dispose()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseVersion, match="newer Expo Desk"):
        open_event(path)
    assert path.read_bytes() == before


def test_an_older_database_is_backed_up_and_upgraded(tmp_path: Path, monkeypatch) -> None:
    from expo import db as db_module

    path = tmp_path / "old.sqlite"
    db = open_event(path, create=True)
    with db.write(OFFICE) as session:
        create_event(session, "旧展会")
    db.dispose()
    # Pretend the file was written before the newest migration: it must be backed up, then
    # upgraded through the migration scripts.
    upgraded: list[str] = []
    real_upgrade = db_module.upgrade

    def recording_upgrade(engine, revision="head"):
        upgraded.append(revision)
        real_upgrade(engine, revision)

    monkeypatch.setattr(db_module, "upgrade", recording_upgrade)
    known = db_module.migration_graph().known
    monkeypatch.setattr(
        db_module,
        "migration_graph",
        lambda: db_module.MigrationGraph(known=known, head="a-newer-head-for-the-test"),
    )
    with sqlite3.connect(path) as connection:
        current = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    db = open_event(path)
    db.dispose()
    backups = list(tmp_path.glob(f"old.before-upgrade-{current}-*.sqlite"))
    assert len(backups) == 1
    assert upgraded == ["head"]
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("SELECT name FROM event").fetchone()[0] == "旧展会"


@pytest.mark.postgres
def test_the_same_migrations_run_on_postgresql(pg_url: str) -> None:
    db = open_event(pg_url, create=True)
    with db.write(OFFICE) as session:
        create_event(session, "1688 工厂直采节")
    with db.session() as session:
        assert session.scalar(select(Event.name)) == "1688 工厂直采节"
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    db.dispose()


def test_checkpoint_after_a_bulk_write_empties_the_write_ahead_log(tmp_path: Path) -> None:
    from expo.demo import DemoOptions, build_demo

    path = tmp_path / "bulk.sqlite"
    db = open_event(path, create=True)
    with db.engine.connect() as connection:  # a reader holding the WAL open, as the app does
        connection.exec_driver_sql("SELECT 1")
        build_demo(db, DemoOptions(visitors=2000, factories=20))
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    db.dispose()
