"""Shared fixtures: event databases built from the migrations, a small demo fair, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One badge-key store for the whole run (keys are per event uuid): the demo template built once
# per session and the copies each test makes of it share their event's key, as stations that
# imported the organiser's key would. Tests of a station without the key point it elsewhere.
os.environ["EXPO_KEY_DIR"] = tempfile.mkdtemp(prefix="expo-test-keys-")

from expo.db import EventDatabase, open_event  # noqa: E402
from expo.services.events import create_event  # noqa: E402
from tests.actors import OFFICE

ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never read or write the developer's real data folder or current event."""
    monkeypatch.setenv("EXPO_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("EXPO_DB", raising=False)


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots and rendered pages for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the schema built by the migrations, once per test session.

    Running the migrations took most of each test's set-up; a copy of the file is the same
    database (tests/expo/test_db.py still builds and upgrades through the migrations).
    """
    path = tmp_path_factory.mktemp("migrated") / "event.sqlite"
    db = open_event(path, create=True)
    db.checkpoint()  # everything in the main file: a copy of it alone is the whole database
    db.dispose()
    return path


@pytest.fixture
def empty_db(_migrated_template: Path, tmp_path: Path) -> Iterator[EventDatabase]:
    """A fresh SQLite event database built by the migrations, with an event and no data.

    The event is created per test, so each has its own badge key and creation time.
    """
    path = tmp_path / "event.sqlite"
    shutil.copyfile(_migrated_template, path)
    db = open_event(path)
    with db.write(OFFICE) as session:
        create_event(session, "测试展会", name_en="Test fair")
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from expo.demo import DemoOptions, build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_event(path, create=True)
    build_demo(db, DemoOptions(visitors=3000, factories=120, seed=7))
    db.dispose()
    return path


@pytest.fixture
def demo_db(_demo_template: Path, tmp_path: Path) -> Iterator[EventDatabase]:
    """A copy of a small demo fair (3,000 visitors, 120 factories, seed 7) for one test."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(_demo_template, path)
    db = open_event(path)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway PostgreSQL server; yields a URL prefix ``postgresql+psycopg://...:port/``."""
    from tests.pg import PostgresServer, find_pg_bin

    bindir = find_pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; CI must install it (python3 dev.py test).")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Not under pytest's tmp folder: that one is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="expo-test-pg-"))
    server = PostgresServer(bindir, folder)
    server.start()
    try:
        yield server.url_prefix
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    from tests.pg import create_database

    return create_database(postgres_server, request.node.name)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[EventDatabase]:
    """A fresh PostgreSQL event database built by the migrations, with an event and no data."""
    db = open_event(pg_url, create=True)
    try:
        with db.write(OFFICE) as session:
            create_event(session, "1688 工厂直采节")
        yield db
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def _report_fair_template(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN202
    from tests.report_fair import build_report_fair

    path = tmp_path_factory.mktemp("report-fair") / "fair.sqlite"
    db = open_event(path, create=True)
    with db.write(OFFICE) as session:
        create_event(session, "测试展会", name_en="Test fair")
    fair = build_report_fair(db)
    db.dispose()
    return path, fair


@pytest.fixture
def report_db(_report_fair_template, tmp_path: Path) -> Iterator[EventDatabase]:
    """A copy of the hand-made day of tests/report_fair.py (its ``ReportFair`` is
    ``report_fair``)."""
    path = tmp_path / "report-fair.sqlite"
    shutil.copyfile(_report_fair_template[0], path)
    db = open_event(path)
    yield db
    db.dispose()


@pytest.fixture
def report_fair(_report_fair_template):  # noqa: ANN201
    return _report_fair_template[1]
