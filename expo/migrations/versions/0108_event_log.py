"""the append-only event log (audit trail and sync outbox)

Revision ID: 0108
Revises: 0107
Create Date: 2026-12-02 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0108"
down_revision = "0107"
branch_labels = None
depends_on = None

_REFUSE = "the event log is append-only: events are never changed or deleted"


def upgrade() -> None:
    op.create_table(
        "event_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_log")),
        sa.UniqueConstraint("uuid", name=op.f("uq_event_log_uuid")),
    )
    op.create_index(op.f("ix_event_log_kind"), "event_log", ["kind"])
    op.create_index(op.f("ix_event_log_at"), "event_log", ["at"])
    op.create_index(op.f("ix_event_log_station"), "event_log", ["station"])
    op.create_table(
        "event_subject",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event_log.id"],
            name=op.f("fk_event_subject_event_id_event_log"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "subject", name=op.f("pk_event_subject")),
    )
    op.create_index("ix_event_subject_subject", "event_subject", ["subject", "event_id"])

    # Append-only, enforced by the database itself: no code path can rewrite history.
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER event_log_no_{action.lower()} BEFORE {action} ON event_log "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION expo_event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log "
            "FOR EACH ROW EXECUTE FUNCTION expo_event_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS event_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS event_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS event_log_append_only ON event_log")
        op.execute("DROP FUNCTION IF EXISTS expo_event_log_append_only()")
    op.drop_index("ix_event_subject_subject", table_name="event_subject")
    op.drop_table("event_subject")
    op.drop_index(op.f("ix_event_log_station"), table_name="event_log")
    op.drop_index(op.f("ix_event_log_at"), table_name="event_log")
    op.drop_index(op.f("ix_event_log_kind"), table_name="event_log")
    op.drop_table("event_log")
