"""Alembic environment: runs on the connection that ``expo.db`` hands over (or a URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from expo.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Set sqlalchemy.url or pass a connection in config.attributes.")
    engine = create_engine(url)
    with engine.connect() as connection:
        _configure(connection)


if context.is_offline_mode():
    raise SystemExit("Expo Desk migrations run online only (python -m expo opens and upgrades).")
run_migrations_online()
